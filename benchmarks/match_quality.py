"""Matching quality on a labelled need ↔ offer set (format: ../shared/eval/README.md).

    python -m benchmarks.match_quality [--dataset FILE.jsonl] [-v]

Every need is ranked against every offer of the file with the default vocabulary and no model;
prints `hit@5=… MRR=…` (and, with -v, each need whose first relevant offer is not first).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kesher.engine.matching import Matcher, MatchItem

# The shared folder sits beside the repository (as in CI) or at its usual place.
DEV_SET_CANDIDATES = (
    Path(__file__).resolve().parents[2] / "shared" / "eval" / "matching_dev.jsonl",
    Path("/work/shared/eval/matching_dev.jsonl"),
)
DEFAULT_DATASET = next(
    (path for path in DEV_SET_CANDIDATES if path.exists()), DEV_SET_CANDIDATES[-1]
)
HIT_AT = 5


@dataclass(frozen=True, slots=True)
class Need:
    item: MatchItem
    relevant: frozenset[str]


@dataclass(frozen=True, slots=True)
class Miss:
    need: MatchItem
    rank: int | None
    ranked: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Quality:
    hit_at_5: float
    mrr: float
    misses: tuple[Miss, ...]


def load(path: Path) -> tuple[list[MatchItem], list[Need]]:
    offers: list[MatchItem] = []
    needs: list[Need] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        item = MatchItem(id=str(row["id"]), text=str(row["text"]), lang=row.get("lang"))
        if row["kind"] == "offer":
            offers.append(item)
        elif row["kind"] == "need":
            needs.append(Need(item, frozenset(str(offer) for offer in row["relevant"])))
        else:
            raise ValueError(
                f"{path}:{number}: kind must be 'need' or 'offer', not {row['kind']!r}"
            )
    return offers, needs


def evaluate(offers: Sequence[MatchItem], needs: Sequence[Need]) -> Quality:
    matcher = Matcher().fit(offers=offers, needs=[need.item for need in needs])
    hits = 0
    reciprocal = 0.0
    misses: list[Miss] = []
    for need in needs:
        ranked = tuple(
            str(suggestion.offer_id)
            for suggestion in matcher.rank(need.item, k=len(offers), explain=False)
        )
        rank = next(
            (position for position, offer in enumerate(ranked, 1) if offer in need.relevant), None
        )
        if rank is not None:
            reciprocal += 1.0 / rank
            hits += rank <= HIT_AT
        if rank != 1:
            misses.append(Miss(need.item, rank, ranked[:HIT_AT]))
    count = max(1, len(needs))
    return Quality(hits / count, reciprocal / count, tuple(misses))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("-v", "--verbose", action="store_true", help="list needs not ranked first")
    args = parser.parse_args(argv)
    if not args.dataset.exists():
        parser.error(f"{args.dataset} does not exist: pass --dataset FILE.jsonl")
    offers, needs = load(args.dataset)
    quality = evaluate(offers, needs)
    if args.verbose:
        texts = {offer.id: offer.text for offer in offers}
        for miss in quality.misses:
            where = f"rank {miss.rank}" if miss.rank else "not ranked"
            print(f"{miss.need.id} ({where}): {miss.need.text}")
            for offer in miss.ranked:
                print(f"    {offer}: {texts[offer]}")
    print(f"hit@5={quality.hit_at_5:.3f} MRR={quality.mrr:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
