"""The schema revision this kunnan expects, readable without importing Alembic.

Ordinary commands compare it with ``alembic_version`` in one plain query; a
test keeps it equal to the head of the migration scripts.
"""

HEAD_REVISION = "0019"
