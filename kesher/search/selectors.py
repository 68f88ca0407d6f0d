"""The search box: one query over people, organisations, deals, needs, offers and notes of a
workspace.

The index (SearchTerm) holds every normalised word of a document and its Hebrew stems, so a
typed word is looked up as the word, its stems and, for the word being typed, prefix ranges, each
an index range scan of at most CANDIDATES_PER_WORD rows on (workspace, term). The words' sets are
intersected (the other words scored over the smallest set) and only the best `limit` documents
are loaded. The work per search is bounded whatever the size of the workspace.

Names and the like also have sound keys in the index (kesher.engine.phonetic), which a word's
spelling in the other script shares ("Michal" and "מיכל"). They rank below every match of the
word as typed, so they are looked up in a second round, and only when they could reach the
page: when the first round found fewer than `limit` documents, or a query of several words
could score a document met partly by sound above the page's last.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Lookup, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesher.engine.phonetic import SOUND_MARK
from kesher.engine.text import QueryWord, query_words
from kesher.search.models import SearchDocument, SearchTerm
from kesher.search.services import NAME_WEIGHT
from kesher.workspaces.models import Workspace

RESULT_LIMIT = 20
MAX_RESULT_LIMIT = 50
CANDIDATES_PER_WORD = 500
# Matches by sound rank last and only fill what a page has left, so they get fewer rows: a
# common name has thousands of sound-alikes, and every row read costs the search time.
SOUND_CANDIDATES_PER_WORD = 200
# Longer input is cut, not refused: the box is typed into, and a pasted paragraph should still
# get an answer rather than an error.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 6
# A one-letter word is looked up exactly: as a prefix it would match a good part of the index.
MIN_PREFIX_LENGTH = 2
# Sorts after every other character in SQLite's binary collation, so [q, q + MAX_CHAR) is
# "starts with q" as an index range.
MAX_CHAR = "\U0010ffff"

# How a term met a typed word. The tiers are further apart than the field weights (1-3), so a
# better kind of match always outranks a worse one and the weight only orders within a tier.
EXACT = 40  # the word as typed: "כהן" in "דני כהן"
STEM = 30  # the typed word without its prefix letters: "לכהן" finds "כהן"
PREFIX = 20  # the word being typed starts a term: "מש" finds "משה"
STEM_PREFIX = 10  # ...once its prefix letters are removed: "למש" finds "משה"
# Below every match of the word as typed, so the script the user typed in comes first.
SOUNDS_LIKE = 6  # the word sounds like a word of the other script: "Michal" finds "מיכל"
SOUNDS_LIKE_PREFIX = 2  # the word being typed sounds like the start of one: "Mich" finds "מיכל"

# The page shows results in groups, in this order.
GROUPS = {
    SearchDocument.Kind.PERSON: _("People"),
    SearchDocument.Kind.ORGANIZATION: _("Organisations"),
    SearchDocument.Kind.DEAL: _("Deals"),
    SearchDocument.Kind.NEED: _("Needs"),
    SearchDocument.Kind.OFFER: _("Offers"),
    SearchDocument.Kind.NOTE: _("Notes"),
}

# Kinds whose hits open their own page (by the document's object id), not their person's.
OWN_PAGE_KINDS = (SearchDocument.Kind.ORGANIZATION, SearchDocument.Kind.DEAL)


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    title: str
    snippet: str
    score: int
    archived: bool
    # What the hit opens: the organisation's public id for organisations, the deal's for deals,
    # the person's for everything else.
    target_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class SearchGroup:
    kind: str
    label: str
    hits: list[SearchHit]


@dataclass(slots=True)
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def groups(self) -> list[SearchGroup]:
        """Hits by kind, in the order the page shows them; each group keeps the rank order."""
        groups = []
        for kind, label in GROUPS.items():
            hits = [hit for hit in self.hits if hit.kind == kind]
            if hits:
                groups.append(SearchGroup(kind=kind, label=str(label), hits=hits))
        return groups


@dataclass(frozen=True, slots=True)
class _Word:
    word: QueryWord
    prefix: bool

    def tier(self, term: str) -> int:
        if term.startswith(SOUND_MARK):
            return SOUNDS_LIKE if term in self.word.sounds else SOUNDS_LIKE_PREFIX
        if term == self.word.text:
            return EXACT
        if term in self.word.stems:
            return STEM
        if term.startswith(self.word.text):
            return PREFIX
        return STEM_PREFIX

    def prefixes(self) -> list[str]:
        if not self.prefix:
            return []
        return [stem for stem in self.word.stems if len(stem) >= MIN_PREFIX_LENGTH]

    def sound_prefix(self) -> str:
        return self.word.sound_prefix if self.prefix else ""


class _PatternAfter(Lookup[str]):
    """PostgreSQL's `~>~`: after in the byte order of the varchar_pattern_ops index, so the
    index can start its scan past the word itself (plain > cannot use that index)."""

    lookup_name = "kesher_pattern_after"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ~>~ {rhs}", [*lhs_params, *rhs_params]


class _AnyOf(Lookup[int]):
    """The ids as one parameter: an IN list of a thousand placeholders costs more to build
    and parse than the query takes to run. PostgreSQL's `= ANY(%s)` takes an array; SQLite
    reads a JSON array with json_each."""

    lookup_name = "kesher_any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = json.dumps(self.rhs)
        # `lhs` is a column Django quoted; the ids are one bound parameter.
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, ids]  # noqa: S608


# Registered on these fields only.
SearchTerm._meta.get_field("term").register_lookup(_PatternAfter)  # type: ignore[union-attr]
SearchTerm._meta.get_field("document").register_lookup(_AnyOf)  # type: ignore[union-attr]
SearchDocument._meta.get_field("id").register_lookup(_AnyOf)  # type: ignore[union-attr]


def _one_of(field: str, ids: Iterable[int]) -> Q:
    return Q(**{f"{field}__kesher_any": list(ids)})


def _starts_with(prefixes: list[str], *, longer: bool = False) -> Q:
    """Terms starting with any of `prefixes`; with `longer`, not the prefixes themselves. A
    common word has thousands of exact rows, which the range would otherwise walk through
    before reaching the longer words."""
    query = Q()
    for prefix in prefixes:
        if connection.vendor == "postgresql":
            # LIKE 'q%' uses the varchar_pattern_ops index; < and >= would not.
            match = Q(term__startswith=prefix)
            if longer:
                match &= Q(term__kesher_pattern_after=prefix)
        else:
            # SQLite turns LIKE into an index range only for case-insensitive indexes, so
            # spell the range out; the binary collation then walks the index.
            start = Q(term__gt=prefix) if longer else Q(term__gte=prefix)
            match = start & Q(term__lt=prefix + MAX_CHAR)
        query |= match
    return query


def _terms(workspace: Workspace, include_archived: bool) -> QuerySet[SearchTerm]:
    terms = SearchTerm.objects.filter(workspace=workspace).order_by()
    if not include_archived:
        terms = terms.filter(document__archived=False)
    return terms


def _add(
    scores: dict[int, int], word: _Word, rows: QuerySet[SearchTerm, tuple[int, str, int]]
) -> int:
    count = 0
    for document_id, term, weight in rows:
        count += 1
        score = word.tier(term) + weight
        if scores.get(document_id, 0) < score:
            scores[document_id] = score
    return count


def _as_typed(word: _Word) -> list[Q]:
    """The lookups of the word as typed: itself, its stems, the words it starts. Each gets up
    to CANDIDATES_PER_WORD documents of its own, so a word that is common as a stem cannot
    crowd out the names being typed."""
    lookups = [Q(term=word.word.text)]
    if len(word.word.stems) > 1:
        lookups.append(Q(term__in=word.word.stems[1:]))
    # One query per prefix: SQLite answers an OR of ranges by collecting every match of each
    # range before the LIMIT applies.
    lookups += [_starts_with([prefix], longer=True) for prefix in word.prefixes()]
    return lookups


def _by_sound(word: _Word) -> list[Q]:
    """The lookups of the words that sound like it: whole, and starting as it does."""
    lookups = [Q(term__in=word.word.sounds)] if word.word.sounds else []
    if word.sound_prefix():
        lookups.append(_starts_with([word.sound_prefix()], longer=True))
    return lookups


@dataclass(slots=True)
class _Found:
    """A word's documents with its best score in each, and whether a cap was reached (the
    set may then be incomplete)."""

    scores: dict[int, int] = field(default_factory=dict)
    capped: bool = False


def _best(first: dict[int, int], second: dict[int, int]) -> dict[int, int]:
    """Each document's better score of the two."""
    best = dict(first)
    for document_id, score in second.items():
        if best.get(document_id, 0) < score:
            best[document_id] = score
    return best


