"""Tie strength from 0 to 100, computed from the interaction history and explained as data.

Seven components, each between 0 and 1, are averaged with the workspace's weights:

- recency: 0.5 ** (days since the last contact / half-life);
- frequency: decayed contact count N (each contact counts 0.5 ** (age / half-life)),
  saturating as N / (N + frequency_half);
- reciprocity: 2 * min(A, B) / (A + B) over the decayed contacts each side initiated, so contact
  that only ever goes one way scores 0;
- channel: the decayed average of the channel weights, relative to the heaviest channel (a
  meeting counts more than an email);
- duration: days known D (since the tie's start date or the first contact, whichever is
  earlier), saturating as D / (D + duration_half_days);
- gives: the mean of g / (g + gives_half) for the gives in each direction, so giving both ways
  is needed for full marks;
- trust: the manual rating 1..5 mapped onto 0..1; a tie nobody rated leaves this component
  out of the average instead of counting it as zero.

Everything runs on flat arrays (one `np.bincount` per sum, no Python loop over interactions),
so the bulk recompute of a whole workspace and the recompute of one tie after a new
interaction share the same code and give the same score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

CHANNELS = ("meeting", "call", "message", "email", "event")
COMPONENTS = ("recency", "frequency", "reciprocity", "channel", "duration", "gives", "trust")

# Codes in the arrays: which side of the tie (person_a or person_b) did something.
SIDE_A = 0
SIDE_B = 1
NO_SIDE = -1
# Codes in the arrays: what the interaction exchanged.
NEUTRAL = 0
GIVE = 1
ASK = 2

Side = Literal["a", "b"]

DEFAULT_CHANNEL_WEIGHTS: Mapping[str, float] = {
    "meeting": 1.0,
    "call": 0.7,
    "event": 0.5,
    "message": 0.4,
    "email": 0.3,
}
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "recency": 0.25,
    "frequency": 0.20,
    "reciprocity": 0.15,
    "channel": 0.10,
    "duration": 0.10,
    "gives": 0.10,
    "trust": 0.10,
}

_SECONDS_PER_DAY = 86400.0
_TRUST = COMPONENTS.index("trust")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class StrengthConfig:
    """The scoring rules a workspace can tune. Every number here is a default, not a law."""

    half_life_days: float = 90.0
    # Counts per channel in the explanation cover this many days.
    window_days: int = 90
    channel_weights: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CHANNEL_WEIGHTS)
    )
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    frequency_half: float = 3.0
    duration_half_days: float = 365.0
    gives_half: float = 1.0
    # "Losing touch" looks this many days ahead, assuming no contact until then.
    forecast_days: int = 30

    def __post_init__(self) -> None:
        for name in ("half_life_days", "frequency_half", "duration_half_days", "gives_half"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        if self.window_days < 0 or self.forecast_days <= 0:
            raise ValueError("window_days must be >= 0 and forecast_days positive")
        if set(self.channel_weights) != set(CHANNELS):
            raise ValueError(f"channel_weights must give a weight for each of {CHANNELS}")
        if min(self.channel_weights.values()) < 0 or max(self.channel_weights.values()) <= 0:
            raise ValueError("channel weights must be >= 0 and not all zero")
        if set(self.weights) != set(COMPONENTS):
            raise ValueError(f"weights must give a weight for each of {COMPONENTS}")
        if min(self.weights.values()) < 0 or sum(self.weights.values()) <= 0:
            raise ValueError("component weights must be >= 0 and not all zero")

    def channel_vector(self) -> FloatArray:
        """Channel weights in CHANNELS order, relative to the heaviest (which becomes 1)."""
        values = np.array([self.channel_weights[name] for name in CHANNELS], dtype=np.float64)
        return np.asarray(values / values.max(), dtype=np.float64)

    def weight_vector(self) -> FloatArray:
        return np.array([self.weights[name] for name in COMPONENTS], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Touch:
    """One interaction on one tie, for callers that hold records rather than arrays.

    `initiator` is the side that reached out; `exchange_by` the side that gave or asked.
    """

    at: dt.datetime
    channel: str
    initiator: Side | None = None
    exchange: Literal["give", "ask"] | None = None
    exchange_by: Side | None = None
    tie: int = 0


@dataclass(frozen=True, slots=True)
class Interactions:
    """Interactions as parallel arrays, one row per (interaction, tie).

    `tie` indexes the `Ties` arrays; `at` is a datetime64 in UTC; `channel` indexes CHANNELS;
    `initiator` and `exchange_by` hold SIDE_A, SIDE_B or NO_SIDE; `exchange` NEUTRAL, GIVE or
    ASK. An interaction with several participants appears once per tie it touches.
    """

    tie: npt.NDArray[np.integer]
    at: npt.NDArray[np.datetime64]
    channel: npt.NDArray[np.integer]
    initiator: npt.NDArray[np.integer]
    exchange: npt.NDArray[np.integer]
    exchange_by: npt.NDArray[np.integer]

    def __post_init__(self) -> None:
        sizes = {
            array.shape
            for array in (
                self.tie,
                self.at,
                self.channel,
                self.initiator,
                self.exchange,
                self.exchange_by,
            )
        }
        if len(sizes) != 1 or len(next(iter(sizes))) != 1:
            raise ValueError("interaction arrays must be one-dimensional and of equal length")
        if self.channel.size and (self.channel.min() < 0 or self.channel.max() >= len(CHANNELS)):
            raise ValueError("channel codes must index CHANNELS")

    def __len__(self) -> int:
        return int(self.tie.size)

    @classmethod
    def from_touches(cls, touches: Iterable[Touch]) -> Interactions:
        rows = list(touches)
        sides = {"a": SIDE_A, "b": SIDE_B, None: NO_SIDE}
        exchanges = {"give": GIVE, "ask": ASK, None: NEUTRAL}
        for touch in rows:
            if touch.channel not in CHANNELS:
                raise ValueError(f"unknown channel {touch.channel!r}; use one of {CHANNELS}")
        return cls(
            tie=np.array([touch.tie for touch in rows], dtype=np.int64),
            at=to_datetime64([touch.at for touch in rows]),
            channel=np.array([CHANNELS.index(touch.channel) for touch in rows], dtype=np.int8),
            initiator=np.array([sides[touch.initiator] for touch in rows], dtype=np.int8),
            exchange=np.array([exchanges[touch.exchange] for touch in rows], dtype=np.int8),
            exchange_by=np.array([sides[touch.exchange_by] for touch in rows], dtype=np.int8),
        )


@dataclass(frozen=True, slots=True)
class Ties:
    """What is known about each tie besides its interactions.

    `since` is a datetime64[D] (NaT when unknown); `trust` the manual rating 1..5, 0 when unset.
    """

    since: npt.NDArray[np.datetime64]
    trust: npt.NDArray[np.integer]

    def __post_init__(self) -> None:
        if self.since.shape != self.trust.shape or self.trust.ndim != 1:
            raise ValueError("tie arrays must be one-dimensional and of equal length")
        if self.trust.size and (self.trust.min() < 0 or self.trust.max() > 5):
            raise ValueError("trust must be 1..5, or 0 when unset")

    def __len__(self) -> int:
        return int(self.trust.size)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date | None, int | None]]) -> Ties:
        """From (since, trust) pairs, either of which may be None."""
        pairs = list(rows)
        return cls(
            since=np.array(
                [
                    np.datetime64(since, "D") if since else np.datetime64("NaT", "D")
                    for since, _ in pairs
                ],
                dtype="datetime64[D]",
            ),
            trust=np.array([trust or 0 for _, trust in pairs], dtype=np.int8),
        )


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One component's part in a score: `value` 0..1, `share` of the weight, `points` of 100."""

    name: str
    value: float
    share: float
    points: float


