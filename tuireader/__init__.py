"""tuireader: a keyboard-driven terminal reader for news and analysis articles."""

__version__ = "0.1.0"
