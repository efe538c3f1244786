"""Scanning: which pairs a scanner owns, and one scan of one pair's bars."""
