"""The bilingual business vocabulary the matcher reasons with, and its loader.

Each JSON file of this package holds one domain: `{"domain": ..., "concepts": [...]}`, a concept
being `{"id", "he": [terms], "en": [terms], "syn": [ids], "rel": [ids], "intent", "w"}`:
- terms are written bare (no prefix letters) in their base form; plurals, construct forms and
  prefixes are the analyser's job, irregular and verb forms are listed;
- `syn` links near-synonyms (jeep ↔ off-road vehicle), `rel` looser neighbours (jeep ↔ car);
  links are symmetric;
- `intent` is the kind of exchange the concept implies (a tour guide offers tours); concepts of
  a file with `"kind": "intent"` are the words that say it outright (selling, for rent);
- `w` scales a concept that says little on its own (office, business) below 1.

`stopwords.json` holds the words that never carry meaning for matching, in both languages.
A workspace adds its own concepts or terms with `Vocabulary.extend`, which returns a new
vocabulary and leaves the shared default untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

from kesher.engine.match_text import vocabulary_base, vocabulary_forms, vocabulary_tokens

ConceptKind = Literal["topic", "intent"]
INTENTS = ("trade", "rental", "tour", "learn", "repair", "service")
SYNONYM_LINK = 0.8
RELATED_LINK = 0.45
STOPWORDS_FILE = "stopwords.json"


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    he: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    domain: str = ""
    intent: str | None = None
    kind: ConceptKind = "topic"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("A concept needs an id.")
        if not (self.he or self.en):
            raise ValueError(f"Concept {self.id!r} has no terms: give it Hebrew or English ones.")
        if self.intent is not None and self.intent not in INTENTS:
            raise ValueError(
                f"Concept {self.id!r} has intent {self.intent!r}; use one of {', '.join(INTENTS)}."
            )
        if self.kind == "intent" and self.intent is None:
            raise ValueError(f"Intent concept {self.id!r} must say which intent it expresses.")
        if not 0 < self.weight <= 2:
            raise ValueError(f"Concept {self.id!r} has weight {self.weight}; use (0, 2].")

    @property
    def terms(self) -> tuple[str, ...]:
        return self.he + self.en

    def label(self, lang: str | None = None) -> str:
        """The concept's first term in `lang` ("he" or "en"), else its first term."""
        preferred = self.he if lang == "he" else self.en if lang == "en" else ()
        return (preferred or self.terms)[0]

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, domain: str = "", kind: ConceptKind = "topic"
    ) -> Concept:
        return cls(
            id=str(data["id"]),
            he=tuple(data.get("he", ())),
            en=tuple(data.get("en", ())),
            synonyms=tuple(data.get("syn", ())),
            related=tuple(data.get("rel", ())),
            domain=str(data.get("domain", domain)),
            intent=data.get("intent"),
            kind=data.get("kind", kind),
            weight=float(data.get("w", 1.0)),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "he": list(self.he), "en": list(self.en)}
        if self.synonyms:
            data["syn"] = list(self.synonyms)
        if self.related:
            data["rel"] = list(self.related)
        if self.domain:
            data["domain"] = self.domain
        if self.intent:
            data["intent"] = self.intent
        if self.kind != "topic":
            data["kind"] = self.kind
        if self.weight != 1.0:
            data["w"] = self.weight
        return data


@dataclass(frozen=True, slots=True)
class Entry:
    """A vocabulary term as the lexicon looks it up."""

    concept: str
    term: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """A term of several words: the form sets its words may take, in order."""

    concept: str
    term: str
    tokens: tuple[frozenset[str], ...]


@dataclass(slots=True)
class _Lexicon:
    single: dict[str, list[Entry]] = field(default_factory=dict)
    phrases: dict[str, list[Phrase]] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()


