"""The trading domain, importable without any process running.

Indicators, strategies, AI scoring, risk, execution (brokers, ledger), the Kraken client
and emulator, ML and the vault live here. Nothing in this package imports ``procs``,
``web`` or ``ipc``: the backtester runs the very same objects as the live processes.
"""
