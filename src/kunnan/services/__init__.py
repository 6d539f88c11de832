"""Use cases of the ledger: functions ``(session, *, input) -> result``.

Services enforce the rules and write the audit log. They never commit and
never print: the command layer owns the transaction and the screen.
"""
