"""Pure rules of the union's work: no I/O, no database, no command line.

Everything here imports only the standard library and other domain modules.
"""
