"""What a figure measures, in one base unit, so '1670 hectares' and '16.7 km²' compare equal.

``base_quantity(figure)`` gives (dimension, value, value_max) with the value in the base unit
of its dimension: metres, square metres, cubic metres, kilograms, seconds, joules, watts,
kelvin, metres per second; money per currency; percent apart from percentage points (a
basis point is 0.01 point); counts and plain numbers together; dates by their ISO text.

A local stand-in until chronicle.figures provides its own base quantities; only
``align``-side code uses it, through ``base_quantity`` and ``same_quantity``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Figure

_M2 = {"km2": 1e6, "m2": 1.0, "cm2": 1e-4, "mm2": 1e-6, "ha": 1e4, "acre": 4046.8564224,
       "mi2": 2_589_988.110336, "ft2": 0.09290304, "yd2": 0.83612736}
_M3 = {"km3": 1e9, "m3": 1.0, "cm3": 1e-6, "mm3": 1e-9, "l": 1e-3, "ml": 1e-6, "cl": 1e-5,
       "gal": 3.785411784e-3, "bbl": 0.158987294928, "ft3": 0.028316846592}
# (dimension, factor to the base unit) by unit symbol as chronicle.figures stores it.
_UNITS: dict[str, tuple[str, float]] = {
    **{u: ("length", f) for u, f in {
        "km": 1e3, "m": 1.0, "cm": 1e-2, "mm": 1e-3, "µm": 1e-6, "nm": 1e-9,
        "mi": 1609.344, "nmi": 1852.0, "ft": 0.3048, "in": 0.0254, "yd": 0.9144}.items()},
    **{u: ("area", f) for u, f in _M2.items()},
    **{u: ("volume", f) for u, f in _M3.items()},
    "bbl/d": ("flow", 0.158987294928 / 86400),
    **{u: ("mass", f) for u, f in {
        "t": 1e3, "kg": 1.0, "g": 1e-3, "mg": 1e-6, "lb": 0.45359237,
        "oz": 0.028349523125}.items()},
    **{u: ("speed", f) for u, f in {
        "m/s": 1.0, "km/h": 1 / 3.6, "mph": 0.44704, "kn": 1852 / 3600}.items()},
    **{u: ("energy", f) for u, f in {
        "J": 1.0, "kJ": 1e3, "MJ": 1e6, "GJ": 1e9, "Wh": 3600.0, "kWh": 3.6e6,
        "MWh": 3.6e9, "GWh": 3.6e12, "TWh": 3.6e15, "kcal": 4184.0, "BTU": 1055.05585}.items()},
    **{u: ("power", f) for u, f in {
        "W": 1.0, "kW": 1e3, "MW": 1e6, "GW": 1e9, "TW": 1e12, "hp": 745.69987}.items()},
    **{u: ("time", f) for u, f in {
        "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "day": 86400.0, "week": 604800.0,
        "month": 31_557_600 / 12, "year": 31_557_600.0}.items()},
    "%": ("percent", 1.0),
    "pp": ("points", 1.0),
    "bp": ("points", 0.01),
}
_TEMPERATURE = {"K": (1.0, 0.0), "degC": (1.0, 273.15), "degF": (5 / 9, 273.15 - 32 * 5 / 9)}


@dataclass(frozen=True)
class Quantity:
    """A figure's value in the base unit of what it measures."""

    dimension: str  # 'length', 'money:USD', 'percent', 'points', 'number', 'date', ...
    value: float
    value_max: float | None
    date: str | None = None
    converted: bool = False  # True when the figure's own unit is not the base unit

    def alias(self) -> str | None:
        """'year=1356' for a year, whether read as a date or as a plain number."""
        if self.dimension == "date" and self.date is not None and len(self.date) == 4:
            return f"year={self.date}"
        if (self.dimension == "number" and self.value_max is None
                and self.value.is_integer() and 1000 <= self.value <= 2999):
            return f"year={int(self.value)}"
        return None

    def key(self) -> tuple[str, str]:
        """A hashable key: equal keys are the same quantity written the same or restated."""
        if self.dimension == "date":
            return self.dimension, self.date or _number_key(self.value)
        high = "" if self.value_max is None else _number_key(self.value_max)
        return self.dimension, f"{_number_key(self.value)}:{high}"


def base_quantity(figure: Figure) -> Quantity:
    if figure.kind == "date":
        return Quantity("date", figure.value, figure.value_max, figure.date)
    if figure.kind == "money":
        return Quantity(f"money:{figure.unit or '?'}", figure.value, figure.value_max)
    unit = figure.unit
    if unit in _TEMPERATURE:
        scale, offset = _TEMPERATURE[unit]
        high = None if figure.value_max is None else figure.value_max * scale + offset
        return Quantity("temperature", figure.value * scale + offset, high, converted=True)
    if unit is not None and unit in _UNITS:
        dimension, factor = _UNITS[unit]
        high = None if figure.value_max is None else figure.value_max * factor
        return Quantity(dimension, figure.value * factor, high, converted=factor != 1.0)
    if figure.kind in ("count", "number") and unit is None:
        return Quantity("number", figure.value, figure.value_max)
    return Quantity(f"{figure.kind}:{unit}", figure.value, figure.value_max)


def same_quantity(before: Figure, after: Figure) -> bool:
    """True when two figures state the same quantity (maybe in another unit or format).

    The same unit must give the same value; across units the values must agree to the
    precision the figures are written with ('6,000 feet' and '1,830 m' agree).
    """
    first, second = base_quantity(before), base_quantity(after)
    if first.alias() is not None and first.alias() == second.alias():
        return True  # 'in 1356' and '(1356)': one year, whatever the reader called it
    if first.dimension != second.dimension:
        return False
    if first.dimension == "date":
        return (first.date or "") == (second.date or "") and first.value == second.value
    if (first.value_max is None) != (second.value_max is None):
        return False
    if before.unit == after.unit:
        return _close(before.value, after.value) and _close_or_none(
            before.value_max, after.value_max
        )
    tolerance = max(_half_step(before), _half_step(after))
    pairs = [(first.value, second.value)]
    if first.value_max is not None and second.value_max is not None:
        pairs.append((first.value_max, second.value_max))
    return all(abs(a - b) <= tolerance * max(abs(a), abs(b)) + 1e-12 for a, b in pairs)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _close_or_none(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and _close(a, b))


def _half_step(figure: Figure) -> float:
    """Half the last significant digit of the figure's value, relative to the value."""
    value = abs(figure.value_max if figure.value_max is not None else figure.value)
    if value == 0 or not math.isfinite(value):
        return 0.0
    digits = f"{value:.12g}".split("e")[0].replace(".", "").strip("0")
    return 0.5 / int(digits) if digits else 0.0


def _number_key(value: float) -> str:
    return f"{value:.9g}"
