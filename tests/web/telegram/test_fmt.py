from __future__ import annotations

from decimal import Decimal

from web.telegram import fmt


def test_escape_everything() -> None:
    assert fmt.esc("<b>a & b</b>") == "&lt;b&gt;a &amp; b&lt;/b&gt;"


def test_table_aligns_and_escapes() -> None:
    out = fmt.table([["today", "+12.30", "3 trades"], ["total", "-1,234.00", "<x>"]])
    assert out == ("<pre>today    +12.30 3 trades\n"
                   "total -1,234.00 &lt;x&gt;</pre>")
    assert fmt.table([]) == ""


def test_numbers() -> None:
    assert fmt.price(50123.456) == "50,123.46" and fmt.price(2.5) == "2.5000"
    assert fmt.price(0.0812345) == "0.0812345" and fmt.price(None) == "-"
    assert fmt.price(float("nan")) == "-" and fmt.price("abc") == "-"  # type: ignore[arg-type]
    assert fmt.qty(Decimal("0.01000000")) == "0.01" and fmt.qty(3) == "3"
    assert fmt.qty(1e-9) == "0"
    assert fmt.money(12.3) == "+12.30" and fmt.money(-1234) == "-1,234.00"
    assert fmt.money(Decimal("-0.5")) == "-0.50"
    assert fmt.amount(10234.5) == "10,234.50"
    assert fmt.pct(0.0123) == "1.23%" and fmt.pct(-0.01, signed=True) == "-1.00%"
    assert fmt.pct(0.02, signed=True) == "+2.00%" and fmt.pct(None) == "-"


def test_durations() -> None:
    assert [fmt.duration(s) for s in (0, 59, 60, 3725, 90000)] == [
        "0s", "59s", "1m", "1h 2m", "1d 1h"]
    assert fmt.duration(None) == "-"


def test_clip() -> None:
    assert fmt.clip("abc", 5) == "abc"
    assert fmt.clip("abcdef", 4) == "abc…"
