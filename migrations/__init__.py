"""kunnan's Alembic migrations; shipped inside the wheel as the ``kunnan.migrations`` package."""
