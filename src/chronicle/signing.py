"""Commits signed with git's own ssh signing, and what `verify` says of each event's signature.

chronicle signs what it commits when git is set up to sign with ssh, read from git's own
configuration (the archive's, the user's and the system's):

    git config gpg.format ssh
    git config user.signingKey ~/.ssh/id_ed25519.pub   (a key file; or key::ssh-ed25519 ...
                                                        with the key in ssh-agent)
    git config commit.gpgSign true

The signature is git's: an ``ssh-keygen -Y sign -n git`` signature of the commit without its
``gpgsig`` header, kept in that header, so `git verify-commit` and `git log --show-signature`
check chronicle's commits as they check any other.

`verify` reports the key (and, with ``gpg.ssh.allowedSignersFile`` set, the signer named
there) of each event's commit. ``git config chronicle.requireSignatures true`` makes every
unsigned event, and every event signed by a key not in the allowed signers file, a problem.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ArchiveError
from .gitobjects import git, read_objects
from .layout import MAX_EVENT_BYTES, parse_event_path
from .problems import Problem

if TYPE_CHECKING:
    from .repository import Repository

NAMESPACE = "git"  # git's namespace for commit signatures
REQUIRE_CONFIG = "chronicle.requireSignatures"
SETTINGS = ("commit.gpgsign", "gpg.format", "user.signingkey", "gpg.ssh.program",
            "gpg.ssh.allowedsignersfile", "gpg.ssh.revocationfile", REQUIRE_CONFIG.lower())
GOOD_KEY = re.compile(r"signature with (?P<key>\S+ key \S+)")
CHUNK = 512  # commits read at a time
MANY = b"(more than one gpgsig header)"  # split_signature's answer for such a commit


def git_settings(repository: Repository) -> dict[str, str]:
    """The signing settings git would use here (one `git config` call)."""
    pattern = "^(" + "|".join(re.escape(name) for name in SETTINGS) + ")$"
    result = git(repository.git_dir, "config", "--get-regexp", pattern)
    found: dict[str, str] = {}
    for line in result.stdout.decode(errors="replace").splitlines():
        name, space, value = line.partition(" ")
        found[name.lower()] = value if space else "true"  # a bare key is a true boolean
    return found


def is_true(value: str | None) -> bool:
    return (value or "").lower() in ("true", "yes", "on", "1")


@dataclass(frozen=True)
class Signer:
    """Signs commit bodies with ``key`` (a key file, or a public key whose private half is in
    ssh-agent) through ``program`` (ssh-keygen)."""

    key: str
    program: str = "ssh-keygen"

    def sign(self, body: bytes) -> bytes:
        """``body`` (a commit without a signature) with git's ``gpgsig`` header added."""
        with self._key_file() as key:
            result = _run(self.program, ["-Y", "sign", "-n", NAMESPACE, "-f", key], body,
                          "sign the commit (nothing was written)")
        if result.returncode != 0 or b"-----BEGIN SSH SIGNATURE-----" not in result.stdout:
            problem = result.stderr.decode(errors="replace").strip().splitlines()
            raise ArchiveError(f"cannot sign the commit with {self.key} (git's user.signingKey"
                               f"): {problem[-1] if problem else 'ssh-keygen failed'}; "
                               "nothing was written")
        return with_signature(body, result.stdout)

    @contextmanager
    def _key_file(self) -> Iterator[str]:
        if not self.key.startswith("key::"):
            yield os.path.expanduser(self.key)
            return
        with tempfile.TemporaryDirectory(prefix="chronicle-key-") as folder:
            path = Path(folder) / "key.pub"
            path.write_text(self.key.removeprefix("key::") + "\n")
            yield str(path)


def signer_for(repository: Repository) -> Signer | None:
    """The signer git's configuration asks for; None if commits are not to be signed."""
    settings = git_settings(repository)
    if not is_true(settings.get("commit.gpgsign")):
        return None
    if settings.get("gpg.format", "openpgp") != "ssh":
        raise ArchiveError(f"{repository.path}: commit.gpgSign is set with gpg.format "
                           f"{settings.get('gpg.format', 'openpgp')!r}; chronicle signs with "
                           "ssh only (git config gpg.format ssh, or git config "
                           "commit.gpgSign false in the archive to append unsigned)")
    key = settings.get("user.signingkey")
    if not key:
        raise ArchiveError(f"{repository.path}: commit.gpgSign is set but user.signingKey is "
                           "not (git config user.signingKey ~/.ssh/id_ed25519.pub)")
    return Signer(key, settings.get("gpg.ssh.program") or "ssh-keygen")


def with_signature(body: bytes, signature: bytes) -> bytes:
    """A commit with ``signature`` in its ``gpgsig`` header, after the committer line."""
    headers, _, message = body.partition(b"\n\n")
    lines = signature.strip().split(b"\n")
    block = b"gpgsig " + b"\n ".join(lines)
    return headers + b"\n" + block + b"\n\n" + message


def split_signature(body: bytes) -> tuple[bytes, bytes | None]:
    """(what was signed, the signature) of a commit; the signature None if it has none."""
    headers, _, message = body.partition(b"\n\n")
    kept: list[bytes] = []
    signature: list[bytes] = []
    inside = False
    many = False
    for line in headers.split(b"\n"):
        if line.startswith(b"gpgsig "):
            many = many or bool(signature)
            inside, signature = True, [line[len(b"gpgsig "):]]
        elif inside and line.startswith(b" "):
            signature.append(line[1:])
        else:
            inside = False
            kept.append(line)
    payload = b"\n".join(kept) + b"\n\n" + message
    if many:
        return payload, MANY
    return payload, (b"\n".join(signature) + b"\n") if signature else None


