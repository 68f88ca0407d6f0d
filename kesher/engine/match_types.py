"""The plain data the matching engine takes and returns (no behaviour beyond formatting)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

ItemId = int | str
OPEN = "open"

ReasonKind = Literal[
    # Text: the same concept on both sides ("ג'יפ" ↔ "jeep"), linked concepts ("ג'יפ" ↔ "רכב שטח"),
    # the same plain word.
    "concept",
    "related",
    "term",
    # Learned from the workspace's accepted and rejected suggestions.
    "learned",
    "learned_penalty",
    # Both texts are about the same kind of exchange (selling ↔ buying, tours, lessons).
    "intent",
    # The optional sentence-embedding model found the texts alike.
    "semantic",
    # Context: what the two people share, and how well the user knows them.
    "shared_interest",
    "shared_group",
    "shared_event",
    "knows_both",
]


@dataclass(frozen=True, slots=True)
class MatchItem:
    """A need or an offer as the engine sees it."""

    id: ItemId
    text: str
    lang: str | None = None
    tags: tuple[str, ...] = ()
    person_id: int | None = None
    status: str = OPEN
    expires_on: dt.date | None = None

    def is_live(self, today: dt.date | None) -> bool:
        """Open, and not past its expiry date (when `today` is known)."""
        if self.status != OPEN:
            return False
        return today is None or self.expires_on is None or self.expires_on >= today


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence for a suggestion, as data the UI can phrase and translate.

    `left` is what the need side says (as typed, prefix letters cut), `right` the offer side;
    for context reasons both name the shared interest, group or event. `concept` and
    `other_concept` are vocabulary ids (the need's and the offer's), `weight` the part of the
    score this evidence contributed, `count` how many feedback events a learned reason rests on.
    """

    kind: ReasonKind
    left: str = ""
    right: str = ""
    concept: str | None = None
    other_concept: str | None = None
    weight: float = 0.0
    count: int = 0

    def __str__(self) -> str:
        if self.left and self.right and self.left != self.right:
            return f"{self.left} ↔ {self.right}"
        return self.left or self.right or self.kind


@dataclass(frozen=True, slots=True)
class Suggestion:
    need_id: ItemId
    offer_id: ItemId
    score: float
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Introduction:
    """Two people worth introducing for what they share, with no need or offer behind it."""

    person_a: int
    person_b: int
    score: float
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchTable:
    """The best matches of many items at once, as flat arrays.

    Row `i` pairs `source_ids[source[i]]` with `target_ids[target[i]]` at `score[i]`; rows are
    grouped by source, best first. Sources are needs and targets offers when `direction` is
    "need_to_offer", the other way round for "offer_to_need".
    """

    direction: Literal["need_to_offer", "offer_to_need"]
    source_ids: tuple[ItemId, ...]
    target_ids: tuple[ItemId, ...]
    source: npt.NDArray[np.int32] = field(repr=False)
    target: npt.NDArray[np.int32] = field(repr=False)
    score: npt.NDArray[np.float32] = field(repr=False)

    def __len__(self) -> int:
        return int(self.score.size)

    def pairs(self) -> Iterator[tuple[ItemId, ItemId, float]]:
        """(need id, offer id, score) for every row, whatever the direction."""
        for source, target, score in zip(
            self.source.tolist(), self.target.tolist(), self.score.tolist(), strict=True
        ):
            left, right = self.source_ids[source], self.target_ids[target]
            if self.direction == "need_to_offer":
                yield left, right, score
            else:
                yield right, left, score
