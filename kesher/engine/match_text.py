"""Word analysis for matching: the forms a typed word may stand for, in Hebrew and English.

`kesher.engine.text` normalises a word the way search indexes it (case, marks, geresh, final
letters). Matching needs more: "ולטיולי" must meet the vocabulary's "טיול", "מדפסות" its
"מדפסת", "movers" its "mover". Each word therefore gets a short list of candidate forms, ordered
by how much had to be cut to reach them, and the vocabulary is looked up form by form so the
least-cut reading that the vocabulary knows wins ("מאמן" is a coach before "אמן" is an artist).

Hebrew: up to four prefix letters (ו ה ב ל מ ש כ, via `text.hebrew_stems`), then one suffix
rule: plural ים / ות, construct ־י / ־ת, feminine ־ת / ־ית, and a few possessives; spelling
variants with doubled י or ו meet by collapsing the pair. English: a light stemmer (plural,
-ing, -ed, final e) applied identically to the vocabulary and to the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kesher.engine.text import WORD_MARKS, hebrew_stems, is_hebrew, normalize_token

# Mirrors the tokenizer of kesher.engine.text, keeping each word as typed for reasons.
_MARKS_CLASS = "[" + re.escape(WORD_MARKS) + "]"
_WORD_RE = re.compile(rf"[^\W_]+(?:{_MARKS_CLASS}[^\W_]+)*{_MARKS_CLASS}?")

# (suffix, replacement), on normalised forms (final letters already folded: ים is "ימ").
HEBREW_SUFFIX_RULES: tuple[tuple[str, str], ...] = (
    ("ימ", ""),  # plural masculine: טיולים → טיול
    ("ות", ""),  # plural: שולחנות → שולחן
    ("ות", "ה"),  # plural of ־ה nouns: הובלות → הובלה
    ("ות", "ת"),  # plural of ־ת nouns: מדפסות → מדפסת
    ("י", ""),  # construct plural, adjective: טיולי → טיול, משרדי → משרד
    ("י", "ה"),  # construct plural of ־ה nouns: רואי → רואה
    ("ת", ""),  # feminine: מעצבת → מעצב
    ("ת", "ה"),  # construct: חברת → חברה
    ("ית", ""),  # feminine adjective: משפטית → משפט
    ("ית", "י"),  # אינטרנטית → אינטרנטי
    ("ה", ""),  # feminine: יועצה → יועץ
    ("ימ", "ה"),  # מורים → מורה
    ("יות", "ות"),  # חנויות-like plurals of ־ות nouns
    ("יות", "ה"),  # אפשרויות-like: כמויות → כמות is irregular, listed in the vocabulary
    ("נו", ""),  # possessive "our": משרדנו
    ("יו", ""),  # possessive "his" on plurals: עובדיו
    ("ינו", ""),  # possessive "our" on plurals: עובדינו
    ("כמ", ""),  # possessive "your"
)
# A vocabulary word is written in its base form, but may be written in the plural or construct
# ("טיולי ג'יפים"); only those endings are undone on its side, never feminine ־ה / ־ת, which
# would turn "חברה" (company) into "חבר" (friend).
VOCABULARY_SUFFIX_RULES: tuple[tuple[str, str], ...] = (
    ("ימ", ""),
    ("ות", ""),
    ("ות", "ה"),
    ("ות", "ת"),
    ("י", ""),
    ("י", "ה"),
    ("יות", "ות"),
)
MIN_HEBREW_FORM = 2
MIN_ENGLISH_STEM = 3
_DOUBLED = re.compile(r"(?<=.)(יי|וו)")


@dataclass(frozen=True, slots=True)
class Form:
    """One reading of a word: the form, prefix letters cut, and letters cut in all."""

    text: str
    prefix: int
    cost: int


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text: as typed, normalised, and its candidate forms (least cut first)."""

    surface: str
    token: str
    forms: tuple[Form, ...]
    form_set: frozenset[str]

    def display(self, prefix: int) -> str:
        """The word as typed without the `prefix` letters a reading cut from its start."""
        return self.surface[prefix:] if prefix else self.surface


