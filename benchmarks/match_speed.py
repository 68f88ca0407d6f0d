"""Matching speed: full recompute, incremental ranking, and a pair-by-pair baseline.

    python -m benchmarks.match_speed [--needs 100000] [--offers 100000] [--baseline 5000]

Texts are synthetic, made from the shipped vocabulary the way people write them: one to three
concepts in Hebrew (with prefix letters) or English, an intent word now and then, and filler
words and names the vocabulary does not know. Prints, for the full recompute, the time to fit
(analysis and indexing) and to rank every need's top 10 with context (people, closeness,
shared groups, past introductions), the peak resident memory, the time to rank one new need
against the fitted offers, and the ratio to a pure-Python baseline that computes the same score
pair by pair on a smaller square (whose top 10 must agree with the engine's).
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import resource
import sys
import time
from collections.abc import Sequence

from kesher.engine.matching import (
    Concept,
    Context,
    MatchConfig,
    Matcher,
    MatchItem,
    PersonContext,
    Vocabulary,
    intent_fit,
)

K = 10
HEBREW_PREFIXES = ("", "", "", "ה", "ו", "ב", "ל", "וה", "ש", "מה")
FILLER_SYLLABLES = ("ka", "lo", "mi", "ra", "te", "zu", "no", "ba", "shi", "de", "gal", "ron")


def synthetic_items(
    count: int, prefix: str, vocabulary: Vocabulary, rng: random.Random, people: int
) -> list[MatchItem]:
    topics = [concept for concept in vocabulary if concept.kind == "topic"]
    intents = [concept for concept in vocabulary if concept.kind == "intent"]
    # Some concepts are asked about far more than others.
    popularity = [1.0 / (rank + 10) for rank in range(len(topics))]
    rng.shuffle(topics)
    fillers = [
        "".join(rng.choice(FILLER_SYLLABLES) for _ in range(rng.randint(2, 3)))
        for _ in range(20000)
    ]
    items: list[MatchItem] = []
    for number in range(count):
        hebrew = rng.random() < 0.6
        words: list[str] = []
        if rng.random() < 0.3:
            words.append(_term(rng.choice(intents), hebrew, rng))
        for concept in rng.choices(topics, weights=popularity, k=rng.randint(1, 3)):
            words.append(_term(concept, hebrew, rng))
        words.extend(rng.choice(fillers) for _ in range(rng.randint(0, 3)))
        rng.shuffle(words)
        items.append(
            MatchItem(
                id=f"{prefix}{number}",
                text=" ".join(words),
                lang="he" if hebrew else "en",
                person_id=rng.randrange(people),
            )
        )
    return items


def _term(concept: Concept, hebrew: bool, rng: random.Random) -> str:
    terms = (concept.he if hebrew else concept.en) or concept.terms
    term: str = rng.choice(terms)
    if hebrew and rng.random() < 0.5:
        term = rng.choice(HEBREW_PREFIXES) + term
    return term


def synthetic_context(people: int, rng: random.Random) -> Context:
    groups = [f"group-{number}" for number in range(max(1, people // 50))]
    interests = [f"interest-{number}" for number in range(200)]
    persons = [
        PersonContext(
            person_id=person,
            interests=frozenset(rng.sample(interests, rng.randint(0, 3))),
            groups=frozenset(rng.sample(groups, rng.randint(0, 2))),
            closeness=rng.random(),
        )
        for person in range(people)
    ]
    introduced = [(rng.randrange(people), rng.randrange(people)) for _ in range(people // 5)]
    return Context(persons, introduced=introduced)


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def brute_force(
    matcher: Matcher, needs: Sequence[MatchItem], offers: Sequence[MatchItem]
) -> dict[str, list[tuple[float, str]]]:
    """Each need's top K, scored pair by pair in Python with the engine's formula."""
    min_score = matcher.config.min_score
    offer_profiles = [(offer, matcher.profile(offer)) for offer in offers]
    best: dict[str, list[tuple[float, str]]] = {}
    for need in needs:
        profile = matcher.profile(need)
        expanded = matcher.expand(profile.vector)
        scored: list[tuple[float, int]] = []
        for position, (offer, other) in enumerate(offer_profiles):
            if need.person_id is not None and need.person_id == offer.person_id:
                continue
            text = sum(
                weight * expanded.get(feature, 0.0) for feature, weight in other.vector.items()
            )
            score = text * intent_fit(profile.intents, other.intents)
            if score >= min_score:
                scored.append((score, -position))
        best[str(need.id)] = [
            (score, str(offers[-position].id)) for score, position in heapq.nlargest(K, scored)
        ]
    return best


def agreement(
    engine: dict[str, list[tuple[float, str]]], baseline: dict[str, list[tuple[float, str]]]
) -> int:
    """Needs whose top K has the same scores (to float32 precision) in both."""
    return sum(
        1
        for need_id, best in baseline.items()
        if len(best) == len(engine.get(need_id, []))
        and all(
            math.isclose(first, second, rel_tol=1e-4, abs_tol=1e-6)
            for (first, _), (second, _) in zip(best, engine.get(need_id, []), strict=True)
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=5000, help="side of the baseline square")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    vocabulary = Vocabulary.load_default()
    people = max(2, (args.needs + args.offers) // 3)
    offers = synthetic_items(args.offers, "o", vocabulary, rng, people)
    needs = synthetic_items(args.needs, "n", vocabulary, rng, people)
    context = synthetic_context(people, rng)
    config = MatchConfig(workers=args.workers)

    started = time.perf_counter()
    matcher = Matcher(vocabulary, config=config).fit(offers=offers, needs=needs)
    fitted = time.perf_counter()
    table = matcher.rank_all(k=K, context=context)
    ranked = time.perf_counter()
    print(
        f"full recompute {args.needs} needs x {args.offers} offers: "
        f"{ranked - started:.1f} s (fit {fitted - started:.1f} s, rank {ranked - fitted:.1f} s), "
        f"{len(table)} suggestions, peak RSS {peak_rss_mib():.0f} MiB"
    )

    fresh = synthetic_items(200, "new", vocabulary, rng, people)
    timings = []
    for need in fresh:
        begin = time.perf_counter()
        matcher.rank(need, k=K, context=context)
        timings.append(time.perf_counter() - begin)
    timings.sort()
    print(
        f"incremental: one new need against {args.offers} offers, with reasons: "
        f"median {1000 * timings[len(timings) // 2]:.1f} ms, "
        f"p95 {1000 * timings[int(len(timings) * 0.95)]:.1f} ms"
    )
    begin = time.perf_counter()
    matcher.upsert(offers=fresh[:1])
    matcher.rank_offer(fresh[0], k=K, context=context)
    print(
        f"incremental: upsert one offer and rank it against {args.needs} needs: "
        f"{1000 * (time.perf_counter() - begin):.1f} ms"
    )

    side = args.baseline
    if side:
        small_offers, small_needs = offers[:side], needs[:side]
        small = Matcher(vocabulary, config=config).fit(offers=small_offers, needs=small_needs)
        begin = time.perf_counter()
        engine = small.rank_all(k=K)
        engine_seconds = time.perf_counter() - begin
        begin = time.perf_counter()
        baseline = brute_force(small, small_needs, small_offers)
        baseline_seconds = time.perf_counter() - begin
        engine_best: dict[str, list[tuple[float, str]]] = {}
        for need_id, offer_id, score in engine.pairs():
            engine_best.setdefault(str(need_id), []).append((score, str(offer_id)))
        agree = agreement(engine_best, baseline)
        print(
            f"brute force {side} x {side}: {baseline_seconds:.1f} s vs engine "
            f"{engine_seconds:.2f} s: {baseline_seconds / engine_seconds:.0f}x faster; "
            f"same top {K} scores for {agree}/{len(baseline)} needs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
