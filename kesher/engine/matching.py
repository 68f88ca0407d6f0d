"""Need ↔ offer matching: who in the network can answer whom, with reasons.

Pure Python + numpy/scipy, no Django. Typical use by the app:

    vocabulary = Vocabulary.load_default().extend(workspace_concepts)
    learned = LearnedPairs.from_list(stored).learn(new_feedback, vocabulary)
    matcher = Matcher(vocabulary, learned=learned).fit(offers=offers, needs=needs)
    table = matcher.rank_all(k=10, context=context)           # every need's best offers
    for suggestion in matcher.suggestions(table, context=context): ...
    matcher.rank(need, k=10)                                   # one new or edited need
    matcher.rank_offer(offer, k=10)                            # an offer's best needs

Scoring. Each text becomes features (see `match_analysis`): vocabulary concepts and plain
words. A feature's weight is its analysis weight times
idf = ln((1 + N) / (1 + df)) + 1 over the fitted needs and offers, and each text's vector is
L2-normalised. With M = I + L + P, where L links concepts (near-synonyms 0.8, neighbours 0.45,
both ways) and P holds the pairs learned from feedback (need feature → offer feature):

    text(n, o)  = v(n)ᵀ · M · v(o)
    score(n, o) = text(n, o) · φ(intents(n), intents(o))

φ is 1 when either side says nothing about the kind of exchange or both agree, and lower when
they differ (buying a jeep vs jeep tours: 0.25; see INTENT_COMPATIBILITY). With a sentence-
embedding model, score = (1 − α)·score + α·max(0, cos). Pairs below `min_score`, a person with
themselves and closed or expired items are never suggested; a `Context` removes pairs already
introduced and scales the rest by what the two people share and how well the user knows them.

Bulk ranking multiplies sparse matrices chunk by chunk (two threads: scipy releases the GIL)
and picks each row's top k without a Python loop over pairs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from kesher.engine.match_analysis import CONCEPT_PREFIX, TERM_PREFIX, Analysis, Analyzer
from kesher.engine.match_context import Context, ContextWeights, PersonContext
from kesher.engine.match_semantic import EmbeddingModel
from kesher.engine.match_topk import top_k, top_k_rows
from kesher.engine.match_types import (
    OPEN,
    Introduction,
    ItemId,
    MatchItem,
    MatchTable,
    Reason,
    Suggestion,
)
from kesher.engine.vocabulary import INTENTS, Concept, Vocabulary

__all__ = [
    "OPEN",
    "Concept",
    "Context",
    "ContextWeights",
    "Feedback",
    "Introduction",
    "ItemId",
    "LearnedPair",
    "LearnedPairs",
    "MatchConfig",
    "MatchItem",
    "MatchTable",
    "Matcher",
    "PersonContext",
    "Profile",
    "Reason",
    "Suggestion",
    "Vocabulary",
    "intent_fit",
]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]
Direction = Literal["need_to_offer", "offer_to_need"]

# Plain words are hashed into a fixed number of columns, so the feature space never grows when
# new items arrive; a collision between two rare words costs a little noise, never a crash.
TERM_BUCKETS = 1 << 21

# How well two kinds of exchange fit: selling answers buying, a repairman a broken printer.
# Symmetric; the diagonal is 1; pairs not listed fit at DEFAULT_COMPATIBILITY.
INTENT_COMPATIBILITY: Mapping[frozenset[str], float] = {
    frozenset({"trade", "rental"}): 0.5,
    frozenset({"trade", "repair"}): 0.5,
    frozenset({"trade", "service"}): 0.6,
    frozenset({"trade", "tour"}): 0.25,
    frozenset({"rental", "service"}): 0.5,
    frozenset({"rental", "repair"}): 0.4,
    frozenset({"tour", "learn"}): 0.5,
    frozenset({"tour", "service"}): 0.6,
    frozenset({"learn", "service"}): 0.7,
    frozenset({"repair", "service"}): 0.9,
}
DEFAULT_COMPATIBILITY = 0.3

# Learning from feedback: each accepted suggestion links the central features of its need to
# those of its offer by LEARNING_RATE more (scaled by how central each one is to its text), each
# rejection weakens the links between them that produced the score; a learned link never
# exceeds MAX_LEARNED_BOOST, and never cancels more than the vocabulary link it corrects.
LEARNING_RATE = 0.35
MAX_LEARNED_BOOST = 1.0
# Features weaker than this share of their text's strongest feature are not learned from.
MIN_LEARNING_SHARE = 0.6

MAX_REASONS = 5


@dataclass(frozen=True, slots=True)
class MatchConfig:
    min_score: float = 0.02
    semantic_weight: float = 0.35
    chunk_size: int = 1024
    workers: int = 2


@dataclass(frozen=True, slots=True)
class Feedback:
    """The user accepted (or rejected) a suggestion pairing this need and this offer."""

    need: MatchItem
    offer: MatchItem
    accepted: bool


@dataclass(frozen=True, slots=True)
class LearnedPair:
    """A need feature ("c:jeep", "t:רנגלר") linked to an offer feature by the user's feedback."""

    need_feature: str
    offer_feature: str
    weight: float
    accepted: int = 0
    rejected: int = 0
    need_term: str = ""
    offer_term: str = ""

    @property
    def count(self) -> int:
        return self.accepted + self.rejected


