"""`chronicle review A..B`: what the commits of a git range added, in claims and figures.

For each commit in the range (oldest first): the event it added (found by its
``Chronicle-*`` trailers, else by the file it added under ``briefings/``), read at that
commit, and its diff against the previous revision of the same briefing read at the same
commit. Works on any checkout of an archive repository (a pull request's head, a detached
HEAD in CI), not only on its main branch. Problems a reviewer should see (an event file
changed or deleted, a broken hash chain, trailers that disagree with the event) are listed
per commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .derive import comparable_pair
from .diff_model import Diff
from .errors import ArchiveError, CorruptArchive
from .events import decode_event
from .gitobjects import git, read_objects
from .layout import MAX_EVENT_BYTES, ROOT, event_path, is_event_path, parse_event_path, sha256_hex
from .model import Event
from .safe_text import visible
from .views import change_counts, diff_revisions, first_summary, summary_line
from .worddiff import mostly_same, word_diff

_TRAILER = re.compile(r"^Chronicle-([A-Za-z0-9-]+):\s*(.*?)\s*$")
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256 repositories
GITHUB_COMMENT_LIMIT = 65_000


@dataclass
class ReviewedCommit:
    """One commit of the range and the revision it added (if it added one)."""

    commit: str
    date: str
    subject: str
    parents: int
    briefing: str | None = None
    sequence: int | None = None
    file: str | None = None
    event: Event | None = None
    diff: Diff | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.event is None:
            return "merge commit" if self.parents > 1 else "no chronicle event"
        if self.diff is None:
            return first_summary(self.event.revision)
        return summary_line(self.diff)

    def as_dict(self) -> dict[str, Any]:
        event = self.event
        return {
            "commit": self.commit, "date": self.date, "subject": self.subject,
            "briefing": self.briefing, "sequence": self.sequence, "file": self.file,
            "event_id": event.event_id if event else None,
            "observed_at": event.observed_at if event else None,
            "source": event.origin.name if event else None,
            "headline": event.revision.headline if event else None,
            "first": bool(event and self.diff is None),
            "summary": self.summary,
            "counts": change_counts(self.diff) if self.diff else {},
            "diff": self.diff.model_dump(mode="json", by_alias=True) if self.diff else None,
            "problems": self.problems,
        }


@dataclass
class Review:
    range: str
    commits: list[ReviewedCommit]

    @property
    def events(self) -> list[ReviewedCommit]:
        return [c for c in self.commits if c.event is not None]

    @property
    def problems(self) -> int:
        return sum(len(c.problems) for c in self.commits)

    def as_dict(self) -> dict[str, Any]:
        return {"range": self.range, "commits": [c.as_dict() for c in self.commits],
                "revisions": len(self.events), "problems": self.problems}


# ----- reading git -----------------------------------------------------------------------
def git_dir_of(path: Path) -> Path:
    """The git directory of the archive repository at ``path`` (any set-up)."""
    from .repository import open_repository

    return open_repository(path).git_dir


def range_spec(spec: str) -> str:
    """A range as given ('A..B', 'A...B', 'X^!'), or one commit 'X' as 'X^!'."""
    if not spec or spec.startswith("-") or any(c.isspace() for c in spec):
        raise ArchiveError(f"{spec!r} is not a commit range (try HEAD~2..HEAD)")
    if ".." in spec or spec.endswith(("^!", "^@")):
        return spec
    return f"{spec}^!"


def _log(git_dir: Path, spec: str) -> list[tuple[ReviewedCommit, str, list[tuple[str, str]]]]:
    """(commit, message, [(status, path)]) oldest first.

    Read without any separator a commit message could hold: the commit list from
    ``git rev-list``, each commit object through ``git cat-file --batch`` (length-prefixed),
    the changed files from ``git diff-tree -z`` (NUL-separated; git paths hold no NUL).
    """
    listed = git(git_dir, "rev-list", "--reverse", "--topo-order", range_spec(spec), "--")
    if listed.returncode != 0:
        reason = listed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ArchiveError(f"{spec!r} is not a commit range in {git_dir.parent}"
                           f" ({reason[0] if reason else 'git rev-list failed'})")
    shas = listed.stdout.decode("ascii", "replace").split()
    objects = read_objects(git_dir, shas, "commit")
    changes = _changed_files(git_dir, shas)
    out = []
    for sha in shas:
        raw = objects.get(sha)
        if raw is None:
            raise ArchiveError(f"{git_dir.parent}: commit {sha} cannot be read")
        parents, date, message = parse_commit(raw)
        commit = ReviewedCommit(sha, date, subject_of(message), parents)
        out.append((commit, message, changes.get(sha, [])))
    return out


def _changed_files(git_dir: Path, shas: list[str]) -> dict[str, list[tuple[str, str]]]:
    """commit -> [(status letter, path)] against its first parent (none for merges)."""
    if not shas:
        return {}
    result = git(git_dir, "diff-tree", "--stdin", "-z", "-r", "--root", "--no-renames",
                 "--name-status", stdin="".join(f"{sha}\n" for sha in shas).encode())
    tokens = result.stdout.decode("utf-8", "replace").split("\0")
    found: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    n = 0
    while n < len(tokens):
        token = tokens[n]
        if _SHA.fullmatch(token):  # a status is one letter: a 40-hex token is a commit id
            current = found.setdefault(token, [])
            n += 1
        elif token and n + 1 < len(tokens):
            current.append((token[:1], tokens[n + 1]))
            n += 2
        else:
            n += 1
    return found


def parse_commit(raw: bytes) -> tuple[int, str, str]:
    """(number of parents, author date in ISO 8601, message) of a raw commit object."""
    head, _, body = raw.partition(b"\n\n")
    parents, date = 0, ""
    for line in head.split(b"\n"):
        if line.startswith(b"parent "):
            parents += 1
        elif line.startswith(b"author "):
            date = _git_date(line)
    return parents, date, body.decode("utf-8", "replace")


def _git_date(line: bytes) -> str:
    """'author Name <mail> 1700000000 +0100' -> '2023-11-14T23:13:20+01:00' ('' if odd)."""
    from datetime import datetime, timedelta, timezone

    parts = line.rsplit(b" ", 2)
    try:
        seconds, offset = int(parts[1]), parts[2].decode("ascii")
        sign = -1 if offset.startswith("-") else 1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
        return datetime.fromtimestamp(seconds, zone).isoformat()
    except (IndexError, ValueError, OverflowError, OSError, UnicodeDecodeError):
        return ""


def subject_of(message: str) -> str:
    """The message's first paragraph on one line, as ``git log --format=%s`` gives it."""
    first = message.lstrip("\n").split("\n\n", 1)[0]
    # split("\n"), not splitlines(): that also splits on \x1c-\x1e, \x85 and U+2028
    return " ".join(line.strip() for line in first.split("\n") if line.strip())


