"""Prefect flows that only wire `pipeline` functions (read → extract → normalise → load)."""
