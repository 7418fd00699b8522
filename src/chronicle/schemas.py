"""The one place that finds the JSON Schema files and validates documents against them.

The published schemas live in ``schema/`` at the top of the repository. A wheel carries
them as ``chronicle/schema/`` (see ``[tool.hatch.build.targets.wheel.force-include]`` in
pyproject.toml); an editable or source checkout reads the repository's own folder.

``python -m chronicle.schemas --write`` regenerates the files from the pydantic models;
``tests/test_schemas.py`` fails when the files and the models disagree.
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

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

SCHEMA_FILES = ("revision", "event", "diff")
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_dir() -> Path:
    """The folder holding the *.schema.json files: packaged copy first, then the repo's."""
    packaged = resources.files("chronicle") / "schema"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schema"


def schema_path(name: str) -> Path:
    return schema_dir() / f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    with schema_path(name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def _validator(name: str) -> Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def schema_problems(document: Any, name: str, limit: int | None = None) -> list[str]:
    """Every way (or the first ``limit``) ``document`` fails schema ``name``, as 'at path:
    message' lines."""
    found = islice(_validator(name).iter_errors(document), limit)
    errors = sorted(found, key=lambda e: list(e.path))
    return [f"at {_json_path(e.absolute_path)}: {_short(e.message)}" for e in errors]


MAX_LISTED = 20  # a 2 MB array of wrong items has 300,000 problems: listing them takes minutes


def validate(document: Any, name: str, source: str) -> None:
    """Raise SchemaViolation naming ``source`` if ``document`` does not match ``name``."""
    problems = schema_problems(document, name, MAX_LISTED + 1)
    if problems:
        raise SchemaViolation(source, f"schema/{name}.schema.json", problems[:MAX_LISTED],
                              complete=len(problems) <= MAX_LISTED)


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def generated_schemas() -> dict[str, dict[str, Any]]:
    """The schemas as the pydantic models describe them today."""
    from pydantic import BaseModel

    from .diff_model import Diff
    from .model import Event, Revision

    models: dict[str, type[BaseModel]] = {"revision": Revision, "event": Event, "diff": Diff}
    out: dict[str, dict[str, Any]] = {}
    for name, model in models.items():
        body = model.model_json_schema(mode="serialization")
        out[name] = {"$schema": DRAFT, "$id": f"urn:chronicle:schema:{name}:1", **body}
    return out


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for name, schema in generated_schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - developer tool
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m chronicle.schemas --write")
    for written_path in write_schemas(Path(__file__).resolve().parents[2] / "schema"):
        print(written_path)
