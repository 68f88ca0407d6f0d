"""Referral chains, the business they brought, and each person's referral yield.

A person came into the network through their first referral (the earliest; equal dates go to
the lower referral id); a referral of a referral continues that person's chain. The value of
the business a referral brought counts in full for its referrer (direct) and again for every
referrer further up the chain (via chains), so "the office mover came through the senior
manager" credits the manager with the mover's business and with what the mover's own
referrals bring later.

Yield is the number of distinct people a person referred in referrals that count (the app
decides which outcomes make a quality connection), against the workspace's target.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_TARGET = 6


@dataclass(frozen=True, slots=True)
class Referral:
    """`referrer` brought in `referred` on `on`; `to` is the teammate it was given to."""

    id: int
    referrer: int
    referred: int
    on: dt.date
    value: Decimal = Decimal(0)
    to: int | None = None
    counts: bool = True


@dataclass(frozen=True, slots=True)
class ReferralStats:
    person: int
    given: int
    received: int
    referred_in: int
    direct_value: Decimal
    chain_value: Decimal
    quality_connections: int
    target: int

    @property
    def total_value(self) -> Decimal:
        return self.direct_value + self.chain_value

    @property
    def yield_ratio(self) -> float:
        """Quality connections over the target: 1.0 means the target is met."""
        return self.quality_connections / self.target


class ReferralNetwork:
    def __init__(self, referrals: Iterable[Referral]) -> None:
        self.referrals = sorted(referrals, key=lambda referral: (referral.on, referral.id))
        # The referral that first brought each person in.
        self.entry: dict[int, Referral] = {}
        self.given: dict[int, list[Referral]] = defaultdict(list)
        self.received = Counter(r.to for r in self.referrals if r.to is not None)
        self.referred_in = Counter(r.referred for r in self.referrals)
        for referral in self.referrals:
            if referral.referrer == referral.referred:
                raise ValueError(f"referral {referral.id} refers a person to themselves")
            self.entry.setdefault(referral.referred, referral)
            self.given[referral.referrer].append(referral)

    def chain(self, person: int) -> tuple[Referral, ...]:
        """The referrals that brought `person` in, from the first contact down to them.

        Empty for someone nobody referred. A loop in the data (A referred B, who later
        "referred" A) ends the chain where it would repeat a person.
        """
        links: list[Referral] = []
        seen = {person}
        referral = self.entry.get(person)
        while referral is not None and referral.referrer not in seen:
            links.append(referral)
            seen.add(referral.referrer)
            referral = self.entry.get(referral.referrer)
        return tuple(reversed(links))

    def downstream(self, person: int) -> tuple[tuple[Referral, int], ...]:
        """Every referral descending from `person`, with its depth (1 = theirs), in date order.

        Follows only chains: the referrals made by people whom this person's chain brought in.
        """
        found: list[tuple[Referral, int]] = []
        seen = {person}
        frontier = [(person, 1)]
        while frontier:
            referrer, depth = frontier.pop()
            for referral in self.given.get(referrer, ()):
                found.append((referral, depth))
                arrived = referral.referred
                if self.entry.get(arrived) is referral and arrived not in seen:
                    seen.add(arrived)
                    frontier.append((arrived, depth + 1))
        found.sort(key=lambda item: (item[0].on, item[0].id))
        return tuple(found)

    def stats(self, person: int, *, target: int = DEFAULT_TARGET) -> ReferralStats:
        if target <= 0:
            raise ValueError("the referral target must be positive")
        descending = self.downstream(person)
        mine = self.given.get(person, [])
        return ReferralStats(
            person=person,
            given=len(mine),
            received=self.received[person],
            referred_in=self.referred_in[person],
            direct_value=sum((r.value for r, depth in descending if depth == 1), Decimal(0)),
            chain_value=sum((r.value for r, depth in descending if depth > 1), Decimal(0)),
            quality_connections=len({r.referred for r in mine if r.counts}),
            target=target,
        )

    def all_stats(self, *, target: int = DEFAULT_TARGET) -> dict[int, ReferralStats]:
        """Stats for everyone who gave, received or was referred."""
        people = set(self.given) | set(self.referred_in) | set(self.received)
        return {person: self.stats(person, target=target) for person in sorted(people)}
