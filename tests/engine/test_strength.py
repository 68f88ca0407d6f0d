from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kesher.engine.strength import (
    CHANNELS,
    COMPONENTS,
    Side,
    StrengthConfig,
    Ties,
    Touch,
    compute_strength,
    losing_touch,
    pair_ties,
    tie_strength,
)
from kesher.engine.strength import (
    Interactions as InteractionArrays,
)

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def score_of(touches: list[Touch], **tie: object) -> float:
    return tie_strength(touches, now=NOW, **tie).score  # type: ignore[arg-type]


def component(touches: list[Touch], name: str, **tie: object) -> float:
    explanation = tie_strength(touches, now=NOW, **tie)  # type: ignore[arg-type]
    return {part.name: part.value for part in explanation.components}[name]


def test_recency_halves_at_the_half_life() -> None:
    assert component([Touch(at=NOW, channel="call")], "recency") == 1.0
    assert component([Touch(at=days_ago(90), channel="call")], "recency") == 0.5
    assert component([Touch(at=days_ago(180), channel="call")], "recency") == 0.25


def test_the_half_life_is_the_workspaces_to_set() -> None:
    config = StrengthConfig(half_life_days=30)
    explanation = tie_strength([Touch(at=days_ago(30), channel="call")], now=NOW, config=config)
    assert explanation.components[0].value == 0.5


def test_recency_follows_the_latest_contact_only() -> None:
    touches = [Touch(at=days_ago(360), channel="call"), Touch(at=days_ago(90), channel="call")]
    assert component(touches, "recency") == 0.5


def test_frequency_counts_decayed_contacts_and_saturates() -> None:
    # Decayed count 0.5 + 1 = 1.5 against the default half-saturation of 3.
    touches = [Touch(at=days_ago(90), channel="email"), Touch(at=NOW, channel="email")]
    assert component(touches, "frequency") == pytest.approx(1.5 / 4.5)
    many = [Touch(at=NOW, channel="email")] * 300
    assert component(many, "frequency") == pytest.approx(300 / 303)


def test_one_way_contact_scores_lower_than_reciprocal() -> None:
    one_way = [Touch(at=days_ago(10), channel="call", initiator="a")] * 2
    both = [
        Touch(at=days_ago(10), channel="call", initiator="a"),
        Touch(at=days_ago(10), channel="call", initiator="b"),
    ]
    assert component(one_way, "reciprocity") == 0.0
    assert component(both, "reciprocity") == 1.0
    # Everything else is equal, so the gap is exactly reciprocity's weight (trust unrated).
    assert score_of(both) - score_of(one_way) == pytest.approx(100 * 0.15 / 0.9)


def test_reciprocity_weighs_the_share_each_side_initiates() -> None:
    touches = [
        Touch(at=NOW, channel="call", initiator="a"),
        Touch(at=NOW, channel="call", initiator="a"),
        Touch(at=NOW, channel="call", initiator="b"),
        Touch(at=NOW, channel="call"),
    ]
    assert component(touches, "reciprocity") == pytest.approx(2 / 3)


def test_a_meeting_beats_an_email() -> None:
    meeting = [Touch(at=days_ago(5), channel="meeting")]
    email = [Touch(at=days_ago(5), channel="email")]
    assert component(meeting, "channel") == 1.0
    assert component(email, "channel") == pytest.approx(0.3)
    assert score_of(meeting) - score_of(email) == pytest.approx(100 * 0.10 * 0.7 / 0.9)


def test_channel_is_the_decayed_mean_of_channel_weights() -> None:
    touches = [Touch(at=NOW, channel="meeting"), Touch(at=days_ago(90), channel="email")]
    assert component(touches, "channel") == pytest.approx((1.0 + 0.5 * 0.3) / 1.5)


def test_gives_need_both_directions_for_full_marks() -> None:
    def gives(*sides: str) -> list[Touch]:
        return [
            Touch(at=NOW, channel="message", exchange="give", exchange_by=side)  # type: ignore[arg-type]
            for side in sides
        ]

    assert component(gives("a"), "gives") == 0.25
    assert component(gives("a", "a", "a"), "gives") == pytest.approx(0.75 / 2)
    assert component(gives("a", "b"), "gives") == 0.5
    # Asking does not count as giving.
    ask = [Touch(at=NOW, channel="message", exchange="ask", exchange_by="a")]
    assert component(ask, "gives") == 0.0


