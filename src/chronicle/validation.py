"""Checks on names the user gives, done before anything touches the archive."""

from __future__ import annotations

import re

from .errors import BadBriefingId

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def check_briefing_id(briefing: str) -> str:
    """Return ``briefing`` if it is a safe slug (no paths, spaces, uppercase, ref syntax)."""
    if len(briefing) > 64 or not _SLUG.fullmatch(briefing):
        raise BadBriefingId(briefing)
    return briefing
