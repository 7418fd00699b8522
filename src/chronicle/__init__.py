"""chronicle: every revision of a briefing as an immutable event in a git archive.

Public API:
    find_figures(text) -> list[FoundFigure]: every figure in a text (money, counts,
        measures, percentages, ranges, dates, times of day), in order, without overlaps.
        FoundFigure's fields (text, value, value_max, unit, kind, qualifier, noun, date,
        start, end) are documented on the class: `help(chronicle.FoundFigure)`.
    base_quantity(figure) -> (dimension, value in the base unit), so that "5,000 kWh" and
        "5 MWh" compare equal; base_range(figure) adds the high end of a range.
    FIGURES_VERSION: changes whenever find_figures gives different output for some text.

They are imported on first use, so `import chronicle` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
__all__ = ["FIGURES_VERSION", "FoundFigure", "base_quantity", "base_range", "find_figures"]

if TYPE_CHECKING:
    from .figures import FIGURES_VERSION, FoundFigure, find_figures
    from .units import base_quantity, base_range

_LAZY = {"find_figures": "figures", "FoundFigure": "figures", "FIGURES_VERSION": "figures",
         "base_quantity": "units", "base_range": "units"}


def __getattr__(name: str) -> Any:
    """Import the public names from their modules when first asked for."""
    if name not in _LAZY:
        raise AttributeError(f"module 'chronicle' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
