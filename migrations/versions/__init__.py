"""Migration scripts, one per schema revision, named by what they change."""
