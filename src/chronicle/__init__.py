"""chronicle: every revision of a briefing as an immutable event in a git archive."""

__version__ = "0.1.0"