def trailers(message: str) -> dict[str, str]:
    """The Chronicle-* trailers of a commit message (its last paragraph), by name."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    found: dict[str, str] = {}
    for line in (paragraphs[-1] if paragraphs else "").split("\n"):  # as git splits
        match = _TRAILER.match(line.strip())
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def read_blobs(git_dir: Path, specs: list[str]) -> dict[str, bytes | None]:
    """'<commit>:<path>' -> file bytes (None if missing), through one `git cat-file --batch`."""
    return read_objects(git_dir, specs, "blob", MAX_EVENT_BYTES)


# ----- review ----------------------------------------------------------------------------
def review(path: Path, spec: str) -> Review:
    from .repository import open_repository

    repository = open_repository(path)
    git_dir = repository.git_dir
    logged = _in_archive(repository, _log(git_dir, spec))
    wanted: list[str] = []
    for commit, message, files in logged:
        _locate(commit, trailers(message), files)
        if commit.file and commit.sequence:
            wanted.append(f"{commit.commit}:{commit.file}")
            if commit.briefing and commit.sequence > 1:
                wanted.append(f"{commit.commit}:{event_path(commit.briefing, commit.sequence - 1)}")
    full = {spec: spec.replace(":", ":" + repository.full_path(""), 1) if repository.embedded
            else spec for spec in wanted}
    read = read_blobs(git_dir, list(full.values()))
    blobs = {spec: read.get(full[spec]) for spec in wanted}
    for commit, message, _ in logged:
        if commit.file and commit.sequence:
            _examine(commit, trailers(message), blobs)
    return Review(spec, [c for c, _, _ in logged])


Logged = list[tuple["ReviewedCommit", str, list[tuple[str, str]]]]


def _in_archive(repository: Any, logged: Logged) -> Logged:
    """The commits that touch the archive, with paths relative to it (in an embedded archive,
    commits that change only other files of the repository are not the archive's)."""
    if not repository.embedded:
        return logged
    kept = []
    for commit, message, files in logged:
        ours = [(status, p) for status, p in ((s, repository.archive_path(f)) for s, f in files)
                if p is not None]
        if ours:
            kept.append((commit, message, ours))
    return kept


def _locate(commit: ReviewedCommit, found: dict[str, str], files: list[tuple[str, str]]) -> None:
    """Which event file the commit added, and what else it did under briefings/."""
    added = [p for s, p in files if s == "A" and is_event_path(p)]
    for status, file in files:
        if file.startswith(f"{ROOT}/") and status != "A":
            word = {"M": "modified", "D": "deleted"}.get(status, f"changed ({status})")
            commit.problems.append(f"{file}: event file {word}; events are immutable")
    if len(added) > 1:
        commit.problems.append(f"adds {len(added)} event files; chronicle adds one per commit")
    named = found.get("file") or (added[0] if added else None)
    if named is None:
        return
    if not is_event_path(named):
        commit.problems.append(f"Chronicle-File {named!r} is not an event file path")
        return
    commit.file = named
    commit.briefing, commit.sequence = parse_event_path(named)
    if found and named not in added:
        commit.problems.append(f"trailer names {named} but the commit does not add it")


def _examine(commit: ReviewedCommit, found: dict[str, str],
             blobs: dict[str, bytes | None]) -> None:
    assert commit.file and commit.briefing and commit.sequence
    raw = blobs.get(f"{commit.commit}:{commit.file}")
    if raw is None:
        commit.problems.append(f"{commit.file}: not in this commit")
        return
    try:
        event = decode_event(commit.file, raw).event
    except CorruptArchive as error:
        commit.problems.append(str(error))  # names the file and what is wrong
        return
    commit.event = event
    if event.briefing != commit.briefing or event.sequence != commit.sequence:
        commit.problems.append(f"{commit.file}: holds {event.briefing} r{event.sequence}")
    for name, value in (("event", event.event_id), ("content-sha256", event.content_sha256),
                        ("sequence", str(event.sequence)), ("briefing", event.briefing)):
        if name in found and found[name] != value:
            commit.problems.append(f"trailer Chronicle-{name.title()} says {found[name]!r}, "
                                   f"the event says {value!r}")
    if commit.sequence == 1:
        if event.previous_sha256 is not None:
            commit.problems.append(f"{commit.file}: first revision with a previous_sha256")
        return
    previous_file = event_path(commit.briefing, commit.sequence - 1)
    previous_raw = blobs.get(f"{commit.commit}:{previous_file}")
    if previous_raw is None:
        commit.problems.append(f"{previous_file}: previous revision missing at this commit")
        return
    if sha256_hex(previous_raw) != event.previous_sha256:
        commit.problems.append(f"{commit.file}: hash chain broken (previous_sha256 is not the "
                               f"sha256 of {previous_file})")
    try:
        previous = decode_event(previous_file, previous_raw).event
    except CorruptArchive as error:
        commit.problems.append(str(error))
        return
    before, after = comparable_pair((previous.revision, previous.extractor),
                                    (event.revision, event.extractor))
    commit.diff = diff_revisions(commit.briefing, before, after,
                                 (previous.sequence, event.sequence))


# ----- Markdown for a pull-request comment -----------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


_MENTION = re.compile(r"@(?=\w)")  # @user, @org/team, name@host.example
_URL_SCHEME = re.compile(r"(?i)(?<=[a-z0-9+.-])(:)(?=//)")  # https://, ftp://, any://
_WWW = re.compile(r"(?i)\b(www)(\.)")
_ZWSP = "\u200b"  # breaks a mention or an autolink without a visible change


def md(text: str | None) -> str:
    """User text made inert in Markdown for a pull-request comment: no tag, emphasis or
    link syntax, no hidden characters (safe_text.visible), and no live @mention or
    autolinked URL (a zero-width space after '@', in '://' and after 'www', as bots do)."""
    inert = _MD_SPECIAL.sub(r"\\\1", visible(" ".join((text or "").split())))
    inert = _MENTION.sub("@" + _ZWSP, inert)
    inert = _URL_SCHEME.sub(":" + _ZWSP, inert)
    return _WWW.sub(r"\1" + _ZWSP + r"\2", inert)


def _code(text: str) -> str:
    """A URL shown, not linked: a code span (GitHub neither links nor mentions inside)."""
    inert = visible(" ".join(text.split())).replace("`", "'").replace("|", "%7C")
    return f"`{inert[:300]}`"


def _short(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def review_markdown(result: Review, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """Markdown for a PR comment; per-commit details are dropped if it would exceed ``limit``."""
    full = _markdown(result, details=True)
    if len(full) <= limit:
        return full
    short = _markdown(result, details=False)
    note = ("\n_Details left out to fit a comment; run `chronicle review "
            f"{md(result.range)}` locally for all of them._\n")
    return short + note


def _markdown(result: Review, details: bool) -> str:
    events = result.events
    briefings = sorted({c.briefing for c in events if c.briefing})
    verdict = "no problems found" if not result.problems else f"**{result.problems} problem(s)**"
    lines = [f"## chronicle review {_code(result.range)}", "",
             f"{len(result.commits)} commit(s), {len(events)} revision(s) of "
             f"{len(briefings)} briefing(s); {verdict}.", ""]
    if result.commits:
        lines += ["| commit | briefing | revision | what changed |", "|---|---|---|---|"]
        for commit in result.commits:
            revision = f"r{commit.sequence}" if commit.event else ""
            flag = " ⚠️" if commit.problems else ""
            lines.append(f"| `{commit.commit[:10]}` | {md(commit.briefing)} | {revision} | "
                         f"{md(commit.summary)}{flag} |")
        lines.append("")
    for commit in result.commits:
        if commit.problems:
            lines += [f"**Problems in `{commit.commit[:10]}`**", ""]
            lines += [f"- {md(p)}" for p in commit.problems]
            lines.append("")
        if details and commit.event is not None:
            lines += _commit_markdown(commit)
    return "\n".join(lines).rstrip() + "\n"


def _commit_markdown(commit: ReviewedCommit) -> list[str]:
    event = commit.event
    assert event is not None
    origin = event.origin
    lines = [f"### {md(event.briefing)} r{event.sequence} · `{commit.commit[:12]}`", "",
             f"_{md(commit.summary)}_", "",
             f"Source: {md(origin.name or 'stdin')} ({origin.format}, {origin.size:,} bytes) · "
             f"observed {event.observed_at[:16].replace('T', ' ')} UTC", ""]
    diff = commit.diff
    if diff is None:
        if event.revision.headline:
            lines += [f"**Headline:** {md(event.revision.headline)}", ""]
        return lines
    if diff.headline:
        lines += ["**Headline**", "", f"- before: {md(diff.headline.before)}",
                  f"- after: {md(diff.headline.after)}", ""]
    figures = diff.figures
    if figures.changed or figures.added or figures.removed:
        lines += ["**Figures**", "", "| | before | after | in claim |", "|---|---|---|---|"]
        for change in figures.changed:
            lines.append(f"| changed | {md(change.before.text)} | **{md(change.after.text)}** | "
                         f"{md(_short(change.claim))} |")
        lines += [f"| added | | **{md(f.text)}** | |" for f in figures.added]
        lines += [f"| removed | ~~{md(f.text)}~~ | | |" for f in figures.removed]
        lines.append("")
    for title, changes in (("Key points", diff.key_points), ("Claims", diff.claims)):
        if not (changes.added or changes.removed or changes.edited):
            continue
        lines += [f"**{title}**", ""]
        lines += [f"- added: {md(c.text)}" for c in changes.added]
        lines += [f"- removed: ~~{md(c.text)}~~" for c in changes.removed]
        lines += [f"- edited: {_inline_diff(e.before.text, e.after.text)}" for e in changes.edited]
        lines.append("")
    quotes = diff.quotes
    if quotes.added or quotes.removed or quotes.changed:
        lines += ["**Quotes**", ""]
        lines += [f"- added: “{md(q.text)}” – {md(q.speaker or '?')}" for q in quotes.added]
        lines += [f"- removed: ~~“{md(q.text)}”~~ – {md(q.speaker or '?')}" for q in quotes.removed]
        for edit in quotes.changed:
            speakers = _inline_diff(edit.before.speaker or "?", edit.after.speaker or "?")
            lines.append(f"- changed: {_inline_diff(edit.before.text, edit.after.text)} – "
                         f"{speakers}")
        lines.append("")
    sources = diff.sources
    if sources.added or sources.removed:
        lines += ["**Sources**", ""]
        lines += [f"- added: {md(s.text)}" + (f" ({_code(s.url)})" if s.url else "")
                  for s in sources.added]
        lines += [f"- removed: ~~{md(s.text)}~~" for s in sources.removed]
        lines.append("")
    return lines


def _inline_diff(before: str, after: str) -> str:
    if not mostly_same(before, after):
        return f"~~{md(before)}~~ → **{md(after)}**"
    parts = []
    for op, text in word_diff(before, after):
        words = md(text)
        if not words:
            parts.append(" ")
        elif op == "same":
            parts.append(_spaced(text, words))
        elif op == "removed":
            parts.append(_spaced(text, f"~~{words}~~"))
        else:
            parts.append(_spaced(text, f"**{words}**"))
    return "".join(parts).strip()


def _spaced(raw: str, body: str) -> str:
    """Keep the run's outer spaces outside the emphasis markers."""
    return (" " if raw[:1].isspace() else "") + body + (" " if raw[-1:].isspace() else "")
