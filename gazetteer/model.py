"""Plain records for places and their names. No I/O, no protobuf."""

from __future__ import annotations

from dataclasses import dataclass, field

# Feature classes of the GeoNames model (https://www.geonames.org/export/codes.html).
FEATURE_CLASSES = frozenset("AHLPRSTUV")

# The class of GeoNames' common feature codes (https://www.geonames.org/export/codes.html),
# for rows that give a code and no class: PPL* populated places, ADM* / PCL* divisions
# and states, the rest listed.
_CLASS_OF_PREFIX = (("PPL", "P"), ("ADM", "A"), ("PCL", "A"))
_CLASS_OF_CODE = {
    "STLMT": "P",
    **dict.fromkeys(("LTER", "PRSH", "TERR", "ZN", "ZNB"), "A"),
    **dict.fromkeys(
        "BAY BAYS BGHT CHN CNFL CNL COVE ESTY FJD FLLS GLCR GULF HBR INLT LGN LK LKS MRSH "
        "OCN RPDS RSV SD SEA SPNG STM STMS STRT SWMP WTRH".split(),
        "H",
    ),
    **dict.fromkeys(
        "ATOL BCH BSN CAPE CLF CNYN CRTR DSRT DUNE GRGE HLL HLLS ISL ISLET ISLS MESA MT MTS "
        "PASS PEN PK PKS PLAT PLN PT RDGE RK UPLD VAL VLC".split(),
        "T",
    ),
    **dict.fromkeys("AREA CONT LCTY OILF PRK PRT RESV RGN RGNE".split(), "L"),
    **dict.fromkeys(
        "AIRP BDG BLDG CH CMPRF CSTL DAM FT HSP HTL MNMT MUS PAL PS SCH STDM UNIV".split(), "S"
    ),
    **dict.fromkeys("RD RR ST TNL".split(), "R"),
    **dict.fromkeys("FRST GRSLD".split(), "V"),
}


def class_of_code(code: str) -> str:
    """The GeoNames feature class a feature code belongs to ("PPLC" -> "P", "ADM1" ->
    "A", "STM" -> "H"); "" for a code not known here."""
    code = code.strip().upper()
    for prefix, fclass in _CLASS_OF_PREFIX:
        if code.startswith(prefix):
            return fclass
    return _CLASS_OF_CODE.get(code, "")


# Name flags, stored as one byte per name in snapshots.
PREFERRED = 1
SHORT = 2
COLLOQUIAL = 4
HISTORIC = 8
ASCII = 16  # the GeoNames `asciiname` column
CANONICAL = 32  # the place's own `name`


@dataclass(frozen=True, slots=True)
class Name:
    """One spelling of a place."""

    text: str
    language: str = ""
    flags: int = 0
    source: str = ""

    @property
    def is_preferred(self) -> bool:
        return bool(self.flags & PREFERRED)

    @property
    def is_historic(self) -> bool:
        return bool(self.flags & HISTORIC)


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry. `id` is `<source>:<id>`, e.g. `geonames:147105`."""

    id: str
    name: str
    ascii_name: str = ""
    country_code: str = ""
    admin1_code: str = ""
    admin1_name: str = ""
    feature_class: str = ""
    feature_code: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    population: int = 0
    timezone: str = ""
    admin2_code: str = ""
    names: tuple[Name, ...] = field(default=(), compare=False)


def place_id(source: str, local_id: int | str) -> str:
    return f"{source}:{local_id}"
