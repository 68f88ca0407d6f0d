from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kesher.engine.referrals import Referral, ReferralNetwork, ReferralStats

MANAGER, MOVER, NEIGHBOUR, CATERER, NETWORKER, OTHER = 1, 2, 3, 4, 10, 11

# The senior manager (met at the networking event) referred the new office mover, who
# referred a neighbour, who referred a caterer.
STORY = [
    Referral(1, MANAGER, MOVER, dt.date(2025, 3, 1), Decimal("50000"), to=NETWORKER),
    Referral(2, MOVER, NEIGHBOUR, dt.date(2025, 5, 1), Decimal("20000"), to=NETWORKER),
    Referral(3, NEIGHBOUR, CATERER, dt.date(2025, 6, 1), Decimal("10000"), to=OTHER),
]


def test_a_chain_runs_from_the_first_contact_to_the_latest() -> None:
    network = ReferralNetwork(STORY)
    assert [(r.referrer, r.referred) for r in network.chain(CATERER)] == [
        (MANAGER, MOVER),
        (MOVER, NEIGHBOUR),
        (NEIGHBOUR, CATERER),
    ]
    assert [r.id for r in network.chain(MOVER)] == [1]
    assert network.chain(MANAGER) == ()


def test_value_is_attributed_up_the_chain() -> None:
    network = ReferralNetwork(STORY)
    manager = network.stats(MANAGER)
    assert (manager.direct_value, manager.chain_value) == (Decimal("50000"), Decimal("30000"))
    assert manager.total_value == Decimal("80000")
    mover = network.stats(MOVER)
    assert (mover.direct_value, mover.chain_value) == (Decimal("20000"), Decimal("10000"))
    caterer = network.stats(CATERER)
    assert (caterer.direct_value, caterer.chain_value) == (Decimal(0), Decimal(0))
    # Each deal counts once for every referrer above it.
    total = sum(stats.total_value for stats in network.all_stats().values())
    assert total == Decimal("50000") * 1 + Decimal("20000") * 2 + Decimal("10000") * 3


def test_downstream_lists_the_chain_below_a_person_with_depths() -> None:
    network = ReferralNetwork(STORY)
    assert [(r.id, depth) for r, depth in network.downstream(MANAGER)] == [(1, 1), (2, 2), (3, 3)]
    assert [(r.id, depth) for r, depth in network.downstream(NEIGHBOUR)] == [(3, 1)]


def test_only_the_first_referral_brings_a_person_in() -> None:
    later = Referral(4, OTHER, MOVER, dt.date(2025, 4, 1), Decimal("999"))
    network = ReferralNetwork([*STORY, later])
    assert [r.id for r in network.chain(NEIGHBOUR)] == [1, 2]
    # The later referral is OTHER's own business, but the mover's chain stays the manager's.
    assert network.stats(OTHER).direct_value == Decimal("999")
    assert network.stats(OTHER).chain_value == Decimal(0)
    assert network.stats(MOVER).referred_in == 2
    assert network.stats(MANAGER).chain_value == Decimal("30000")


def test_stats_count_given_received_and_referred_in() -> None:
    stats = ReferralNetwork(STORY).all_stats()
    assert sorted(stats) == [MANAGER, MOVER, NEIGHBOUR, CATERER, NETWORKER, OTHER]
    assert stats[NETWORKER] == ReferralStats(
        person=NETWORKER,
        given=0,
        received=2,
        referred_in=0,
        direct_value=Decimal(0),
        chain_value=Decimal(0),
        quality_connections=0,
        target=6,
    )
    assert (stats[MOVER].given, stats[MOVER].referred_in, stats[MOVER].received) == (1, 1, 0)


def test_referral_yield_counts_distinct_quality_connections_against_the_target() -> None:
    referrals = [
        Referral(i, MANAGER, 100 + i, dt.date(2025, 1, i), counts=i != 5) for i in range(1, 8)
    ]
    # Referring the same person twice is one connection.
    referrals.append(Referral(8, MANAGER, 101, dt.date(2025, 2, 1)))
    network = ReferralNetwork(referrals)
    stats = network.stats(MANAGER)
    assert (stats.given, stats.quality_connections) == (8, 6)
    assert stats.yield_ratio == 1.0
    assert network.stats(MANAGER, target=12).yield_ratio == 0.5
    with pytest.raises(ValueError, match="target"):
        network.stats(MANAGER, target=0)


def test_loops_in_the_data_end_the_chain() -> None:
    network = ReferralNetwork(
        [
            Referral(1, MANAGER, MOVER, dt.date(2025, 1, 1), Decimal(10)),
            Referral(2, MOVER, MANAGER, dt.date(2025, 2, 1), Decimal(5)),
        ]
    )
    assert [r.id for r in network.chain(MOVER)] == [1]
    assert [r.id for r in network.chain(MANAGER)] == [2]
    assert [(r.id, depth) for r, depth in network.downstream(MANAGER)] == [(1, 1), (2, 2)]


def test_self_referrals_are_rejected() -> None:
    with pytest.raises(ValueError, match="themselves"):
        ReferralNetwork([Referral(1, MANAGER, MANAGER, dt.date(2025, 1, 1))])
