"""The command line: click options, a call into the API, rendering, exit codes.

Heavy libraries (pydantic, jsonschema, git, rich) are imported inside commands so that
`chronicle --help` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from .errors import ChronicleError

if TYPE_CHECKING:
    from .api import CheckResult
    from .export import ExportFormat
    from .readers import Format
    from .store import AppendResult, Archive

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success (also: an identical revision was already stored; the reader of a pipe
     closed it early, as in 'chronicle export | head -1')
  1  validate/verify/review found problems
  2  usage error (unknown option, missing argument)
  3  bad input: unreadable, binary, empty, too large or schema-invalid file, bad id
  4  archive problem: not an archive, unknown briefing or revision, busy, conflict
  5  network: a URL could not be fetched (timeout, refused, HTTP error, too large)
  6  corrupt archive: an event or git object is damaged or was changed by hand
  7  output: the -o file or folder cannot be written (exists without --force, ...)
 70  internal error: a bug in chronicle (please report it)
"""
FORMATS = click.Choice(["text", "markdown", "html", "json"])
# An error's hint (chronicle.errors) in the CLI's words.
HINTS = {"max_bytes": " (raise it with --max-bytes)", "overwrite": "; use --force to replace it"}
INTERNAL_ERROR = 70  # EX_SOFTWARE in sysexits.h
DEBUG_VARIABLE = "CHRONICLE_DEBUG"


