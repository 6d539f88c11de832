"""Households: registering them and their members, finding them, contact attempts, a
household's timeline (``kunnan household …``)."""
