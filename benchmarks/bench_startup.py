"""Start-up: `chronicle --help` against `python -c "import click"` and `python -c pass`;
`chronicle parse page.html` (a news page of eval/web) against `import trafilatura`;
`chronicle parse r1.txt` (plain text) against `import pydantic` with one model built.

Each is run --repeat times as a subprocess; the best (least disturbed) and the median
are printed. chronicle's modules are byte-compiled first, as an installed chronicle's are
(pip compiles a wheel's modules): with PYTHONDONTWRITEBYTECODE=1 set and no __pycache__,
every start-up would otherwise recompile them (~0.05 s of a page parse, ~0.04 s of a text
parse on the 2026-12-03 machine). Then `python -X importtime` lists what
`chronicle --help` imports, and the heavy libraries that must stay out of it (they are
imported inside commands).

    .venv/bin/python benchmarks/bench_startup.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import compileall
import lzma
import statistics
import sys
import tempfile
import time
from pathlib import Path

import common

HEAVY = ("pydantic", "jsonschema", "git", "gitdb", "rich", "rapidfuzz", "markdown_it",
         "trafilatura", "lxml", "filelock")


def samples(args: list[str], repeat: int) -> list[float]:
    common.run(args)
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        common.run(args)
        out.append(time.perf_counter() - start)
    return out


def imported_modules(args: list[str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the top-level imports, slowest first."""
    result = common.run([common.PYTHON, "-X", "importtime", *args])
    rows = []
    for line in result.stderr.decode().splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        rows.append((int(cumulative), name.rstrip()[1:]))  # nested imports stay indented
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    common.header("start-up")
    compileall.compile_dir(common.ROOT / "src", quiet=1)
    page = Path(tempfile.mkdtemp()) / "page.html"
    page.write_bytes(lzma.decompress((common.ROOT / "eval" / "web" / "newspaper4k" / "pages"
                                      / "cnn_article.html.xz").read_bytes()))
    text = common.ROOT / "tests" / "data" / "quake" / "r1.txt"
    cases = {
        "python -c pass": [common.PYTHON, "-c", "pass"],
        'python -c "import click"': [common.PYTHON, "-c", "import click"],
        "chronicle --help": [common.CHRONICLE, "--help"],
        "chronicle --version": [common.CHRONICLE, "--version"],
        'python -c "import chronicle.cli"': [common.PYTHON, "-c", "import chronicle.cli"],
        'python -c "import trafilatura"': [common.PYTHON, "-c", "import trafilatura"],
        "chronicle parse page.html": [common.CHRONICLE, "parse", str(page)],
        "pydantic, one model": [common.PYTHON, "-c", "from pydantic import BaseModel\n"
                                "class A(BaseModel):\n    x: int"],
        "chronicle parse r1.txt": [common.CHRONICLE, "parse", str(text)],
    }
    results = {name: samples(command, args.repeat) for name, command in cases.items()}
    rows: list[tuple[str, ...]] = [("command", "best (ms)", "median (ms)")]
    for name, times in results.items():
        rows.append((name, f"{min(times) * 1000:.1f}", f"{statistics.median(times) * 1000:.1f}"))
    print()
    common.table(rows)
    help_best = min(results["chronicle --help"])
    click_best = min(results['python -c "import click"'])
    help_median = statistics.median(results["chronicle --help"])
    click_median = statistics.median(results['python -c "import click"'])
    ratio = help_best / click_best
    print(f"\nchronicle --help / import click = {ratio:.2f} best, "
          f"{help_median / click_median:.2f} median (target <= 1.5): "
          f"{'MET' if ratio <= 1.5 else 'NOT MET'}")

    parse_best = min(results["chronicle parse page.html"])
    trafilatura_best = min(results['python -c "import trafilatura"'])
    print(f"chronicle parse page.html: {parse_best * 1000:.0f} ms best (target <= 250 ms: "
          f"{'MET' if parse_best <= 0.25 else 'NOT MET'}); import trafilatura alone "
          f"{trafilatura_best * 1000:.0f} ms")
    for name, source in (("page.html", page), ("r1.txt", text)):
        argv = f"import sys; sys.argv = ['chronicle', 'parse', {str(source)!r}]\n"
        parsing = imported_modules(["-c", argv + "from chronicle.cli import main\n"
                                    "try:\n    main()\nexcept SystemExit:\n    pass"])
        top = sorted(((us, module) for us, module in parsing if not module.startswith(" ")),
                     reverse=True)
        print(f"`chronicle parse {name}`: imports {sum(us for us, _ in top) / 1000:.0f} ms; "
              "slowest top-level (cumulative ms): "
              + ", ".join(f"{module} {us / 1000:.1f}" for us, module in top[:8]))

    modules = imported_modules(["-c", "import sys; sys.argv = ['chronicle', '--help']\n"
                                "from chronicle.cli import main\n"
                                "try:\n    main()\nexcept SystemExit:\n    pass"])
    names = {name.strip() for _, name in modules}
    heavy = sorted(h for h in HEAVY if h in names)
    print(f"heavy libraries imported by `chronicle --help`: {', '.join(heavy) or 'none'}")
    top = sorted(((us, name) for us, name in modules if not name.startswith(" ")), reverse=True)
    print("slowest top-level imports (cumulative ms): "
          + ", ".join(f"{name} {us / 1000:.1f}" for us, name in top[:6]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
