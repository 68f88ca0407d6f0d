"""From a need's or an offer's text to what the matcher compares: concepts, words and intents.

A text is read word by word (see `match_text`). Vocabulary terms are found by their forms:
phrases first ("רכב שטח", "office furniture"), whose words may be separated by up to two stop
words ("ינהל לי את הספרים" still reads "ניהול ספרים"), then single words, each at the reading
that cuts the fewest letters. A concept found inside a longer term counts half ("דין" inside
"עורך דין"). Words the vocabulary does not know and that carry meaning (names, brands, jargon)
are kept as plain term features, so "Wrangler" still meets "Wrangler".

Intent words ("selling", "להשכרה", "לקנות") are not compared as topics: they say what kind of
exchange the text is about. Said outright they are strong; implied by a concept (a tour guide
offers tours) they are weak, and count only when nothing is said outright. A concept in a
purpose phrase ("ג'יפ לטיולי שטח", "an off-road vehicle for family trips") says what a thing is
for, not how it is to be had: a jeep for trips is not a tour. It still counts as a topic, but
its intent, when the thing before it implies none, says which exchange the text is NOT about,
and counts only when nothing else is said or implied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from kesher.engine.match_text import Word, words
from kesher.engine.text import WORD_MARKS
from kesher.engine.vocabulary import INTENTS, Concept, Phrase, Vocabulary

CONCEPT_PREFIX = "c:"
TERM_PREFIX = "t:"
# A plain word says less than a vocabulary concept, which was chosen for meaning.
TERM_WEIGHT = 0.5
# A concept found only inside a longer term ("דין" in "עורך דין").
INNER_WEIGHT = 0.5
# A plain word's readings with a suffix cut are less certain than the word itself.
SUFFIX_READING_WEIGHT = 0.5
MAX_TERM_READINGS = 4
MIN_TERM_LENGTH = 3
# A phrase's words may be split by up to two short function words: "ינהל לי את הספרים".
MAX_STOP_GAP = 2
# A purpose phrase says what a thing is for: "ג'יפ לטיולי שטח", "a jeep for family trips". It
# opens with the prefix ל or with one of these words, at most MAX_PURPOSE_GAP plain words
# before the concept it holds ("for our family trips").
PURPOSE_PREFIX = "ל"
PURPOSE_WORDS = frozenset({"for", "to", "בשביל", "עבור"})
MAX_PURPOSE_GAP = 2
# An activity a thing is sought for counts less than the thing itself.
PURPOSE_WEIGHT = 0.5
_CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a feature is in a text: its weight before corpus statistics and the words behind it."""

    feature: str
    weight: float
    shown: str
    term: str


@dataclass(frozen=True, slots=True)
class Analysis:
    features: dict[str, Evidence]
    strong_intents: frozenset[str]
    weak_intents: frozenset[str]
    # The intents of the activities a thing is sought for ("tour" for "a jeep for trips").
    purpose_intents: frozenset[str] = frozenset()

    @property
    def named_intents(self) -> frozenset[str]:
        """What the text says outright, else what its concepts imply."""
        return self.strong_intents or self.weak_intents

    @property
    def intents(self) -> frozenset[str]:
        """The named intents, else any kind of exchange but the ones of its purposes."""
        if self.named_intents or not self.purpose_intents:
            return self.named_intents
        return frozenset(INTENTS) - self.purpose_intents


