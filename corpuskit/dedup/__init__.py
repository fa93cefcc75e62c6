"""Duplicate detection: exact, same-URL, near (MinHash LSH) and rewritten-headline copies.

Placeholder docstring; the full explanation of parameters follows with the measurements.
"""

from corpuskit.dedup.stage import dedup

__all__ = ["dedup"]
