"""Aggregation: answers in, national (and per-group) results out. Pure: no database, no Flask."""
