"""Context beyond text: who may be introduced to whom, and how much the people behind a match add.

Plain arrays in, plain arrays out, so the matcher applies it to millions of candidate pairs at
once. For a need's person `a` and an offer's person `b`:

    allowed(a, b) = a ≠ b  and  {a, b} not already introduced
    shared(a, b)  = min(cap, w_i·|interests ∩| + w_g·|groups ∩| + w_e·|events ∩|)
    reach(a, b)   = floor + (1 − floor)·√(closeness_a · closeness_b)
    factor(a, b)  = reach(a, b) · (1 + shared(a, b))

`closeness` (0..1) is how well the user knows a person: the caller derives it from ties (tie
strength for a direct tie, less for a friend of a friend, 0 for a stranger), so introductions
the user can actually make rank higher. With the defaults a pair the user knows well and whose
people share a group and an interest scores up to 1.35× its text score; two strangers 0.5×.
Unknown people (no PersonContext) count as strangers with nothing shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from kesher.engine.match_topk import top_k
from kesher.engine.match_types import Introduction, Reason, ReasonKind

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
_PAIR_SHIFT = 32


@dataclass(frozen=True, slots=True)
class PersonContext:
    person_id: int
    interests: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    closeness: float = 0.0


@dataclass(frozen=True, slots=True)
class ContextWeights:
    interest: float = 0.15
    group: float = 0.2
    event: float = 0.1
    shared_cap: float = 0.6
    reach_floor: float = 0.5
    # From this closeness on, both people count as known well ("you know both well").
    knows_well: float = 0.7


@dataclass(frozen=True, slots=True)
class _Facet:
    kind: ReasonKind
    weight: float
    name: str


class Context:
    """The people around the matches: what they share, how well the user knows them, history.

    `today` decides which needs and offers have expired; without it only status counts.
    """

    def __init__(
        self,
        people: Iterable[PersonContext] = (),
        *,
        introduced: Iterable[tuple[int, int]] = (),
        today: dt.date | None = None,
        weights: ContextWeights | None = None,
    ) -> None:
        self.people = tuple(people)
        self.today = today
        self.weights = weights or ContextWeights()
        self._by_id = {person.person_id: index for index, person in enumerate(self.people)}
        self._ids = np.array([person.person_id for person in self.people], dtype=np.int64)
        self._order = np.argsort(self._ids, kind="stable")
        self._sorted_ids = self._ids[self._order]
        self._closeness = np.array(
            [min(1.0, max(0.0, person.closeness)) for person in self.people] + [0.0],
            dtype=np.float32,
        )
        self._introduced = np.unique(
            np.array([_pair_key(a, b) for a, b in introduced], dtype=np.int64)
        )
        facets: list[_Facet] = []
        rows: list[int] = []
        cols: list[int] = []
        specs: tuple[tuple[ReasonKind, float, str], ...] = (
            ("shared_interest", self.weights.interest, "interests"),
            ("shared_group", self.weights.group, "groups"),
            ("shared_event", self.weights.event, "events"),
        )
        for kind, weight, attribute in specs:
            names = sorted({name for person in self.people for name in getattr(person, attribute)})
            column = {name: len(facets) + offset for offset, name in enumerate(names)}
            for index, person in enumerate(self.people):
                for name in getattr(person, attribute):
                    rows.append(index)
                    cols.append(column[name])
            facets.extend(_Facet(kind, weight, name) for name in names)
        self._facets = facets
        self._column_weights = np.array([facet.weight for facet in facets], dtype=np.float32)
        # One spare row for unknown people, who share nothing.
        self._shared = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(self.people) + 1, len(facets)),
        )

    def rows(self, person_ids: IntArray) -> npt.NDArray[np.intp]:
        """Index of each person in `people`, or the spare row for unknown or absent ones."""
        if not self._sorted_ids.size:
            return np.full(person_ids.shape, len(self.people), dtype=np.intp)
        position = np.searchsorted(self._sorted_ids, person_ids)
        position = np.minimum(position, self._sorted_ids.size - 1)
        found = self._sorted_ids[position] == person_ids
        return np.where(found, self._order[position], len(self.people))

    def allowed(self, left: IntArray, right: IntArray) -> BoolArray:
        """Never a person with themselves, never a pair already introduced."""
        ok: BoolArray = ~((left == right) & (left >= 0))
        if self._introduced.size:
            keys = _pair_keys(left, right)
            position = np.minimum(
                np.searchsorted(self._introduced, keys), self._introduced.size - 1
            )
            ok &= self._introduced[position] != keys
        return ok

    def factors(self, left: IntArray, right: IntArray) -> FloatArray:
        weights = self.weights
        left_rows, right_rows = self.rows(left), self.rows(right)
        reach = weights.reach_floor + (1.0 - weights.reach_floor) * np.sqrt(
            self._closeness[left_rows] * self._closeness[right_rows]
        )
        shared = np.zeros(left.shape, dtype=np.float32)
        if self._facets and left.size:
            common = self._shared[left_rows].multiply(self._shared[right_rows])
            shared = np.minimum(weights.shared_cap, common @ self._column_weights)
        return np.asarray(reach * (1.0 + shared), dtype=np.float32)

    def reasons(self, left: int | None, right: int | None) -> list[Reason]:
        """What the two people share, and whether the user knows both well."""
        if left is None or right is None:
            return []
        first, second = self._by_id.get(left), self._by_id.get(right)
        if first is None or second is None:
            return []
        found: list[Reason] = []
        weights = self.weights
        a, b = self.people[first], self.people[second]
        shared: tuple[tuple[ReasonKind, float, frozenset[str]], ...] = (
            ("shared_group", weights.group, a.groups & b.groups),
            ("shared_interest", weights.interest, a.interests & b.interests),
            ("shared_event", weights.event, a.events & b.events),
        )
        for kind, weight, names in shared:
            found.extend(Reason(kind, name, name, weight=weight) for name in sorted(names))
        if min(a.closeness, b.closeness) >= weights.knows_well:
            found.append(Reason("knows_both", weight=min(a.closeness, b.closeness)))
        return found

    def common_ground(
        self, *, k: int = 5, min_score: float = 0.15, chunk_size: int = 4096
    ) -> list[Introduction]:
        """For each person, the people they share most with (groups, interests, events).

        Worth introducing even with no need or offer between them. Pairs already introduced are
        left out; a pair in both people's best k appears once.
        """
        count = len(self.people)
        if not self._facets or count < 2:
            return []
        weighted = self._shared[:count].multiply(self._column_weights).tocsr()
        members = self._shared[:count].T.tocsr()
        found_left: list[npt.NDArray[np.int64]] = []
        found_right: list[npt.NDArray[np.int64]] = []
        found_score: list[FloatArray] = []
        for start in range(0, count, chunk_size):
            block = (weighted[start : start + chunk_size] @ members).tocsr()
            rows = np.repeat(np.arange(block.shape[0], dtype=np.int32), np.diff(block.indptr))
            values = np.minimum(block.data.astype(np.float32), 1.0)
            allowed = self.allowed(self._ids[rows + start], self._ids[block.indices])
            values *= allowed
            rows, cols, scores = top_k(block.indptr, block.indices, values, k, floor=min_score)
            found_left.append(self._ids[rows + start])
            found_right.append(self._ids[cols])
            found_score.append(scores)
        left = np.concatenate(found_left)
        right = np.concatenate(found_right)
        score = np.concatenate(found_score)
        keys = _pair_keys(left, right)
        _, first = np.unique(keys, return_index=True)
        order = first[np.lexsort((keys[first], -score[first]))]
        return [
            Introduction(
                a,
                b,
                value,
                tuple(reason for reason in self.reasons(a, b) if reason.kind != "knows_both"),
            )
            for a, b, value in zip(
                left[order].tolist(), right[order].tolist(), score[order].tolist(), strict=True
            )
        ]


def _pair_key(left: int, right: int) -> int:
    low, high = min(left, right), max(left, right)
    return (low << _PAIR_SHIFT) + high


def _pair_keys(left: IntArray, right: IntArray) -> IntArray:
    low, high = np.minimum(left, right), np.maximum(left, right)
    return np.asarray((low << _PAIR_SHIFT) + high, dtype=np.int64)