@dataclass(frozen=True, slots=True)
class _Hit:
    concept: str
    start: int
    end: int
    shown: str
    term: str
    # The prefix letters cut from the first word to read it ("ל" in "לטיולי").
    prefix: str


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the vocabulary makes of one word wherever it stands (cached per word)."""

    stop: bool
    # (concept, vocabulary term, prefix letters cut) at the least-cut reading that has any.
    singles: tuple[tuple[str, str, int], ...]
    # The phrases this word may open, with the prefix letters cut to open them.
    starts: tuple[tuple[Phrase, int], ...]


class Analyzer:
    """Reads texts against one vocabulary; results are cached per text and per word."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._lexicon = vocabulary.lexicon
        self._cache: dict[tuple[str, tuple[str, ...]], Analysis] = {}
        self._readings: dict[str, _Reading] = {}

    def analyze(self, text: str, tags: Iterable[str] = ()) -> Analysis:
        key = (text, tuple(tags))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        features: dict[str, Evidence] = {}
        strong: set[str] = set()
        weak: set[str] = set()
        purposes: set[str] = set()
        # Tags are read apart from the text so that no phrase spans the two.
        for part in (text, *key[1]):
            self._read(part, features, strong, weak, purposes)
        analysis = Analysis(features, frozenset(strong), frozenset(weak), frozenset(purposes))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = analysis
        return analysis

    def _read(
        self,
        text: str,
        features: dict[str, Evidence],
        strong: set[str],
        weak: set[str],
        purposes: set[str],
    ) -> None:
        found = words(text)
        if not found:
            return
        readings = [self._reading(word) for word in found]
        stop = [reading.stop for reading in readings]
        hits = self._phrase_hits(found, readings, stop)
        covered = [False] * len(found)
        for hit in hits:
            for position in range(hit.start, hit.end + 1):
                covered[position] = True
        for position, (word, reading) in enumerate(zip(found, readings, strict=True)):
            if reading.stop or not reading.singles:
                continue
            covered[position] = True
            hits.extend(
                _Hit(concept, position, position, word.display(prefix), term, word.token[:prefix])
                for concept, term, prefix in reading.singles
            )
        vocabulary = self.vocabulary
        intent_spans = [
            (hit.start, hit.end) for hit in hits if vocabulary[hit.concept].kind == "intent"
        ]
        heads = _purpose_heads(found, covered, hits, [vocabulary[hit.concept] for hit in hits])
        for hit, head in zip(hits, heads, strict=True):
            concept = vocabulary[hit.concept]
            if concept.kind == "intent":
                if concept.intent:
                    strong.add(concept.intent)
                continue
            if any(start <= hit.start and hit.end <= end for start, end in intent_spans):
                continue
            inner = any(
                other.start <= hit.start
                and hit.end <= other.end
                and other.end - other.start > hit.end - hit.start
                for other in hits
            )
            weight = concept.weight * (INNER_WEIGHT if inner else 1.0)
            if concept.intent and head:
                # Said of a thing that implies no exchange itself ("a jeep for trips"), an
                # activity is what the thing is for: it weighs less than the thing, and its
                # intent is the exchange sought least. Said of a service ("a photographer for
                # a wedding"), the service's own intent stands.
                if not any(other.intent for other in head):
                    weight *= PURPOSE_WEIGHT
                    if not inner:
                        purposes.add(concept.intent)
            elif concept.intent and not inner:
                weak.add(concept.intent)
            _keep(features, Evidence(CONCEPT_PREFIX + concept.id, weight, hit.shown, hit.term))
        for position, word in enumerate(found):
            if covered[position] or stop[position]:
                continue
            self._term_features(word, features)

    def _reading(self, word: Word) -> _Reading:
        known = self._readings.get(word.surface)
        if known is None:
            if len(self._readings) >= _CACHE_LIMIT:
                self._readings.clear()
            known = _Reading(self._is_stop(word), self._singles(word), self._starts(word))
            self._readings[word.surface] = known
        return known

    def _is_stop(self, word: Word) -> bool:
        # An abbreviation written with a geresh or gershayim is never a stop word, even when
        # its letters spell one: "עו״ד" (lawyer) is not "עוד" (more).
        if any(mark in word.surface[1:-1] for mark in WORD_MARKS):
            return False
        stopwords = self._lexicon.stopwords
        return any(form.text in stopwords for form in word.forms if form.cost == form.prefix)

    def _singles(self, word: Word) -> tuple[tuple[str, str, int], ...]:
        best: int | None = None
        found: dict[str, tuple[str, str, int]] = {}
        for form in word.forms:
            if best is not None and form.cost > best:
                break
            for entry in self._lexicon.single.get(form.text, ()):
                best = form.cost
                found.setdefault(entry.concept, (entry.concept, entry.term, form.prefix))
        return tuple(found.values())

    def _starts(self, word: Word) -> tuple[tuple[Phrase, int], ...]:
        phrases = self._lexicon.phrases
        return tuple(
            (phrase, form.prefix) for form in word.forms for phrase in phrases.get(form.text, ())
        )

    def _phrase_hits(
        self, found: list[Word], readings: list[_Reading], stop: list[bool]
    ) -> list[_Hit]:
        hits: list[_Hit] = []
        seen: set[tuple[str, int, int]] = set()
        for start, (word, reading) in enumerate(zip(found, readings, strict=True)):
            for phrase, prefix in reading.starts:
                end = _phrase_end(found, stop, start, phrase)
                if end is None or (phrase.concept, start, end) in seen:
                    continue
                seen.add((phrase.concept, start, end))
                shown = " ".join(
                    [word.display(prefix), *(w.surface for w in found[start + 1 : end + 1])]
                )
                hits.append(
                    _Hit(phrase.concept, start, end, shown, phrase.term, word.token[:prefix])
                )
        return hits

    def _term_features(self, word: Word, features: dict[str, Evidence]) -> None:
        if word.token.isdigit() or len(word.token) < 2:
            return
        readings = [
            form
            for form in word.forms[:MAX_TERM_READINGS]
            if not form.cost or len(form.text) >= MIN_TERM_LENGTH
        ]
        # A word read several ways weighs as much in its text as a word read one way.
        share = TERM_WEIGHT / math.sqrt(len(readings))
        for form in readings:
            weight = share * (1.0 if form.cost == form.prefix else SUFFIX_READING_WEIGHT)
            _keep(features, Evidence(TERM_PREFIX + form.text, weight, word.display(0), form.text))


