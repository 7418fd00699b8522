"""chronicle: every revision of a briefing as an immutable event in a git archive."""

__version__ = "0.2.0"
