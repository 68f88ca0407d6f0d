"""Hebrew and English text normalisation, shared by search and matching.

Hebrew glues one-letter prefixes (ו, ה, ב, ל, מ, ש, כ and their combinations: "וכשהג'יפ") to
words, has final letter forms (ך ם ן ף ץ), optional vowel points, and the geresh is typed as
' or ׳ or `. English is matched case-insensitively and without accents. Everything here is
pure Python so the matcher and the benchmarks use exactly what the search index uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

FINAL_FORMS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
# Geresh and gershayim in all the ways people type them; dropped inside words (ג'יפ = גיפ,
# רו"ח = רוח) so every spelling meets.
WORD_MARKS = "'\u05f3\u05f4\"`\u2019\u2018\u201c\u201d"
HEBREW_PREFIX_LETTERS = frozenset("והבלמשכ")
# A stripped stem must keep at least this many letters, so "משה" is not reduced to "ה".
MIN_STEM = 2
MAX_PREFIX = 4
MAX_TERM_LENGTH = 48

_MARKS_CLASS = "[" + re.escape(WORD_MARKS) + "]"
_TOKEN_RE = re.compile(rf"[^\W_]+(?:{_MARKS_CLASS}[^\W_]+)*{_MARKS_CLASS}?")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    # Drops Hebrew points and cantillation (Mn) and Latin accents alike.
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def is_hebrew(token: str) -> bool:
    return any("\u0590" <= ch <= "\u05ff" for ch in token)


def normalize_token(token: str) -> str:
    token = _strip_marks(token).casefold()
    token = "".join(ch for ch in token if ch not in WORD_MARKS)
    return token.translate(FINAL_FORMS)[:MAX_TERM_LENGTH]


def tokenize(text: str) -> list[str]:
    """Split text into normalised word tokens, in order (duplicates kept)."""
    text = unicodedata.normalize("NFKC", text)
    tokens = (normalize_token(match.group(0)) for match in _TOKEN_RE.finditer(text))
    return [token for token in tokens if token]


def normalize(text: str) -> str:
    return " ".join(tokenize(text))


def hebrew_stems(token: str) -> list[str]:
    """The token and every form of it with up to four prefix letters removed."""
    stems = [token]
    if not is_hebrew(token):
        return stems
    for cut in range(1, MAX_PREFIX + 1):
        if len(token) - cut < MIN_STEM or token[cut - 1] not in HEBREW_PREFIX_LETTERS:
            break
        stems.append(token[cut:])
    return stems


def index_terms(text: str) -> set[str]:
    """All terms to index for `text`: each token and its prefix-stripped stems."""
    terms: set[str] = set()
    for token in tokenize(text):
        terms.update(hebrew_stems(token))
    return terms


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One typed word: its normalised form and the stems it may be a prefixed form of."""

    text: str
    stems: tuple[str, ...]


def query_words(text: str) -> list[QueryWord]:
    words: list[QueryWord] = []
    seen: set[str] = set()
    for token in tokenize(text):
        if token in seen:
            continue
        seen.add(token)
        words.append(QueryWord(text=token, stems=tuple(hebrew_stems(token))))
    return words
