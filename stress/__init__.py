"""Chaos harness: kills processes and checks the invariants (see its issue)."""
