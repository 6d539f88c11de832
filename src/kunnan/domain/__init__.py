"""Pure rules of the union's work: no I/O, no database, no command line.

Everything here imports only the standard library, other domain modules and ``kunnan.i18n``
(every message is worded in the language of the command).
"""