def _together(driver: dict[int, int], others: list[dict[int, int]]) -> dict[int, int]:
    """The documents every word met, with the words' scores added up."""
    ids = set(driver)
    for scores in others:
        ids &= scores.keys()
    return {doc: driver[doc] + sum(scores[doc] for scores in others) for doc in ids}


@dataclass(slots=True)
class _FirstRound:
    """How the words as typed were met, for the round of sounds to build on: the word whose
    documents bound the answer (the driver), and each other word's scores, either scored over
    the driver's documents (sounds included) or found on its own."""

    driver: _Word
    driver_found: _Found
    others: list[tuple[_Word, dict[int, int], bool]]


@dataclass(slots=True)
class _Matcher:
    workspace: Workspace
    include_archived: bool
    typed: dict[_Word, _Found] = field(default_factory=dict)

    def _collect(self, word: _Word, lookups: list[Q], cap: int) -> _Found:
        found = _Found()
        terms = _terms(self.workspace, self.include_archived)
        for lookup in lookups:
            rows = terms.filter(lookup).values_list("document_id", "term", "weight")
            found.capped |= _add(found.scores, word, rows[:cap]) >= cap
        return found

    def as_typed(self, word: _Word) -> _Found:
        if word not in self.typed:
            self.typed[word] = self._collect(word, _as_typed(word), CANDIDATES_PER_WORD)
        return self.typed[word]

    def by_sound(self, word: _Word) -> _Found:
        return self._collect(word, _by_sound(word), SOUND_CANDIDATES_PER_WORD)

    def within(self, word: _Word, document_ids: set[int]) -> dict[int, int]:
        """Scores of `word`, sounds included, over a known, bounded set of the workspace's
        documents."""
        if not document_ids:
            return {}
        lookup = Q(term__in=[*word.word.stems, *word.word.sounds])
        prefixes = word.prefixes()
        if word.sound_prefix():
            prefixes.append(word.sound_prefix())
        if prefixes:
            lookup |= _starts_with(prefixes)
        # The documents are the workspace's already; filtering on the workspace again would
        # lead SQLite to scan the workspace's terms instead of walking the documents' ones.
        rows = SearchTerm.objects.filter(lookup, _one_of("document", document_ids)).order_by()
        if not self.include_archived:
            rows = rows.filter(document__archived=False)
        scores: dict[int, int] = {}
        _add(scores, word, rows.values_list("document_id", "term", "weight"))
        return scores

    def _combine(self, found: list[tuple[_Word, _Found]]) -> tuple[dict[int, int], _FirstRound]:
        # The smallest set, complete if any is, bounds the answer: the other words are scored
        # over it, so one word's cap cannot hide a document that has them all.
        driver, driver_found = min(found, key=lambda entry: (entry[1].capped, len(entry[1].scores)))
        ids = set(driver_found.scores)
        others = [
            (word, self.within(word, ids), True) if entry.capped else (word, entry.scores, False)
            for word, entry in found
            if word is not driver
        ]
        totals = _together(driver_found.scores, [scores for _word, scores, _within in others])
        return totals, _FirstRound(driver=driver, driver_found=driver_found, others=others)

    def first_round(self, words: list[_Word]) -> tuple[dict[int, int], _FirstRound | None]:
        """Documents containing every word as typed, with their total scores."""
        found = []
        for word in words:
            entry = self.as_typed(word)
            if not entry.scores:
                return {}, None
            found.append((word, entry))
        return self._combine(found)

    def with_sounds(self, words: list[_Word], first: _FirstRound | None) -> dict[int, int]:
        """Documents containing every word as typed or by sound. After a first round that met
        every word, only the driver's sound-alikes are new documents to score the other words
        over; otherwise every word's sound-alikes are looked up."""
        if first is None:
            found = []
            for word in words:
                typed, sounds = self.as_typed(word), self.by_sound(word)
                entry = _Found(_best(typed.scores, sounds.scores), typed.capped or sounds.capped)
                if not entry.scores:
                    return {}
                found.append((word, entry))
            return self._combine(found)[0]
        sounds = self.by_sound(first.driver)
        driver_scores = _best(first.driver_found.scores, sounds.scores)
        new_ids = sounds.scores.keys() - first.driver_found.scores.keys()
        others = [
            _best(scores, self.within(word, set(new_ids if within else driver_scores)))
            for word, scores, within in first.others
        ]
        return _together(driver_scores, others)


