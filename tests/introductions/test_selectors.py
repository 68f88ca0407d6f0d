import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kesher.introductions import selectors, services
from kesher.introductions.models import Introduction, Suggestion, SuggestionStatus
from kesher.network.models import Need, Offer, TieKind
from kesher.network.services import need_create, offer_create, tie_create
from kesher.people.services import person_archive
from tests.factories import InteractionFactory
from tests.introductions.conftest import make_person

pytestmark = pytest.mark.django_db


def _connected(jeep) -> Introduction:
    introduction = services.suggestion_accept(suggestion=jeep.suggestion(), user=jeep.user)
    services.introduction_propose(introduction=introduction, user=jeep.user)
    for side in ("a", "b"):
        services.introduction_transition(
            introduction=introduction, to="accepted", user=jeep.user, side=side
        )
    return services.introduction_transition(
        introduction=introduction, to="connected", user=jeep.user
    )


def test_suggestion_list_for_a_person_takes_either_side(jeep):
    for person in (jeep.avi, jeep.dror):
        found = selectors.suggestion_list(workspace=jeep.workspace, person=person)
        assert list(found) == [jeep.suggestion()]
    assert list(selectors.suggestion_list(workspace=jeep.workspace, person=jeep.noa)) == []


def test_suggestion_list_leaves_out_archived_people_and_decided_ones(jeep):
    second = need_create(person=jeep.noa, text="Looking for a jeep")
    person_archive(person=jeep.noa)

    assert list(selectors.suggestion_list(workspace=jeep.workspace)) == [jeep.suggestion()]
    assert Suggestion.objects.filter(need=second).count() == 1
    assert list(selectors.suggestion_list(workspace=jeep.workspace, status="dismissed")) == []


def test_suggestion_list_brings_back_snoozed_ones_on_their_day(jeep):
    today = timezone.localdate()
    suggestion = jeep.suggestion()
    suggestion.status = SuggestionStatus.SNOOZED
    suggestion.snoozed_until = today + dt.timedelta(days=2)
    suggestion.save()

    assert list(selectors.suggestion_list(workspace=jeep.workspace, today=today)) == []
    later = selectors.suggestion_list(workspace=jeep.workspace, today=today + dt.timedelta(days=2))
    assert list(later) == [suggestion]
    snoozed = selectors.suggestion_list(workspace=jeep.workspace, status="snoozed")
    assert list(snoozed) == [suggestion]


def test_suggestion_list_costs_one_query_whatever_its_length(jeep, django_assert_num_queries):
    for number in range(3):
        buyer = make_person(jeep.workspace, f"Buyer {number}")
        need_create(person=buyer, text="Looking for a Jeep Wrangler")

    with django_assert_num_queries(1):
        rows = [
            (s.person_a.name, s.person_b.name, s.need and s.need.text, s.offer and s.offer.text)
            for s in selectors.suggestion_list(workspace=jeep.workspace)
        ]

    assert len(rows) == 4


def test_allowed_transitions_follow_the_table(jeep):
    introduction = services.suggestion_accept(suggestion=jeep.suggestion(), user=jeep.user)

    assert selectors.introduction_allowed_transitions(introduction) == ["proposed", "declined"]
    introduction.status = "connected"
    assert selectors.introduction_allowed_transitions(introduction) == ["closed"]
    introduction.status = "closed"
    assert selectors.introduction_allowed_transitions(introduction) == []


def test_introduction_list_filters_by_person_and_status(jeep):
    introduction = services.suggestion_accept(suggestion=jeep.suggestion(), user=jeep.user)

    workspace = jeep.workspace
    assert list(selectors.introduction_list(workspace=workspace, person=jeep.dror)) == [
        introduction
    ]
    assert list(selectors.introduction_list(workspace=workspace, person=jeep.noa)) == []
    assert list(selectors.introduction_list(workspace=workspace, status="proposed")) == []


def test_give_ledger_counts_gives_asks_introductions_deals_and_returns(jeep):
    introduction = _connected(jeep)
    services.introduction_record_outcome(
        introduction=introduction, user=jeep.user, outcome="deal", value="185000"
    )
    InteractionFactory(workspace=jeep.workspace, exchange="ask", exchange_kind="pitch")
    InteractionFactory(workspace=jeep.workspace, exchange="give", exchange_kind="advice")
    services.introduction_return_add(
        introduction=introduction,
        from_person=jeep.avi,
        kind="deal",
        description="Avi ordered 10 chairs",
        value="9000",
        occurred_on=timezone.localdate(),
    )

    ledger = selectors.give_ledger(workspace=jeep.workspace)

    assert (ledger.gives, ledger.asks) == (2, 1)
    assert ledger.gives_by_kind == {"introduction": 1, "advice": 1}
    assert ledger.introductions_made == 1
    assert ledger.introductions_by_status == {"closed": 1}
    assert ledger.deals_between_them == 1
    assert ledger.deal_value_by_currency == {"ILS": Decimal("185000.00")}
    assert [ret.description for ret in ledger.returns] == ["Avi ordered 10 chairs"]
    assert ledger.return_value_by_currency == {"ILS": Decimal("9000.00")}
    assert ledger.candidate_returns == []