def test_duration_counts_from_the_start_date_or_first_contact_whichever_is_earlier() -> None:
    touch = [Touch(at=days_ago(30), channel="call")]
    assert component(touch, "duration", since=dt.date(2024, 6, 1)) == 0.5
    assert component(touch, "duration") == pytest.approx(30 / 395)
    assert component(touch, "duration", since=dt.date(2025, 5, 31)) == pytest.approx(30 / 395)


def test_trust_maps_one_to_five_onto_zero_to_one() -> None:
    assert component([], "trust", trust=1) == 0.0
    assert component([], "trust", trust=4) == 0.75
    assert component([], "trust", trust=5) == 1.0


def test_full_score_by_hand() -> None:
    touches = [
        Touch(at=days_ago(90), channel="meeting", initiator="a", exchange="give", exchange_by="a")
    ]
    explanation = tie_strength(touches, now=NOW, since=dt.date(2024, 6, 1), trust=4)
    # recency 0.5, frequency 0.5/3.5, reciprocity 0, channel 1, duration 365/730,
    # gives (1/2 + 0)/2, trust 3/4; the default weights add up to 1.
    expected = 100 * (
        0.25 * 0.5
        + 0.20 * (0.5 / 3.5)
        + 0.15 * 0
        + 0.10 * 1
        + 0.10 * 0.5
        + 0.10 * 0.25
        + 0.10 * 0.75
    )
    assert explanation.score == pytest.approx(expected)
    assert expected == pytest.approx(40.357142857142854)
    assert [part.name for part in explanation.components] == list(COMPONENTS)
    recency = explanation.components[0]
    assert (recency.value, recency.share, recency.points) == pytest.approx((0.5, 0.25, 12.5))
    assert sum(part.points for part in explanation.components) == pytest.approx(expected)
    assert explanation.channel_counts == {
        "meeting": 1,
        "call": 0,
        "message": 0,
        "email": 0,
        "event": 0,
    }
    assert explanation.window_days == 90
    assert explanation.interactions == 1
    assert explanation.days_since_last == 90
    assert explanation.days_known == 365
    assert explanation.initiated == (1, 0)
    assert explanation.gives == (1, 0)
    assert explanation.asks == (0, 0)
    assert explanation.trust == 4


def test_unrated_trust_drops_out_of_the_average() -> None:
    touches = [Touch(at=NOW, channel="meeting")]
    explanation = tie_strength(touches, now=NOW)
    # recency 1, frequency 1/4, channel 1, duration 0, over the weights without trust.
    assert explanation.score == pytest.approx(100 * (0.25 + 0.20 / 4 + 0.10) / 0.9)
    trust = explanation.components[-1]
    assert (trust.name, trust.value, trust.share, trust.points) == ("trust", 0.0, 0.0, 0.0)
    assert explanation.trust is None


def test_a_tie_without_interactions_scores_from_duration_and_trust_only() -> None:
    explanation = tie_strength([], now=NOW, since=dt.date(2024, 6, 1), trust=5)
    assert explanation.score == pytest.approx(100 * (0.10 * 0.5 + 0.10 * 1.0))
    assert explanation.days_since_last is None
    assert explanation.interactions == 0
    assert explanation.days_known == 365


def test_window_counts_cover_the_last_ninety_days_only() -> None:
    touches = [
        Touch(at=days_ago(91), channel="meeting"),
        Touch(at=days_ago(12), channel="meeting"),
        Touch(at=days_ago(3), channel="meeting"),
        Touch(at=days_ago(1), channel="email"),
    ]
    explanation = tie_strength(touches, now=NOW)
    assert explanation.channel_counts["meeting"] == 2
    assert explanation.channel_counts["email"] == 1
    assert explanation.interactions == 4
    assert explanation.days_since_last == 1