class ChronicleGroup(click.Group):
    """Turns ChronicleError into one line on stderr and its exit code; never a traceback.

    Anything else escaping a command is a bug: one 'internal error' line asks for a report
    (the traceback only with CHRONICLE_DEBUG=1). A reader that closes the pipe early
    (``| head``) ends the command quietly with exit 0, whichever command it was.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ChronicleError as error:
            _error_line(f"chronicle: error: {error}{HINTS.get(error.hint or '', '')}")
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            _error_line("chronicle: interrupted")
            sys.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE) == "1":
                raise
            name = type(error).__name__
            _error_line(f"chronicle: internal error: {name}: {error} (a bug in chronicle: "
                        f"please report it with the command that caused it; "
                        f"{DEBUG_VARIABLE}=1 shows the traceback)")
            sys.exit(INTERNAL_ERROR)


def _error_line(text: str) -> None:
    """One line on stderr, every hidden character shown (file names and URLs come from
    outside)."""
    with contextlib.suppress(OSError):  # stderr is gone too: the exit code still tells
        click.echo(_visible(text), err=True)


def _visible(text: str) -> str:
    from .safe_text import visible

    return visible(text)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush of the closed pipe stays
    silent (no 'Exception ignored ... BrokenPipeError')."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # CliRunner: no real fd
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class RevisionNumber(click.ParamType):  # type: ignore[type-arg]
    """A revision as every output labels it, 'r3', or as a number: 3, -1 (the latest)."""

    name = "REV"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if text[:1] in ("r", "R") and text[1:].isdigit():
            return int(text[1:])
        try:
            return int(text)
        except ValueError:
            self.fail(f"{text!r} is not a revision: give r3 or 3 (-1 is the latest)", param, ctx)


REVISION = RevisionNumber()


def archive_option(func: F) -> F:
    return click.option(
        "--archive",
        "archive_path",
        type=click.Path(path_type=Path),
        default=None,
        envvar="CHRONICLE_ARCHIVE",
        show_envvar=True,
        help="The archive folder (default: the archive the working folder is in, else "
        "./archive).",
    )(func)


def json_option(func: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON on stdout, nothing else."
    )(func)


def max_bytes_option(func: F) -> F:
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=10 * 1024 * 1024,
        show_default=True,
        help="Refuse input files larger than this.",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=FORMATS, help="Input format (default: by suffix or content)."
    )(func)


def briefing_argument(func: F) -> F:
    return click.argument("briefing")(func)


def rev_option(help_text: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option("--rev", "-r", "rev", type=REVISION, help=help_text)(func)

    return decorate


def reading_command(func: F) -> F:
    """A command that reads one briefing: BRIEFING, --archive and --json."""
    return briefing_argument(archive_option(json_option(func)))


def _format(name: str | None) -> Format | None:
    """The --format choice (click already restricted it to the known names)."""
    return cast("Format | None", name)


def _archive(path: Path | None) -> Archive:
    from .api import open_archive

    return open_archive(path)


def _emit(data: Any) -> None:
    from .render import to_json_bytes

    click.echo(to_json_bytes(data))  # bytes: written as they are, no re-encoding


def _print(lines: list[str]) -> None:
    """Print rich markup: styled by rich on a terminal, as rich's plain text otherwise
    (without rich's rendering, which is slow on long outputs)."""
    from .render import console, unstyled_text

    text = "\n".join(lines)
    plain = unstyled_text(text, sys.stdout)
    if plain is not None:
        sys.stdout.write(plain + "\n")
        sys.stdout.flush()
    else:
        console().print(text)


@click.group(cls=ChronicleGroup, epilog=EXIT_CODES,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chronicle", message="chronicle %(version)s")
def main() -> None:
    """Keep every revision of a briefing as an immutable event in a git archive,
    and show how its claims and figures changed.

    \b
    Start with:
      chronicle init
      chronicle ingest r1.txt r2.txt --briefing nato-ukraine
      chronicle log nato-ukraine
      chronicle diff nato-ukraine
    """


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--worktree", is_flag=True,
              help="Also keep every event file checked out under ARCHIVE/briefings/ (handy "
              "for browsing small archives; costs a file per event). Default: a bare git "
              "repository, events only in git (browse with 'git -C ARCHIVE log -p').")
@click.option("--in-repo", is_flag=True,
              help="Make PATH a folder inside the git repository around it: each revision is "
              "one commit on that repository's current branch touching only PATH/ (review "
              "it in pull requests, validate it in CI).")
@archive_option
@json_option
def init(path: Path | None, worktree: bool, in_repo: bool, archive_path: Path | None,
         as_json: bool) -> None:
    """Create the archive at PATH (default ./archive) as a git repository; an existing
    archive is left as it is."""
    from .api import init_archive

    if path is not None and archive_path is not None and path != archive_path:
        raise click.UsageError("give the folder once: PATH or --archive")
    if worktree and in_repo:
        raise click.UsageError("choose one of --worktree and --in-repo")
    archive = init_archive(path or archive_path, bare=not worktree, in_repo=in_repo)
    setup = ("embedded" if archive.repository.embedded else
             "bare" if archive.bare else "with a working tree")
    if as_json:
        _emit({"archive": str(archive.path), "head": archive.head(), "setup": setup})
    else:
        click.echo(f"archive ready at {_visible(str(archive.path))} ({setup})")


@main.command()
@click.argument("source", type=click.Path(allow_dash=True))
@format_option
@max_bytes_option
@json_option
def parse(source: str, fmt: str | None, max_bytes: int, as_json: bool) -> None:
    """Print the structured revision SOURCE would be stored as ('-' reads stdin; an
    http(s):// URL is fetched)."""
    from .api import parse as parse_source

    parsed = parse_source(source, _format(fmt), max_bytes)
    if as_json:
        from .render import revision_document

        _emit(revision_document(parsed.revision))
    else:
        from .render import revision_body_lines

        _print(revision_body_lines(parsed.revision))


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--briefing", "-b", help="Briefing id: lowercase letters, digits, hyphens.")
@click.option(
    "--tree",
    type=click.Path(path_type=Path, file_okay=False),
    help="Ingest DIR/<briefing-id>/<revision files, sorted by name> in one go.",
)
@format_option
@click.option("--observed-at", help="When this revision was seen (ISO 8601); default: now.")
@click.option(
    "--expect",
    "expected",
    type=int,
    help="Fail unless the briefing has exactly this many revisions (optimistic lock).",
)
@max_bytes_option
@archive_option
@json_option
def ingest(sources: tuple[str, ...], briefing: str | None, tree: Path | None, fmt: str | None,
           observed_at: str | None, expected: int | None, max_bytes: int,
           archive_path: Path | None, as_json: bool) -> None:
    """Parse SOURCES and append each as a new revision of a briefing, one commit each.

    A SOURCE is a file, '-' (stdin) or an http(s):// URL: a web page is fetched (20 s
    timeout, User-Agent chronicle/<version>, --max-bytes limit) and its article extracted.

    Every file is parsed before anything is written: one bad file writes nothing.
    A revision identical to one already stored is reported and not stored again.
    """
    from .api import ingest as ingest_files
    from .api import ingest_tree

    archive = _archive(archive_path)
    show = _progress(as_json)
    if tree is not None:
        if sources or briefing:
            raise click.UsageError("--tree takes no SOURCES and no --briefing")
        if not as_json and _stderr_is_tty():
            results = _ingest_tree_with_bar(archive, tree, _format(fmt), max_bytes)
        else:
            results = ingest_tree(archive, tree, _format(fmt), max_bytes, show)
    elif not sources or briefing is None:
        raise click.UsageError("give SOURCES and --briefing (or --tree DIR)")
    else:
        results = ingest_files(archive, briefing, list(sources), _format(fmt), observed_at,
                               max_bytes, expected, show)
    if as_json:
        _emit({"results": [r.as_dict() for r in results]})


def _progress(
    quiet: bool, echo: Callable[[str], None] = click.echo
) -> Callable[[AppendResult], None]:
    from .render import append_line

    def report(result: AppendResult) -> None:
        if not quiet:
            echo(append_line(result))

    return report


def _ingest_tree_with_bar(
    archive: Archive, tree: Path, fmt: Format | None, max_bytes: int
) -> list[AppendResult]:
    """`ingest --tree` with a progress bar on stderr (only called when stderr is a terminal).

    The per-revision lines still go to stdout; when stdout is the terminal too they are
    printed above the bar so that it is not torn.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from .api import ingest_tree, tree_files

    total = sum(1 for _ in tree_files(tree))
    columns = (TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  redirect_stdout=False, redirect_stderr=False) as bar:
        parsing = bar.add_task("parsing", total=total)
        storing = bar.add_task("storing", total=total)
        above_bar = sys.stdout.isatty()

        def echo(line: str) -> None:
            if above_bar:
                bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
            else:
                click.echo(line)

        show = _progress(False, echo)

        def stored(result: AppendResult) -> None:
            bar.advance(storing)
            show(result)

        return ingest_tree(archive, tree, fmt, max_bytes, stored,
                           on_parsed=lambda _briefing, _path: bar.advance(parsing))


@main.command(name="list")
@archive_option
@json_option
def list_briefings(archive_path: Path | None, as_json: bool) -> None:
    """The briefings in the archive: revisions, last change, latest headline."""
    from .api import briefing_listing_json, briefing_summaries

    archive = _archive(archive_path)
    if as_json:
        joined = briefing_listing_json(archive)
        if joined is not None:
            click.echo(joined)
            return
    summaries = briefing_summaries(archive)
    if as_json:
        _emit({"briefings": [s.as_dict() for s in summaries]})
    elif summaries:
        from .render import list_lines

        _print(list_lines(summaries))
    else:
        click.echo("no briefings yet (add one with 'chronicle ingest')", err=True)


@main.command()
@reading_command
def log(briefing: str, archive_path: Path | None, as_json: bool) -> None:
    """Revisions of BRIEFING: when, from what, and what changed in claims and figures."""
    from .api import log as log_of

    entries = log_of(_archive(archive_path), briefing)
    if as_json:
        _emit({"briefing": briefing, "revisions": [e.as_dict() for e in entries]})
    else:
        from .render import log_lines

        _print(log_lines(briefing, entries))


@main.command()
@rev_option("Revision: r2 or 2 (negative counts back; default latest).")
@click.option("--as-recorded", is_flag=True,
              help="The claims and figures as the extractor of the day derived them, even "
              "where today's extractor reads the stored text differently.")
@reading_command
def show(briefing: str, rev: int | None, as_recorded: bool, archive_path: Path | None,
         as_json: bool) -> None:
    """The structured revision of BRIEFING: its stored text, with the claims and figures
    today's extractor reads in it (--as-recorded: as they were derived when stored)."""
    from .api import revision_at

    state = revision_at(_archive(archive_path), briefing, rev, as_recorded)
    if as_json:
        from .render import revision_document

        _emit(revision_document(state.revision))
    else:
        from .render import revision_lines

        _print(revision_lines(state))


@main.command()
@click.option("--from", "start", type=REVISION,
              help="Older revision: r1 or 1 (default: the one before --to).")
@click.option("--to", "end", type=REVISION, help="Newer revision: r3 or 3 (default: latest).")
@reading_command
def diff(briefing: str, start: int | None, end: int | None, archive_path: Path | None,
         as_json: bool) -> None:
    """What changed between two revisions, in claims and figures (schema/diff.schema.json)."""
    from .api import diff as diff_of

    result = diff_of(_archive(archive_path), briefing, start, end)
    if as_json:
        _emit(result.model_dump(mode="json", by_alias=True))
    elif result.from_ == result.to:
        from .render import same_revision_line

        _print([same_revision_line(result, only_one=start is None and end is None)])
    else:
        from .render import diff_lines

        _print(diff_lines(result))


@main.command()
@click.option("--figure", "needle", metavar="TEXT",
              help="Only figures whose text, unit, noun or kind contains TEXT (e.g. 'billion'); "
              "if none does, those whose words around contain it.")
@reading_command
def timeline(briefing: str, needle: str | None, archive_path: Path | None,
             as_json: bool) -> None:
    """Each figure of BRIEFING with its value at every revision where it appears."""
    from .api import timeline as timeline_of

    threads = timeline_of(_archive(archive_path), briefing, needle)
    if as_json:
        _emit({"briefing": briefing, "figures": [t.as_dict() for t in threads]})
    else:
        from .render import timeline_lines

        _print(timeline_lines(briefing, threads))


@main.command()
@rev_option("Revision: r2 or 2 (default latest).")
@reading_command
def blame(briefing: str, rev: int | None, archive_path: Path | None, as_json: bool) -> None:
    """Each claim and quote of a revision with the revision that introduced it and last
    changed it."""
    from .api import blame as blame_of

    lines = blame_of(_archive(archive_path), briefing, rev)
    if as_json:
        _emit({"briefing": briefing, "claims": [line.as_dict() for line in lines]})
    else:
        from .render import blame_lines

        _print(blame_lines(lines))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@archive_option
@json_option
def validate(paths: tuple[Path, ...], archive_path: Path | None, as_json: bool) -> None:
    """Check files, or every event of an archive, against the JSON Schemas in schema/.

    With no PATHS, validates the archive. A PATH may be an archive folder, an event or
    revision JSON file, or a briefing to parse. Exit 1 if anything fails.
    """
    from .api import validate as validate_paths

    _report("validate", validate_paths(paths, archive_path), as_json)


@main.command()
@click.option("--incoming", nargs=2, metavar="OLD NEW",
              help="Check only what a push from OLD to NEW brings (for a pre-receive hook: "
              "see docs/hooks/pre-receive).")
@click.option("--rebuild", is_flag=True,
              help="Then build the read model (.chronicle/projection.sqlite) again from the "
              "events, whatever the checks found.")
@archive_option
@json_option
def verify(incoming: tuple[str, str] | None, rebuild: bool, archive_path: Path | None,
           as_json: bool) -> None:
    """Check every event's schema, content hash, hash chain, sequence and git history, and
    the read model against a full replay of the events."""
    from .api import verify as verify_archive
    from .api import verify_incoming

    if incoming:
        _report("verify", verify_incoming(archive_path, *incoming), as_json)
    else:
        _report("verify", verify_archive(_archive(archive_path), rebuild), as_json)


@main.command()
@click.argument("url")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@json_option
def clone(url: str, path: Path | None, as_json: bool) -> None:
    """Copy the archive at URL (any git URL: a path, file://, git://, ssh://, https://) with
    its published ledger, as a bare archive at PATH; verified before it is kept."""
    from .api import clone_archive

    archive = clone_archive(url, path)
    if as_json:
        _emit({"archive": str(archive.path), "head": archive.head(),
               "briefings": len(archive.briefings())})
    else:
        click.echo(f"cloned {_visible(url)} into {_visible(str(archive.path))}: "
                   f"{len(archive.briefings())} briefing(s), verified")


@main.command()
@click.argument("remote", default="origin")
@archive_option
@json_option
def sync(remote: str, archive_path: Path | None, as_json: bool) -> None:
    """Fetch REMOTE (default origin: set it with 'git -C ARCHIVE remote add origin URL'),
    check what it brings, put local events not yet published on top, and push.

    Published events are never rewritten; a remote whose published history was rewritten
    or whose events were edited is refused (exit 1, nothing adopted); an unreachable remote
    is exit 5 (local appends go on working).

    An embedded archive (init --in-repo) syncs its repository's current branch with the
    repository's remotes; it moves chronicle's events only (commits of your own go by git
    push) and keeps your uncommitted work.
    """
    from .api import sync_archive

    result = sync_archive(_archive(archive_path), remote)
    if as_json:
        _emit(result.as_dict())
    else:
        click.echo(f"synced with {_visible(remote)}: {result.fetched} fetched, {result.rebased} "
                   f"rebased, {result.deduplicated} already there, {result.pushed} pushed")


@main.command()
@archive_option
@json_option
def gc(archive_path: Path | None, as_json: bool) -> None:
    """Pack the archive small: repack with a full delta search, write the commit-graph.

    Use this rather than a plain 'git gc', which keeps chronicle's packs as they are.
    """
    from .api import compact

    before, after = compact(_archive(archive_path))
    if as_json:
        _emit({"objects_bytes_before": before, "objects_bytes_after": after})
    else:
        click.echo(f"objects: {before / 1024:,.0f} KiB -> {after / 1024:,.0f} KiB")


def _report(command: str, result: CheckResult, as_json: bool) -> None:
    if as_json:
        _emit(result.as_dict())
    else:
        from .render import check_lines

        click.echo("\n".join(check_lines(command, result)))
    if result.problems:
        sys.exit(1)


# ----- web pages and feeds, review, export, report -----------------------------------------
def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


def _name_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for pair in pairs:
        url, sep, briefing = pair.rpartition("=")
        if not sep or not url:
            raise click.UsageError(f"--name takes URL=BRIEFING-ID, not {pair!r}")
        names[url] = briefing
    return names


@main.command()
@click.argument("feed_url")
@click.option("--interval", type=click.FloatRange(min=1), default=900, show_default=True,
              help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Poll once and exit (for cron or CI).")
@click.option("--briefing-prefix", "prefix", default="", metavar="PREFIX",
              help="Put PREFIX- before every briefing id derived from an entry URL.")
@click.option("--name", "names", multiple=True, metavar="URL=ID",
              help="Use briefing ID for the entry at URL (repeatable).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=20, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds to wait between two page requests (politeness).")
@click.option("--limit", type=click.IntRange(min=1),
              help="Read at most this many entries per poll.")
@max_bytes_option
@archive_option
@json_option
def watch(feed_url: str, interval: float, once: bool, prefix: str, names: tuple[str, ...],
          timeout: float, delay: float, limit: int | None, max_bytes: int,
          archive_path: Path | None, as_json: bool) -> None:
    """Poll the RSS/Atom feed FEED_URL; record a revision when an entry's page changed.

    Each entry's page is fetched (conditional GET: ETag/Last-Modified kept in the archive's
    git-ignored .chronicle/ folder) and its article extracted; a new revision is recorded
    only when the article changed. Briefing ids are slugs of the entry URLs. A dead link is
    reported and skipped. With --json, one JSON object per poll on stdout.
    """
    from .api import FeedOptions, watch_feed
    from .render import to_json_line, watch_entry_line, watch_poll_line
    from .watch import EntryResult, PollResult

    if not feed_url[:8].lower().startswith(("http://", "https://")):
        raise click.UsageError(f"FEED_URL must be an http:// or https:// URL, not {feed_url!r}")

    def on_entry(entry: EntryResult) -> None:
        if not as_json:
            text, is_warning = watch_entry_line(entry)
            click.echo(text, err=is_warning)

    def on_poll(result: PollResult) -> None:
        if as_json:
            click.echo(to_json_line(result.as_dict()))
        else:
            text, is_warning = watch_poll_line(result)
            click.echo(text, err=is_warning)

    options = FeedOptions(prefix, _name_pairs(names), timeout, delay, limit, max_bytes)
    watch_feed(_archive(archive_path), feed_url, options, interval, once, on_entry, on_poll)


@main.command()
@click.argument("rev_range", metavar="REV_RANGE")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print Markdown ready for a pull-request comment.")
@archive_option
@json_option
def review(rev_range: str, as_markdown: bool, archive_path: Path | None, as_json: bool) -> None:
    """What the commits in REV_RANGE of the archive added, in claims and figures.

    REV_RANGE is a git range (HEAD~2..HEAD, origin/main..HEAD) or one commit. Per commit:
    the event it added (by its Chronicle-* trailers) and the diff against the previous
    revision of that briefing. Exit 1 if a commit changes an event file or breaks the
    hash chain. Works on any checkout (a pull request's head too).
    """
    from .api import review as review_range

    if as_json and as_markdown:
        raise click.UsageError("choose one of --json and --markdown")
    result = review_range(archive_path, rev_range)
    if as_json:
        _emit(result.as_dict())
    elif as_markdown:
        from .review import review_markdown

        click.echo(review_markdown(result), nl=False)
    else:
        from .render import review_lines

        _print(review_lines(rev_range, result))
    if result.problems:
        sys.exit(1)


@main.command()
@click.argument("briefings", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "sqlite", "parquet"]),
              default="jsonl", show_default=True, help="jsonl: one record per line; csv: a "
              "folder of tables; sqlite: a database with keys, indexes, views and a Datasette "
              "metadata file beside it; parquet: a folder of <table>.parquet files.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="File (jsonl, sqlite) or folder (csv, parquet); jsonl without -o goes to "
              "stdout.")
