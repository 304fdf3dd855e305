"""Prevention: the trygg-bas inventory and class reviews, prevention programmes, and anonymous pupil surveys."""
