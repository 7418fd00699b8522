"""A problem found by `validate`, `verify` or `review`: a leaf type every check shares."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong, named so a person can find it."""

    where: str
    problem: str
    briefing: str | None = None
    sequence: int | None = None
    commit: str | None = None
    kind: str = "problem"  # a stable code for scripts, e.g. 'chain-broken', 'history-rewritten'

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        named = f" [briefing {self.briefing} r{self.sequence}]" if self.briefing else ""
        commit = f" (commit {self.commit[:12]})" if self.commit else ""
        return f"{self.where}{named}{commit}: {self.problem}"