def collapse_hebrew(form: str) -> str:
    """Full and defective spellings meet: "קנייה" and "קניה", "תוכנה" stays, "וו" → "ו"."""
    return _DOUBLED.sub(lambda match: match.group(0)[0], form)


def english_stem(token: str) -> str:
    """A deliberately small stemmer: the same on vocabulary and text, so only consistency counts."""
    word = token
    if len(word) <= MIN_ENGLISH_STEM:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
        if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
            word = word[:-1]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
        if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
            word = word[:-1]
    if word.endswith("e") and len(word) > MIN_ENGLISH_STEM:
        word = word[:-1]
    return word


def _hebrew_suffix_forms(
    stem: str, rules: tuple[tuple[str, str], ...] = HEBREW_SUFFIX_RULES
) -> list[tuple[str, int]]:
    forms: list[tuple[str, int]] = []
    for suffix, replacement in rules:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= MIN_HEBREW_FORM:
            forms.append((stem[: -len(suffix)] + replacement, len(suffix)))
    return forms


@lru_cache(maxsize=131072)
def token_forms(token: str) -> tuple[Form, ...]:
    """Candidate forms of a normalised token, least cut first, without repeats."""
    if not is_hebrew(token):
        return (Form(english_stem(token), 0, 0),)
    seen: dict[str, Form] = {}
    for prefix, stem in enumerate(hebrew_stems(token)):
        if prefix and len(stem) < MIN_HEBREW_FORM:
            break
        if not is_hebrew(stem):
            # A Hebrew prefix glued to a Latin word: "בShopify".
            candidates = [(english_stem(stem), 0)]
        else:
            candidates = [(stem, 0), *_hebrew_suffix_forms(stem)]
        for text, cut in candidates:
            form = Form(collapse_hebrew(text), prefix, prefix + cut)
            known = seen.get(form.text)
            if known is None or form.cost < known.cost:
                seen[form.text] = form
    return tuple(sorted(seen.values(), key=lambda form: (form.cost, form.prefix == 0)))


def vocabulary_base(token: str) -> str:
    """The form a vocabulary word is itself, before any suffix reading."""
    return collapse_hebrew(token) if is_hebrew(token) else english_stem(token)


@lru_cache(maxsize=131072)
def vocabulary_forms(token: str) -> frozenset[str]:
    """The forms a vocabulary word stands for: itself and its suffix readings, never prefixes.

    A vocabulary word is written bare, so cutting a prefix from it would only invent words.
    """
    if not is_hebrew(token):
        return frozenset({english_stem(token)})
    forms = {collapse_hebrew(token)}
    forms.update(
        collapse_hebrew(text) for text, _ in _hebrew_suffix_forms(token, VOCABULARY_SUFFIX_RULES)
    )
    return frozenset(forms)


# Combining marks of the scripts people write here (Latin accents, Hebrew points and
# cantillation, Arabic harakat, Cyrillic): a text without any, already in NFKD form, is kept.
_COMBINING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def _strip_marks(text: str) -> str:
    """What `kesher.engine.text` tokenizes: compatibility forms folded, marks dropped."""
    if text.isascii() or (unicodedata.is_normalized("NFKD", text) and not _COMBINING.search(text)):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )


@lru_cache(maxsize=131072)
def _word(surface: str) -> Word | None:
    token = normalize_token(surface)
    if not token:
        return None
    forms = token_forms(token)
    return Word(surface, token, forms, frozenset(form.text for form in forms))


def words(text: str) -> list[Word]:
    """The words of `text` in order, each with its candidate forms."""
    found: list[Word] = []
    for surface in _WORD_RE.findall(_strip_marks(text)):
        word = _word(surface)
        if word is not None:
            found.append(word)
    return found


def vocabulary_tokens(term: str) -> tuple[str, ...]:
    """A vocabulary term as the normalised tokens its phrase is made of."""
    return tuple(word.token for word in words(term))
