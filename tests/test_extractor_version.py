"""EXTRACTOR_VERSION changes whenever what the extractor derives from the same text changes.

Events record the version that extracted them, and revisions extracted by different versions
are re-derived before they are compared (derive.py): a change of output under an unchanged
version would make comparisons silently unequal. The fingerprint is the sha256 of what
`parse --json` gives for a fixed corpus (the example, tests/data, the realpairs texts).

    python tests/test_extractor_version.py --update   # after bumping extract.EXTRACTOR_VERSION
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FINGERPRINT = ROOT / "tests" / "data" / "extractor-fingerprint.json"


def corpus() -> list[Path]:
    found = [*sorted((ROOT / "examples").rglob("r*.txt")),
             *sorted((ROOT / "tests" / "data" / "quake").glob("*")),
             *sorted((ROOT / "tests" / "data" / "budget").glob("*")),
             *sorted((ROOT / "eval" / "realpairs").glob("*/r[12].txt"))]
    return [p for p in found if p.is_file()]


def fingerprint() -> str:
    from chronicle.readers import parse_file

    digest = hashlib.sha256()
    for path in corpus():
        revision = parse_file(path).revision.model_dump(mode="json")
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(json.dumps(revision, sort_keys=True).encode() + b"\0")
    return digest.hexdigest()


def test_the_extractor_version_changes_with_its_output() -> None:
    from chronicle.extract import EXTRACTOR_VERSION

    recorded = json.loads(FINGERPRINT.read_text())
    assert len(corpus()) > 60
    now = fingerprint()
    if recorded["version"] == EXTRACTOR_VERSION:
        assert now == recorded["sha256"], (
            "what the extractor derives changed but extract.EXTRACTOR_VERSION did not: bump "
            "it, then run python tests/test_extractor_version.py --update")
    else:
        raise AssertionError(f"EXTRACTOR_VERSION is {EXTRACTOR_VERSION}, the fingerprint is of "
                             f"{recorded['version']}: run python tests/test_extractor_version.py "
                             "--update")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    from chronicle.extract import EXTRACTOR_VERSION

    FINGERPRINT.write_text(json.dumps({"version": EXTRACTOR_VERSION, "sha256": fingerprint()},
                                      indent=2) + "\n")
    print(f"{FINGERPRINT}: version {EXTRACTOR_VERSION}")