def test_future_contacts_count_as_now_and_time_zones_are_respected() -> None:
    in_israel = dt.datetime(2025, 6, 1, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert component([Touch(at=in_israel, channel="call")], "recency") == 1.0
    assert component([Touch(at=NOW + dt.timedelta(days=2), channel="call")], "recency") == 1.0


def test_decay_velocity_is_the_loss_per_day_over_the_next_thirty_days() -> None:
    explanation = tie_strength([Touch(at=NOW, channel="meeting")], now=NOW)
    fade = 0.5 ** (30 / 90)
    later = 100 * (0.25 * fade + 0.20 * fade / (fade + 3) + 0.10 + 0.10 * 30 / 395) / 0.9
    assert explanation.decay_per_day == pytest.approx((explanation.score - later) / 30)


def bulk(touches: list[Touch], ties: list[tuple[dt.date | None, int | None]]):  # type: ignore[no-untyped-def]
    return compute_strength(InteractionArrays.from_touches(touches), Ties.from_rows(ties), now=NOW)


def test_bulk_and_incremental_agree() -> None:
    touches = [
        Touch(at=days_ago(3), channel="meeting", initiator="a", tie=0),
        Touch(at=days_ago(40), channel="call", initiator="b", tie=1),
        Touch(
            at=days_ago(200),
            channel="email",
            initiator="a",
            exchange="give",
            exchange_by="b",
            tie=1,
        ),
        Touch(at=days_ago(7), channel="event", tie=2),
    ]
    ties: list[tuple[dt.date | None, int | None]] = [
        (None, 3),
        (dt.date(2020, 1, 1), None),
        (None, None),
        (dt.date(2025, 1, 1), 2),
    ]
    result = bulk(touches, ties)
    assert len(result) == 4
    for index, (since, trust) in enumerate(ties):
        own = [touch for touch in touches if touch.tie == index]
        single = tie_strength(own, now=NOW, since=since, trust=trust)
        assert result.explain(index) == single
        assert result.score[index] == single.score


def test_losing_touch_lists_strong_ties_fading_fastest() -> None:
    sides: tuple[Side, Side] = ("a", "b")
    recent = [Touch(at=NOW, channel="meeting", initiator=side, tie=0) for side in sides]
    fading = [Touch(at=days_ago(60), channel="meeting", initiator=side, tie=1) for side in sides]
    weak = [Touch(at=days_ago(400), channel="email", tie=2)]
    rated_only: list[Touch] = []
    result = bulk(
        recent + fading + weak + rated_only,
        [(None, 5), (None, 5), (None, None), (dt.date(2020, 1, 1), 5)],
    )
    assert result.velocity[0] > result.velocity[1] > 0
    # The tie with no contact at all only grows older: it is not losing strength.
    assert result.velocity[3] < 0
    assert losing_touch(result, min_score=40).tolist() == [0, 1]
    assert losing_touch(result, min_score=40, limit=1).tolist() == [0]
    assert losing_touch(result, min_score=100).tolist() == []


def test_pair_ties_finds_ties_in_either_order() -> None:
    tie_a = np.array([1, 7, 3])
    tie_b = np.array([2, 4, 9])
    found = pair_ties(tie_a, tie_b, np.array([2, 4, 3, 5]), np.array([1, 7, 9, 6]))
    assert found.tolist() == [0, 1, 2, -1]
    assert pair_ties(
        np.array([], dtype=int), np.array([], dtype=int), np.array([1]), np.array([2])
    ).tolist() == [-1]


def test_interaction_arrays_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        InteractionArrays.from_touches([Touch(at=NOW, channel="fax")])
    touches = InteractionArrays.from_touches([Touch(at=NOW, channel="call", tie=3)])
    with pytest.raises(ValueError, match="tie indices"):
        compute_strength(touches, Ties.from_rows([(None, None)]), now=NOW)
    with pytest.raises(ValueError, match="trust"):
        Ties(since=np.array(["NaT"], dtype="datetime64[D]"), trust=np.array([6]))


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="half_life_days"):
        StrengthConfig(half_life_days=0)
    with pytest.raises(ValueError, match="channel_weights"):
        StrengthConfig(channel_weights={"meeting": 1.0})
    with pytest.raises(ValueError, match="weights"):
        StrengthConfig(weights=dict.fromkeys(COMPONENTS, 0.0))
    assert StrengthConfig().channel_vector().tolist() == [1.0, 0.7, 0.4, 0.3, 0.5]
    assert len(CHANNELS) == 5
