"""tonghop's pipeline: readers → extract → normalise → store → consolidate → export."""