def test_people_referred_after_an_introduction_are_candidate_returns(jeep):
    introduction = _connected(jeep)
    orna = make_person(jeep.workspace, "Orna", referred_by=jeep.dror)

    candidates = selectors.give_ledger(workspace=jeep.workspace).candidate_returns
    assert [(c.introduction, c.person, c.referred_by) for c in candidates] == [
        (introduction, orna, jeep.dror)
    ]
    assert selectors.introduction_candidate_returns(introduction=introduction) == [orna]

    services.introduction_return_add(
        introduction=introduction,
        from_person=jeep.dror,
        kind="referral",
        description="Dror sent Orna",
        occurred_on=timezone.localdate(),
        referred_person=orna,
    )

    assert selectors.give_ledger(workspace=jeep.workspace).candidate_returns == []
    introduction = selectors.introduction_get(
        workspace=jeep.workspace, public_id=introduction.public_id
    )
    assert selectors.introduction_candidate_returns(introduction=introduction) == []


def test_people_referred_before_the_introduction_are_not_returns(jeep):
    make_person(jeep.workspace, "Early", referred_by=jeep.dror)
    _connected(jeep)

    assert selectors.give_ledger(workspace=jeep.workspace).candidate_returns == []


def test_closeness_from_ties_friends_of_friends_and_interactions(jeep):
    friend = TieKind.objects.get(workspace=jeep.workspace, code="friend")
    cousin = make_person(jeep.workspace, "Cousin")
    tie_create(workspace=jeep.workspace, person=jeep.dror, other=cousin, kind=friend, trust=3)
    stranger = make_person(jeep.workspace, "Stranger")
    InteractionFactory(workspace=jeep.workspace, participants=[stranger, jeep.avi])

    members = selectors.member_person_ids(workspace=jeep.workspace)
    found = selectors.closeness(workspace=jeep.workspace, members=members)

    assert members == {jeep.me.pk}
    assert found[jeep.me.pk] == 1.0
    assert found[jeep.avi.pk] == 1.0
    assert found[jeep.dror.pk] == 1.0
    # Half the weaker tie: 0.5 × min(1.0, 3/5).
    assert found[cousin.pk] == pytest.approx(0.3)
    assert found[stranger.pk] == pytest.approx(0.1)
    assert jeep.noa.pk not in found
    # A refresh reads only the people it needs, with the same result.
    some = [cousin.pk, stranger.pk, jeep.avi.pk, jeep.noa.pk]
    subset = selectors.closeness(workspace=jeep.workspace, members=members, person_ids=some)
    assert subset == {pk: value for pk, value in found.items() if pk in {*some, jeep.me.pk}}


def test_person_contexts_read_interests_groups_and_events(jeep):
    group = jeep.avi.groups.create(workspace=jeep.workspace, name="Adventure club")

    contexts = selectors.person_contexts(workspace=jeep.workspace, person_ids=[jeep.avi.pk])

    assert len(contexts) == 1
    assert contexts[0].person_id == jeep.avi.pk
    assert contexts[0].interests == frozenset({"טיולי שטח"})
    assert contexts[0].groups == frozenset({group.name})
    assert contexts[0].events == frozenset()
    assert contexts[0].closeness == 1.0


def test_match_items_leave_out_members_archived_people_and_closed_items(jeep):
    closed = offer_create(person=jeep.noa, text="Old desk", status="fulfilled")
    offer_create(person=jeep.me, text="My own chairs")

    offers = selectors.match_items(workspace=jeep.workspace, model=Offer)
    needs = selectors.match_items(workspace=jeep.workspace, model=Need)

    assert [(item.id, item.text, item.tags) for item in offers] == [
        (jeep.offer.pk, "Selling my Jeep Wrangler, 2019", ("jeep",)),
        (jeep.furniture.pk, "Office furniture and chairs", ()),
    ]
    assert [item.person_id for item in needs] == [jeep.avi.pk]
    assert closed.pk not in {item.id for item in offers}


def test_workspace_concepts_become_engine_concepts(workspace):
    services.concept_create(
        workspace=workspace,
        key="solar-roofs",
        label_he="גגות סולאריים",
        terms_he=["פאנלים סולאריים"],
        terms_en=["solar roof"],
        broader="jeep",
        related=["car"],
    )

    (concept,) = selectors.workspace_concepts(workspace=workspace)

    assert concept.id == "solar-roofs"
    assert concept.he == ("גגות סולאריים", "פאנלים סולאריים")
    assert concept.en == ("solar roof",)
    assert concept.related == ("car", "jeep")