def _purpose_heads(
    found: list[Word], covered: list[bool], hits: list[_Hit], concepts: list[Concept]
) -> list[tuple[Concept, ...]]:
    """For each hit in a purpose phrase, the concepts right before it that it is the purpose
    of; () for every other hit.

    A purpose phrase opens with the prefix ל ("לטיולי") or a purpose word ("for family trips")
    right after a concept: "ג'יפ לטיולי שטח", "an off-road vehicle for family trips". With no
    concept right before it, the phrase is what is sought: "מחפש מישהו להובלת דירה", "looking
    for a jeep tour". Inside a longer vocabulary term ("בית ספר לנהיגה") it is part of the term.
    """
    ends: dict[int, list[Concept]] = {}
    for hit, concept in zip(hits, concepts, strict=True):
        if concept.kind != "intent":
            ends.setdefault(hit.end, []).append(concept)
    heads: list[tuple[Concept, ...]] = []
    for hit, concept in zip(hits, concepts, strict=True):
        marker = None
        if concept.kind == "intent" or any(
            other.start < hit.start <= other.end and hit.end <= other.end for other in hits
        ):
            pass
        elif hit.prefix.endswith(PURPOSE_PREFIX):
            marker = hit.start
        else:
            position = hit.start - 1
            while position >= max(0, hit.start - 1 - MAX_PURPOSE_GAP) and not covered[position]:
                if found[position].token in PURPOSE_WORDS:
                    marker = position
                    break
                position -= 1
        heads.append(() if marker is None else tuple(ends.get(marker - 1, ())))
    return heads


def _phrase_end(found: list[Word], stop: list[bool], start: int, phrase: Phrase) -> int | None:
    position = start
    for forms in phrase.tokens[1:]:
        position += 1
        gap = 0
        while position < len(found) and not (found[position].form_set & forms):
            if not stop[position] or gap >= MAX_STOP_GAP or len(found[position].token) > 3:
                return None
            position += 1
            gap += 1
        if position >= len(found):
            return None
    return position


def _keep(features: dict[str, Evidence], evidence: Evidence) -> None:
    known = features.get(evidence.feature)
    if known is None or evidence.weight > known.weight:
        features[evidence.feature] = evidence
