"""Declined place names: the nominatives a case form of a name may stand for.

Kept apart from `text` (which keys every name): the folding module's code is part of
the snapshot's fingerprint, and a lookup tried only when nothing else matched has no
place there.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["cyrillic_lemmas", "particle_stems", "semitic_stems", "west_slavic_lemmas"]


# Russian and Ukrainian decline place names: news text writes "в Москве", "из Харькова",
# "у Києві", where the gazetteer holds Москва, Харків, Київ. Each ending of a case
# (locative, genitive, dative, accusative, instrumental) and what the nominative may end
# in instead: a masculine name ends in a consonant or a soft sign (Киев, Мариуполь), a
# feminine one in а, я, ия (Москва, Одесса, Россия). Ukrainian alternates о/і in the last
# syllable (Харків, Харкова; Львів, Львова), undone for the genitive and locative.
_CYRILLIC_CASES = (
    ("ии", ("ия",)),
    ("ие", ("ия",)),
    ("ію", ("ія",)),
    ("ії", ("ія",)),
    ("ой", ("а", "")),
    ("ою", ("а",)),
    ("ей", ("я", "ь")),
    ("ом", ("",)),
    ("ем", ("ь", "", "й")),
    ("ью", ("ь",)),
    ("ым", ("",)),
    ("ім", ("",)),
    ("е", ("", "а", "ь", "я", "й")),
    ("і", ("", "а", "ь", "я", "й")),
    ("а", ("", "ь")),
    ("у", ("", "а")),
    ("ы", ("а",)),
    ("и", ("а", "ь", "я")),
    ("я", ("ь", "й")),
    ("ю", ("я", "ь", "й")),
)
# An adjective before the noun declines with it ("в Донецкой области", "Київського
# району", "в Краснодарском крае"): its case endings, longest first, and the nominative
# endings it may stand for (feminine, masculine, neuter; Russian and Ukrainian).
_ADJECTIVE_CASES = (
    ("ого", ("ый", "ий", "ой", "ое")),
    ("ему", ("ий", "ее")),
    ("ому", ("ый", "ий", "ой", "ое")),
    ("его", ("ий", "ее")),
    ("ой", ("ая", "ый", "ой")),
    ("ей", ("яя", "ий")),
    ("ую", ("ая",)),
    ("юю", ("яя",)),
    ("ом", ("ый", "ий", "ой", "ое")),
    ("ем", ("ий", "ее")),
    ("ым", ("ый", "ое")),
    ("им", ("ий", "ее")),
    ("ій", ("а", "я", "ий")),
    ("ої", ("а",)),
    ("ею", ("я",)),
    ("ою", ("а",)),
    ("ім", ("ий",)),
    ("у", ("а",)),
)
# Prepositions before a place name: in, at, on, from, to, near, under, beyond, over,
# about, through, for, after.
_CYRILLIC_PREPOSITIONS = frozenset(
    """в во у на из із з с со зі к ко до под під около біля возле за от від над о об про
    по при через для после після близ вблизи""".split()
)
# A settlement word before the name, declined ("в городе Москве", "у місті Києві", "в
# селе Петровка") or, after a preposition, abbreviated ("в г. Москве"): the name is what
# follows. (Without a preposition, "пгт Брянське" is Brianske as written, not a case of
# Брянськ: native_generic sets the abbreviation aside.)
_SETTLEMENT_WORDS = frozenset(
    """городе города городу городом селе села селу селом селі посёлке поселке посёлка
    поселка посёлку поселку деревне деревни станице станицы хуторе хутора місті міста
    місту містом селищі селища селищу""".split()
)
_SETTLEMENT_ABBREVIATIONS = frozenset("г. гор. м. с. сел. пос. п. пгт смт д. дер. х.".split())
# The east, west, north, south, centre of a place, the place named after it in the
# genitive ("на востоке Украины", "на юге Ливана", "на сході України", "север Сирии").
# Measured on CLDR's Russian and Ukrainian country names so, declined by pymorphy3 (351):
# 0.399 -> 0.972 (won 202, lost 1: Kosovo's genitive, Косова, is also Kosiv); no set or
# corpus moves.
_CYRILLIC_DIRECTIONS = frozenset(
    """восток востоке востока запад западе запада север севере севера юг юге юга центр
    центре центра северо-востоке северо-западе юго-востоке юго-западе схід сході сходу
    захід заході заходу північ півночі південь півдні центрі""".split()
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ALTERNATING = {"о": "і", "е": "і", "є": "ї"}


def cyrillic_lemmas(native: str) -> list[str]:
    """The nominatives a declined Russian or Ukrainian place name may stand for, most
    likely first, a preposition before it dropped ("в Москве" -> москва, москв, ...);
    [] for other text. `native` is a native_key() (case folded)."""
    if not _CYRILLIC.search(native):
        return []
    words = native.split()
    settlement = _SETTLEMENT_WORDS
    if len(words) > 1 and words[0] in _CYRILLIC_PREPOSITIONS:
        words = words[1:]
        settlement = settlement | _SETTLEMENT_ABBREVIATIONS
    if len(words) > 1 and words[0] in settlement | _CYRILLIC_DIRECTIONS:
        words = words[1:]
    *head, last = words
    out: list[str] = []
    for ending, nominatives in _CYRILLIC_CASES:
        if not last.endswith(ending) or len(last) - len(ending) < 3:
            continue
        stem = last[: len(last) - len(ending)]
        stems = [stem]
        if ending in ("а", "і", "у", "ом", "ем") and len(stem) >= 4 and stem[-2] in _ALTERNATING:
            # Харкова -> Харків, Львові -> Львів, Києві -> Київ
            stems.append(stem[:-2] + _ALTERNATING[stem[-2]] + stem[-1])
        for s in stems:
            for nominative in nominatives:
                out.append(" ".join([*head, s + nominative]))
    if not head and len(last) >= 6:
        # A name that is an adjective ("в Никольском", "из Снежного"): its nominatives,
        # after the noun's. Not by "у", which ends a noun's accusative as often.
        for ending, nominatives in _ADJECTIVE_CASES:
            if ending != "у" and last.endswith(ending):
                stem = last[: len(last) - len(ending)]
                out += [stem + nominative for nominative in nominatives]
                break
    if head:
        # The word before the noun, declined as an adjective, with the noun's nominatives.
        *rest, adjective = head
        nouns = list(dict.fromkeys([*(s.rsplit(" ", 1)[-1] for s in out), last]))
        for ending, nominatives in _ADJECTIVE_CASES:
            if adjective.endswith(ending) and len(adjective) - len(ending) >= 3:
                stem = adjective[: len(adjective) - len(ending)]
                for nominative in nominatives:
                    out += [" ".join([*rest, stem + nominative, noun]) for noun in nouns]
                break
    if len(words) < len(native.split()):
        out.append(" ".join(words))  # "в Запорожье": the name as written, the preposition off
    return [w for w in dict.fromkeys(out) if w != native]


# Polish and Czech decline place names too: "w Krakowie", "z Warszawy", "we Wrocławiu",
# "v Praze", "v Brně", "z Ostravy", "w Katowicach", "v Pardubicích"; so do Slovak and
# the South Slavic languages, alike enough for these endings ("v Bratislave", "v
# Košiciach", "u Zagrebu", "v Ljubljani", "u Beogradu"). Endings of the
# folded text (accents off: Kraków is "krakow") and what the nominative may end in
# instead, longest ending first.
_WEST_SLAVIC_CASES = (
    ("owie", ("ow",)),  # Krakowie, Tarnowie
    ("iach", ("e",)),  # Košiciach (Slovak)
    ("ach", ("e", "y", "")),  # Katowicach, Kielcach (Kielce)
    ("ich", ("e",)),  # Pardubicích, Budějovicích
    ("iu", ("",)),  # Wrocławiu, Poznaniu
    ("ze", ("ha", "z")),  # Praze (Praha)
    ("ce", ("ka", "c")),  # Americe, Kielce is the nominative
    ("ci", ("ec", "c")),  # Liberci, Olomouci
    ("ni", ("en", "")),  # Plzni (Plzeň)
    ("ie", ("", "a")),  # Szczecinie, Warszawie
    ("em", ("", "o")),  # Krakowem, Brnem
    ("a", ("", "o")),  # Krakowa, Brna
    ("y", ("a", "")),  # Warszawy, Prahy, Bydgoszczy
    ("i", ("", "a")),  # Łodzi, Gdyni
    ("u", ("",)),  # Gdańsku
    ("e", ("", "a", "o")),  # Zlíně, Ostravě, Brně, Warszawę
)
# Prepositions before a place name: in, at, from, to, near, under, over, beyond, through.
_WEST_SLAVIC_PREPOSITIONS = frozenset(
    "w we z ze do od na pod nad przy kolo za po przez spod v ve u k ke pri okolo kolem pres".split()
)
# Letters only Polish, Czech or Slovak write among Latin alphabets' common ones: a word
# without a preposition is read as declined only when it holds one.
_WEST_SLAVIC_LETTERS = re.compile("[ąęłńśźżěřůťďňľĺŕô]")


def west_slavic_lemmas(folded: str, text: str) -> list[tuple[str, int]]:
    """The nominatives a declined Polish or Czech place name may stand for, each with
    the rank of its ending among those the word has (0 for the longest: "liberci" is
    Liberec before Liberia), when a preposition stands before it or its letters are
    Polish or Czech (`text`, the query as written, tells); [] otherwise. `folded` is the
    query's fold() (accents off, case folded); the name without its preposition comes
    last, as it is ("w lodzi" -> lodz, ..., lodzi)."""
    words = folded.split()
    if len(words) > 1 and words[0] in _WEST_SLAVIC_PREPOSITIONS:
        words = words[1:]
    elif not _WEST_SLAVIC_LETTERS.search(text.casefold()):
        return []
    *head, last = words
    asked = " ".join(words)
    out: dict[str, int] = {}
    rank = 0
    for ending, nominatives in _WEST_SLAVIC_CASES:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            stem = last[: len(last) - len(ending)]
            for nominative in nominatives:
                out.setdefault(" ".join([*head, stem + nominative]), rank)
            rank += 1
    out.pop(asked, None)
    if asked != folded:
        out.setdefault(asked, 0)
    return list(out.items())


# Arabic, Persian and Hebrew write a preposition before a place's name, as a word (Arabic
# في غزة, من دمشق; Persian در تهران, به تهران) or on the name itself (Arabic بغزة, وبغداد,
# بالموصل, للموصل; Hebrew בתל אביב, מעזה, לחיפה, וירושלים), and a direction or the
# countryside before it (جنوب لبنان, ريف حلب, דרום לבנון). Keys are native_key()s: alef
# forms, taa marbuta and yeh already written one way. Measured on the Arabic, Persian and
# Hebrew names of places of 50,000 or more, divisions and countries that the name alone
# answers, with a preposition (3,000: "في غزة", "بغزة", "در تهران", "מעזה"): 0.794 ->
# 0.988 (won 586, lost 5: namesakes trading places, Tizi Ouzou the city or its province).
_SEMITIC_PREPOSITIONS = frozenset(
    """في من الي علي عن نحو قرب حول داخل خارج عبر بين لدي عند در به از با تا نزديك سمت
    ב מ ל אל ליד מול""".split()
)
# Where in or around a place: south, north, east, west, centre; the countryside, suburbs,
# outskirts. A name may begin so (جنوب السودان, South Sudan): the engine sets them aside
# only when the whole is no near spelling of a name.
_SEMITIC_AROUND = frozenset(
    """جنوب شمال شرق غرب وسط جنوبي شمالي شرقي غربي ريف ضواحي اطراف حومه צפון דרום מזרח
    מערב מרכז""".split()
)
# Letters of Persian and Urdu, which write no preposition on the name (بماکو is Bamako,
# not Maku): in the query as written, before the letters are written one way.
_NOT_ARABIC = re.compile("[پچژگکیٹڈڑںہےۀ]")
# Arabic letters written on the word: and, so, in/with, to, like; with the article after
# them (بالموصل is ب + الموصل; للموصل is ل + الموصل, the article's alef dropped).
_ARABIC_PROCLITICS = ("وب", "فب", "ول", "فل", "وك", "و", "ف", "ب", "ل", "ك")
_HEBREW_PROCLITICS = "ובלמהשכ"
_ARABIC = re.compile("[\u0600-\u06ff]")
_HEBREW = re.compile("[\u0590-\u05ff]")


def semitic_stems(native: str, text: str) -> list[tuple[str, int, bool]]:
    """The names an Arabic, Persian or Hebrew query may hold once its prepositions, said
    as words or written on the name, are set aside: (name, how many were set aside,
    whether a word of where was among them) ("في غزة" -> (غزه, 1, False); "وبغداد" ->
    (غداد, 2, False), (بغداد, 1, False); "جنوب لبنان" -> (لبنان, 1, True)); [] for other
    text. `native` is a native_key(), `text` the query as written."""
    arabic = bool(_ARABIC.search(native))
    if not arabic and not _HEBREW.search(native):
        return []
    words = native.split()
    dropped, around = 0, False
    out: dict[str, tuple[int, bool]] = {}
    while len(words) > 1 and (words[0] in _SEMITIC_PREPOSITIONS or words[0] in _SEMITIC_AROUND):
        # Each word set aside in turn: "في شرق دارفور" is East Darfur before Darfur.
        around = around or words[0] in _SEMITIC_AROUND
        words, dropped = words[1:], dropped + 1
        out.setdefault(" ".join(words), (dropped, around))
    first, rest = words[0], words[1:]
    # Letters on the name only where no word stood before it.
    if not dropped and arabic and not _NOT_ARABIC.search(text):
        for clitic in _ARABIC_PROCLITICS:
            if not first.startswith(clitic):
                continue
            stem = first[len(clitic) :]
            if clitic.endswith("ل") and stem.startswith("ل") and len(stem) >= 4:
                stem = "ا" + stem  # للموصل: ل + الموصل
            if len(stem) >= 3:
                out.setdefault(" ".join([stem, *rest]), (len(clitic), False))
    elif not dropped and not arabic:
        for n in (1, 2, 3):  # Hebrew: וב, מה, שב... one letter on another
            if len(first) - n < 2 or first[n - 1] not in _HEBREW_PROCLITICS:
                break
            out.setdefault(" ".join([first[n:], *rest]), (n, False))
    return [(stem, n, where) for stem, (n, where) in out.items()]


# Chinese, Japanese, Korean, Thai (and Bengali, for its endings) write no space between a
# place's name and the word that says where: Chinese 在北京 (in), 从上海 (from), 到武汉
# (to), 北京的 (of); Japanese particles after the name (東京で, 大阪から, 京都の); Korean
# ones (서울에서, 부산에, 서울의); Bengali endings (ঢাকায়, ঢাকার);
# Thai words before it (ในกรุงเทพ, ที่เชียงใหม่). Longest first. Measured on the names in
# these scripts of places of 50,000 or more, divisions and countries that the name alone
# answers, each with such words (3,000): 0.743 -> 0.991 (won 747, lost 2); no set or
# corpus moves.
_CJK_PREFIXES = ("来自", "位于", "位於", "前往", "在", "从", "從", "到", "于", "於", "往", "自")
_CJK_SUFFIXES = (
    # Japanese
    "からの", "までの", "での", "への", "では", "には", "から", "まで", "より", "で", "に",
    "へ", "の", "は", "が", "を", "と",
    # Korean
    "에서의", "에서는", "에서도", "으로의", "에서", "에게", "으로", "까지", "부터", "에는", "에도",
    "의", "에", "로", "은", "는", "이", "가", "을", "를", "와", "과", "도",
    # Chinese
    "的",
    # Bengali: in, from-in, of (ঢাকায়, ঢাকাতে, ঢাকার, রংপুরের)
    "য়", "তে", "ের", "র", "এ",
)  # fmt: skip
# As native_key() writes them (NFKC splits Bengali য় in two).
_CJK_SUFFIXES = tuple(unicodedata.normalize("NFKC", s) for s in _CJK_SUFFIXES)
_THAI_PREFIXES = ("ที่", "ใน", "จาก", "ไปยัง", "ไป", "สู่", "ยัง")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u0980-\u09ff]")


def particle_stems(native: str) -> list[tuple[str, int]]:
    """The names a Chinese, Japanese, Korean, Thai or Bengali query may hold once a word
    of where written on it is set aside, each with how many were, fewest first (東京で ->
    (東京, 1); 在北京的 -> (在北京, 1), (北京的, 1), (北京, 2)); [] for other text, or
    text of several words. `native` is a native_key()."""
    if " " in native or not _CJK.search(native):
        return []
    heads = [(native, 0)]
    for prefix in (*_CJK_PREFIXES, *_THAI_PREFIXES):
        if native.startswith(prefix) and len(native) - len(prefix) >= 2:
            heads.append((native[len(prefix) :], 1))
            break
    out: dict[str, int] = {}
    for head, n in heads:
        if n:
            out.setdefault(head, n)
        for suffix in _CJK_SUFFIXES:
            if head.endswith(suffix) and len(head) - len(suffix) >= 2:
                out.setdefault(head[: -len(suffix)], n + 1)
                break
    return sorted(out.items(), key=lambda item: item[1])