def _sounds_may_rank(words: list[_Word], totals: dict[int, int], limit: int) -> bool:
    """Whether a match by sound could make the best `limit`: not when every word has no sound,
    nor when `limit` documents already score more than any document met by sound can (every
    other word at its best, that one at SOUNDS_LIKE), which spares a common name the lookups
    of its sound-alikes."""
    if not any(word.word.sounds or word.sound_prefix() for word in words):
        return False
    if len(totals) < limit:
        return True
    best_with_a_sound = (len(words) - 1) * (EXACT + NAME_WEIGHT) + SOUNDS_LIKE + NAME_WEIGHT
    return sorted(totals.values(), reverse=True)[limit - 1] <= best_with_a_sound


def search(
    *,
    workspace: Workspace,
    query: str,
    include_archived: bool = False,
    limit: int = RESULT_LIMIT,
) -> SearchResults:
    """The best `limit` documents of the workspace containing every word of `query`: best kind of
    match first, name fields before notes, then by title. The last word matches as a prefix
    while it is being typed (not followed by a space)."""
    query = query[:MAX_QUERY_LENGTH]
    limit = max(0, min(limit, MAX_RESULT_LIMIT))
    results = SearchResults(query=query)
    typed = query_words(query)[:MAX_QUERY_WORDS]
    if not typed or limit == 0:
        return results
    typing = not query[-1].isspace()
    words = [
        _Word(word=word, prefix=typing and index == len(typed) - 1)
        for index, word in enumerate(typed)
    ]
    matcher = _Matcher(workspace=workspace, include_archived=include_archived)
    totals, first = matcher.first_round(words)
    if _sounds_may_rank(words, totals, limit):
        totals = matcher.with_sounds(words, first)
    if not totals:
        return results

    # Titles order equal scores, so the documents tied at the cut-off are ranked by the database
    # and only the winners are loaded.
    floor = sorted(totals.values(), reverse=True)[min(limit, len(totals)) - 1]
    above = [doc for doc, score in totals.items() if score > floor]
    tied = [doc for doc, score in totals.items() if score == floor]
    documents = SearchDocument.objects.filter(workspace=workspace).order_by("title", "id")
    if len(above) + len(tied) > limit:
        tied = list(
            documents.filter(_one_of("id", tied)).values_list("id", flat=True)[: limit - len(above)]
        )
    loaded = (
        documents.filter(_one_of("id", above + tied))
        .select_related("person")
        .only("kind", "object_id", "title", "snippet", "archived", "person__public_id")
    )
    ranked = sorted(loaded, key=lambda doc: -totals[doc.pk])
    results.hits = [
        SearchHit(
            kind=doc.kind,
            title=doc.title,
            snippet=doc.snippet,
            score=totals[doc.pk],
            archived=doc.archived,
            target_id=(
                doc.object_id
                if doc.kind in OWN_PAGE_KINDS
                else (doc.person.public_id if doc.person is not None else None)
            ),
        )
        for doc in ranked
    ]
    return results