class LearnedPairs:
    """A workspace's learned feature pairs: immutable; `learn` returns an updated copy."""

    def __init__(self, pairs: Iterable[LearnedPair] = ()) -> None:
        self._pairs = {(pair.need_feature, pair.offer_feature): pair for pair in pairs}

    def __len__(self) -> int:
        return len(self._pairs)

    def __iter__(self) -> Iterator[LearnedPair]:
        return iter(self._pairs.values())

    def get(self, need_feature: str, offer_feature: str) -> LearnedPair | None:
        return self._pairs.get((need_feature, offer_feature))

    def to_list(self) -> list[dict[str, Any]]:
        return [
            {
                "need_feature": pair.need_feature,
                "offer_feature": pair.offer_feature,
                "weight": pair.weight,
                "accepted": pair.accepted,
                "rejected": pair.rejected,
                "need_term": pair.need_term,
                "offer_term": pair.offer_term,
            }
            for pair in self
        ]

    @classmethod
    def from_list(cls, rows: Iterable[Mapping[str, Any]]) -> LearnedPairs:
        return cls(
            LearnedPair(
                need_feature=str(row["need_feature"]),
                offer_feature=str(row["offer_feature"]),
                weight=float(row["weight"]),
                accepted=int(row.get("accepted", 0)),
                rejected=int(row.get("rejected", 0)),
                need_term=str(row.get("need_term", "")),
                offer_term=str(row.get("offer_term", "")),
            )
            for row in rows
        )

    def learn(self, feedback: Iterable[Feedback], vocabulary: Vocabulary) -> LearnedPairs:
        """These pairs updated with `feedback`, in order (see LEARNING_RATE)."""
        analyzer = Analyzer(vocabulary)
        links = vocabulary.links
        pairs = dict(self._pairs)
        for event in feedback:
            need = _centrality(analyzer.analyze(event.need.text, event.need.tags))
            offer = _centrality(analyzer.analyze(event.offer.text, event.offer.tags))
            for (left, left_share, left_term), (
                right,
                right_share,
                right_term,
            ) in itertools.product(need, offer):
                # The same concept or word on both sides is never unlearned: a rejected exact
                # match says more about the people (sold already, bad timing) than the words.
                if left == right:
                    continue
                base = _base_link(links, left, right)
                known = pairs.get((left, right))
                current = known.weight if known else 0.0
                if event.accepted:
                    delta = LEARNING_RATE * left_share * right_share
                    weight = min(MAX_LEARNED_BOOST, current + delta)
                else:
                    if base + current <= 0 and known is None:
                        continue
                    delta = LEARNING_RATE * left_share * right_share
                    weight = max(-base, current - delta)
                if weight == current and known is None:
                    continue
                pairs[(left, right)] = LearnedPair(
                    need_feature=left,
                    offer_feature=right,
                    weight=weight,
                    accepted=(known.accepted if known else 0) + int(event.accepted),
                    rejected=(known.rejected if known else 0) + int(not event.accepted),
                    need_term=left_term,
                    offer_term=right_term,
                )
        return LearnedPairs(pairs.values())


def _centrality(analysis: Analysis) -> list[tuple[str, float, str]]:
    """The text's concept and word features near its strongest, with their share of it."""
    features = [
        (feature, evidence.weight, evidence.shown)
        for feature, evidence in analysis.features.items()
    ]
    if not features:
        return []
    strongest = max(weight for _, weight, _ in features)
    return [
        (feature, weight / strongest, shown)
        for feature, weight, shown in features
        if weight / strongest >= MIN_LEARNING_SHARE
    ]


