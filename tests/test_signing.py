"""Signed archives (issue 15): with git's ssh signing configured chronicle signs its commits,
git itself accepts the signatures, and `verify` says which key signed each event and names
unsigned, forged and unknown-key events where signatures are required."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive_tools import git, git_out
from chronicle.repository import open_repository
from chronicle.signing import event_signatures, split_signature, with_signature
from conftest import REVISIONS, run_chronicle, snapshot


def ssh_key(folder: Path, name: str) -> Path:
    """A fresh ed25519 key pair; returns the public key's path."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name,
                    "-f", str(folder / name)], check=True)
    return folder / f"{name}.pub"


def fingerprint(public: Path) -> str:
    """'ED25519 key SHA256:...' as ssh-keygen names the key in its messages."""
    _bits, sha, *_rest, kind = subprocess.run(["ssh-keygen", "-l", "-f", str(public)],
                                              capture_output=True, text=True,
                                              check=True).stdout.split()
    return f"{kind.strip('()')} key {sha}"


def allowed_signers(folder: Path, *entries: tuple[str, Path]) -> Path:
    path = folder / "allowed_signers"
    path.write_text("".join(f"{who} {key.read_text().split(' ', 2)[0]} "
                            f"{key.read_text().split(' ', 2)[1]}\n" for who, key in entries))
    return path


def sign_with(archive: Path, public: Path) -> None:
    for key, value in (("gpg.format", "ssh"), ("user.signingKey", str(public)),
                       ("commit.gpgSign", "true")):
        git(archive, "config", key, value)


def ingest(archive: Path, *files: Path) -> None:
    result = run_chronicle("ingest", *map(str, files), "-b", "nato-ukraine",
                           "--archive", str(archive))
    assert result.returncode == 0, result.stderr


def verify_json(archive: Path) -> tuple[int, dict[str, object]]:
    result = run_chronicle("verify", "--json", "--archive", str(archive))
    return result.returncode, json.loads(result.stdout)


@pytest.mark.slow
def test_signed_appends_are_checked_by_git_and_reported_by_verify(bare_archive: Path,
                                                                    tmp_path: Path) -> None:
    alice = ssh_key(tmp_path / "keys", "alice")
    sign_with(bare_archive, alice)
    ingest(bare_archive, *REVISIONS[:2])
    git(bare_archive, "config", "gpg.ssh.allowedSignersFile",
        str(allowed_signers(tmp_path, ("alice@example.org", alice))))
    for commit in git_out(bare_archive, "rev-list", "main").split()[:2]:  # the two events
        checked = git(bare_archive, "verify-commit", commit, check=False)
        assert checked.returncode == 0, checked.stderr.decode()
        assert b'Good "git" signature for alice@example.org' in checked.stderr
    code, report = verify_json(bare_archive)
    assert code == 0, report
    signatures = report["signatures"]
    assert isinstance(signatures, dict)
    assert (signatures["signed"], signatures["unsigned"]) == (2, 0)
    assert {(e["key"], e["signer"]) for e in signatures["events"]} == {
        (fingerprint(alice), "alice@example.org")}
    text = run_chronicle("verify", "--archive", str(bare_archive)).stdout
    assert "signatures: 2 of 2 events signed" in text
    assert f"2 by {fingerprint(alice)} (alice@example.org)" in text


@pytest.mark.slow
def test_a_required_signature_missing_or_by_an_unknown_key_is_a_problem(
        bare_archive: Path, tmp_path: Path) -> None:
    alice, mallory = ssh_key(tmp_path / "keys", "alice"), ssh_key(tmp_path / "keys", "mallory")
    ingest(bare_archive, REVISIONS[0])  # before signing was set up
    sign_with(bare_archive, mallory)
    ingest(bare_archive, REVISIONS[1])
    code, report = verify_json(bare_archive)
    assert code == 0  # signatures not required: reported, not judged
    git(bare_archive, "config", "chronicle.requireSignatures", "true")
    git(bare_archive, "config", "gpg.ssh.allowedSignersFile",
        str(allowed_signers(tmp_path, ("alice@example.org", alice))))
    code, report = verify_json(bare_archive)
    assert code == 1
    problems = {(p["kind"], p["where"]) for p in report["problems"]}  # type: ignore[index]
    assert problems == {("unsigned", "briefings/52/nato-ukraine/000001.json"),
                        ("signature", "briefings/52/nato-ukraine/000002.json")}
    messages = " ".join(p["problem"] for p in report["problems"])  # type: ignore[index]
    assert fingerprint(mallory) in messages and "does not allow for git" in messages


@pytest.mark.slow
def test_a_signature_copied_onto_another_commit_is_named(bare_archive: Path,
                                                         tmp_path: Path) -> None:
    sign_with(bare_archive, ssh_key(tmp_path / "keys", "alice"))
    ingest(bare_archive, REVISIONS[0])
    tip = git_out(bare_archive, "rev-parse", "main")
    body = git(bare_archive, "cat-file", "commit", tip).stdout
    forged = body.replace(b"nato-ukraine r1", b"nato-ukraine r9", 1)
    assert forged != body
    sha = git_out_bytes(bare_archive, forged)
    report = event_signatures(open_repository(bare_archive), {"x.json": (sha, "")})
    [event] = report.events
    assert event.problem is not None and "does not match" in event.problem


