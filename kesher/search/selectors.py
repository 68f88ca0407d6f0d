"""The search box: one query over people, organisations, needs, offers and notes of a workspace.

The index (SearchTerm) holds every normalised word of a document and its Hebrew stems, so a
typed word is looked up as the word, its stems and, for the word being typed, prefix ranges, each
an index range scan of at most CANDIDATES_PER_WORD rows on (workspace, term). The words' sets are
intersected (the other words scored over the smallest set) and only the best `limit` documents
are loaded. The work per search is bounded whatever the size of the workspace.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Lookup, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesher.engine.text import QueryWord, query_words
from kesher.search.models import SearchDocument, SearchTerm
from kesher.workspaces.models import Workspace

RESULT_LIMIT = 20
MAX_RESULT_LIMIT = 50
CANDIDATES_PER_WORD = 500
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

# The page shows results in groups, in this order.
GROUPS = {
    SearchDocument.Kind.PERSON: _("People"),
    SearchDocument.Kind.ORGANIZATION: _("Organisations"),
    SearchDocument.Kind.NEED: _("Needs"),
    SearchDocument.Kind.OFFER: _("Offers"),
    SearchDocument.Kind.NOTE: _("Notes"),
}


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    title: str
    snippet: str
    score: int
    archived: bool
    # The organisation's public id for organisations, the person's for everything else.
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


class _PatternAfter(Lookup[str]):
    """PostgreSQL's `~>~`: after in the byte order of the varchar_pattern_ops index, so the
    index can start its scan past the word itself (plain > cannot use that index)."""

    lookup_name = "kesher_pattern_after"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ~>~ {rhs}", [*lhs_params, *rhs_params]


class _AnyOf(Lookup[int]):
    """PostgreSQL's `= ANY(%s)` with the ids as one array parameter: an IN list of a thousand
    placeholders costs more to build and parse than the query takes to run."""

    lookup_name = "kesher_any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


# Registered on these fields only.
SearchTerm._meta.get_field("term").register_lookup(_PatternAfter)  # type: ignore[union-attr]
SearchTerm._meta.get_field("document").register_lookup(_AnyOf)  # type: ignore[union-attr]
SearchDocument._meta.get_field("id").register_lookup(_AnyOf)  # type: ignore[union-attr]


def _one_of(field: str, ids: Iterable[int]) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__kesher_any": list(ids)})
    return Q(**{f"{field}__in": list(ids)})


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


def _candidates(
    workspace: Workspace, word: _Word, include_archived: bool
) -> tuple[dict[int, int], bool]:
    """Documents matching `word` with its best score in each, and whether a cap was reached
    (the set may then be incomplete). Each kind of match (the word, its stems, the words it
    starts) gets up to CANDIDATES_PER_WORD documents of its own, so a word that is common as a
    stem cannot crowd out the names being typed."""
    terms = _terms(workspace, include_archived)
    lookups = [Q(term=word.word.text)]
    if len(word.word.stems) > 1:
        lookups.append(Q(term__in=word.word.stems[1:]))
    # One query per prefix: SQLite answers an OR of ranges by collecting every match of each
    # range before the LIMIT applies.
    lookups += [_starts_with([prefix], longer=True) for prefix in word.prefixes()]
    scores: dict[int, int] = {}
    capped = False
    for lookup in lookups:
        rows = terms.filter(lookup).values_list("document_id", "term", "weight")
        capped |= _add(scores, word, rows[:CANDIDATES_PER_WORD]) >= CANDIDATES_PER_WORD
    return scores, capped


def _scores_within(word: _Word, include_archived: bool, document_ids: set[int]) -> dict[int, int]:
    """Scores of `word` over a known, bounded set of the workspace's documents."""
    lookup = Q(term__in=word.word.stems)
    if word.prefixes():
        lookup |= _starts_with(word.prefixes())
    # The documents are the workspace's already; filtering on the workspace again would lead
    # SQLite to scan the workspace's terms instead of walking the documents' ones.
    rows = SearchTerm.objects.filter(lookup, _one_of("document", document_ids)).order_by()
    if not include_archived:
        rows = rows.filter(document__archived=False)
    scores: dict[int, int] = {}
    _add(scores, word, rows.values_list("document_id", "term", "weight"))
    return scores


def _match(workspace: Workspace, words: list[_Word], include_archived: bool) -> dict[int, int]:
    """Documents containing every word, with their total scores."""
    found = []
    for word in words:
        scores, capped = _candidates(workspace, word, include_archived)
        if not scores:
            return {}
        found.append((word, scores, capped))
    if len(found) > 1:
        # The smallest set, complete if any is, bounds the answer: the other words are scored
        # over it, so one word's cap cannot hide a document that has them all.
        driver = min(found, key=lambda entry: (entry[2], len(entry[1])))
        found = [driver] + [
            (word, _scores_within(word, include_archived, set(driver[1])), False)
            if capped
            else (word, scores, capped)
            for word, scores, capped in found
            if word is not driver[0]
        ]
    ids = set(found[0][1])
    for _word, scores, _capped in found[1:]:
        ids &= scores.keys()
    return {doc: sum(scores[doc] for _word, scores, _capped in found) for doc in ids}


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
    totals = _match(workspace, words, include_archived)
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
                if doc.kind == SearchDocument.Kind.ORGANIZATION
                else (doc.person.public_id if doc.person is not None else None)
            ),
        )
        for doc in ranked
    ]
    return results