@dataclass(frozen=True, slots=True)
class TieExplanation:
    """Why a tie scores what it does, as data the UI phrases and translates.

    Counts per channel cover the last `window_days`; `initiated`, `gives` and `asks` are all
    time, by side (a, b): `gives[0]` counts what side a gave to side b. `days_since_last` and
    `days_known` are None when there is nothing to count from. `decay_per_day` is how many
    points a day the score will lose over the coming weeks without contact.
    """

    score: float
    components: tuple[ComponentScore, ...]
    window_days: int
    channel_counts: Mapping[str, int]
    interactions: int
    days_since_last: int | None
    days_known: int | None
    initiated: tuple[int, int]
    gives: tuple[int, int]
    asks: tuple[int, int]
    trust: int | None
    decay_per_day: float


@dataclass(frozen=True, slots=True)
class StrengthResult:
    """Scores of every tie, and the arrays their explanations are read from.

    `components` has one column per COMPONENTS entry (NaN for trust where unrated);
    `velocity` is points lost per day over `forecast_days` without contact (negative when the
    tie is still growing, e.g. from its duration alone).
    """

    score: FloatArray
    components: FloatArray
    velocity: FloatArray
    last_age_days: FloatArray
    days_known: FloatArray
    interactions: IntArray
    channel_counts: IntArray
    initiated: IntArray
    gives: IntArray
    asks: IntArray
    trust: npt.NDArray[np.integer]
    weights: FloatArray
    window_days: int

    def __len__(self) -> int:
        return int(self.score.size)

    def explain(self, tie: int) -> TieExplanation:
        values = self.components[tie]
        rated = ~np.isnan(values)
        shares = np.where(rated, self.weights, 0.0) / self.weights[rated].sum()
        components = tuple(
            ComponentScore(
                name=name,
                value=float(values[i]) if rated[i] else 0.0,
                share=float(shares[i]),
                points=float(100.0 * shares[i] * values[i]) if rated[i] else 0.0,
            )
            for i, name in enumerate(COMPONENTS)
        )
        last = self.last_age_days[tie]
        known = self.days_known[tie]
        trust = int(self.trust[tie])
        return TieExplanation(
            score=float(self.score[tie]),
            components=components,
            window_days=self.window_days,
            channel_counts={
                name: int(count)
                for name, count in zip(CHANNELS, self.channel_counts[tie], strict=True)
            },
            interactions=int(self.interactions[tie]),
            days_since_last=None if np.isnan(last) else int(last),
            days_known=None if np.isnan(known) else int(known),
            initiated=(int(self.initiated[tie, 0]), int(self.initiated[tie, 1])),
            gives=(int(self.gives[tie, 0]), int(self.gives[tie, 1])),
            asks=(int(self.asks[tie, 0]), int(self.asks[tie, 1])),
            trust=trust or None,
            decay_per_day=float(self.velocity[tie]),
        )


