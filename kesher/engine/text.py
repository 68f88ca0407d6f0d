"""Hebrew and English text normalisation, shared by search and matching.

Hebrew glues one-letter prefixes (ו, ה, ב, ל, מ, ש, כ and their combinations: "וכשהג'יפ") to
words, has final letter forms (ך ם ן ף ץ), optional vowel points, and the geresh is typed as
' or ׳ or `. English is matched case-insensitively and without accents. Names and the like are
also indexed by sound (kesher.engine.phonetic), so either script finds the other. Everything
here is pure Python so the matcher and the benchmarks use exactly what the search index uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kesher.engine.phonetic import index_sounds, query_sound_prefix, query_sounds

FINAL_FORMS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
# Geresh and gershayim in all the ways people type them; dropped inside words (ג'יפ = גיפ,
# רו"ח = רוח) so every spelling meets.
WORD_MARKS = "'\u05f3\u05f4\"`\u2019\u2018\u201c\u201d"
HEBREW_PREFIX_LETTERS = frozenset("והבלמשכ")
# The order the prefixes take: ו, then ש or כש, then one of מ ל ב כ, then the article ה
# ("וכשהג'יפ", "ומהבית", "שבבית"). Cutting only along it keeps "משומש" from yielding "מש" and
# "לכהן" from yielding "הן", which would match unrelated words.
_PREFIX_RE = re.compile("ו?(?:כש|ש)?[מלבכ]?ה?")
# A stripped stem must keep at least this many letters, so "משה" is not reduced to "ה".
MIN_STEM = 2
MAX_PREFIX = 4
MAX_TERM_LENGTH = 48
# A stem gets sound keys from this many letters: shorter ones ("הנ" of "כהן", "like them") are
# mostly not words, and their short keys would meet many unrelated Latin words.
MIN_SOUND_STEM = 3

_MARKS_CLASS = "[" + re.escape(WORD_MARKS) + "]"
_TOKEN_RE = re.compile(rf"[^\W_]+(?:{_MARKS_CLASS}[^\W_]+)*{_MARKS_CLASS}?")
_DROP_MARKS = str.maketrans(dict.fromkeys(WORD_MARKS))
# Names, words and short texts (titles, organisations, tags) repeat a great deal across a
# workspace, so rebuilding an index meets the same ones over and over. Only short strings are
# cached, which bounds the caches' memory.
_CACHE_SIZE = 65536
_CACHED_LENGTH = 120


def _strip_marks(text: str) -> str:
    """Compatibility forms folded, Hebrew points and cantillation and Latin accents dropped."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    # Recompose what had no marks to drop (Hangul syllables, for one).
    return unicodedata.normalize("NFC", stripped)


def is_hebrew(token: str) -> bool:
    return any("\u0590" <= ch <= "\u05ff" for ch in token)


def _normalize_stripped(token: str) -> str:
    return token.casefold().translate(_DROP_MARKS).translate(FINAL_FORMS)[:MAX_TERM_LENGTH]


_normalize_cached = lru_cache(maxsize=_CACHE_SIZE)(_normalize_stripped)


def normalize_token(token: str) -> str:
    return _normalize_stripped(_strip_marks(token))


def tokenize(text: str) -> list[str]:
    """Split text into normalised word tokens, in order (duplicates kept)."""
    # Marks go before splitting: vowel points are not word characters, and left in place they
    # would cut "שָׁלוֹם" into pieces.
    text = _strip_marks(text)
    tokens = (
        _normalize_cached(word) if len(word) <= _CACHED_LENGTH else _normalize_stripped(word)
        for word in _TOKEN_RE.findall(text)
    )
    return [token for token in tokens if token]


def normalize(text: str) -> str:
    return " ".join(tokenize(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _stems(token: str) -> tuple[str, ...]:
    stems = [token]
    if not is_hebrew(token):
        return tuple(stems)
    for cut in range(1, MAX_PREFIX + 1):
        if len(token) - cut < MIN_STEM or not _PREFIX_RE.fullmatch(token[:cut]):
            break
        stems.append(token[cut:])
    return tuple(stems)


def hebrew_stems(token: str) -> list[str]:
    """The token and every form of it with up to four prefix letters removed, shortest cut
    first: the n-th stem has n letters cut."""
    return list(_stems(token))


def _index_terms(text: str) -> frozenset[str]:
    terms: set[str] = set()
    for token in tokenize(text):
        terms.update(_stems(token))
    return frozenset(terms)


_index_terms_cached = lru_cache(maxsize=_CACHE_SIZE)(_index_terms)


def index_terms(text: str) -> set[str]:
    """All terms to index for `text`: each token and its prefix-stripped stems."""
    if len(text) <= _CACHED_LENGTH:
        return set(_index_terms_cached(text))
    return set(_index_terms(text))


def _sounded_stems(token: str) -> tuple[str, ...]:
    stems = _stems(token)
    return (token, *(stem for stem in stems[1:] if len(stem) >= MIN_SOUND_STEM))


def _sound_terms(text: str) -> frozenset[str]:
    terms: set[str] = set()
    for token in tokenize(text):
        for stem in _sounded_stems(token):
            terms.update(index_sounds(stem))
    return frozenset(terms)


_sound_terms_cached = lru_cache(maxsize=_CACHE_SIZE)(_sound_terms)


def sound_terms(text: str) -> set[str]:
    """The sound keys (kesher.engine.phonetic) to index for `text`: those of each token and of
    its stems, so "הג'יפ" is heard as "jeep" too."""
    if len(text) <= _CACHED_LENGTH:
        return set(_sound_terms_cached(text))
    return set(_sound_terms(text))


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One typed word: its normalised form, the stems it may be a prefixed form of, the index
    terms of the words that sound like it (kesher.engine.phonetic), and the start of the
    index terms of the words that, by sound, begin as it does ("" when too short to tell)."""

    text: str
    stems: tuple[str, ...]
    sounds: tuple[str, ...] = ()
    sound_prefix: str = ""


def query_words(text: str) -> list[QueryWord]:
    words: list[QueryWord] = []
    seen: set[str] = set()
    for token in tokenize(text):
        if token in seen:
            continue
        seen.add(token)
        sounds = dict.fromkeys(
            sound for stem in _sounded_stems(token) for sound in query_sounds(stem)
        )
        words.append(
            QueryWord(
                text=token,
                stems=_stems(token),
                sounds=tuple(sounds),
                sound_prefix=query_sound_prefix(token),
            )
        )
    return words
