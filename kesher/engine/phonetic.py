"""Sound keys: one short code that the Hebrew and the Latin spellings of a word share.

"Michal", "Mikhal" and "מיכל" all become "mkl"; "Cohen", "Kohen" and "כהן" become "kkn"; "Jeep" and
"ג'יפ" become "gp". Search indexes the key of each name-like word beside the word itself, so a
word typed in one script finds its spelling in the other (kesher/search/selectors.py).

A key is the word's consonants, each reduced to a class that every common spelling of it
reaches, framed by the vowels that both scripts always write:

- an initial vowel: Hebrew א or ע, a Latin vowel ("Avi"/"אבי" start "a");
- a final vowel: ה, א or ע and Latin a/e ("a"), י and Latin i/y ("i"), ו and Latin o/u ("o").

Vowels inside a word are left out, because Hebrew writes them only sometimes (משה is "Moshe",
מיכל writes the i of "Michal"). The price is that names differing only in their inner vowels
share a key: Dana and Dina, Tamar and Tomer, Michal and Michael. Search ranks these matches
below every match of the word as typed, so the spelling the user typed always comes first.

Consonant classes. Hebrew letters stand for more than one sound and Latin spellings of one
sound vary, so sounds that either side confuses share a class:

    b  ב b v w, and ו as a consonant    k  ה ח כ ק h ch kh k c q ck
    g  ג ג' g j                         s  ס ש ז צ s sh z zh tz ts c(e/i/y)
    p  פ p f ph                         t  ט ת t th
    d l m n r: themselves               y  a first י, a first Latin y before a vowel

ה joins k because Latin "h" stands for both ה and ח ("Hila" הילה, "Haim" חיים), and ח, כ and ק
because "ch"/"kh" and "k" stand for all of them ("Michal" מיכל, "Rachel" רחל, "Malka" מלכה); so
"Haifa" and קפה meet too.

Hebrew ו and י are consonants or vowels. ו is a consonant at the start, doubled (וו) and
before a final ה or י (לוי "Levi", חוה "Chava"); a vowel elsewhere, except that both readings
are kept before י (סויסה "Swissa" but טויוטה "Toyota"), in a three-letter word (דוד is "Dod"
and "David") and in a final יו (זיו "Ziv"). י is a consonant only at the start; Latin y
between letters is dropped the same way, so "Maya" meets מאיה.

A few Latin endings have two readings, and each gets a key: a silent final e after a
consonant ("Mike" מייק, but "Moshe" keeps its e), a final o in a word of three consonants
or more, which Hebrew may write with ה ("Shlomo" שלמה), a final h after a vowel, silent in
"Sarah" but a ח in "Noah" (נח), and a final "-ich" of Slavic names, which Hebrew writes ץ'
("Rabinovich" רבינוביץ'). A word has at most MAX_KEYS keys.

Everything works on normalised terms (kesher.engine.text: lower case, no marks, no geresh,
final letters folded), so keys can be computed from what the index already stores. With the
geresh gone, צ' ("ch" in "צ'יפס") reads as צ; ג' and ז' lose nothing, as they share a class
with ג and ז.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import product

# Marks a sound key in the search index. Not a word character, so no word or prefix range
# ever meets a key.
SOUND_MARK = "\u2261"  # ≡
# The script a key was heard in: a Hebrew word's keys are looked up by Latin words and the
# other way round, and Latin words also find Latin spellings of the same name ("Haim" finds
# "Chaim"). Hebrew words do not look up Hebrew keys: a Hebrew name has one usual spelling, and
# the classes (ט/ת, ס/ש/ז/צ, ה/ח/כ/ק) would only add noise ("טל" finding "תל").
HEBREW_SCRIPT = "h"
LATIN_SCRIPT = "l"

MAX_KEYS = 4
# A key needs a consonant and two symbols: "a" (או, "oh") says nothing.
MIN_KEY_LENGTH = 2
# The beginning of a word being typed is looked up by sound from three symbols: the words
# whose keys start with two ("kk": כהן, but also "cooking") are too many and too unlike.
MIN_TYPED_KEY_LENGTH = 3
_HEBREW_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
# Words too common to carry a key: as keys they would match most short names ("לא" and "Leah",
# "מה" and "Maya"). Needs, offers and titles are full of them.
_HEBREW_STOPWORDS = """את של על עם זה זו זאת גם לא מה כי אם או אני אתה הוא היא הם הן אנחנו יש
    אין כל רק עוד אז לי לו לה לך לכם להם שלי שלו שלה שלנו מי איך כמו אל בין אחרי לפני כן אבל
    יותר מאוד הרבה פה שם כאן עכשיו היה היתה להיות"""
_LATIN_STOPWORDS = """the a an and or of for to in on at by with from is are be was as it its
    this that these those not no but if so we you he she they i me my our your his her their"""
HEBREW_STOPWORDS = frozenset(_HEBREW_STOPWORDS.translate(_HEBREW_FINALS).split())
LATIN_STOPWORDS = frozenset(_LATIN_STOPWORDS.split())

_HEBREW_CONSONANTS = {
    "ב": "b",
    "ג": "g",
    "ד": "d",
    "ז": "s",
    "ח": "k",
    "ט": "t",
    "כ": "k",
    "ל": "l",
    "מ": "m",
    "נ": "n",
    "ס": "s",
    "פ": "p",
    "צ": "s",
    "ק": "k",
    "ר": "r",
    "ש": "s",
    "ת": "t",
}
_HEBREW_WORD = re.compile("[\u05d0-\u05ea]+")
_SIBILANTS = "סשזצ"

_LATIN_VOWELS = "aeiou"
_LATIN_WORD = re.compile("[a-z]+")
# Longest first: each maps to one class (or two, for "x" and "qu").
_LATIN_CLUSTERS = (
    ("sch", "s"),
    ("tch", "s"),
    ("ch", "k"),
    ("ck", "k"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "p"),
    ("sh", "s"),
    ("th", "t"),
    ("zh", "s"),
    ("tz", "s"),
    ("ts", "s"),
    ("dj", "g"),
    ("qu", "kb"),
)
_LATIN_LETTERS = {
    "b": "b",
    "v": "b",
    "w": "b",
    "d": "d",
    "f": "p",
    "p": "p",
    "g": "g",
    "j": "g",
    "h": "k",
    "k": "k",
    "q": "k",
    "l": "l",
    "m": "m",
    "n": "n",
    "r": "r",
    "s": "s",
    "z": "s",
    "t": "t",
    "x": "ks",
}
_CONSONANT_CLASSES = frozenset("bgdklmnprsty")
# The vowels a word may end in, read as one: "ai", "oy" and "ee" end in i, "au" in o.
_LATIN_TAIL = re.compile("[aeiouy]+h?$")


def script(term: str) -> str | None:
    """HEBREW_SCRIPT or LATIN_SCRIPT for a word written in one of them only, else None."""
    if _HEBREW_WORD.fullmatch(term):
        return HEBREW_SCRIPT
    if _LATIN_WORD.fullmatch(term):
        return LATIN_SCRIPT
    return None


def _hebrew_options(word: str, whole: bool) -> list[tuple[str, ...]]:
    """Per letter, the symbols it may stand for ("" for a silent or vowel letter)."""
    n = len(word)
    options: list[tuple[str, ...]] = []
    i = 0
    while i < n:
        letter = word[i]
        last = whole and i == n - 1
        following = word[i + 1] if i + 1 < n else ""
        if letter in "אע":
            options.append(("a",) if i == 0 or last else ("",))
        elif letter == "ה":
            options.append(("a",) if last and i > 0 else ("k",))
        elif letter == "ו":
            if following == "ו":
                options.append(("b",))
                i += 1
            elif i == 0:
                options.append(("b",))
            elif last:
                options.append(("o", "b") if word[i - 1] == "י" else ("o",))
            elif whole and i == n - 2 and following in "הי":
                options.append(("b",))
            elif following == "י" or (whole and n == 3):
                options.append(("", "b"))
            else:
                options.append(("",))
        elif letter == "י":
            options.append(("y",) if i == 0 else ("i",) if last else ("",))
        elif letter in "טת" and following and following in _SIBILANTS:
            # "טס" is one sound, as Latin "ts" is: וואטסאפ, "WhatsApp".
            options.append(("",))
        else:
            options.append((_HEBREW_CONSONANTS[letter],))
        i += 1
    return options


def _latin_tail(word: str, body_end: int) -> tuple[str, ...]:
    """The final-vowel symbols of `word[body_end:]`, its trailing vowels (and a silent h)."""
    tail = word[body_end:]
    vowels = tail.removesuffix("h")
    if vowels.endswith(("ee", "ie")):
        vowel = "i"
    else:
        vowel = {"a": "a", "e": "a", "i": "i", "y": "i"}.get(vowels[-1], "o")
    # A final h is silent in "Sarah" and "Leah" but a ח in "Noah" (נח) and "Petah" (פתח).
    return (vowel, "k") if tail.endswith("h") else (vowel,)


def _latin_options(word: str, whole: bool) -> list[tuple[str, ...]]:
    if word.startswith("wr"):
        word = word[1:]
    elif word.startswith("wh"):
        word = "w" + word[2:]
    # A doubled letter is one sound: Yossi, Hannah, Kibbutz.
    word = re.sub(r"(.)\1+", r"\1", word)
    body_end = len(word)
    tail: tuple[str, ...] = ()
    if whole:
        match = _LATIN_TAIL.search(word, 1)
        if match is not None:
            body_end = match.start()
            tail = _latin_tail(word, body_end)
    options: list[tuple[str, ...]] = []
    i = 0
    while i < body_end:
        letter = word[i]
        following = word[i + 1] if i + 1 < len(word) else ""
        cluster = next(
            (
                (text, symbol)
                for text, symbol in _LATIN_CLUSTERS
                if word.startswith(text, i) and i + len(text) <= body_end
            ),
            None,
        )
        if cluster is not None:
            text, symbol = cluster
            if whole and text == "ch" and i + 2 == len(word) and i > 0 and word[i - 1] == "i":
                # Slavic -ich, written ץ' in Hebrew: Rabinovich, רבינוביץ'.
                options.append(("k", "s"))
            else:
                options.extend((part,) for part in symbol)
            i += len(text)
            continue
        if letter in _LATIN_VOWELS:
            options.append(("a",) if i == 0 else ("",))
        elif letter == "y":
            if i == 0:
                options.append(("y",) if following in _LATIN_VOWELS else ("a",))
            else:
                options.append(("",))
        elif letter == "c":
            options.append(("s",) if following in ("e", "i", "y") else ("k",))
        else:
            options.extend((part,) for part in _LATIN_LETTERS[letter])
        i += 1
    if tail:
        consonants = sum(1 for option in options if option[0] in _CONSONANT_CLASSES)
        if tail == ("a",) and word[body_end:] == "e" and body_end > 1:
            if word[body_end - 1] != "h" and any(ch in _LATIN_VOWELS for ch in word[:body_end]):
                tail = ("a", "")  # Mike מייק; but Moshe משה keeps its e
        elif tail == ("o",) and word[body_end:] == "o" and consonants >= 3:
            tail = ("o", "a")  # Shlomo שלמה
        options.append(tail)
    return options


def _merge(symbols: Iterable[str], kind: str) -> str:
    """Symbols joined. In Latin a class repeated without a vowel between is one sound written
    twice ("sz", "ks" of "x" then "s") and is written once; Hebrew writes a sound once, so
    two letters of a class are two sounds (חדד, "Hadad")."""
    key: list[str] = []
    for symbol in symbols:
        if kind == LATIN_SCRIPT and symbol and key and symbol == key[-1]:
            continue
        key.append(symbol)
    return "".join(key)


def _is_key(key: str) -> bool:
    return len(key) >= MIN_KEY_LENGTH and any(ch in _CONSONANT_CLASSES for ch in key)


def _options(term: str, whole: bool) -> tuple[str | None, list[tuple[str, ...]]]:
    kind = script(term)
    if kind == HEBREW_SCRIPT:
        word = term.translate(_HEBREW_FINALS)
        if whole and word in HEBREW_STOPWORDS:
            return kind, []
        return kind, _hebrew_options(word, whole)
    if kind == LATIN_SCRIPT:
        if whole and term in LATIN_STOPWORDS:
            return kind, []
        if not whole and term[-1] in "ct":
            # The next letter decides what these are: "Kat" may become "Katz" (s), "Merc"
            # "Mercedes" (s), "Mic" "Michal" (k); so they wait for it.
            term = term[:-1]
        return kind, _latin_options(term, whole)
    return None, []


@lru_cache(maxsize=65536)
def sound_keys(term: str) -> tuple[str, ...]:
    """The keys of a whole normalised word, the likeliest reading first; () when it has none
    (another script, digits, a stop word, too short)."""
    kind, options = _options(term, whole=True)
    if kind is None or not options:
        return ()
    keys: list[str] = []
    for combination in product(*options):
        key = _merge(combination, kind)
        if _is_key(key) and key not in keys:
            keys.append(key)
            if len(keys) == MAX_KEYS:
                break
    return tuple(keys)


@lru_cache(maxsize=65536)
def typed_sound_key(term: str) -> str:
    """The key of the beginning of a word still being typed: no final vowel and the likeliest
    reading only, so the keys of the words it may become start with it. "" when shorter than
    MIN_TYPED_KEY_LENGTH."""
    kind, options = _options(term, whole=False)
    if kind is None:
        return ""
    key = _merge((option[0] for option in options), kind)
    return key if _is_key(key) and len(key) >= MIN_TYPED_KEY_LENGTH else ""


def index_sounds(term: str) -> tuple[str, ...]:
    """What the index stores for a word: its keys, marked with the word's script."""
    kind = script(term)
    return tuple(SOUND_MARK + kind + key for key in sound_keys(term)) if kind else ()


def _heard_in(term: str) -> tuple[str, ...]:
    """The scripts whose keys a word typed in `term`'s script looks up."""
    kind = script(term)
    if kind == HEBREW_SCRIPT:
        return (LATIN_SCRIPT,)
    if kind == LATIN_SCRIPT:
        return (HEBREW_SCRIPT, LATIN_SCRIPT)
    return ()


def query_sounds(term: str) -> tuple[str, ...]:
    """Index terms of the words that sound like the whole word `term` in the other script
    (and, for a Latin word, other Latin spellings)."""
    keys = sound_keys(term)
    return tuple(SOUND_MARK + kind + key for kind in _heard_in(term) for key in keys)


def query_sound_prefix(term: str) -> str:
    """The start of the index terms that sound like a word beginning with `term`, in the
    other script only (a Latin beginning already finds Latin words); "" when too short."""
    key = typed_sound_key(term)
    scripts = _heard_in(term)
    return SOUND_MARK + scripts[0] + key if key and scripts else ""


def sounds_alike(first: str, second: str) -> bool:
    """Whether search treats the two whole normalised words as one spoken word."""
    heard = query_sounds(first)
    return any(term in heard for term in index_sounds(second))
