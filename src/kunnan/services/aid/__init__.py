"""Aid (``kunnan aid …``): cash grants and reversals, start-up loans, job placements, housing,
legal aid and counselling, and every action listed."""