class Vocabulary:
    """Concepts with their Hebrew and English terms, links between them, and stop words."""

    def __init__(self, concepts: Iterable[Concept], stopwords: Iterable[str] = ()) -> None:
        self._concepts: dict[str, Concept] = {}
        for concept in concepts:
            known = self._concepts.get(concept.id)
            self._concepts[concept.id] = concept if known is None else _merge(known, concept)
        self._stopword_terms = tuple(stopwords)
        unknown = sorted(
            {
                (concept.id, other)
                for concept in self._concepts.values()
                for other in concept.synonyms + concept.related
                if other not in self._concepts
            }
        )
        if unknown:
            listed = ", ".join(f"{source} → {target}" for source, target in unknown[:10])
            raise ValueError(f"Links to concepts that do not exist: {listed}.")
        self._lexicon = _build_lexicon(self._concepts.values(), self._stopword_terms)
        self._links = _build_links(self._concepts.values())

    @classmethod
    def load_default(cls) -> Vocabulary:
        """The vocabulary shipped with Kesher (cached: it is immutable)."""
        return _default()

    @classmethod
    def from_files(cls, documents: Iterable[Mapping[str, Any]]) -> Vocabulary:
        concepts: list[Concept] = []
        stopwords: list[str] = []
        for document in documents:
            stopwords.extend(document.get("stopwords", ()))
            domain = str(document.get("domain", ""))
            kind = document.get("kind", "topic")
            concepts.extend(
                Concept.from_dict(item, domain=domain, kind=kind)
                for item in document.get("concepts", ())
            )
        return cls(concepts, stopwords)

    def extend(self, concepts: Iterable[Concept]) -> Vocabulary:
        """A new vocabulary with `concepts` added; a known id gains the new terms and links."""
        return Vocabulary([*self._concepts.values(), *concepts], self._stopword_terms)

    def __len__(self) -> int:
        return len(self._concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._concepts.values())

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._concepts

    def __getitem__(self, concept_id: str) -> Concept:
        return self._concepts[concept_id]

    def get(self, concept_id: str) -> Concept | None:
        return self._concepts.get(concept_id)

    def label(self, concept_id: str, lang: str | None = None) -> str:
        return self._concepts[concept_id].label(lang)

    @property
    def term_count(self) -> int:
        return sum(len(concept.terms) for concept in self._concepts.values())

    @property
    def links(self) -> Mapping[str, Mapping[str, float]]:
        """Symmetric link strengths between topic concepts."""
        return self._links

    @property
    def lexicon(self) -> _Lexicon:
        return self._lexicon


def _merge(known: Concept, extra: Concept) -> Concept:
    def union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(first + second))

    return replace(
        known,
        he=union(known.he, extra.he),
        en=union(known.en, extra.en),
        synonyms=union(known.synonyms, extra.synonyms),
        related=union(known.related, extra.related),
        intent=extra.intent or known.intent,
    )


def _build_lexicon(concepts: Iterable[Concept], stopwords: Iterable[str]) -> _Lexicon:
    lexicon = _Lexicon()
    # Stop words are matched as written: their inflections are listed, since undoing endings
    # would make "שירות" (service) a stop word because "שירותים" (toilets, services) is one.
    lexicon.stopwords = frozenset(
        vocabulary_base(token) for term in stopwords for token in vocabulary_tokens(term)
    )
    stopwords_set = lexicon.stopwords
    for concept in concepts:
        for term in concept.terms:
            tokens = vocabulary_tokens(term)
            if not tokens:
                continue
            if len(tokens) == 1:
                # A single word is looked up as written: the text's own readings reach it, and
                # undoing endings here too would let "מכירות" (sales) claim "מכיר" (knows).
                entries = lexicon.single.setdefault(vocabulary_base(tokens[0]), [])
                if not any(entry.concept == concept.id for entry in entries):
                    entries.append(Entry(concept.id, term))
                continue
            # Stop words inside a phrase are left to the text's gap rule, so "do the books"
            # also reads "do my books"; the first and last words are kept ("for sale").
            inner = [token for token in tokens[1:-1] if vocabulary_base(token) not in stopwords_set]
            tokens = (tokens[0], *inner, tokens[-1])
            sets = tuple(vocabulary_forms(token) for token in tokens)
            phrase = Phrase(concept.id, term, sets)
            for form in sets[0]:
                lexicon.phrases.setdefault(form, []).append(phrase)
    return lexicon


def _build_links(concepts: Iterable[Concept]) -> dict[str, dict[str, float]]:
    links: dict[str, dict[str, float]] = {}

    def link(first: str, second: str, strength: float) -> None:
        if first == second:
            return
        for source, target in ((first, second), (second, first)):
            row = links.setdefault(source, {})
            row[target] = max(row.get(target, 0.0), strength)

    for concept in concepts:
        for other in concept.synonyms:
            link(concept.id, other, SYNONYM_LINK)
        for other in concept.related:
            link(concept.id, other, RELATED_LINK)
    return links


def _read_package_files() -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    folder = resources.files(__package__ or "kesher.engine.vocabulary")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".json"):
            document = json.loads(item.read_text(encoding="utf-8"))
            if item.name == STOPWORDS_FILE:
                document = {"stopwords": [*document.get("he", ()), *document.get("en", ())]}
            documents.append(document)
    return documents


@cache
def _default() -> Vocabulary:
    return Vocabulary.from_files(_read_package_files())