def _base_link(links: Mapping[str, Mapping[str, float]], left: str, right: str) -> float:
    if left == right:
        return 1.0
    if left.startswith(CONCEPT_PREFIX) and right.startswith(CONCEPT_PREFIX):
        return links.get(left[len(CONCEPT_PREFIX) :], {}).get(right[len(CONCEPT_PREFIX) :], 0.0)
    return 0.0


@dataclass(frozen=True, slots=True)
class Profile:
    """What the matcher compares for one item: weighted features by name, and intents."""

    vector: dict[str, float]
    intents: frozenset[str]


def intent_fit(need: frozenset[str], offer: frozenset[str]) -> float:
    """φ: how well two kinds of exchange fit (1 when either says nothing)."""
    return float(_INTENT_TABLE[_intent_mask(need), _intent_mask(offer)])


def _intent_table() -> FloatArray:
    """φ for every pair of intent sets, indexed by their bit masks over INTENTS.

    One more row and column, DEAD, are all zeros: closed or expired items carry that code, so
    the same lookup that applies φ drops them.
    """
    size = 1 << len(INTENTS)
    table = np.zeros((size + 1, size + 1), dtype=np.float32)
    table[:size, :size] = 1.0
    for left, right in itertools.product(range(1, size), repeat=2):
        best = 0.0
        for a, b in itertools.product(_bits(left), _bits(right)):
            if a == b:
                fit = 1.0
            else:
                fit = INTENT_COMPATIBILITY.get(frozenset({a, b}), DEFAULT_COMPATIBILITY)
            best = max(best, fit)
        table[left, right] = best
    return table


def _bits(mask: int) -> list[str]:
    return [intent for bit, intent in enumerate(INTENTS) if mask >> bit & 1]


def _intent_mask(intents: frozenset[str]) -> int:
    return sum(1 << bit for bit, intent in enumerate(INTENTS) if intent in intents)


_INTENT_TABLE = _intent_table()
DEAD = _INTENT_TABLE.shape[0] - 1
# Past every date's ordinal: what an item that never expires is stored as.
NEVER_EXPIRES = dt.date.max.toordinal() + 1


def _scale_columns(matrix: sp.csr_matrix, factors: FloatArray) -> sp.csr_matrix:
    """`matrix` with each column scaled by `factors`, columns scaled to zero dropped."""
    scaled = matrix.copy()
    scaled.data *= factors[scaled.indices]
    scaled.eliminate_zeros()
    return scaled


