"""Tie strength: bulk recompute of a whole workspace, one-tie recompute, and a baseline.

    python -m benchmarks.strength [--interactions 10000000] [--ties 1000000] [--baseline 200000]

Interactions are synthetic: spread over three years with more of them recent, on ties whose
activity is heavy-tailed (most ties see a handful of contacts, a few see hundreds), channels
mostly messages and calls, the initiator unknown for one in ten, one in ten a give and one in
twenty an ask. A third of the ties have a start date and a fifth a trust rating.

Prints the bulk time (arrays in, scores and explanation arrays out: loading the arrays from
the database is measured with the app), its peak traced memory and the process's peak RSS,
the time to recompute one tie from its own interactions (as after logging one), and the
ratio to a pure-Python loop that computes the same scores on a subset (whose scores must
agree with the engine's).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from kesher.engine.strength import (
    ASK,
    CHANNELS,
    COMPONENTS,
    GIVE,
    NO_SIDE,
    SIDE_A,
    SIDE_B,
    Interactions,
    StrengthConfig,
    Ties,
    Touch,
    compute_strength,
    losing_touch,
    tie_strength,
)

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
YEARS = 3
CHANNEL_SHARES = {"meeting": 0.15, "call": 0.25, "message": 0.35, "email": 0.2, "event": 0.05}


def synthetic(interactions: int, ties: int, rng: np.random.Generator) -> tuple[Interactions, Ties]:
    activity = rng.pareto(1.5, ties) + 0.1
    tie = rng.choice(ties, size=interactions, p=activity / activity.sum()).astype(np.int32)
    # More recent contact than old: ages skewed towards today.
    age_seconds = (rng.random(interactions) ** 2 * YEARS * 365 * 86400).astype(np.int64)
    now = np.datetime64(NOW.replace(tzinfo=None), "s")
    at = now - age_seconds.astype("timedelta64[s]")
    channel = rng.choice(
        len(CHANNELS), size=interactions, p=[CHANNEL_SHARES[name] for name in CHANNELS]
    ).astype(np.int8)
    initiator = rng.choice([SIDE_A, SIDE_B, NO_SIDE], size=interactions, p=[0.5, 0.4, 0.1])
    exchange = rng.choice([0, GIVE, ASK], size=interactions, p=[0.85, 0.1, 0.05]).astype(np.int8)
    exchange_by = np.where(exchange > 0, rng.integers(0, 2, interactions), NO_SIDE)
    since = np.where(
        rng.random(ties) < 1 / 3,
        np.datetime64("2025-06-01", "D") - rng.integers(0, 3650, ties).astype("timedelta64[D]"),
        np.datetime64("NaT", "D"),
    )
    trust = np.where(rng.random(ties) < 0.2, rng.integers(1, 6, ties), 0).astype(np.int8)
    return (
        Interactions(
            tie=tie,
            at=at,
            channel=channel,
            initiator=initiator.astype(np.int8),
            exchange=exchange,
            exchange_by=exchange_by.astype(np.int8),
        ),
        Ties(since=since, trust=trust),
    )


def baseline(interactions: Interactions, ties: Ties, config: StrengthConfig) -> dict[int, float]:
    """The same score, one interaction at a time in plain Python."""
    now = NOW.replace(tzinfo=None)
    channel_weight = dict(zip(CHANNELS, config.channel_vector().tolist(), strict=True))
    per_tie: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0, math.inf, 0.0])
    gives: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for tie, at, channel, initiator, exchange, by in zip(
        interactions.tie.tolist(),
        interactions.at.astype("datetime64[s]").tolist(),
        interactions.channel.tolist(),
        interactions.initiator.tolist(),
        interactions.exchange.tolist(),
        interactions.exchange_by.tolist(),
        strict=True,
    ):
        age = max((now - at).total_seconds() / 86400, 0.0)
        decay = 2 ** (-age / config.half_life_days)
        sums = per_tie[tie]
        sums[0] += decay
        sums[1] += decay * channel_weight[CHANNELS[channel]]
        if initiator == SIDE_A:
            sums[2] += decay
        elif initiator == SIDE_B:
            sums[3] += decay
        sums[4] = min(sums[4], age)
        sums[5] = max(sums[5], age)
        if exchange == GIVE:
            gives[tie][by] += 1
    weights = dict(zip(COMPONENTS, config.weight_vector().tolist(), strict=True))
    scores = {}
    for tie, (decayed, mass, by_a, by_b, last, first) in per_tie.items():
        since = ties.since[tie]
        days_known = first
        if not np.isnat(since):
            days_known = max(days_known, max((NOW.date() - since.astype(dt.date)).days, 0))
        given = gives[tie]
        parts = {
            "recency": 2 ** (-last / config.half_life_days),
            "frequency": decayed / (decayed + config.frequency_half),
            "reciprocity": 2 * min(by_a, by_b) / (by_a + by_b) if by_a + by_b else 0.0,
            "channel": mass / decayed,
            "duration": days_known / (days_known + config.duration_half_days),
            "gives": sum(g / (g + config.gives_half) for g in given) / 2,
        }
        total = sum(weights[name] for name in parts)
        if ties.trust[tie]:
            parts["trust"] = (int(ties.trust[tie]) - 1) / 4
            total += weights["trust"]
        scores[tie] = 100 * sum(weights[name] * value for name, value in parts.items()) / total
    return scores


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    config = StrengthConfig()
    rng = np.random.default_rng(args.seed)

    interactions, ties = synthetic(args.interactions, args.ties, rng)
    print(f"# tie strength: {len(interactions):,} interactions on {len(ties):,} ties")
    tracemalloc.start()
    started = time.perf_counter()
    result = compute_strength(interactions, ties, now=NOW, config=config)
    bulk_seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  bulk recompute             {bulk_seconds:8.2f} s   traced peak {peak / 2**20:8.0f} MiB"
    )
    print(f"  per million interactions   {bulk_seconds / len(interactions) * 1e6:8.3f} s")
    started = time.perf_counter()
    fading = losing_touch(result, min_score=50, limit=50)
    print(f"  losing-touch list          {(time.perf_counter() - started) * 1000:8.1f} ms")
    scores = result.score[np.bincount(interactions.tie, minlength=len(ties)) > 0]
    print(
        f"  scores of ties with contact: p10 {np.percentile(scores, 10):.1f}, "
        f"median {np.median(scores):.1f}, p90 {np.percentile(scores, 90):.1f}; "
        f"{fading.size} losing touch (score >= 50)"
    )
    started = time.perf_counter()
    explained = [result.explain(int(tie)) for tie in range(1000)]
    print(f"  explain one tie            {(time.perf_counter() - started):8.3f} ms each")
    del explained

    # One tie after logging an interaction: its 20 most recent touches, recomputed alone.
    touches = [
        Touch(at=NOW - dt.timedelta(days=9 * i), channel=CHANNELS[i % 5], initiator="ab"[i % 2])  # type: ignore[arg-type]
        for i in range(20)
    ]
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        tie_strength(touches, now=NOW, trust=4, config=config)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"  one tie (20 interactions)  {statistics.median(timings):8.3f} ms (median of 200)")

    subset = min(args.baseline, len(interactions))
    small_interactions, small_ties = synthetic(subset, max(1, subset // 10), rng)
    started = time.perf_counter()
    engine = compute_strength(small_interactions, small_ties, now=NOW, config=config)
    engine_seconds = time.perf_counter() - started
    started = time.perf_counter()
    expected = baseline(small_interactions, small_ties, config)
    python_seconds = time.perf_counter() - started
    worst = max(abs(engine.score[tie] - score) for tie, score in expected.items())
    print(
        f"  pure Python on {subset:,}: {python_seconds:.2f} s vs engine {engine_seconds:.3f} s, "
        f"ratio {python_seconds / engine_seconds:,.0f}x; largest score difference {worst:.1e}"
    )
    print(f"  process peak RSS           {peak_rss_mib():8.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