@dataclass
class EventSignature:
    """Who signed the commit that added one event."""

    path: str
    commit: str
    key: str | None  # "ED25519 key SHA256:..." ; None: unsigned
    signer: str | None = None  # the principal in the allowed signers file
    problem: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"event": self.path, "commit": self.commit, "key": self.key,
                "signer": self.signer, "problem": self.problem}


@dataclass
class SignatureReport:
    events: list[EventSignature]
    required: bool

    @property
    def signed(self) -> int:
        return sum(1 for e in self.events if e.key is not None)

    def problems(self) -> list[Problem]:
        found = [_problem(e, e.problem, "signature") for e in self.events if e.problem]
        if self.required:
            found += [_problem(e, "is unsigned, and this archive requires signatures "
                               f"({REQUIRE_CONFIG})", "unsigned")
                      for e in self.events if e.key is None]
        return found

    def as_dict(self) -> dict[str, object]:
        return {"signed": self.signed, "unsigned": len(self.events) - self.signed,
                "required": self.required, "events": [e.as_dict() for e in self.events]}


def _problem(event: EventSignature, problem: str, kind: str) -> Problem:
    briefing, sequence = parse_event_path(event.path)
    return Problem(event.path, problem, briefing, sequence, event.commit, kind)


def event_signatures(repository: Repository, added: dict[str, tuple[str, str]]
                     ) -> SignatureReport:
    """The signature of each event's commit (``added``: event path -> (commit, blob))."""
    settings = git_settings(repository)
    allowed = settings.get("gpg.ssh.allowedsignersfile")
    allowed = os.path.expanduser(allowed) if allowed else None
    revoked = settings.get("gpg.ssh.revocationfile")
    revoked = os.path.expanduser(revoked) if revoked else None
    required = is_true(settings.get(REQUIRE_CONFIG.lower()))
    program = settings.get("gpg.ssh.program") or "ssh-keygen"
    items = sorted(added.items(), key=lambda item: item[0])
    events: list[EventSignature] = []
    for low in range(0, len(items), CHUNK):
        chunk = items[low:low + CHUNK]
        bodies = read_objects(repository.git_dir, sorted({c for _, (c, _) in chunk}), "commit",
                              MAX_EVENT_BYTES)  # a hostile commit is not read whole either
        for path, (commit, _) in chunk:
            body = bodies.get(commit)
            events.append(_checked(path, commit, body, program, (allowed, revoked), required))
    return SignatureReport(events, required)


def _checked(path: str, commit: str, body: bytes | None, program: str,
             trust: tuple[str | None, str | None], required: bool) -> EventSignature:
    """One event commit's signature, judged as `git verify-commit` judges it: the key's
    signature over the commit, then (with an allowed signers file) a signer allowed for
    git's namespace whose key is not revoked."""
    payload, signature = split_signature(body or b"")
    if signature is None:
        return EventSignature(path, commit, None)
    if signature == MANY:
        return EventSignature(path, commit, "unreadable", problem="its commit carries more "
                              "than one signature header (git would not accept it either)")
    allowed, revoked = trust
    with tempfile.TemporaryDirectory(prefix="chronicle-sig-") as folder:
        sig = Path(folder) / "commit.sig"
        sig.write_bytes(signature)
        check = _run(program, ["-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig)],
                     payload, "check signatures")
        found = GOOD_KEY.search(check.stdout.decode(errors="replace"))
        if check.returncode != 0:
            return EventSignature(path, commit, "unreadable", problem="its commit carries a "
                                  "signature that does not match it (edited after signing, "
                                  "or forged)")
        if found is None:
            raise ArchiveError(f"cannot check signatures: {program} (gpg.ssh.program) gave no "
                               "verdict; is it ssh-keygen?")
        key = found.group("key")
        if allowed is None:
            return EventSignature(path, commit, key)
        signer = _allowed_signer(program, sig, payload, allowed, revoked)
    if signer is not None:
        return EventSignature(path, commit, key, signer)
    problem = (f"its commit is signed by {key}, which the allowed signers file ({allowed}) "
               "does not allow for git (unknown, limited to other namespaces, or revoked)"
               ) if required else None
    return EventSignature(path, commit, key, problem=problem)


def _allowed_signer(program: str, sig: Path, payload: bytes, allowed: str,
                    revoked: str | None) -> str | None:
    """The principal ``allowed`` lets sign git commits with this signature; None if none."""
    who = _run(program, ["-Y", "find-principals", "-s", str(sig), "-f", allowed], None,
               "check signatures")
    for principal in who.stdout.decode(errors="replace").split():
        args = ["-Y", "verify", "-n", NAMESPACE, "-f", allowed, "-I", principal, "-s", str(sig)]
        if revoked:
            args += ["-r", revoked]
        if _run(program, args, payload, "check signatures").returncode == 0:
            return principal
    return None


def _run(program: str, args: list[str], stdin: bytes | None,
         purpose: str) -> subprocess.CompletedProcess[bytes]:
    """ssh-keygen (git's gpg.ssh.program) run with ``args``; one line if it cannot run."""
    try:
        return subprocess.run([program, *args], input=stdin, capture_output=True, check=False)
    except OSError as error:
        raise ArchiveError(f"cannot run {program} (gpg.ssh.program) to {purpose}: "
                           f"{error.strerror}") from None