class _Space:
    """Feature → column: concepts first, plain words hashed after them."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._columns = {
            CONCEPT_PREFIX + concept.id: index for index, concept in enumerate(vocabulary)
        }
        self._fixed = len(self._columns)
        self.size = self._fixed + TERM_BUCKETS

    def column(self, feature: str) -> int | None:
        known = self._columns.get(feature)
        if known is not None:
            return known
        if feature.startswith(TERM_PREFIX):
            column = self._fixed + zlib.crc32(feature.encode()) % TERM_BUCKETS
            self._columns[feature] = column
            return column
        # A concept that the vocabulary no longer has (a learned pair outliving it).
        return None


class _Side:
    """The fitted needs or offers: items, analyses and their rows of the feature matrix.

    A replaced or removed item keeps its row, marked absent, until the next `fit`. Whether each
    row is present, open and until when is kept in arrays, so a ranking pass finds the live rows
    without a Python loop over 100k items.
    """

    def __init__(self, missing_person: int) -> None:
        # Items without a person get a code no item of the other side has, so they are never
        # taken for the same person.
        self.missing_person = missing_person
        self.items: list[MatchItem] = []
        self.index: dict[ItemId, int] = {}
        self.present = np.empty(0, dtype=np.bool_)
        self.open = np.empty(0, dtype=np.bool_)
        # Expiry as a proleptic ordinal, NEVER_EXPIRES for items without one.
        self.expiry = np.empty(0, dtype=np.int64)
        self.persons = np.empty(0, dtype=np.int32)
        self.codes = np.empty(0, dtype=np.int32)
        self.matrix: sp.csr_matrix | None = None
        self.embeddings: FloatArray | None = None
        self._transposed: sp.csr_matrix | None = None

    def __len__(self) -> int:
        return len(self.items)

    @property
    def ids(self) -> tuple[ItemId, ...]:
        return tuple(item.id for item in self.items)

    def live_codes(self, today: dt.date | None) -> IntArray:
        """Intent codes, with DEAD for absent, closed and expired items (`MatchItem.is_live`)."""
        live = self.present & self.open
        if today is not None:
            live &= self.expiry >= today.toordinal()
        return np.where(live, self.codes, DEAD).astype(np.int32)

    def transposed(self) -> sp.csr_matrix:
        if self._transposed is None:
            assert self.matrix is not None
            self._transposed = self.matrix.T.tocsr()
        return self._transposed

    def append(
        self,
        items: Sequence[MatchItem],
        analyses: Sequence[Analysis],
        persons: IntArray,
        matrix: sp.csr_matrix,
        embeddings: FloatArray | None,
    ) -> None:
        replaced: list[int] = []
        for item in items:
            previous = self.index.get(item.id)
            if previous is not None:
                replaced.append(previous)
            self.index[item.id] = len(self.items)
            self.items.append(item)
        self.present = np.concatenate([self.present, np.ones(len(items), dtype=np.bool_)])
        self.present[replaced] = False
        self.open = np.concatenate(
            [self.open, np.array([item.status == OPEN for item in items], dtype=np.bool_)]
        )
        expiry = [
            NEVER_EXPIRES if item.expires_on is None else item.expires_on.toordinal()
            for item in items
        ]
        self.expiry = np.concatenate([self.expiry, np.array(expiry, dtype=np.int64)])
        codes = np.array([_intent_mask(analysis.intents) for analysis in analyses], np.int32)
        self.codes = np.concatenate([self.codes, codes])
        self.persons = np.concatenate([self.persons, persons])
        self.matrix = matrix if self.matrix is None else sp.vstack([self.matrix, matrix]).tocsr()
        if embeddings is not None:
            self.embeddings = (
                embeddings if self.embeddings is None else np.vstack([self.embeddings, embeddings])
            )
        self._transposed = None

    def remove(self, ids: Iterable[ItemId]) -> None:
        for item_id in ids:
            position = self.index.pop(item_id, None)
            if position is not None:
                self.present[position] = False


@dataclass(frozen=True, slots=True)
class _Pass:
    """What one ranking pass reads: the two sides, the expansion, and live intent codes."""

    left: _Side
    right: _Side
    expansion: sp.csr_matrix
    left_codes: IntArray
    right_codes: IntArray
    # The most live items one person has on the right: a shortlist this much longer than k
    # still holds k after a person's own items are dropped.
    margin: int
    # Person id by person code.
    person_ids: npt.NDArray[np.int64]


class Matcher:
    """Ranks offers for needs and needs for offers. Not thread-safe while fitting or updating."""

    def __init__(
        self,
        vocabulary: Vocabulary | None = None,
        *,
        learned: LearnedPairs | None = None,
        semantic: EmbeddingModel | None = None,
        config: MatchConfig | None = None,
    ) -> None:
        self.vocabulary = vocabulary or Vocabulary.load_default()
        self.learned = learned or LearnedPairs()
        self.semantic = semantic
        self.config = config or MatchConfig()
        self.analyzer = Analyzer(self.vocabulary)
        self._space = _Space(self.vocabulary)
        self._idf = np.ones(self._space.size, dtype=np.float32)
        self._person_codes: dict[int, int] = {}
        self._needs = _Side(missing_person=-1)
        self._offers = _Side(missing_person=-2)
        self._learned_from: dict[str, list[LearnedPair]] = {}
        for pair in self.learned:
            self._learned_from.setdefault(pair.need_feature, []).append(pair)
        self._expansion = self._build_expansion()
        self._expansion_t = self._expansion.T.tocsr()

    # Fitting and incremental updates.

    def fit(self, *, offers: Sequence[MatchItem], needs: Sequence[MatchItem] = ()) -> Matcher:
        """Index `offers` and `needs` from scratch; corpus statistics come from both."""
        self._needs, self._offers = _Side(missing_person=-1), _Side(missing_person=-2)
        offer_analyses = [self.analyzer.analyze(item.text, item.tags) for item in offers]
        need_analyses = [self.analyzer.analyze(item.text, item.tags) for item in needs]
        offer_raw = self._raw_matrix(offer_analyses)
        need_raw = self._raw_matrix(need_analyses)
        documents = offer_raw.shape[0] + need_raw.shape[0]
        frequency = np.bincount(
            np.concatenate([offer_raw.indices, need_raw.indices]), minlength=self._space.size
        )
        self._idf = (np.log((1.0 + documents) / (1.0 + frequency)) + 1.0).astype(np.float32)
        for side, items, analyses, raw in (
            (self._offers, offers, offer_analyses, offer_raw),
            (self._needs, needs, need_analyses, need_raw),
        ):
            persons = self._persons(items, side.missing_person)
            side.append(items, analyses, persons, self._weigh(raw), self._embed(items))
        return self

    def upsert(self, *, offers: Sequence[MatchItem] = (), needs: Sequence[MatchItem] = ()) -> None:
        """Add or replace items without refitting (corpus statistics stay those of `fit`)."""
        for side, items in ((self._offers, offers), (self._needs, needs)):
            if items:
                analyses = [self.analyzer.analyze(item.text, item.tags) for item in items]
                matrix = self._weigh(self._raw_matrix(analyses))
                persons = self._persons(items, side.missing_person)
                side.append(items, analyses, persons, matrix, self._embed(items))

    def remove(self, *, offer_ids: Iterable[ItemId] = (), need_ids: Iterable[ItemId] = ()) -> None:
        self._offers.remove(offer_ids)
        self._needs.remove(need_ids)

    @property
    def offer_count(self) -> int:
        return int(np.count_nonzero(self._offers.present))

    @property
    def need_count(self) -> int:
        return int(np.count_nonzero(self._needs.present))

    # Ranking.

    def rank(
        self, need: MatchItem, k: int = 10, *, context: Context | None = None, explain: bool = True
    ) -> list[Suggestion]:
        """The best fitted offers for one need (fitted or not): the incremental path."""
        return self._rank_one(need, "need_to_offer", k, context, explain)

    def rank_offer(
        self, offer: MatchItem, k: int = 10, *, context: Context | None = None, explain: bool = True
    ) -> list[Suggestion]:
        """The fitted needs one offer answers best."""
        return self._rank_one(offer, "offer_to_need", k, context, explain)

    def rank_all(self, k: int = 10, *, context: Context | None = None) -> MatchTable:
        """Every fitted live need's best offers."""
        return self._rank_all("need_to_offer", k, context)

    def rank_all_offers(self, k: int = 10, *, context: Context | None = None) -> MatchTable:
        """Every fitted live offer's best needs."""
        return self._rank_all("offer_to_need", k, context)

    def suggestions(
        self, table: MatchTable, *, context: Context | None = None, explain: bool = True
    ) -> Iterator[Suggestion]:
        """The rows of `table` as suggestions, with reasons when `explain`."""
        for need_id, offer_id, score in table.pairs():
            reasons = self.explain(need_id, offer_id, context=context) if explain else ()
            yield Suggestion(need_id, offer_id, score, tuple(reasons))

    def explain(
        self,
        need: MatchItem | ItemId,
        offer: MatchItem | ItemId,
        *,
        context: Context | None = None,
    ) -> tuple[Reason, ...]:
        """Why `need` and `offer` match: the strongest evidence first."""
        need_item = need if isinstance(need, MatchItem) else self._item(self._needs, need)
        offer_item = offer if isinstance(offer, MatchItem) else self._item(self._offers, offer)
        need_analysis = self.analyzer.analyze(need_item.text, need_item.tags)
        offer_analysis = self.analyzer.analyze(offer_item.text, offer_item.tags)
        reasons = self._text_reasons(need_analysis, offer_analysis)
        left, right = need_analysis.intents, offer_analysis.intents
        if left and right:
            fit = intent_fit(left, right)
            # Only an intent a side names is a reason: "any exchange but a tour" names none.
            named = sorted(need_analysis.named_intents & offer_analysis.named_intents)
            if fit >= 1.0 and named:
                reasons.append(Reason("intent", named[0], named[0], weight=fit))
        if self.semantic is not None:
            vectors = self.semantic.encode([need_item.text, offer_item.text])
            similarity = float(vectors[0] @ vectors[1])
            if similarity > 0:
                weight = self.config.semantic_weight * similarity
                reasons.append(Reason("semantic", weight=weight))
        if context is not None:
            reasons.extend(context.reasons(need_item.person_id, offer_item.person_id))
        return tuple(reasons)

    def profile(self, item: MatchItem) -> Profile:
        """The weighted features and intents the matcher compares for `item`."""
        analysis = self.analyzer.analyze(item.text, item.tags)
        return Profile(self._vector(analysis), analysis.intents)

    def expand(self, vector: Mapping[str, float]) -> dict[str, float]:
        """vᵀ·M for a need's vector: its own features plus linked and learned ones."""
        expanded = dict(vector)
        links = self.vocabulary.links
        for feature, weight in vector.items():
            targets: dict[str, float] = {}
            if feature.startswith(CONCEPT_PREFIX):
                for target, strength in links.get(feature[len(CONCEPT_PREFIX) :], {}).items():
                    targets[CONCEPT_PREFIX + target] = strength
            for pair in self._learned_from.get(feature, ()):
                targets[pair.offer_feature] = targets.get(pair.offer_feature, 0.0) + pair.weight
            for target, strength in targets.items():
                expanded[target] = expanded.get(target, 0.0) + weight * strength
        return expanded

    # Internals.

    def _item(self, side: _Side, item_id: ItemId) -> MatchItem:
        position = side.index.get(item_id)
        if position is None:
            raise KeyError(f"No fitted item with id {item_id!r}: fit or upsert it first.")
        return side.items[position]

    def _build_expansion(self) -> sp.csr_matrix:
        """M = I + L + P: concept links and learned pairs, a sparse feature × feature matrix."""
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        column = self._space.column
        for source, targets in self.vocabulary.links.items():
            left = column(CONCEPT_PREFIX + source)
            for target, strength in targets.items():
                right = column(CONCEPT_PREFIX + target)
                if left is not None and right is not None:
                    rows.append(left)
                    cols.append(right)
                    values.append(strength)
        for pair in self.learned:
            left, right = column(pair.need_feature), column(pair.offer_feature)
            if left is not None and right is not None and pair.weight:
                rows.append(left)
                cols.append(right)
                values.append(pair.weight)
        size = self._space.size
        links = sp.csr_matrix(
            (np.array(values, dtype=np.float32), (rows, cols)), shape=(size, size)
        )
        return (sp.identity(size, dtype=np.float32, format="csr") + links).tocsr()

    def _raw_matrix(self, analyses: Sequence[Analysis]) -> sp.csr_matrix:
        column = self._space.column
        cols: list[int] = []
        values: list[float] = []
        lengths: list[int] = []
        for analysis in analyses:
            count = 0
            for feature, evidence in analysis.features.items():
                position = column(feature)
                if position is not None:
                    cols.append(position)
                    values.append(evidence.weight)
                    count += 1
            lengths.append(count)
        indptr = np.zeros(len(analyses) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        matrix = sp.csr_matrix(
            (np.array(values, dtype=np.float32), np.array(cols, dtype=np.int32), indptr),
            shape=(len(analyses), self._space.size),
        )
        # Two rare words hashed to one column add up.
        matrix.sum_duplicates()
        return matrix

    def _weigh(self, raw: sp.csr_matrix) -> sp.csr_matrix:
        """idf weights, then each row to unit length."""
        matrix = raw.copy()
        matrix.data *= self._idf[matrix.indices]
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
        norms[norms == 0] = 1.0
        matrix.data /= norms[rows].astype(np.float32)
        return matrix

    def _embed(self, items: Sequence[MatchItem]) -> FloatArray | None:
        if self.semantic is None or not items:
            return None
        return np.asarray(self.semantic.encode([item.text for item in items]), dtype=np.float32)

    def _vector(self, analysis: Analysis) -> dict[str, float]:
        """A text's weighted, normalised features by name (as the matrix holds them)."""
        weights: dict[str, float] = {}
        for feature, evidence in analysis.features.items():
            position = self._space.column(feature)
            if position is not None:
                weights[feature] = evidence.weight * float(self._idf[position])
        norm = math.sqrt(sum(value * value for value in weights.values())) or 1.0
        return {feature: value / norm for feature, value in weights.items()}

    def _persons(self, items: Sequence[MatchItem], missing: int) -> IntArray:
        codes = self._person_codes
        return np.array(
            [
                missing if item.person_id is None else codes.setdefault(item.person_id, len(codes))
                for item in items
            ],
            dtype=np.int32,
        )

    def _pass(self, direction: Direction, context: Context | None) -> _Pass:
        today = context.today if context is not None else None
        if direction == "need_to_offer":
            left, right, expansion = self._needs, self._offers, self._expansion
        else:
            left, right, expansion = self._offers, self._needs, self._expansion_t
        right_codes = right.live_codes(today)
        owners = right.persons[(right.persons >= 0) & (right_codes != DEAD)]
        margin = int(np.bincount(owners).max(initial=0)) if owners.size else 0
        person_ids = np.fromiter(self._person_codes, dtype=np.int64, count=len(self._person_codes))
        return _Pass(
            left, right, expansion, left.live_codes(today), right_codes, margin, person_ids
        )

    def _rank_all(self, direction: Direction, k: int, context: Context | None) -> MatchTable:
        ranking = self._pass(direction, context)
        left, right = ranking.left, ranking.right
        empty = np.empty(0, dtype=np.int32)
        if left.matrix is None or right.matrix is None:
            return MatchTable(
                direction, left.ids, right.ids, empty, empty.copy(), np.empty(0, np.float32)
            )
        right_t = right.transposed()
        live = np.flatnonzero(ranking.left_codes != DEAD).astype(np.int32)
        # Rows are taken by intent code, so φ is applied once to the other side's columns.
        live = live[np.argsort(ranking.left_codes[live], kind="stable")]
        bounds = np.flatnonzero(np.diff(ranking.left_codes[live])) + 1
        chunk = max(1, self.config.chunk_size)

        def run(block: IntArray, targets: sp.csr_matrix) -> tuple[IntArray, IntArray, FloatArray]:
            assert left.matrix is not None
            scores = ((left.matrix[block] @ ranking.expansion) @ targets).tocsr()
            dense = None
            if left.embeddings is not None and right.embeddings is not None:
                dense = left.embeddings[block] @ right.embeddings.T
            rows, cols, values = self._select(
                ranking, left.persons[block], scores, dense, k, context
            )
            return block[rows], cols, values

        with ThreadPoolExecutor(max_workers=max(1, self.config.workers)) as pool:
            futures: list[Future[tuple[IntArray, IntArray, FloatArray]]] = []
            for group in np.split(live, bounds):
                if not group.size:
                    continue
                code = int(ranking.left_codes[group[0]])
                targets = _scale_columns(right_t, _INTENT_TABLE[code][ranking.right_codes])
                futures.extend(
                    pool.submit(run, group[start : start + chunk], targets)
                    for start in range(0, group.size, chunk)
                )
            parts = [future.result() for future in futures]
        if not parts:
            return MatchTable(
                direction, left.ids, right.ids, empty, empty.copy(), np.empty(0, np.float32)
            )
        source = np.concatenate([part[0] for part in parts])
        order = np.argsort(source, kind="stable")
        return MatchTable(
            direction,
            left.ids,
            right.ids,
            source[order],
            np.concatenate([part[1] for part in parts])[order],
            np.concatenate([part[2] for part in parts])[order],
        )

    def _rank_one(
        self,
        item: MatchItem,
        direction: Direction,
        k: int,
        context: Context | None,
        explain: bool,
    ) -> list[Suggestion]:
        side = self._needs if direction == "need_to_offer" else self._offers
        # Coded before the pass is taken, so the pass knows the item's person.
        persons = self._persons([item], side.missing_person)
        ranking = self._pass(direction, context)
        right = ranking.right
        today = context.today if context is not None else None
        if right.matrix is None or not item.is_live(today):
            return []
        analysis = self.analyzer.analyze(item.text, item.tags)
        query = self._weigh(self._raw_matrix([analysis]))
        expanded = query @ ranking.expansion
        # One sparse product against the fitted rows: no transposed copy to keep up to date.
        scores = (right.matrix @ expanded.T).T.tocsr()
        code = _intent_mask(analysis.intents)
        scores.data *= _INTENT_TABLE[code][ranking.right_codes[scores.indices]]
        dense = None
        if self.semantic is not None and right.embeddings is not None:
            dense = self.semantic.encode([item.text]) @ right.embeddings.T
        _, cols, values = self._select(ranking, persons, scores, dense, k, context)
        found: list[Suggestion] = []
        for col, value in zip(cols.tolist(), values.tolist(), strict=True):
            other = right.items[col]
            need, offer = (item, other) if direction == "need_to_offer" else (other, item)
            reasons = self.explain(need, offer, context=context) if explain else ()
            found.append(Suggestion(need.id, offer.id, value, tuple(reasons)))
        return found

    def _select(
        self,
        ranking: _Pass,
        persons: IntArray,
        scores: sp.csr_matrix,
        dense: npt.NDArray[np.floating[Any]] | None,
        k: int,
        context: Context | None,
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Rows (within the block), columns and scores of each row's k best, best first.

        `scores` already carry φ. The rules that need lookups (never yourself, past
        introductions, shared groups) run on a shortlist, widened by the most live items one
        person has on the other side so that dropping a person's own items still leaves k.
        """
        right = ranking.right
        wanted = k + ranking.margin + (2 * k + 10 if context is not None else 0)
        if dense is not None:
            rows, cols, values = self._blend(scores, dense, ranking.right_codes, wanted)
        else:
            rows, cols, values = top_k(
                scores.indptr, scores.indices, scores.data, wanted, floor=self.config.min_score
            )
        values[persons[rows] == right.persons[cols]] = 0.0
        if context is not None:
            left_ids = self._person_ids(ranking, persons[rows])
            right_ids = self._person_ids(ranking, right.persons[cols])
            values *= context.factors(left_ids, right_ids) * context.allowed(left_ids, right_ids)
        return top_k_rows(rows, cols, values, k)

    @staticmethod
    def _person_ids(ranking: _Pass, codes: IntArray) -> npt.NDArray[np.int64]:
        """Person ids for person codes (negative codes, items without a person, stay negative)."""
        if not ranking.person_ids.size:
            return codes.astype(np.int64)
        return np.where(codes >= 0, ranking.person_ids[np.maximum(codes, 0)], codes)

    def _blend(
        self,
        scores: sp.csr_matrix,
        dense: npt.NDArray[np.floating[Any]],
        right_codes: IntArray,
        wanted: int,
    ) -> tuple[IntArray, IntArray, FloatArray]:
        alpha = self.config.semantic_weight
        semantic = np.maximum(dense, 0.0) * (right_codes != DEAD)
        blended = (1.0 - alpha) * scores.toarray() + alpha * semantic
        text = scores.toarray() > 0
        blended[~text & (semantic < self.config.min_score)] = 0.0
        width = min(blended.shape[1], wanted)
        if width < blended.shape[1]:
            cols = np.argpartition(-blended, width - 1, axis=1)[:, :width]
        else:
            cols = np.tile(np.arange(blended.shape[1]), (blended.shape[0], 1))
        rows: IntArray = np.repeat(np.arange(blended.shape[0], dtype=np.int32), cols.shape[1])
        flat: IntArray = cols.reshape(-1).astype(np.int32)
        values: FloatArray = blended[rows, flat].astype(np.float32)
        return rows, flat, values

    def _text_reasons(self, need: Analysis, offer: Analysis) -> list[Reason]:
        left, right = self._vector(need), self._vector(offer)
        links = self.vocabulary.links
        found: dict[tuple[str, str, str], Reason] = {}

        def add(reason: Reason) -> None:
            key = (reason.kind, reason.left, reason.right)
            known = found.get(key)
            if known is None or reason.weight > known.weight:
                found[key] = reason

        for (feature, weight), (other, other_weight) in itertools.product(
            left.items(), right.items()
        ):
            shown, other_shown = need.features[feature].shown, offer.features[other].shown
            base = _base_link(links, feature, other)
            learned = self.learned.get(feature, other)
            # A link the user's rejections cancelled is no longer a reason.
            if base and base + (learned.weight if learned else 0.0) > 0:
                add(self._reason(feature, other, shown, other_shown, weight * base * other_weight))
            if learned is not None and learned.weight:
                add(
                    Reason(
                        "learned" if learned.weight > 0 else "learned_penalty",
                        shown,
                        other_shown,
                        _concept(feature),
                        _concept(other),
                        weight * learned.weight * other_weight,
                        learned.count,
                    )
                )
        reasons = sorted(found.values(), key=lambda reason: (-reason.weight, reason.kind))
        penalties = [reason for reason in reasons if reason.kind == "learned_penalty"]
        useful = [reason for reason in reasons if reason.weight > 0]
        return useful[:MAX_REASONS] + penalties[:1]

    def _reason(
        self, feature: str, other: str, shown: str, other_shown: str, weight: float
    ) -> Reason:
        if feature.startswith(TERM_PREFIX):
            return Reason("term", shown, other_shown, weight=weight)
        if feature == other:
            return Reason("concept", shown, other_shown, _concept(feature), None, weight)
        return Reason("related", shown, other_shown, _concept(feature), _concept(other), weight)


def _concept(feature: str) -> str | None:
    return feature[len(CONCEPT_PREFIX) :] if feature.startswith(CONCEPT_PREFIX) else None
