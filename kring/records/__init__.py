"""Records law: what Kring keeps, for how long, and what it clears (gallring) on time."""
