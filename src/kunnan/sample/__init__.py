"""Sample ledgers: deterministic, seeded, synthetic registers built through kunnan's services."""