@click.option("--force", is_flag=True, help="Replace an existing export.")
@archive_option
@json_option
def export(briefings: tuple[str, ...], fmt: ExportFormat, output: Path | None, force: bool,
           archive_path: Path | None, as_json: bool) -> None:
    """Export revisions, claims, figures, quotes and sources of BRIEFINGS (default: all).

    Tables: briefings, revisions, claims, figures, figure_lineages, figure_runs, quotes,
    sources (the read model's, as `chronicle sql` sees them). A figure keeps one 'lineage' id across
    revisions, so its values over time are one query away. With --format sqlite,
    NAME.metadata.json beside NAME.sqlite describes every table and column for Datasette
    (datasette NAME.sqlite -m NAME.metadata.json). An existing
    file is replaced only with --force (as for report); a symlink is followed, a FIFO or
    device written through. CSV cells that a spreadsheet would run as a formula (starting
    with = + - @, tab or CR) get a leading apostrophe.
    """
    from .api import export_briefings, export_size

    if output is not None and str(output) == "-":
        output = None
    if as_json and output is None:
        raise click.UsageError("--json prints a summary on stdout: give -o PATH for the export")
    if fmt != "jsonl" and output is None:
        what = "folder" if fmt in ("csv", "parquet") else "file"
        raise click.UsageError(f"--format {fmt} needs -o PATH (a {what})")
    archive = _archive(archive_path)
    if _stderr_is_tty():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("exporting", total=export_size(archive, briefings))
            result = export_briefings(archive, fmt, output, briefings, force,
                                      lambda name, seq: progress.advance(task))
    else:
        result = export_briefings(archive, fmt, output, briefings, force)
    if as_json:
        _emit(result.as_dict())
    else:
        tables = ", ".join(f"{n} {t}" for t, n in result.tables.items())
        click.echo(f"exported {result.briefings} briefing(s) to {_visible(result.output)} ({fmt}): "
                   f"{tables}", err=True)


