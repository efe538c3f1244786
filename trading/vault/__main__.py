"""``python -m trading.vault``: see :mod:`trading.vault.cli`."""
from trading.vault.cli import main

raise SystemExit(main())
