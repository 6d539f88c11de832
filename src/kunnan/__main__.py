"""Run kunnan as ``python -m kunnan``."""

from kunnan.cli import main

main()
