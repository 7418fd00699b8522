"""The word lists, unit tables and currency tables that chronicle.figures reads with.

Data only (and the two functions that build the unit tables): what a number word, a unit,
a currency or a qualifier is. The scanning itself is in figures.py.
"""

from __future__ import annotations


def _word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a long word list, as a set."""
    return frozenset(text.split())


_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "nought": 0, "naught": 0,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALE_WORDS = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "quadrillion": 1e15, "quintillion": 1e18, "sextillion": 1e21, "septillion": 1e24,
    "octillion": 1e27, "nonillion": 1e30, "decillion": 1e33,
    "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "crore": 1e7, "crores": 1e7,
}
# Scales read only after a number: "three billions", "200 dozens", "two dozen".
_PLURAL_SCALES = {
    "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12,
    "dozens": 12.0, "dozen": 12.0,
}
_SCALES_AFTER = {**_SCALE_WORDS, **_PLURAL_SCALES}
# Abbreviated scales; "m", "M" (spaced), "B" and "T" mean a scale only next to a currency.
_SCALE_ABBR = {
    "bn": 1e9, "bln": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12, "trn": 1e12,
    "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "B": 1e9, "T": 1e12, "cr": 1e7,
    "bil": 1e9, "mil": 1e6,
}
_FRACTION_WORDS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10,
}
_VULGAR = {
    "½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅕": 0.2, "⅖": 0.4, "⅗": 0.6,
    "⅘": 0.8, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625, "⅞": 0.875,
}
# Denominators of fractions people write in prose; "9/11" or "24/7" are names, not 0.82.
_FRACTION_DENOMINATORS = frozenset({2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64, 100})

_CURRENCY_SYMBOLS = {
    "US$": "USD", "U.S.$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD",
    "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "NT$": "TWD", "MX$": "MXN",
    "Mex$": "MXN", "N$": "NAD", "J$": "JMD", "TT$": "TTD", "RD$": "DOP", "FJ$": "FJD",
    "EC$": "XCD", "$": "USD",
    "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₴": "UAH", "₩": "KRW",
    "₺": "TRY", "₪": "ILS", "₦": "NGN", "₱": "PHP", "₫": "VND", "฿": "THB", "₸": "KZT",
    "₾": "GEL", "₼": "AZN", "₨": "INR", "₵": "GHS", "GH₵": "GHS", "E£": "EGP",
    "Rs.": "INR", "Rs": "INR", "RM": "MYR", "Rp": "IDR", "Rp.": "IDR", "KSh": "KES",
    "Ksh": "KES", "USh": "UGX", "TSh": "TZS", "Dh": "AED", "Dhs": "AED", "SR": "SAR",
}
# Marks written only after the amount: "300 Kč", "50 zł", "100 kr", "500元", "99¢".
# "kr" is shared by four Nordic currencies; like "$" for USD it names the most traded one.
_CURRENCY_SUFFIX_ONLY = {
    "Kč": "CZK", "zł": "PLN", "kr": "SEK", "元": "CNY", "円": "JPY",
    "лв": "BGN", "¢": "USD",
}
_CURRENCY_CODES = _word_set(
    "USD EUR GBP JPY CNY CHF CAD AUD NZD INR RUB UAH KRW BRL MXN ZAR TRY SEK NOK DKK PLN "
    "HKD SGD ILS SAR AED IRR KPW CZK HUF RON BGN IDR THB VND PHP MYR PKR EGP NGN ARS "
    "CLP COP TWD QAR KWD BYN KZT GEL ISK HRK RSD BHD OMR JOD LBP IQD LYD TND DZD MAD "
    "KES UGX TZS GHS ETB NAD BWP ZMW XOF XAF LKR NPR BDT MMK KHR LAK MNT UZS AZN AMD "
    "PEN UYU BOB PYG VES DOP JMD TTD XCD FJD BND MOP MUR"
)
_CODE_ALIASES = {"RMB": "CNY", "NIS": "ILS"}
# Currency words after a number. Each family has a default (None: name the country) and
# the adjectives that pick a member: "Canadian dollars", "Kuwaiti dinars".
_CURRENCY_FAMILIES: dict[str, tuple[str | None, dict[str, str]]] = {
    "dollar": ("USD", {
        "us": "USD", "u.s.": "USD", "american": "USD", "canadian": "CAD",
        "australian": "AUD", "new zealand": "NZD", "hong kong": "HKD", "singapore": "SGD",
        "singaporean": "SGD", "taiwan": "TWD", "new taiwan": "TWD", "taiwanese": "TWD",
        "jamaican": "JMD", "namibian": "NAD", "fijian": "FJD", "liberian": "LRD",
        "belize": "BZD", "bahamian": "BSD", "barbadian": "BBD", "east caribbean": "XCD",
        "trinidad and tobago": "TTD", "zimbabwean": "ZWL", "brunei": "BND"}),
    "pound": ("GBP", {
        "british": "GBP", "uk": "GBP", "egyptian": "EGP", "lebanese": "LBP",
        "syrian": "SYP", "sudanese": "SDG", "south sudanese": "SSP"}),
    "euro": ("EUR", {}),
    "sterling": ("GBP", {}),
    "yen": ("JPY", {"japanese": "JPY"}),
    "yuan": ("CNY", {"chinese": "CNY"}),
    "renminbi": ("CNY", {}),
    "ruble": ("RUB", {"russian": "RUB", "belarusian": "BYN"}),
    "rouble": ("RUB", {"russian": "RUB", "belarusian": "BYN"}),
    "hryvnia": ("UAH", {"ukrainian": "UAH"}),
    "hryvna": ("UAH", {}),
    "rupee": ("INR", {"indian": "INR", "pakistani": "PKR", "sri lankan": "LKR",
                      "nepalese": "NPR", "nepali": "NPR", "mauritian": "MUR"}),
    "franc": ("CHF", {"swiss": "CHF", "cfa": "XOF", "congolese": "CDF", "rwandan": "RWF",
                      "guinean": "GNF"}),
    "peso": ("MXN", {"mexican": "MXN", "argentine": "ARS", "argentinian": "ARS",
                     "chilean": "CLP", "colombian": "COP", "philippine": "PHP",
                     "cuban": "CUP", "uruguayan": "UYU", "dominican": "DOP"}),
    "lira": ("TRY", {"turkish": "TRY"}),
    "shekel": ("ILS", {"israeli": "ILS", "new israeli": "ILS"}),
    "zloty": ("PLN", {"polish": "PLN"}),
    "złoty": ("PLN", {"polish": "PLN"}),
    "riyal": ("SAR", {"saudi": "SAR", "qatari": "QAR", "yemeni": "YER"}),
    "rial": ("IRR", {"iranian": "IRR", "omani": "OMR"}),
    "dirham": ("AED", {"uae": "AED", "emirati": "AED", "moroccan": "MAD"}),
    "dinar": (None, {"kuwaiti": "KWD", "iraqi": "IQD", "jordanian": "JOD",
                     "bahraini": "BHD", "libyan": "LYD", "tunisian": "TND",
                     "algerian": "DZD", "serbian": "RSD"}),
    "shilling": (None, {"kenyan": "KES", "ugandan": "UGX", "tanzanian": "TZS",
                        "somali": "SOS"}),
    "krone": (None, {"danish": "DKK", "norwegian": "NOK"}),
    "kroner": (None, {"danish": "DKK", "norwegian": "NOK"}),
    "krona": ("SEK", {"swedish": "SEK", "icelandic": "ISK"}),
    "kronor": ("SEK", {"swedish": "SEK"}),
    "koruna": ("CZK", {"czech": "CZK"}),
    "forint": ("HUF", {"hungarian": "HUF"}),
    "leu": ("RON", {"romanian": "RON", "moldovan": "MDL"}),
    "lei": ("RON", {"romanian": "RON", "moldovan": "MDL"}),
    "lev": ("BGN", {"bulgarian": "BGN"}),
    "leva": ("BGN", {"bulgarian": "BGN"}),
    "rand": ("ZAR", {"south african": "ZAR"}),
    "real": (None, {"brazilian": "BRL"}),
    "reais": ("BRL", {"brazilian": "BRL"}),
    "won": ("KRW", {"south korean": "KRW", "korean": "KRW", "north korean": "KPW"}),
    "ringgit": ("MYR", {"malaysian": "MYR", "malaysia": "MYR"}),
    "rupiah": ("IDR", {"indonesian": "IDR"}),
    "baht": ("THB", {"thai": "THB"}),
    "dong": (None, {"vietnamese": "VND"}),
    "naira": ("NGN", {"nigerian": "NGN"}),
    "cedi": ("GHS", {"ghanaian": "GHS"}),
    "birr": ("ETB", {"ethiopian": "ETB"}),
    "kwacha": (None, {"zambian": "ZMW", "malawian": "MWK"}),
    "taka": ("BDT", {"bangladeshi": "BDT"}),
    "tenge": ("KZT", {"kazakh": "KZT"}),
    "lari": ("GEL", {"georgian": "GEL"}),
    "manat": (None, {"azerbaijani": "AZN", "turkmen": "TMT"}),
    "dram": ("AMD", {"armenian": "AMD"}),
    "kyat": ("MMK", {}),
    "buck": ("USD", {}),
    "quid": ("GBP", {}),
    "cent": ("USD", {}),
    "pence": ("GBP", {}),
    "penny": ("USD", {}),
    "paise": ("INR", {}),
    "kopeck": ("RUB", {}),
    "kopek": ("RUB", {}),
}
# Plurals that are not the family name plus "s".
_CURRENCY_PLURALS = {"pence": "pence", "pennies": "penny", "kopecks": "kopeck",
                     "kopeks": "kopek", "lei": "lei", "leva": "leva", "reais": "reais",
                     "kroner": "kroner", "kronor": "kronor", "paise": "paise",
                     "hryvnas": "hryvna", "yen": "yen", "yuan": "yuan", "won": "won",
                     "rand": "rand", "baht": "baht", "quid": "quid", "dong": "dong",
                     "złotych": "złoty", "zlotych": "zloty",
                     "naira": "naira"}
_CURRENCY_ADJECTIVES = sorted({adj for _, adjs in _CURRENCY_FAMILIES.values() for adj in adjs},
                              key=len, reverse=True)
# Sub-units: "25 cents" is 0.25 of the main unit, and "7 dollars and 25 cents" one amount.
_SUBUNIT_FACTOR = {"cent": 0.01, "pence": 0.01, "penny": 0.01, "paise": 0.01,
                   "kopeck": 0.01, "kopek": 0.01, "sen": 0.01}

# (unit, kind, factor): factor turns "two decades" into 20 years.
_Unit = tuple[str, str, float]


def _unit_words() -> dict[str, _Unit]:
    """Unit names written as words, keyed in lowercase with single spaces."""
    table: dict[str, _Unit] = {}

    def add(names: str, unit: str, kind: str, factor: float = 1.0) -> None:
        for name in names.split("|"):
            table[name] = (unit, kind, factor)

    for prefix, symbol in (("kilo", "km"), ("centi", "cm"), ("milli", "mm"), ("", "m"),
                           ("nano", "nm"), ("micro", "µm"), ("deci", "dm")):
        add(f"{prefix}metre|{prefix}metres|{prefix}meter|{prefix}meters", symbol, "distance")
        for sq in ("square ", "sq "):
            add(f"{sq}{prefix}metre|{sq}{prefix}metres|{sq}{prefix}meter|{sq}{prefix}meters",
                f"{symbol}2", "area")
        add(f"cubic {prefix}metre|cubic {prefix}metres|cubic {prefix}meter|cubic {prefix}meters",
            f"{symbol}3", "volume")
    add("micron|microns", "µm", "distance")
    add("mile|miles", "mi", "distance")
    add("nautical mile|nautical miles", "nmi", "distance")
    add("light year|light years", "ly", "distance")
    # A concentration is a number with a unit ("424 parts per million", "424 ppm"): the
    # figure kinds are the schema's, and a kind of its own would be a schema version.
    add("parts per million", "ppm", "number")
    add("parts per billion", "ppb", "number")
    add("foot|feet", "ft", "distance")
    add("inch|inches", "in", "distance")
    add("yard|yards", "yd", "distance")
    add("square mile|square miles|sq mile|sq miles", "mi2", "area")
    add("square foot|square feet|sq foot|sq feet", "ft2", "area")
    add("hectare|hectares", "ha", "area")
    add("acre|acres", "acre", "area")
    for spelling in ("litre", "liter"):
        add(f"{spelling}|{spelling}s", "l", "volume")
        add(f"milli{spelling}|milli{spelling}s", "ml", "volume")
        add(f"centi{spelling}|centi{spelling}s", "cl", "volume")
    add("gallon|gallons", "gal", "volume")
    add("barrel|barrels", "bbl", "volume")
    add("barrels per day|barrels a day|barrel per day", "bbl/d", "volume")
    add("kilogram|kilograms|kilogramme|kilogrammes|kilo|kilos", "kg", "mass")
    add("gram|grams|gramme|grammes", "g", "mass")
    add("milligram|milligrams", "mg", "mass")
    add("tonne|tonnes|ton|tons|metric ton|metric tons|metric tonne|metric tonnes", "t", "mass")
    add("pound|pounds", "lb", "mass")
    add("ounce|ounces", "oz", "mass")
    add("kilometres per hour|kilometers per hour|kilometre per hour|kilometer per hour"
        "|km per hour", "km/h", "speed")
    add("miles per hour|mile per hour", "mph", "speed")
    add("metres per second|meters per second|metre per second|meter per second", "m/s", "speed")
    add("knot|knots", "kn", "speed")
    add("degrees celsius|degree celsius|degrees centigrade|degrees c|celsius", "degC",
        "temperature")
    add("degrees fahrenheit|degree fahrenheit|degrees f|fahrenheit", "degF", "temperature")
    add("kelvin|kelvins", "K", "temperature")
    add("joule|joules", "J", "energy")
    add("kilojoule|kilojoules", "kJ", "energy")
    add("megajoule|megajoules", "MJ", "energy")
    add("gigajoule|gigajoules", "GJ", "energy")
    for prefix, symbol in (("", ""), ("kilo", "k"), ("mega", "M"), ("giga", "G"), ("tera", "T")):
        add(f"{prefix}watt|{prefix}watts", f"{symbol}W", "power")
        add(f"{prefix}watt hour|{prefix}watt hours", f"{symbol}Wh", "energy")
    add("calorie|calories|kilocalorie|kilocalories", "kcal", "energy")
    add("british thermal unit|british thermal units", "BTU", "energy")
    add("horsepower", "hp", "power")
    add("millisecond|milliseconds", "ms", "duration")
    add("second|seconds", "s", "duration")
    add("minute|minutes", "min", "duration")
    add("hour|hours", "h", "duration")
    add("day|days", "day", "duration")
    add("working day|working days|business day|business days|calendar day|calendar days",
        "day", "duration")
    add("week|weeks", "week", "duration")
    add("fortnight|fortnights", "week", "duration", 2.0)
    add("month|months", "month", "duration")
    add("year|years", "year", "duration")
    add("decade|decades", "year", "duration", 10.0)
    add("century|centuries", "year", "duration", 100.0)
    add("percent|percents|per cent|pct|percentage", "%", "percent")
    add("percentage point|percentage points|pct point|pct points", "pp", "percent")
    add("basis point|basis points", "bp", "percent")
    add("cubic foot|cubic feet", "ft3", "volume")
    add("cubic inch|cubic inches", "in3", "volume")
    add("cubic yard|cubic yards", "yd3", "volume")
    add("cubic mile|cubic miles", "mi3", "volume")
    add("square inch|square inches", "in2", "area")
    add("square yard|square yards", "yd2", "area")
    add("square kilometre|square kilometres|square kilometer|square kilometers", "km2", "area")
    for spelling in ("litre", "liter"):
        add(f"hecto{spelling}|hecto{spelling}s", "hl", "volume")
        add(f"deci{spelling}|deci{spelling}s", "dl", "volume")
    add("pint|pints", "pt", "volume")
    add("quart|quarts", "qt", "volume")
    add("fluid ounce|fluid ounces", "fl oz", "volume")
    add("microgram|micrograms", "µg", "mass")
    add("nanogram|nanograms", "ng", "mass")
    add("megatonne|megatonnes|megaton|megatons", "Mt", "mass")
    add("gigatonne|gigatonnes|gigaton|gigatons", "Gt", "mass")
    add("miles an hour|mile an hour|miles a hour", "mph", "speed")
    add("kilometres an hour|kilometers an hour|kilometre an hour|kilometer an hour"
        "|km an hour", "km/h", "speed")
    add("feet per second|foot per second", "ft/s", "speed")
    add("deg celsius|deg c|degree c|deg centigrade", "degC", "temperature")
    add("deg fahrenheit|deg f|degree f", "degF", "temperature")
    add("degrees|degree|deg", "deg", "temperature")
    add("nanosecond|nanoseconds", "ns", "duration")
    add("microsecond|microseconds", "µs", "duration")
    add("millennium|millennia|millenniums", "year", "duration", 1000.0)
    for prefix, symbol in (("", ""), ("kilo", "k"), ("mega", "M"), ("giga", "G"), ("tera", "T"),
                           ("peta", "P"), ("exa", "E")):
        add(f"{prefix}byte|{prefix}bytes", f"{symbol}B", "data")
        add(f"{prefix}bit|{prefix}bits", f"{symbol}bit", "data")
        add(f"{prefix}bits per second|{prefix}bit per second", f"{symbol}bit/s", "data_rate")
        add(f"{prefix}bytes per second|{prefix}byte per second", f"{symbol}B/s", "data_rate")
    for prefix, symbol in (("kibi", "Ki"), ("mebi", "Mi"), ("gibi", "Gi"), ("tebi", "Ti")):
        add(f"{prefix}byte|{prefix}bytes", f"{symbol}B", "data")
    for prefix, symbol in (("", ""), ("kilo", "k"), ("mega", "M"), ("giga", "G"),
                           ("tera", "T")):
        add(f"{prefix}hertz", f"{symbol}Hz", "frequency")
    add("revolutions per minute|revolution per minute", "rpm", "frequency")
    for prefix, symbol in (("", ""), ("kilo", "k"), ("mega", "M"), ("giga", "G"),
                           ("hecto", "h")):
        add(f"{prefix}pascal|{prefix}pascals", f"{symbol}Pa", "pressure")
    add("millibar|millibars", "mbar", "pressure")
    add("pounds per square inch|pound per square inch", "psi", "pressure")
    add("millimetres of mercury|millimeters of mercury", "mmHg", "pressure")
    add("petawatt hour|petawatt hours", "PWh", "energy")
    add("brake horsepower", "hp", "power")
    return table


def _unit_symbols() -> dict[str, _Unit]:
    """Unit symbols, matched case-sensitively and allowed to touch the number."""
    table: dict[str, _Unit] = {}

    def add(names: str, unit: str, kind: str) -> None:
        for name in names.split("|"):
            table[name] = (unit, kind, 1.0)

    for base in ("km", "m", "cm", "mm", "mi", "ft", "dm"):
        add(f"{base}2|{base}²|{base}^2|sq {base}|sq. {base}", f"{base}2", "area")
        add(f"{base}3|{base}³|{base}^3", f"{base}3", "volume")
        add(f"{base} squared", f"{base}2", "area")
        add(f"{base} cubed", f"{base}3", "volume")
    add("km|m|cm|mm|mi|ft|yd|nmi|in", "", "distance")
    add("μm", "µm", "distance")
    add("µm", "", "distance")
    add("ha", "ha", "area")
    add("l|L|ml|mL|cl|cL|gal|bbl", "", "volume")
    add("cc", "cm3", "volume")
    add("bpd", "bbl/d", "volume")
    add("kg|g|mg|t|lb|oz", "", "mass")
    add("lbs", "lb", "mass")
    add("kms", "km", "distance")
    add("yds", "yd", "distance")
    add("gals", "gal", "volume")
    add("mls", "ml", "volume")
    add("km/h|mph|m/s|kn", "", "speed")
    add("km/s", "km/s", "speed")
    add("sqm|sq m|sq. m", "m2", "area")
    add("sqft|sq ft", "ft2", "area")
    add("kph|kmh|kmph", "km/h", "speed")
    add("°C|° C|ºC|º C|C", "degC", "temperature")
    add("°F|° F|ºF|º F|F", "degF", "temperature")
    add("J|kJ|MJ|GJ|Wh|kWh|MWh|GWh|TWh|kcal|BTU", "", "energy")
    add("Btu", "BTU", "energy")
    add("W|kW|MW|GW|TW|hp", "", "power")
    add("ms|min|h", "", "duration")
    add("sec|secs", "s", "duration")
    add("mins", "min", "duration")
    add("hr|hrs", "h", "duration")
    add("yr|yrs", "year", "duration")
    add("wk|wks", "week", "duration")
    add("mo|mos", "month", "duration")
    add("%|pp|bp", "", "percent")
    add("％", "%", "percent")
    add("bps", "bp", "percent")  # in news "bps" is basis points; a data rate is "kbps"
    add("ppt|ppts", "pp", "percent")  # "narrowed by 1.5 ppt": finance's percentage point
    add("bips", "bp", "percent")
    add("ppm", "ppm", "number")
    add("ppb", "ppb", "number")
    add("dm", "", "distance")
    add("in2|yd2", "", "area")
    add("in²", "in2", "area")
    add("yd²", "yd2", "area")
    add("cu ft|cu. ft.|cu.ft.", "ft3", "volume")
    add("cu m", "m3", "volume")
    add("hl|dl|fl oz", "", "volume")
    add("µg|ng|Mt|Gt", "", "mass")
    add("μg|mcg", "µg", "mass")
    add("km/hr", "km/h", "speed")
    add("ft/s", "", "speed")
    add("°|º|deg|deg.", "deg", "temperature")
    add("° celsius|° Celsius|°celsius|°Celsius", "degC", "temperature")
    add("° fahrenheit|° Fahrenheit|°fahrenheit|°Fahrenheit", "degF", "temperature")
    add("ns|µs", "", "duration")
    add("μs", "µs", "duration")
    add("kB|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB", "", "data")
    add("kb|Kb|Mb|Gb|Tb|kbit|Mbit|Gbit|Tbit", "", "data")
    add("kbps|Kbps|kb/s|Kb/s|kbit/s", "kbit/s", "data_rate")
    add("Mbps|Mb/s|Mbit/s", "Mbit/s", "data_rate")
    add("Gbps|Gb/s|Gbit/s", "Gbit/s", "data_rate")
    add("Tbps|Tbit/s", "Tbit/s", "data_rate")
    add("bit/s|kB/s|KB/s|MB/s|GB/s", "", "data_rate")
    add("MBps", "MB/s", "data_rate")
    for size, rate in (("kb", "kbit/s"), ("Kb", "kbit/s"), ("Mb", "Mbit/s"), ("Gb", "Gbit/s"),
                       ("kB", "kB/s"), ("KB", "KB/s"), ("MB", "MB/s"), ("GB", "GB/s")):
        add(f"{size} per second|{size} a second", rate, "data_rate")
    add("Hz|kHz|MHz|GHz|THz|rpm", "", "frequency")
    add("Pa|kPa|MPa|GPa|hPa|mbar|bar|psi|atm|mmHg|inHg", "", "pressure")
    add("PWh", "", "energy")
    # Lower-cased text (as some archives store Wikipedia) writes "900 mhz", "5 kwh".
    for lower, unit, kind in (("khz", "kHz", "frequency"), ("mhz", "MHz", "frequency"),
                              ("ghz", "GHz", "frequency"), ("kwh", "kWh", "energy"),
                              ("mwh", "MWh", "energy"), ("gwh", "GWh", "energy"),
                              ("twh", "TWh", "energy"), ("kw", "kW", "power"),
                              ("mw", "MW", "power"), ("gw", "GW", "power"),
                              ("gb", "GB", "data"), ("tb", "TB", "data")):
        add(lower, unit, kind)
    add("bhp", "hp", "power")
    add("pc|pct", "%", "percent")  # "up 3.5pc", the British press's percent
    add("\"|''", "in", "distance")  # '65" TV', "a 9'' plate": inches, when no quote closes
    # An empty unit means "the symbol is the unit".
    return {k: (u or k, kind, f) for k, (u, kind, f) in table.items()}


_WORD_UNITS = _unit_words()
_SYMBOL_UNITS = _unit_symbols()
# Bare symbols that collide with words or letters; each needs its own check.
_AMBIGUOUS_SYMBOLS = frozenset({"in", "C", "F", "bar", "Mt", "°", "º", "deg", "deg.", "pc",
                                '"', "''"})

_QUALIFIERS = (
    "more than|less than|fewer than|at least|at most|up to|as many as|as much as|as few as"
    "|as little as|no more than|no fewer than|no less than|close to|in excess of|upwards of"
    "|just over|just under|well over|well under|well above|well below|nearly|almost|about"
    "|around|roughly|approximately|approx\\.|over|under|below|above|some|an estimated"
    "|estimated|circa|exactly|only|just|more like|somewhere around|an additional"
    "|another|a further|a total of|a record"
)
_QUALIFIER_SYMBOLS = {"~": "about", "≈": "about", "<": "less than", ">": "more than",
                      "≤": "at most", "≥": "at least"}
_QUALIFIER_NORMAL = {"approx.": "approximately", "an estimated": "estimated",
                     "an additional": "additional", "a further": "further",
                     "a total of": "total", "a record": "record"}

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Words after which a four-digit number is a year even outside 1800-2100.
_DATE_PREPOSITIONS = _word_set(
    "in since by from until till through before after during of between and to early mid "
    "late around circa year fiscal fy spring summer autumn fall winter end start beginning "
    "throughout"
)
# Capitalised words that make the next number a name: "Article 5", "Resolution 2231".
_ID_PREFIXES = _word_set(
    "Article Articles Resolution Resolutions Chapter Section Title Paragraph Clause "
    "Amendment Rule Regulation Directive Protocol Flight Route Highway Interstate Road "
    "Street Gate Terminal Platform Room Building Block Unit Level Phase Stage Category "
    "Grade Class Model Version Series Type Mark Mk Apollo Voyager Soyuz Falcon Windows "
    "iPhone Boeing Airbus Channel Formula Vision Agenda Group Division Brigade Battalion "
    "Regiment Corps District Ward Lot Track Episode Season Part Volume Vol. Page Table "
    "Figure Fig. Exhibit Annex Appendix Bill Act Order Decree Case Item Question Step Zone "
    "Sector Area No. Nos. Art. Sec. Ch. Para. Pt. Juz Psalm Pier Gen Gen. Tier Covid COVID "
    "iOS Android macOS Ubuntu Debian Fedora Python Java Firefox Chrome Linux Ligue "
    "stage phase level category grade tier chapter article section route platform gate room"
)
# Capitalised words that start sentences without naming anything.
_FUNCTION_WORDS = _word_set(
    "In By Since About Over Some The All Only Nearly Almost Around Roughly At Up Under From "
    "Between To Until Before After During With Of And Or For On Its Their His Her Our These "
    "Those Each Every Than Like Another Just More Less Fewer Approximately Exactly "
    "Estimated An A Below Above Top Total Both Further Additional Within Into Across "
    "Against Among Amid Also Then Now When While Is Are Was Were"
)
# Words that end the run of words after a number when looking for the counted noun.
_STOP_WORDS = _word_set(
    "the a an of in on at to for from by with into onto over under about against across "
    "after before between during near since until per via toward towards through within "
    "without among amid around along behind beyond inside outside than as like and or but "
    "nor so yet while whereas because if that which who whom whose where when is are was "
    "were be been being has have had do does did will would shall should can could may "
    "might must said say says it its they them their he she his her we our you your i "
    "this these those there here each every all some any no not only also too very just "
    "still already now then ago later earlier both either neither such what how "
    "why out up down off back away"
)
_ADJECTIVES = _word_set(
    "new old more other additional extra further large small big huge long short young "
    "senior junior top key main major minor single complete full total separate "
    "civilian military foreign armed active heavy light high low modern combat ballistic "
    "cruise nuclear western eastern northern southern advanced former current retired "
    "injured wounded dead killed missing elite regular reserve special fresh first last "
    "next previous recent"
)
_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "ful", "less", "ary", "ern", "ish", "ese")
_IRREGULAR_PLURALS = _word_set(
    "people children men women police personnel staff aircraft cattle livestock sheep fish "
    "deer infantry crew militia offspring series species data media youth clergy"
)
_ONE_DETERMINERS = _word_set(
    "the this that which any every each no only a another someone anyone"
)
# "ranged from X to Y" is a range; "rose from X to Y" is two figures, a before and an after.
# Verbs after which "X to Y" is a change by X to the level Y, when both carry their unit
_MOVED_BY_VERBS = _word_set(
    "rose fell gained lost climbed dropped jumped slipped slid declined added shed advanced "
    "eased sank soared surged tumbled plunged rallied grew shrank increased decreased "
    "rises falls gains loses climbs drops jumps slips slides declines adds sheds advances "
    "eases sinks soars surges tumbles plunges rallies grows shrinks increases decreases up "
    "down")
_RANGE_VERBS = _word_set("range ranges ranged ranging vary varies varied varying")
_CHANGE_WORDS = _word_set(
    "rose rise rises rising risen fell fall falls falling fallen increased increase increases "
    "increasing decreased decrease decreases decreasing reduced reduce reduces reducing "
    "reduction cut cuts raised raise raises raising grew grow grows growing dropped drop drops "
    "dropping jumped jump jumps climbed climb climbs slashed lowered lower expanded expand "
    "shrank shrink shrunk doubled tripled halved went go goes gone moved move moves changed "
    "change changes shifted shift revised revise up down soared surged plunged plummeted "
    "tumbled swelled declined decline declines boosted boost hiked hike upgraded downgraded "
    "extended shortened widened narrowed"
)
_INCH_FOLLOWERS = _word_set("thick long wide tall deep high across diameter")
