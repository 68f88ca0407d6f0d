"""The arithmetic of the value-based pipeline: start-small advice for first deals (seed 004),
what a customer may want next (up-sale from won deals), and the report figures.

Pure Python: amounts are Decimal, products and customers are opaque hashable ids.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Literal

# Below this many past first deals their median says little: the workspace threshold is used.
MIN_FIRST_DEALS = 5
DEFAULT_FACTOR = Decimal(2)

AdviceBasis = Literal["median", "threshold"]


@dataclass(frozen=True, slots=True)
class Advice:
    """A first deal that looks oversized, and the smaller first step suggested instead."""

    amount: Decimal
    # What the amount was compared with: the median of past first deals, or the threshold.
    basis: AdviceBasis
    reference: Decimal
    # The amount above which a first deal counts as oversized (factor × median, or threshold).
    limit: Decimal
    suggested: Decimal
    sample_size: int


def round_number(value: Decimal) -> Decimal:
    """A round figure near `value` to suggest to a person: two significant digits, so
    12,340 → 12,000 and 1,860 → 1,900 (at least 1)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted() - 1
    step = Decimal(10) ** max(exponent, 0)
    rounded = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return max(rounded.quantize(Decimal(1)), Decimal(1))


def median_amount(amounts: Iterable[Decimal]) -> Decimal | None:
    values = sorted(Decimal(amount) for amount in amounts)
    if not values:
        return None
    return Decimal(median(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def first_deal_advice(
    amount: Decimal,
    first_deal_amounts: Sequence[Decimal],
    threshold: Decimal | None = None,
    factor: Decimal | float = DEFAULT_FACTOR,
) -> Advice | None:
    """Advice when a customer's first deal is oversized, else None.

    With at least MIN_FIRST_DEALS past first deals (in the deal's currency), the deal is
    oversized above `factor` × their median, and the suggestion is that median, rounded.
    With fewer, the workspace's `threshold` decides (no threshold: no advice) and the
    suggestion is the threshold's half, rounded.
    """
    amount = Decimal(amount)
    factor = Decimal(str(factor))
    if len(first_deal_amounts) >= MIN_FIRST_DEALS:
        reference = median_amount(first_deal_amounts)
        assert reference is not None
        limit = (reference * factor).quantize(Decimal("0.01"))
        if reference <= 0 or amount <= limit:
            return None
        return Advice(
            amount=amount,
            basis="median",
            reference=reference,
            limit=limit,
            suggested=round_number(reference),
            sample_size=len(first_deal_amounts),
        )
    if threshold is None or amount <= threshold:
        return None
    return Advice(
        amount=amount,
        basis="threshold",
        reference=Decimal(threshold),
        limit=Decimal(threshold),
        suggested=round_number(Decimal(threshold) / 2),
        sample_size=len(first_deal_amounts),
    )


@dataclass(frozen=True, slots=True)
class NextOffer:
    product: Hashable
    # How many customers bought it right after something this customer bought (0: catalogue).
    followers: int
    basis: Literal["history", "catalogue"]


def next_offers(
    histories: Iterable[Sequence[Hashable]],
    current_products: Sequence[Hashable],
    limit: int = 3,
    catalogue: Sequence[tuple[Hashable, Decimal | None]] = (),
) -> list[NextOffer]:
    """What this customer may want next.

    `histories` holds each customer's products in the order their deals were won; every step
    a → b in one counts as "b was bought next after a". The offers are the products most often
    bought next after what this customer bought (`current_products`), not already bought;
    ties by the product first seen. Fewer than `limit`? The rest comes from the `catalogue`
    (active products with their prices), cheapest first, without a price last.
    """
    if limit <= 0:
        return []
    bought = set(current_products)
    followers: Counter[Hashable] = Counter()
    first_seen: dict[Hashable, int] = {}
    for history in histories:
        for before, after in itertools.pairwise(history):
            first_seen.setdefault(after, len(first_seen))
            if before in bought and after not in bought and before != after:
                followers[after] += 1
    ranked = sorted(followers.items(), key=lambda item: (-item[1], first_seen[item[0]]))
    offers = [
        NextOffer(product=product, followers=count, basis="history")
        for product, count in ranked[:limit]
    ]
    chosen = bought | {offer.product for offer in offers}
    by_price = sorted(
        (entry for entry in enumerate(catalogue) if entry[1][0] not in chosen),
        key=lambda entry: (entry[1][1] is None, entry[1][1] or Decimal(0), entry[0]),
    )
    for _index, (product, _price) in by_price:
        if len(offers) >= limit:
            break
        offers.append(NextOffer(product=product, followers=0, basis="catalogue"))
        chosen.add(product)
    return offers


# Report arithmetic.


@dataclass(frozen=True, slots=True)
class Ratio:
    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        """The part in percent of the whole, to one decimal; None when there is no whole."""
        if self.whole == 0:
            return None
        return (Decimal(100 * self.part) / Decimal(self.whole)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def conversion_by_disposition(
    closed: Iterable[tuple[str, str, int]],
) -> dict[str, Ratio]:
    """For closed deals counted as (disposition, status, count): won out of closed per
    disposition. A deal walked away from counts as closed: staying engaged is what converts
    (seed 003)."""
    won: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for disposition, status, count in closed:
        if status == "open":
            continue
        total[disposition] += count
        if status == "won":
            won[disposition] += count
    return {disposition: Ratio(won[disposition], total[disposition]) for disposition in total}


@dataclass(frozen=True, slots=True)
class LossOwnership:
    outward: Ratio
    owned: Ratio


def loss_ownership(categories: Iterable[str], outward: Iterable[str]) -> LossOwnership:
    """How many reviewed losses were explained outward (customer, company, market) and how many
    owned, each out of all reviewed losses."""
    outward_set = set(outward)
    outward_count = owned_count = 0
    for category in categories:
        if not category:
            continue
        if category in outward_set:
            outward_count += 1
        else:
            owned_count += 1
    whole = outward_count + owned_count
    return LossOwnership(outward=Ratio(outward_count, whole), owned=Ratio(owned_count, whole))


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    count: int
    average: Decimal | None


def score_summary(scores: Iterable[int]) -> ScoreSummary:
    values = list(scores)
    if not values:
        return ScoreSummary(count=0, average=None)
    average = (Decimal(sum(values)) / Decimal(len(values))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return ScoreSummary(count=len(values), average=average)
