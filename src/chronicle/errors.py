"""The errors chronicle raises; each builds its own one-line message.

The CLI prints ``str(error)`` on stderr and exits with ``error.exit_code``.
Anything that is not a ``ChronicleError`` is a bug, not a user error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class ChronicleError(Exception):
    """Root of every error chronicle raises on purpose.

    Messages speak of the library's terms; ``hint`` names a way out in those terms
    ('max_bytes', 'overwrite') that the CLI turns into its own words ('--max-bytes').
    """

    exit_code = 1
    hint: str | None = None

    def hinted(self, hint: str) -> ChronicleError:
        """This error with ``hint`` set (``raise InputError(...).hinted("max_bytes")``)."""
        self.hint = hint
        return self

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # picklable whatever the subclass's __init__ takes (errors cross process pools)
        return (_restore, (type(self), self.message, dict(self.__dict__)))


class InputError(ChronicleError):
    """An input file (or stdin) cannot be read as a briefing."""

    exit_code = 3

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class SchemaViolation(ChronicleError):
    """A document does not match its JSON Schema in schema/."""

    exit_code = 3

    def __init__(self, source: str, schema: str, problems: list[str],
                 complete: bool = True) -> None:
        self.source = source
        self.schema = schema
        self.problems = problems
        first = problems[0] if problems else "invalid"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        if not complete:  # hostile input can hold millions: counting stopped
            more = f" (and more than {len(problems) - 1} more)"
        super().__init__(f"{source}: does not match {schema}: {first}{more}")


class BadBriefingId(ChronicleError):
    """A briefing id that is not a safe slug."""

    exit_code = 3

    def __init__(self, briefing: str, why: str | None = None) -> None:
        self.briefing = briefing
        super().__init__(
            f"invalid briefing id {briefing!r}: "
            + (why or "use 1-64 lowercase letters, digits and single hyphens, starting "
               "with a letter or digit (e.g. nato-ukraine)")
        )


class ArchiveError(ChronicleError):
    """The archive cannot be used as asked."""

    exit_code = 4


class NotAnArchive(ArchiveError):
    def __init__(self, path: Path, why: str, inside: Path | None = None) -> None:
        self.path = path
        self.why = why
        self.inside = inside
        if inside is not None:  # advising init here would nest an archive in an archive
            advice = f"it is inside the archive {inside}, used when no archive is named"
        else:
            advice = "run 'chronicle init' first"
        super().__init__(f"{path}: not a chronicle archive ({why}); {advice}")


class UnknownBriefing(ArchiveError):
    def __init__(self, briefing: str, archive: Path, known: Sequence[str] = ()) -> None:
        self.briefing = briefing
        self.suggestion = closest_name(briefing, known)
        hint = f"did you mean {self.suggestion}?" if self.suggestion else "see 'chronicle list'"
        super().__init__(f"{archive}: no briefing named {briefing!r} ({hint})")


def closest_name(name: str, known: Sequence[str]) -> str | None:
    """The known name a misspelt one most likely meant (edit distance), or None."""
    if not known:
        return None
    from rapidfuzz import distance, process

    # normalised Damerau-Levenshtein similarity (a swap of two letters is one edit):
    # 0.75 allows about one typo in four letters
    similarity = distance.DamerauLevenshtein.normalized_similarity
    found = process.extractOne(name, known, scorer=similarity, score_cutoff=0.75)
    return str(found[0]) if found else None


class UnknownRevision(ArchiveError):
    def __init__(self, briefing: str, revision: int, latest: int) -> None:
        super().__init__(
            f"briefing {briefing!r} has no revision {revision} (revisions 1..{latest})"
        )


class ConcurrentWrite(ArchiveError):
    """The briefing does not have the number of revisions the writer expected."""

    def __init__(self, briefing: str, expected: int, found: int) -> None:
        self.expected = expected
        self.found = found
        super().__init__(
            f"briefing {briefing!r} has {found} revision(s), not the {expected} expected; "
            "nothing was written"
        )


class CorruptArchive(ArchiveError):
    """An event read back from git is not what chronicle wrote (damaged or tampered)."""

    exit_code = 6


class OutputError(ChronicleError):
    """An output file or folder (``-o PATH``) cannot be written as asked."""

    exit_code = 7

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class FetchError(ChronicleError):
    """A URL could not be fetched: timeout, refused connection, HTTP error, too large."""

    exit_code = 5

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"{url}: {problem}")


class NewerSchema(ArchiveError):
    """A stored document written by a newer release, in a schema this one does not know."""

    def __init__(self, version: int, where: str | None = None) -> None:
        self.version = version
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(
            f"{prefix}written by a newer chronicle (schema v{version}); upgrade chronicle")


def _restore(cls: type[ChronicleError], message: str, state: dict[str, object]) -> ChronicleError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error
