"""Wade-Giles romanizations of Chinese names read as pinyin.

GeoNames and older maps and archives spell Chinese places in Wade-Giles, hyphenated by
syllable: Chan-chiang-shih is Zhanjiang Shi, Hsing-hua is Xinghua, Ch'ung-ch'ing is
Chongqing. The apostrophe that marks an aspirated consonant (ch' is pinyin q or ch, ch
is j or zh) is usually dropped, so a syllable can have two readings; `pinyin_readings`
returns each reading of a name, syllables joined as pinyin writes them and a trailing
administrative syllable (shih, chen, hsien, ...) apart, so generic-word handling can
drop it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# WG initial -> pinyin initials (unaspirated reading first). "ch" depends on the final.
_INITIALS = {
    "p": ("b", "p"),
    "p'": ("p",),
    "m": ("m",),
    "f": ("f",),
    "t": ("d", "t"),
    "t'": ("t",),
    "n": ("n",),
    "l": ("l",),
    "k": ("g", "k"),
    "k'": ("k",),
    "h": ("h",),
    "hs": ("x",),
    "ch": ("zh", "ch"),
    "ch'": ("ch",),
    "sh": ("sh",),
    "j": ("r",),
    "ts": ("z", "c"),
    "ts'": ("c",),
    "tz": ("z", "c"),
    "tz'": ("c",),
    "s": ("s",),
    "ss": ("s",),
    "sz": ("s",),
    "w": ("w",),
    "y": ("y",),
}
# Before i and ü, ch is pinyin j (q when aspirated).
_PALATAL = {"ch": ("j", "q"), "ch'": ("q",)}
_FINALS = {
    "a": "a", "ai": "ai", "an": "an", "ang": "ang", "ao": "ao", "e": "e", "eh": "e",
    "ei": "ei", "en": "en", "eng": "eng", "erh": "er", "o": "o", "ou": "ou", "ung": "ong",
    "i": "i", "ia": "ia", "iang": "iang", "iao": "iao", "ieh": "ie", "ien": "ian",
    "in": "in", "ing": "ing", "iu": "iu", "iung": "iong", "ih": "i", "u": "u", "ua": "ua",
    "uai": "uai", "uan": "uan", "uang": "uang", "uei": "ui", "ui": "ui", "un": "un",
    "uo": "uo", "ueh": "ue", "uen": "un",
}  # fmt: skip
# Finals only some initials take: -ih after the retroflexes, -u as pinyin -i after the
# dental sibilants written tz- and ss-/sz-.
_IH = frozenset(("ch", "ch'", "sh", "j"))
_APICAL_U = frozenset(("tz", "tz'", "ss", "sz"))
_Y_FINALS = {"eh": "ye", "en": "yan", "ung": "yong", "uan": "yuan", "un": "yun", "ueh": "yue"}
_BARE = {"i": "yi", "in": "yin", "ing": "ying", "o": "e", "erh": "er"}
# Syllables only Wade-Giles writes (pinyin never spells these): one of them, or
# hyphens between syllables, says a name is Wade-Giles rather than pinyin.
_MARKED = re.compile(r"^(hs|ts|tz|ss|sz)|'|ih$|ieh$|ien$|ung$|uei$|erh$|^yen$|^yeh$|^i(ng?)?$")
# Administrative syllables written after a name: city, town, county, township, village.
_TRAILING = frozenset(("shi", "zhen", "xian", "xiang", "cun"))
MAX_READINGS = 16


def _syllable(token: str) -> tuple[str, ...] | None:
    """Pinyin readings of one WG syllable; None when it is not one."""
    for size in (3, 2, 1):
        initial, final = token[:size], token[size:]
        if initial not in _INITIALS or final not in _FINALS:
            continue
        if initial == "y":
            if final == "u":
                return ("you", "yu")  # yu, and yü written without its dots
            return (_Y_FINALS.get(final, "y" + final),)
        if final == "ih" and initial not in _IH:
            continue
        if initial == "j" and final.startswith("i") and final != "ih":
            return None  # pinyin's ji, jing: Wade-Giles writes chi, ching
        pinyin = _FINALS[final]
        if final == "u" and initial in _APICAL_U:
            pinyin = "i"  # tzu, ssu: zi, si
        elif final == "o" and initial in ("k", "k'", "h"):
            pinyin = "e"  # ko, k'o, ho: ge, ke, he
        elif final == "o" and initial not in ("p", "p'", "m", "f", "w"):
            pinyin = "uo"  # to, lo, cho: duo, luo, zhuo
        palatal = final.startswith("i") and final != "ih"
        initials = _PALATAL[initial] if palatal and initial in _PALATAL else _INITIALS[initial]
        return tuple(i + pinyin for i in initials)
    if token in _BARE:
        return (_BARE[token],)
    return (token,) if token in _FINALS and token[0] in "ae" or token == "ou" else None


def pinyin_readings(text: str) -> list[str]:
    """Pinyin spellings of a Wade-Giles name (folded: lowercase, no marks), or [] when
    it is not one: every word a WG syllable, and hyphens between them or a syllable only
    Wade-Giles writes."""
    if " " not in text and "-" not in text:
        return []  # one word: too short to tell, and most queries
    lowered = unicodedata.normalize("NFKD", text.casefold())
    lowered = "".join(ch for ch in lowered if not unicodedata.combining(ch))
    lowered = re.sub(r"[\u2018\u2019\u02bb\u02bc`]", "'", lowered).strip()
    tokens = [t for t in re.split(r"[\s\-]+", lowered) if t]
    if len(tokens) < 2 or not all(re.fullmatch(r"[a-z]+'?[a-z]*", t) for t in tokens):
        return []
    if "-" not in lowered and not any(_MARKED.search(t) for t in tokens):
        return []
    options = []
    for token in tokens:
        readings = _syllable(token)
        if readings is None:
            return []
        options.append(readings)
    out: list[str] = []
    for combo in itertools.islice(itertools.product(*options), MAX_READINGS):
        head, last = combo[:-1], combo[-1]
        if last in _TRAILING and len(combo) > 2:
            out.append("".join(head) + " " + last)
        else:
            out.append("".join(combo))
    return out
