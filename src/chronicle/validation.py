"""Checks on names the user gives, done before anything touches the archive."""

from __future__ import annotations

import re

from .errors import BadBriefingId

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# Names Windows reserves for devices: a folder so named cannot be checked out there.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
     *(f"lpt{n}" for n in range(10))]
)


def check_briefing_id(briefing: str) -> str:
    """Return ``briefing`` if it is a safe slug (no paths, spaces, uppercase, ref syntax,
    no name Windows reserves for a device)."""
    if len(briefing) > 64 or not _SLUG.fullmatch(briefing):
        raise BadBriefingId(briefing)
    if briefing in WINDOWS_RESERVED:
        raise BadBriefingId(briefing, "it is a device name on Windows (con, aux, nul, "
                            "lpt1 ...), so such an archive could not be checked out there")
    return briefing