def to_datetime64(values: Sequence[dt.datetime]) -> npt.NDArray[np.datetime64]:
    """Datetimes as datetime64[s] in UTC; naive values are taken to be UTC already."""
    return np.array([_utc_naive(value) for value in values], dtype="datetime64[s]")


def _utc_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _seconds(values: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    return values.astype("datetime64[s]").astype(np.int64)


def compute_strength(
    interactions: Interactions,
    ties: Ties,
    *,
    now: dt.datetime,
    config: StrengthConfig | None = None,
) -> StrengthResult:
    """Score every tie from all its interactions at once."""
    config = config or StrengthConfig()
    n = len(ties)
    tie = interactions.tie
    if tie.size and (tie.min() < 0 or tie.max() >= n):
        raise ValueError("interaction tie indices must index the ties")
    now_seconds = int(_seconds(np.array([_utc_naive(now)], dtype="datetime64[s]"))[0])
    # Contacts logged in the future (clock skew, planned meetings) count as happening now.
    age = np.maximum((now_seconds - _seconds(interactions.at)) / _SECONDS_PER_DAY, 0.0)
    decay = np.exp2(-age / config.half_life_days)

    decayed = _sum(tie, decay, n)
    channel_mass = _sum(tie, decay * config.channel_vector()[interactions.channel], n)
    by_a = _sum(tie, decay * (interactions.initiator == SIDE_A), n)
    by_b = _sum(tie, decay * (interactions.initiator == SIDE_B), n)
    last_age = np.full(n, np.inf)
    np.minimum.at(last_age, tie, age)
    first_age = np.full(n, -np.inf)
    np.maximum.at(first_age, tie, age)

    initiated = _side_counts(tie, interactions.initiator, n)
    gives = _side_counts(
        tie, np.where(interactions.exchange == GIVE, interactions.exchange_by, NO_SIDE), n
    )
    asks = _side_counts(
        tie, np.where(interactions.exchange == ASK, interactions.exchange_by, NO_SIDE), n
    )
    recent = age <= config.window_days
    channel_counts = np.bincount(
        tie[recent].astype(np.int64) * len(CHANNELS) + interactions.channel[recent],
        minlength=n * len(CHANNELS),
    ).reshape(n, len(CHANNELS))

    has_contact = np.isfinite(last_age)
    last_age[~has_contact] = np.nan
    first_age[~has_contact] = np.nan
    since_age = (now_seconds - _seconds(ties.since)) / _SECONDS_PER_DAY
    since_age[np.isnat(ties.since)] = np.nan
    # A tie is known since its start date or its first contact, whichever came first.
    days_known = np.fmax(np.maximum(since_age, 0.0), first_age)

    reciprocity = np.zeros(n)
    both = by_a + by_b
    np.divide(2.0 * np.minimum(by_a, by_b), both, out=reciprocity, where=both > 0)
    channel = np.zeros(n)
    np.divide(channel_mass, decayed, out=channel, where=decayed > 0)
    give_share = gives / (gives + config.gives_half)
    trust = np.where(ties.trust > 0, (ties.trust.astype(np.float64) - 1.0) / 4.0, np.nan)

    components = np.empty((n, len(COMPONENTS)))
    components[:, 2] = reciprocity
    components[:, 3] = channel
    components[:, 5] = give_share.mean(axis=1)
    components[:, 6] = trust
    weights = config.weight_vector()

    _fill_time_components(components, last_age, decayed, days_known, config)
    score = _combine(components, weights)
    future = components.copy()
    fade = 0.5 ** (config.forecast_days / config.half_life_days)
    _fill_time_components(
        future,
        last_age + config.forecast_days,
        decayed * fade,
        days_known + config.forecast_days,
        config,
    )
    velocity = (score - _combine(future, weights)) / config.forecast_days

    return StrengthResult(
        score=score,
        components=components,
        velocity=velocity,
        last_age_days=last_age,
        days_known=days_known,
        interactions=np.bincount(tie, minlength=n).astype(np.int64),
        channel_counts=channel_counts.astype(np.int64),
        initiated=initiated,
        gives=gives,
        asks=asks,
        trust=ties.trust,
        weights=weights,
        window_days=config.window_days,
    )


def _sum(tie: npt.NDArray[np.integer], weights: FloatArray, n: int) -> FloatArray:
    return np.asarray(np.bincount(tie, weights=weights, minlength=n), dtype=np.float64)


def _side_counts(tie: npt.NDArray[np.integer], side: npt.NDArray[np.integer], n: int) -> IntArray:
    """Counts per (tie, side) as an (n, 2) array; rows with NO_SIDE are not counted."""
    counted = side >= 0
    keys = tie[counted].astype(np.int64) * 2 + side[counted]
    return np.bincount(keys, minlength=2 * n).reshape(n, 2).astype(np.int64)


def _fill_time_components(
    components: FloatArray,
    last_age: FloatArray,
    decayed: FloatArray,
    days_known: FloatArray,
    config: StrengthConfig,
) -> None:
    """The components that move with time: recency, frequency and duration."""
    components[:, 0] = np.nan_to_num(np.exp2(-last_age / config.half_life_days))
    components[:, 1] = decayed / (decayed + config.frequency_half)
    components[:, 4] = np.nan_to_num(days_known / (days_known + config.duration_half_days))


def _combine(components: FloatArray, weights: FloatArray) -> FloatArray:
    """Weighted mean on a 0..100 scale; an unrated trust drops out instead of counting 0."""
    rated = ~np.isnan(components[:, _TRUST])
    total = weights.sum() - np.where(rated, 0.0, weights[_TRUST])
    # Column by column rather than a matrix product: BLAS picks its summation order by the
    # number of rows, and one tie must score exactly as it does among a million.
    filled = np.nan_to_num(components)
    points = np.zeros(filled.shape[0], dtype=np.float64)
    for column, weight in enumerate(weights):
        points += filled[:, column] * weight
    return np.asarray(100.0 * points / total, dtype=np.float64)


def tie_strength(
    touches: Iterable[Touch],
    *,
    now: dt.datetime,
    since: dt.date | None = None,
    trust: int | None = None,
    config: StrengthConfig | None = None,
) -> TieExplanation:
    """Recompute one tie from its own interactions, as after logging a new one.

    Gives the same score as the bulk computation would for that tie (`tie` on the touches is
    ignored: they all belong to this tie).
    """
    rows = [replace(touch, tie=0) for touch in touches]
    result = compute_strength(
        Interactions.from_touches(rows),
        Ties.from_rows([(since, trust)]),
        now=now,
        config=config,
    )
    return result.explain(0)


def losing_touch(result: StrengthResult, *, min_score: float = 50.0, limit: int = 20) -> IntArray:
    """Ties scoring at least `min_score` whose strength falls fastest without contact.

    Fastest first (ties of equal speed by index); only ties that are actually losing strength.
    """
    candidates = np.flatnonzero((result.score >= min_score) & (result.velocity > 0))
    order = np.lexsort((candidates, -result.velocity[candidates]))
    return candidates[order[:limit]].astype(np.int64)


def pair_ties(
    tie_a: npt.NDArray[np.integer],
    tie_b: npt.NDArray[np.integer],
    a: npt.NDArray[np.integer],
    b: npt.NDArray[np.integer],
) -> IntArray:
    """For each person pair (a[i], b[i]), the index of the tie between them, or -1.

    Ties are given as (tie_a[j], tie_b[j]) in either order; when one pair has several ties
    (one per kind), the first is returned. Vectorised: sorted keys and a binary search.
    """
    tie_low, tie_high = np.minimum(tie_a, tie_b), np.maximum(tie_a, tie_b)
    low, high = np.minimum(a, b), np.maximum(a, b)
    base = int(max(tie_high.max(initial=0), high.max(initial=0))) + 1
    keys = tie_low.astype(np.int64) * base + tie_high
    wanted = low.astype(np.int64) * base + high
    if not keys.size:
        return np.full(wanted.size, -1, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    position = np.minimum(np.searchsorted(sorted_keys, wanted), sorted_keys.size - 1)
    found = sorted_keys[position] == wanted
    return np.where(found, order[position], -1).astype(np.int64)
