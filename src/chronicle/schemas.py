"""The one place that finds the JSON Schema files and validates documents against them.

The published schemas live in ``schema/`` at the top of the repository, one file per
version that was ever published: ``revision.v1.schema.json``, ``revision.v2.schema.json``
... plus ``<name>.schema.json``, a copy of the version this release writes (for tools such
as check-jsonschema). A published version never changes again; a stored document is
checked against the schema of its own ``schema_version``.

A wheel carries them as ``chronicle/schema/`` (see
``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml); an editable or
source checkout reads the repository's own folder.

``python -m chronicle.schemas --write`` writes the current version's files from the
pydantic models (never an older version's); ``tests/test_schemas.py`` fails when the
files and the models disagree, or when a published version changed.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SchemaViolation
from .layout import SCHEMA_VERSION
from .upcast import stored_version

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

SCHEMA_FILES = ("revision", "event", "diff")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The diff is not stored, but its JSON is a published contract too: versions as the others.
DIFF_VERSION = 2
VERSIONED = ("revision", "event")  # documents that carry their own schema_version


def schema_dir() -> Path:
    """The folder holding the *.schema.json files: packaged copy first, then the repo's."""
    packaged = resources.files("chronicle") / "schema"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schema"


def current_version(name: str) -> int:
    return DIFF_VERSION if name == "diff" else SCHEMA_VERSION


def schema_file_name(name: str, version: int | None = None) -> str:
    return f"{name}.v{version or current_version(name)}.schema.json"


def schema_path(name: str, version: int | None = None) -> Path:
    return schema_dir() / schema_file_name(name, version)


def published_versions(name: str) -> list[int]:
    """Every version of schema ``name`` in schema/, oldest first."""
    prefix, suffix = f"{name}.v", ".schema.json"
    found = [p.name[len(prefix):-len(suffix)] for p in schema_dir().glob(f"{prefix}*{suffix}")]
    return sorted(int(v) for v in found if v.isdigit())


@cache
def load_schema(name: str, version: int | None = None) -> dict[str, Any]:
    with schema_path(name, version).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def _validator(name: str, version: int) -> Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name, version))


def version_of(document: Any, name: str) -> int:
    """The schema version ``document`` must match: its own ``schema_version`` for stored
    documents (NewerSchema if this release does not know it yet), else the current one."""
    if name in VERSIONED:
        return stored_version(document, default=SCHEMA_VERSION)
    return current_version(name)


def schema_problems(document: Any, name: str, limit: int | None = None) -> list[str]:
    """Every way (or the first ``limit``) ``document`` fails schema ``name`` in the version it
    was written in, as 'at path: message' lines."""
    found = islice(_validator(name, version_of(document, name)).iter_errors(document), limit)
    errors = sorted(found, key=lambda e: list(e.path))
    return [f"at {_json_path(e.absolute_path)}: {_short(e.message)}" for e in errors]


MAX_LISTED = 20  # a 2 MB array of wrong items has 300,000 problems: listing them takes minutes


def validate(document: Any, name: str, source: str) -> None:
    """Raise SchemaViolation naming ``source`` if ``document`` does not match ``name``."""
    problems = schema_problems(document, name, MAX_LISTED + 1)
    if problems:
        schema = f"schema/{schema_file_name(name, version_of(document, name))}"
        raise SchemaViolation(source, schema, problems[:MAX_LISTED],
                              complete=len(problems) <= MAX_LISTED)


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def generated_schemas() -> dict[str, dict[str, Any]]:
    """The current version of each schema, as the pydantic models describe it today."""
    from pydantic import BaseModel

    from .diff_model import Diff
    from .model import Event, Revision

    models: dict[str, type[BaseModel]] = {"revision": Revision, "event": Event, "diff": Diff}
    out: dict[str, dict[str, Any]] = {}
    for name, model in models.items():
        body = model.model_json_schema(mode="serialization")
        urn = f"urn:chronicle:schema:{name}:{current_version(name)}"
        out[name] = {"$schema": DRAFT, "$id": urn, **body}
    return out


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write the current version of each schema, and its unversioned copy; never an older
    version (a published schema is frozen)."""
    written = []
    for name, schema in generated_schemas().items():
        for path in (folder / schema_file_name(name), folder / f"{name}.schema.json"):
            path.write_text(schema_text(schema), "utf-8")
            written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - developer tool
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m chronicle.schemas --write")
    for written_path in write_schemas(Path(__file__).resolve().parents[2] / "schema"):
        print(written_path)
