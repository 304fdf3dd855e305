"""Exports for research: a pseudonymised, disclosure-controlled data set for an approved study (Laholm works with a
university), defined by the coordinator, released only with every check passed, and audited with the study named."""
