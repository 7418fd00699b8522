"""One base unit per dimension, so a restated figure ("5,000 kWh" -> "5 MWh") compares equal.

`base_quantity(figure)` maps a figure (a FoundFigure or a stored Figure) to its dimension
and its value in that dimension's base unit: metres, kilograms, seconds, square metres,
cubic metres, metres per second, kelvin, joules, watts, bytes, bits per second, hertz,
pascals. Money keeps its currency as part of the dimension ("money:EUR"): an exchange rate
is a fact of the day, not of the text. Percent ("%"), percentage points ("pp", with basis
points as 0.01 pp) and plain numbers are dimensions of their own, so a diff never reads
"5%" -> "5 percentage points" as a restatement. Counts keep their noun ("count:troops").
A temperature with no scale ("101 degrees") stays in "temperature:deg". Dates and times of
day keep their value (the year; the hour) under "date" and "time".
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["UNIT_BASES", "base_quantity", "base_range"]


class Measured(Protocol):
    """What base_quantity reads of a figure."""

    @property
    def value(self) -> float: ...
    @property
    def value_max(self) -> float | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def noun(self) -> str | None: ...


_YEAR = 365.25 * 86400
# unit -> (dimension, factor to the dimension's base unit)
UNIT_BASES: dict[str, tuple[str, float]] = {
    "km": ("length", 1e3), "m": ("length", 1.0), "dm": ("length", 0.1), "cm": ("length", 1e-2),
    "mm": ("length", 1e-3), "µm": ("length", 1e-6), "nm": ("length", 1e-9),
    "mi": ("length", 1609.344), "nmi": ("length", 1852.0), "ft": ("length", 0.3048),
    "in": ("length", 0.0254), "yd": ("length", 0.9144), "ly": ("length", 9.4607e15),
    "ppm": ("ratio", 1e-6), "ppb": ("ratio", 1e-9),
    "t": ("mass", 1e3), "Mt": ("mass", 1e9), "Gt": ("mass", 1e12), "kg": ("mass", 1.0),
    "g": ("mass", 1e-3),
    "mg": ("mass", 1e-6), "µg": ("mass", 1e-9), "ng": ("mass", 1e-12),
    "lb": ("mass", 0.45359237), "oz": ("mass", 0.028349523125),
    "%": ("percent", 1.0), "pp": ("percentage_points", 1.0), "bp": ("percentage_points", 0.01),
    "ns": ("time", 1e-9), "µs": ("time", 1e-6), "ms": ("time", 1e-3), "s": ("time", 1.0),
    "min": ("time", 60.0), "h": ("time", 3600.0), "day": ("time", 86400.0),
    "week": ("time", 7 * 86400.0), "month": ("time", _YEAR / 12), "year": ("time", _YEAR),
    "km/h": ("speed", 1 / 3.6), "mph": ("speed", 0.44704), "m/s": ("speed", 1.0),
    "km/s": ("speed", 1000.0),
    "kn": ("speed", 1852 / 3600), "ft/s": ("speed", 0.3048),
    "km2": ("area", 1e6), "m2": ("area", 1.0), "dm2": ("area", 1e-2), "cm2": ("area", 1e-4),
    "mm2": ("area", 1e-6), "mi2": ("area", 2589988.110336), "ft2": ("area", 0.09290304),
    "in2": ("area", 0.00064516), "µm2": ("area", 1e-12), "nm2": ("area", 1e-18),
    "yd2": ("area", 0.83612736), "ha": ("area", 1e4),
    "acre": ("area", 4046.8564224),
    "l": ("volume", 1e-3), "L": ("volume", 1e-3), "hl": ("volume", 0.1), "dl": ("volume", 1e-4),
    "cl": ("volume", 1e-5), "cL": ("volume", 1e-5), "ml": ("volume", 1e-6),
    "mL": ("volume", 1e-6), "m3": ("volume", 1.0), "km3": ("volume", 1e9),
    "dm3": ("volume", 1e-3), "µm3": ("volume", 1e-18), "nm3": ("volume", 1e-27),
    "cm3": ("volume", 1e-6), "mm3": ("volume", 1e-9),
    "mi3": ("volume", 4.168181825440579e9), "ft3": ("volume", 0.028316846592),
    "in3": ("volume", 1.6387064e-5), "yd3": ("volume", 0.764554857984),
    "gal": ("volume", 0.003785411784), "bbl": ("volume", 0.158987294928),
    "pt": ("volume", 0.000473176473), "qt": ("volume", 0.000946352946),
    "fl oz": ("volume", 2.95735295625e-5),
    "bbl/d": ("volume_rate", 0.158987294928 / 86400),
    "J": ("energy", 1.0), "kJ": ("energy", 1e3), "MJ": ("energy", 1e6), "GJ": ("energy", 1e9),
    "Wh": ("energy", 3600.0), "kWh": ("energy", 3.6e6), "MWh": ("energy", 3.6e9),
    "GWh": ("energy", 3.6e12), "TWh": ("energy", 3.6e15), "PWh": ("energy", 3.6e18),
    "kcal": ("energy", 4184.0), "BTU": ("energy", 1055.05585),
    "W": ("power", 1.0), "kW": ("power", 1e3), "MW": ("power", 1e6), "GW": ("power", 1e9),
    "TW": ("power", 1e12), "hp": ("power", 745.69987158227022),
    "B": ("data", 1.0), "kB": ("data", 1e3), "KB": ("data", 1e3), "MB": ("data", 1e6),
    "GB": ("data", 1e9), "TB": ("data", 1e12), "PB": ("data", 1e15), "EB": ("data", 1e18),
    "KiB": ("data", 1024.0), "MiB": ("data", 1024.0**2), "GiB": ("data", 1024.0**3),
    "TiB": ("data", 1024.0**4), "PiB": ("data", 1024.0**5),
    "bit": ("data", 0.125), "kbit": ("data", 125.0), "kb": ("data", 125.0),
    "Kb": ("data", 125.0), "Mbit": ("data", 1.25e5), "Mb": ("data", 1.25e5),
    "Gbit": ("data", 1.25e8), "Gb": ("data", 1.25e8), "Tbit": ("data", 1.25e11),
    "Tb": ("data", 1.25e11), "Pbit": ("data", 1.25e14), "Ebit": ("data", 1.25e17),
    "bit/s": ("data_rate", 1.0), "kbit/s": ("data_rate", 1e3), "Mbit/s": ("data_rate", 1e6),
    "Gbit/s": ("data_rate", 1e9), "Tbit/s": ("data_rate", 1e12), "Pbit/s": ("data_rate", 1e15),
    "Ebit/s": ("data_rate", 1e18), "B/s": ("data_rate", 8.0), "kB/s": ("data_rate", 8e3),
    "KB/s": ("data_rate", 8e3), "MB/s": ("data_rate", 8e6), "GB/s": ("data_rate", 8e9),
    "TB/s": ("data_rate", 8e12), "PB/s": ("data_rate", 8e15), "EB/s": ("data_rate", 8e18),
    "Hz": ("frequency", 1.0), "kHz": ("frequency", 1e3), "MHz": ("frequency", 1e6),
    "GHz": ("frequency", 1e9), "THz": ("frequency", 1e12), "rpm": ("frequency", 1 / 60),
    "Pa": ("pressure", 1.0), "hPa": ("pressure", 100.0), "kPa": ("pressure", 1e3),
    "MPa": ("pressure", 1e6), "GPa": ("pressure", 1e9), "bar": ("pressure", 1e5),
    "mbar": ("pressure", 100.0), "psi": ("pressure", 6894.757293168),
    "atm": ("pressure", 101325.0), "mmHg": ("pressure", 133.322387415),
    "inHg": ("pressure", 3386.389),
}
# Temperatures: value in kelvin = (value + offset) * factor.
_TEMPERATURE = {"degC": (273.15, 1.0), "K": (0.0, 1.0), "degF": (459.67, 5 / 9)}
# Kinds whose value is not a measure in a unit: compared as they are.
_AS_IS = ("date", "time", "number")


def _base(figure: Measured, value: float) -> tuple[str, float]:
    """Dimension and base value of one end of a figure."""
    unit, kind = figure.unit, figure.kind
    if kind == "money":  # a price per kWh is no price per MWh
        per = figure.noun if figure.noun and figure.noun.startswith("per ") else ""
        return f"money:{unit or '?'}{per[3:] and '/' + per[4:]}", value
    if kind == "count":
        return f"count:{(figure.noun or '').lower()}", value
    if kind in _AS_IS or unit is None:
        return kind if kind in _AS_IS else f"{kind}:", value
    if kind == "temperature":
        if unit in _TEMPERATURE:
            offset, factor = _TEMPERATURE[unit]
            return "temperature", (value + offset) * factor
        return f"temperature:{unit}", value
    if unit in UNIT_BASES:
        dimension, factor = UNIT_BASES[unit]
        return dimension, value * factor
    return f"{kind}:{unit}", value


def base_quantity(figure: Measured) -> tuple[str, float]:
    """(dimension, value in the dimension's base unit): "5 GWh" -> ("energy", 1.8e13)."""
    return _base(figure, figure.value)


def base_range(figure: Measured) -> tuple[str, float, float | None]:
    """(dimension, low, high) in base units; high is None unless the figure is a range."""
    dimension, low = _base(figure, figure.value)
    if figure.value_max is None:
        return dimension, low, None
    return dimension, low, _base(figure, figure.value_max)[1]
