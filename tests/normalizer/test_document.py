"""Document-level disambiguation on the built-in gazetteer: the seed article as one document."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizer.types import Query

SEED_ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "karabakh-article.txt"

# The article's place mentions in reading order, with the entry each must resolve to.
MENTIONS = [
    ("Armenia", {"geonames:174982"}),
    ("Moscow", {"geonames:524901"}),
    ("Azerbaijan", {"geonames:587116"}),
    ("Yeraskh", {"geonames:391241"}),
    ("Naxcivan", {"geonames:147429", "geonames:147435"}),  # the city or the autonomous republic
    ("Nagorno-Karabakh", {"curated:nagorno-karabakh"}),
    ("Yerevan", {"geonames:616052"}),
    ("Shushi", {"geonames:147105"}),
    ("Susa", {"geonames:147105"}),
    ("Stepanakert", {"geonames:146970"}),
]

pytestmark = pytest.mark.slow


def test_mentions_are_in_the_seed_article():
    if not SEED_ARTICLE.exists():
        pytest.skip("seed article not present beside the repository")
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    assert all(name in text for name, _ in MENTIONS)


def test_seed_article_as_one_document(engine):
    results = engine.normalize_many([Query(n) for n, _ in MENTIONS], as_document=True)
    for (name, expected), res in zip(MENTIONS, results, strict=True):
        assert res.best.place.id in expected, (name, res.best.place)
    naxcivan = results[4]
    assert {c.place.id for c in naxcivan.candidates[:2]} == {"geonames:147429", "geonames:147435"}


def test_susa_alone_is_ambiguous_but_not_in_the_document(engine):
    assert engine.normalize("Susa").ambiguous
    doc = engine.normalize_many([Query(n) for n, _ in MENTIONS], as_document=True)
    assert doc[8].best.place.id == "geonames:147105"


def test_scores_stay_comparable_with_context(engine):
    alone = engine.normalize("Yerevan").best.score
    ctx = engine.normalize("Yerevan", context=["Armenia", "Stepanakert"]).best.score
    assert 0 < alone <= 1 and 0 < ctx <= 1 and ctx >= alone - 0.05


def test_strong_string_match_beats_weak_coherence(engine):
    # Tokyo is not near Armenia, but nothing else is called Tokyo.
    res = engine.normalize("Tokyo", context=["Yerevan", "Armenia", "Stepanakert"])
    assert res.best.place.country_code == "JP"


def test_bias_without_context(engine):
    assert engine.normalize("Moscow").best.place.country_code == "RU"
    assert engine.normalize("Moscow", prefer_countries=["US"]).best.place.country_code == "US"
    near_idaho = engine.normalize("Moscow", near=(46.7, -117.0)).best.place
    assert (near_idaho.country_code, near_idaho.admin1_code) == ("US", "ID")


@pytest.mark.parametrize(
    ("demonym", "country"), [("Turkish", "TR"), ("Syrian", "SY"), ("Americans", "US")]
)
def test_demonyms_resolve_to_their_country(engine, demonym, country):
    best = engine.normalize(demonym).best.place
    assert (best.country_code, best.feature_code) == (country, "PCLI")


def test_a_document_reads_each_name_as_a_single_query_does(engine):
    # Qualifiers, words before a name, codes and placeholders are read the same way in a
    # document as alone: "Paris, Texas" is in Texas, "unknown" answers nothing.
    names = ["Paris, Texas", "eastern Ukraine", "the UK", "Paris (France)", "unknown", "Kyiv"]
    document = engine.normalize_many([Query(n) for n in names], as_document=True)
    alone = [engine.normalize(n) for n in names]
    for name, d, a in zip(names, document, alone, strict=True):
        assert (d.best and d.best.place.id) == (a.best and a.best.place.id), name
    assert document[0].best.place.country_code == "US"
    assert document[4].best is None


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # Each alone is Egypt's city or England's; together, places a few miles apart.
        (["Alexandria", "Arlington"], [("US", "VA"), ("US", "VA")]),
        (["Cambridge", "Boston"], [("US", "MA"), ("US", "MA")]),
        (["Springfield", "Shelbyville"], [("US", "IL"), ("US", "IL")]),
        # A state named beside a city's name outweighs the capital of France's fame.
        (["Paris", "Texas"], [("US", "TX"), ("US", "TX")]),
        # The famous ones stay when the other name says so.
        (["Alexandria", "Cairo"], [("EG", None), ("EG", None)]),
        (["Cambridge", "Oxford"], [("GB", None), ("GB", None)]),
    ],
)
def test_ambiguous_names_of_one_text_choose_candidates_near_each_other(engine, names, expected):
    # Neither name is sure alone; each one's candidates vouch for the other's near them.
    document = engine.normalize_many([Query(n) for n in names], as_document=True)
    for name, result, (country, admin1) in zip(names, document, expected, strict=True):
        place = result.best.place
        assert place.country_code == country, (name, place)
        assert admin1 is None or place.admin1_code == admin1, (name, place)


def test_ambiguous_context_names_vouch_for_candidates_near_theirs(engine):
    # "Arlington" alone is Texas's; as context it is no firm place, yet its candidates say
    # where to look: Alexandria beside it is Virginia's, not Egypt's.
    assert engine.normalize("Alexandria").best.place.country_code == "EG"
    place = engine.normalize("Alexandria", context=["Arlington"]).best.place
    assert (place.country_code, place.admin1_code) == ("US", "VA")


def test_a_long_texts_names_weigh_the_names_around_them(engine):
    # DOCUMENT_WINDOW names on each side: Arlington 51 names after Alexandria is too far
    # to say which Alexandria, beside it it says Virginia's. (Every name weighing every
    # other grew with the square of the text: 17 s for 1,000 names, 1.2 s now.)
    from normalizer.engine import DOCUMENT_WINDOW

    filler = ["unknown"] * DOCUMENT_WINDOW
    near = [Query(n) for n in ["Alexandria", *filler[1:], "Arlington"]]
    far = [Query(n) for n in ["Alexandria", *filler, "Arlington"]]
    assert engine.normalize_many(near, as_document=True)[0].best.place.admin1_code == "VA"
    assert engine.normalize_many(far, as_document=True)[0].best.place.country_code == "EG"
