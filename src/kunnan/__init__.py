"""kunnan: a command-line ledger for a trade union's hardship-assistance work."""

__version__ = "0.1.0"