def git_out_bytes(archive: Path, body: bytes) -> str:
    return git(archive, "hash-object", "-t", "commit", "-w", "--stdin",
               stdin=body).stdout.decode().strip()


def test_a_signing_key_that_is_missing_stops_the_append_cleanly(bare_archive: Path,
                                                                tmp_path: Path) -> None:
    sign_with(bare_archive, tmp_path / "no-such-key.pub")
    before = snapshot(bare_archive)
    result = run_chronicle("ingest", str(REVISIONS[0]), "-b", "nato-ukraine",
                           "--archive", str(bare_archive))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot sign the commit" in result.stderr and "nothing was written" in result.stderr
    assert git_out(bare_archive, "rev-list", "--count", "main") == "1"  # the creation only
    after = snapshot(bare_archive)
    assert {k: v for k, v in after.items() if "objects" not in k and "chronicle" not in k} == \
        {k: v for k, v in before.items() if "objects" not in k and "chronicle" not in k}


@given(st.binary(max_size=300).filter(lambda b: b"\n\n" not in b and not b.endswith(b"\n")),
       st.binary(max_size=200), st.lists(st.binary(min_size=1, max_size=60).filter(
           lambda b: b"\n" not in b), min_size=1, max_size=6))
def test_a_signature_comes_back_off_exactly(headers: bytes, message: bytes,
                                            lines: list[bytes]) -> None:
    body = b"tree " + headers.replace(b"gpgsig", b"gpgsix") + b"\n\n" + message
    signature = b"\n".join(lines) + b"\n"
    payload, found = split_signature(with_signature(body, signature))
    assert payload == body
    assert found == signature.strip() + b"\n"


@pytest.mark.slow
def test_two_signature_headers_are_refused_as_git_refuses_them(bare_archive: Path,
                                                              tmp_path: Path) -> None:
    sign_with(bare_archive, ssh_key(tmp_path / "keys", "alice"))
    ingest(bare_archive, REVISIONS[0])
    body = git(bare_archive, "cat-file", "commit", "main").stdout
    headers, _, message = body.partition(b"\n\n")
    doubled = headers + b"\ngpgsig garbage\n more garbage\n\n" + message
    sha = git_out_bytes(bare_archive, doubled)
    [event] = event_signatures(open_repository(bare_archive), {"x.json": (sha, "")}).events
    assert event.problem is not None and "more than one signature" in event.problem


@pytest.mark.slow
def test_a_signing_program_that_cannot_run_is_one_line(bare_archive: Path,
                                                       tmp_path: Path) -> None:
    sign_with(bare_archive, ssh_key(tmp_path / "keys", "alice"))
    ingest(bare_archive, REVISIONS[0])
    git(bare_archive, "config", "gpg.ssh.program", str(tmp_path / "no-such-program"))
    for command in (["verify"], ["ingest", str(REVISIONS[1]), "-b", "nato-ukraine"]):
        result = run_chronicle(*command, "--archive", str(bare_archive))
        assert result.returncode == 4, result.stderr
        assert "gpg.ssh.program" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    git(bare_archive, "config", "gpg.ssh.program", "/bin/true")  # no verdict: not "forged"
    result = run_chronicle("verify", "--archive", str(bare_archive))
    assert result.returncode == 4 and "gave no verdict" in result.stderr


@pytest.mark.slow
def test_a_bare_boolean_setting_is_true_as_git_reads_it(bare_archive: Path,
                                                        tmp_path: Path) -> None:
    ingest(bare_archive, REVISIONS[0])  # unsigned
    with (bare_archive / "config").open("a") as config:
        config.write("[chronicle]\n\trequireSignatures\n")
    code, report = verify_json(bare_archive)
    assert code == 1 and {p["kind"] for p in report["problems"]} == {"unsigned"}  # type: ignore[index]


@pytest.mark.slow
def test_a_revoked_key_is_not_an_allowed_signer(bare_archive: Path, tmp_path: Path) -> None:
    alice = ssh_key(tmp_path / "keys", "alice")
    sign_with(bare_archive, alice)
    ingest(bare_archive, REVISIONS[0])
    git(bare_archive, "config", "gpg.ssh.allowedSignersFile",
        str(allowed_signers(tmp_path, ("alice@example.org", alice))))
    git(bare_archive, "config", "chronicle.requireSignatures", "true")
    assert verify_json(bare_archive)[0] == 0
    revoked = tmp_path / "revoked"
    revoked.write_text(alice.read_text())
    git(bare_archive, "config", "gpg.ssh.revocationFile", str(revoked))
    assert git(bare_archive, "verify-commit", "main", check=False).returncode != 0  # git agrees
    code, report = verify_json(bare_archive)
    assert code == 1
    assert any("revoked" in p["problem"] for p in report["problems"])  # type: ignore[index,union-attr]
