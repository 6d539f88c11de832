"""The database: where the ledger is, how connections are set up, sessions and migrations.

SQLite specifics (pragmas, BEGIN IMMEDIATE, file modes) live here and nowhere else.
"""