@main.command()
@click.argument("briefing")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              default="report.html", show_default=True, help="The HTML file to write.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@archive_option
@json_option
def report(briefing: str, output: Path, force: bool, archive_path: Path | None,
           as_json: bool) -> None:
    """Write one self-contained HTML page about BRIEFING: timeline, figure charts, diffs.

    The page has no outside references (inline CSS, JS and SVG): it opens offline and can
    be attached or published as it is. An existing file is replaced only with --force
    (the same rule as export's); a symlink is followed, a FIFO or device written through.
    """
    from .api import write_report

    summary = write_report(_archive(archive_path), briefing, output, force).summary()
    if as_json:
        _emit({**summary, "output": str(output)})
    else:
        click.echo(f"wrote {_visible(str(output))}: {summary['revisions']} revision(s), "
                   f"{summary['charts']} figure chart(s), {summary['diffs']} diff(s)")


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Rows as a JSON list of objects.")
@click.option("--csv", "as_csv", is_flag=True, help="Rows as CSV with a header line.")
@archive_option
def sql(query: str, as_json: bool, as_csv: bool, archive_path: Path | None) -> None:
    """Run one read-only SQL query over the read model (tables briefings, revisions, claims,
    figures, figure_lineages, figure_runs, quotes, sources; views figure_timeline,
    figure_changes, claims_added, claims_removed: see the README).

    \b
    chronicle sql "SELECT id, revisions, headline FROM briefings"
    chronicle sql "SELECT * FROM figure_changes WHERE briefing = 'nato-ukraine'" --json
    """
    from .api import sql as run_sql
    from .api import unreadable_briefings

    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    archive = _archive(archive_path)
    result = run_sql(archive, query)
    skipped = unreadable_briefings(archive)
    if skipped:
        _error_line(f"chronicle: warning: {len(skipped)} briefing(s) whose events cannot be "
                    f"read are left out ({', '.join(skipped[:5])}); run 'chronicle verify'")
    if as_json:
        _emit(result.as_dicts())
    elif as_csv:
        from .render import query_csv

        click.echo(query_csv(result.columns, result.rows), nl=False)
    else:
        from .render import query_lines

        click.echo("\n".join(query_lines(result.columns, result.rows)))


@main.command(name="figures")
@click.argument("text", required=False)
@json_option
def figures_command(text: str | None, as_json: bool) -> None:
    """The figures in TEXT, one per line ('--json': as one JSON object).

    With '-' it reads stdin: one JSON object {"text": ...} (or JSON string) per line in,
    one line {"text": ..., "figures": [...]} out, all in one process.
    """
    from io import TextIOWrapper

    from .figures import describe, figures_json_lines, figures_record, find_figures

    if text is None:
        raise click.UsageError("give TEXT, or '-' to read JSON lines from stdin")
    if text == "-":
        stdin = TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="strict")
        for line in figures_json_lines(stdin):
            click.echo(line)
    elif as_json:
        _emit(figures_record(text))
    else:
        click.echo("\n".join(describe(f) for f in find_figures(text)) or "no figures")
