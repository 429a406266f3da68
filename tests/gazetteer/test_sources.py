"""Readers load real GeoNames/CSV/JSONL files exactly, and reject bad ones whole."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from gazetteer.model import HISTORIC, PREFERRED, Name, Place
from gazetteer.sources import load_sources
from gazetteer.validate import SourceError
from tests.conftest import FIXTURES, MINI_SOURCES

GOOD_ROW = (FIXTURES / "mini.txt").read_text(encoding="utf-8").splitlines()[0]


def test_good_geonames_source_loads_exactly():
    s = load_sources(MINI_SOURCES)
    assert len(s.places) == 13
    by_id = {p.id: p for p in s.places}
    shusha = by_id["geonames:147105"]
    assert (shusha.name, shusha.country_code, shusha.feature_code) == ("Shusha", "AZ", "PPLA")
    assert shusha.admin1_name == "Shusha Rayon"  # from admin1CodesASCII
    assert shusha.population == 19400 and shusha.timezone == "Asia/Baku"
    langs = {(n.text, n.language) for n in shusha.names}
    assert ("Շուշի", "hy") in langs and ("Шуша", "ru") in langs and ("Şuşa", "az") in langs
    assert ("Q214459", "wkdt") in langs  # kept as an external id
    assert not any(n.language == "link" for n in shusha.names)  # links are not names
    yerevan = by_id["geonames:616052"]
    assert not any(n.language == "iata" for n in yerevan.names)
    moscow = {n.text: n for n in by_id["geonames:524901"].names}
    assert moscow["Moskau"].flags & PREFERRED and moscow["Muscovy"].flags & HISTORIC


def test_csv_and_jsonl_own_schema():
    s = load_sources([str(FIXTURES / "places.csv"), str(FIXTURES / "places.jsonl")])
    by_id = {p.id: p for p in s.places}
    assert set(by_id) == {"depot:1", "depot:2", "camp:7", "camp:8"}
    assert {(n.text, n.language) for n in by_id["depot:1"].names} >= {
        ("Северное депо", "ru"),
        ("Depot North", "en"),
    }
    assert {(n.text, n.language) for n in by_id["camp:7"].names} >= {
        ("مخيم ألفا", "ar"),
        ("Alpha Camp", ""),
    }
    assert by_id["depot:1"].admin1_name == "Baku"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_spreadsheet_exports_load_as_their_plain_forms(tmp_path, delimiter):
    # A byte-order mark before the header or the first object (Excel writes one), and
    # "CSV" separated by semicolons or tabs, as spreadsheets save it in many locales.
    csv_text = (FIXTURES / "places.csv").read_text(encoding="utf-8")
    jsonl_text = (FIXTURES / "places.jsonl").read_text(encoding="utf-8")
    plain = load_sources([str(FIXTURES / "places.csv"), str(FIXTURES / "places.jsonl")])
    rows = list(csv.reader(io.StringIO(csv_text)))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    (tmp_path / "places.csv").write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    (tmp_path / "places.jsonl").write_text("\ufeff" + jsonl_text, encoding="utf-8")
    exported = load_sources([str(tmp_path / "places.csv"), str(tmp_path / "places.jsonl")])
    assert exported.places == plain.places


def test_a_feature_code_without_its_class_gets_the_class_geonames_gives_it(tmp_path):
    # A row saying PPLC or ADM1 and no class is a town or a division to class filters and
    # ranking; a class given is kept; a code not known leaves the class empty.
    src = tmp_path / "own.csv"
    src.write_text(
        "id,name,latitude,longitude,feature_class,feature_code\n"
        "1,Capital,1,1,,PPLC\n2,Province,1,2,,ADM1\n3,River,1,3,,STM\n"
        "4,Depot,1,4,S,PPL\n5,Thing,1,5,,XYZ\n6,Plain,1,6,,\n",
        encoding="utf-8",
    )
    classes = {p.id: p.feature_class for p in load_sources([str(src)]).places}
    assert classes == {
        "custom:1": "P",
        "custom:2": "A",
        "custom:3": "H",
        "custom:4": "S",
        "custom:5": "",
        "custom:6": "",
    }


def test_zip_source(tmp_path):
    z = tmp_path / "AZ.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(FIXTURES / "mini.txt", "AZ.txt")
        zf.writestr("readme.txt", "not data")
    assert len(load_sources([str(z)], fmt="geonames").places) == 13


def test_country_info_source():
    s = load_sources([str(FIXTURES / "countryInfo.txt"), *MINI_SOURCES])
    assert len(s.places) == 13


def _cols(**changes: str) -> str:
    cols = GOOD_ROW.split("\t")
    index = {"id": 0, "name": 1, "lat": 4, "lon": 5, "fclass": 6, "cc": 8}
    for key, value in changes.items():
        cols[index[key]] = value
    return "\t".join(cols)


BAD_GEONAMES = [
    (
        "wrong column count",
        "147105\tShusha\tonly three",
        "expected 19 tab-separated columns, found 3",
    ),
    ("non-numeric id", _cols(id="14x7"), "geonameid '14x7' is not an integer"),
    ("latitude out of range", _cols(lat="91.5"), "latitude 91.5 out of range -90..90"),
    ("longitude out of range", _cols(lon="-181"), "longitude -181.0 out of range -180..180"),
    ("latitude not a number", _cols(lat="north"), "latitude 'north' is not a number"),
    ("empty name", _cols(name="  "), "empty name"),
    ("unknown country code", _cols(cc="QQ"), "unknown country code 'QQ'"),
    ("unknown feature class", _cols(fclass="Z"), "unknown feature class 'Z'"),
]


@pytest.mark.parametrize(
    ("case", "bad_line", "message"), BAD_GEONAMES, ids=[c[0] for c in BAD_GEONAMES]
)
def test_bad_geonames_row_rejects_whole_source(tmp_path, case, bad_line, message):
    good = (FIXTURES / "mini.txt").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "cities.txt"
    path.write_text("\n".join([*good[1:4], bad_line, *good[4:]]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources([str(path)])
    assert err.value.errors[0] == f"cities.txt:4: {message}"


def test_duplicate_id(tmp_path):
    path = tmp_path / "cities.txt"
    path.write_text(GOOD_ROW + "\n" + GOOD_ROW + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources([str(path)])
    assert err.value.errors == [
        "cities.txt:2: duplicate id geonames:147105 (first at cities.txt:1)"
    ]


def test_invalid_utf8(tmp_path):
    path = tmp_path / "cities.txt"
    path.write_bytes(
        GOOD_ROW.encode()
        + b"\n"
        + GOOD_ROW.replace("147105", "147106").encode()[:20]
        + b"\xff\xfe\n"
    )
    with pytest.raises(SourceError) as err:
        load_sources([str(path)])
    assert err.value.errors == ["cities.txt:2: invalid UTF-8 at byte 20"]


def test_alternate_name_pointing_at_no_place(tmp_path):
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("1\t999999\ten\tNowhere\t\t\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources([str(FIXTURES / "mini.txt"), str(alt)])
    assert err.value.errors == [
        "alternateNamesV2.txt:1: alternate name points at no place (geonames:999999)"
    ]


def test_truncated_zip(tmp_path):
    z = tmp_path / "allCountries.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("allCountries.txt", (GOOD_ROW + "\n") * 2000)
    data = z.read_bytes()
    z.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as err:
        load_sources([str(z)])
    assert err.value.errors[0].startswith("allCountries.zip")


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        load_sources([str(tmp_path / "nope.txt")])


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "p.csv",
            "id,name,latitude\n1,A,1\n",
            "p.csv:1: header lacks required column(s): longitude",
        ),
        ("p.csv", "id,name,latitude,longitude\n1,A,1\n", "p.csv:2: expected 4 columns, found 3"),
        (
            "p.csv",
            "id,name,latitude,longitude,colour\n1,A,1,2,red\n",
            "p.csv:1: unknown column(s): colour",
        ),
        ("p.csv", "id,name,latitude,longitude\n1,,1,2\n", "p.csv:2: empty name"),
        (
            "p.csv",
            "id,name,latitude,longitude\n1,A,100,2\n",
            "p.csv:2: latitude 100.0 out of range -90..90",
        ),
        ("p.jsonl", '{"id": "1", "name": "A", "latitude": 1}\n', "p.jsonl:1: missing longitude"),
        (
            "p.jsonl",
            "{not json}\n",
            "p.jsonl:1: bad JSON: Expecting property name enclosed in double quotes at column 2",
        ),
        ("p.jsonl", '["a"]\n', "p.jsonl:1: expected a JSON object"),
        (
            "p.jsonl",
            '{"id": "1", "name": "A", "latitude": 1, "longitude": 2, "alt_names": [3]}\n',
            "p.jsonl:1: bad alternate name 3",
        ),
    ],
)
def test_bad_tabular(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources([str(path)])
    assert err.value.errors[0] == message


def test_error_list_is_capped_but_counted(tmp_path):
    path = tmp_path / "cities.txt"
    path.write_text("bad\n" * 500, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources([str(path)])
    assert len(err.value.errors) == 50 and err.value.total == 500
    assert "and 450 more" in str(err.value)


def test_unknown_format_name(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"x")
    with pytest.raises(SourceError, match="cannot tell the format"):
        load_sources([str(path)])


def test_dropped_names_are_read_and_each_says_why(tmp_path):
    from gazetteer.default import DROPPED, read_dropped
    from gazetteer.validate import SourceError

    pairs = read_dropped(DROPPED)
    assert ("geonames:2553604", "White House") in pairs
    bad = tmp_path / "dropped.tsv"
    bad.write_text("geonames:1\tSomewhere\n", encoding="utf-8")
    with pytest.raises(SourceError, match="dropped.tsv:1: expected place id, name, reason"):
        read_dropped(bad)


@pytest.mark.slow
def test_dropped_names_are_off_their_places(engine):
    # Casablanca's name means "white house": a translation, not a name; Nikopol bore
    # Sloviansk's names by mistake. Each listed name is off its place in the built data.
    from gazetteer.default import DROPPED, read_dropped

    for pid, text in read_dropped(DROPPED):
        assert text not in {n.text for n in engine.get(pid).names}, (pid, text)
    assert engine.normalize("White House").best.place.id == "curated:white-house"
    assert engine.normalize("Sloviansk").best.place.id == "geonames:693468"


def test_a_capital_is_the_city_so_named_not_a_bigger_one_listing_the_name(engine):
    # cities500 lists "New Delhi" among Delhi's alternate names, and Delhi is the bigger:
    # the capital is New Delhi, and "New Delhi" answers it, not Delhi.
    assert engine.get("geonames:1261481").feature_code == "PPLC"
    assert engine.get("geonames:1273294").feature_code == "PPL"
    assert engine.normalize("New Delhi").best.place.id == "geonames:1261481"
    assert engine.normalize("Delhi").best.place.id == "geonames:1273294"
    # Dilli is Delhi's name, which the package gives New Delhi too; read from Hindi
    # दिल्ली, it answered New Delhi.
    assert engine.normalize("दिल्ली").best.place.id == "geonames:1273294"
    # A capital that only an alternate names (Bogota, Yaounde, Reykjavik) still is one.
    assert engine.get("geonames:3688689").feature_code == "PPLC"


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("West Yorkshire", "curated:west-yorkshire"),  # was Yorkshire, New York
        ("West Midlands", "curated:west-midlands"),  # was Zimbabwe's Midlands
        ("Greater Manchester", "curated:greater-manchester"),  # was Manchester at 0.28
        ("Ruhrgebiet", "curated:ruhr"),  # was nothing
    ],
)
def test_regions_news_names_that_no_division_covers(engine, name, answer):
    assert engine.normalize(name).best.place.id == answer


@pytest.mark.slow
@pytest.mark.parametrize("name", ["EU", "the EU", "European Union", "Евросоюз", "欧盟"])
def test_the_european_union_is_no_french_town(engine, name):
    # News says EU for the union; GeoNames has no such place, only the Norman town Eu,
    # which stays a candidate of "EU".
    assert engine.normalize(name).best.place.id == "curated:european-union"
    assert "geonames:3019329" in [c.place.id for c in engine.normalize("EU").candidates]


def test_curated_rows_name_their_source():
    from gazetteer.default import CURATED, read_curated

    places = read_curated(CURATED)
    nk = next(p for p in places if p.id == "curated:nagorno-karabakh")
    texts = {n.text for n in nk.names}
    assert {"Artsakh", "Dağlıq Qarabağ", "Լեռնային Ղարաբաղ", "Нагорный Карабах"} <= texts
    for line in Path(CURATED).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert line.split("\t")[-1].strip(), "every curated row names its source"
    assert len({p.id for p in places}) == len(places), "ids are unique"
    for p in places:
        assert all(n.text.strip() for n in p.names), p.id  # no empty name from an empty list
        assert -90 <= p.latitude <= 90 and -180 <= p.longitude <= 180, p.id
    long_island = next(p for p in places if p.id == "curated:long-island")
    assert [n.text for n in long_island.names] == ["Long Island"]  # no alternate names


def _town(pid: str, names: list[str], cc: str, admin1: str, admin2: str) -> Place:
    return Place(
        id=pid,
        name=names[0],
        country_code=cc,
        admin1_code=admin1,
        admin2_code=admin2,
        feature_class="P",
        feature_code="PPL",
        names=tuple(Name(n) for n in names),
    )


def _division(pid: str, cc: str, admin1: str, code: str) -> Place:
    return Place(
        id=pid, name=pid, country_code=cc, admin1_code=admin1, feature_class="A", feature_code=code
    )


def test_a_qualifier_the_towns_of_a_division_carry_names_it():
    from gazetteer.default import _qualifier_names

    places = {
        "wv": _division("wv", "US", "WV", "ADM1"),
        "tx": _division("tx", "US", "TX", "ADM1"),
        "uy": _division("uy", "UY", "", "PCLI"),
        # Towns of three counties of West Virginia, in Persian with their state.
        **{
            f"w{i}": _town(f"w{i}", [f"Town {i}", f"تاون {i}، ویرجینیای غربی"], "US", "WV", c)
            for i, c in enumerate(["039", "011", "061"])
        },
        # One county's towns: the county's name, not the state's.
        **{
            f"t{i}": _town(f"t{i}", [f"T{i}", f"T{i}, Harris"], "US", "TX", "201") for i in range(4)
        },
        # A name a place of the division already bears is left alone.
        "austin": _town("austin", ["Austin"], "US", "TX", "453"),
        **{
            f"a{i}": _town(f"a{i}", [f"A{i}", f"A{i}, Austin"], "US", "TX", c)
            for i, c in enumerate(["001", "003", "005"])
        },
        # Towns of three divisions of one country: the country's name.
        **{
            f"u{i}": _town(f"u{i}", [f"U{i}", f"U{i}، یوراگوئے"], "UY", a1, "")
            for i, a1 in enumerate(["01", "02", "03"])
        },
        # Two towns are not enough.
        **{
            f"k{i}": _town(f"k{i}", [f"K{i}", f"K{i}, Kansa"], "US", "TX", c)
            for i, c in enumerate(["007", "009"])
        },
    }
    assert _qualifier_names(places) == {"wv": ["ویرجینیای غربی"], "uy": ["یوراگوئے"]}
