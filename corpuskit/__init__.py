"""corpuskit: data quality and deduplication for news corpora, Arabic first."""

__version__ = "0.1.0"
