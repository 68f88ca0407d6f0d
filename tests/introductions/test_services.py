import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kesher.core.exceptions import ConflictError
from kesher.introductions import matchmaking, services
from kesher.introductions.drafts import draft_subject
from kesher.introductions.matchmaking import matcher_cache, suggestions_refresh_for
from kesher.introductions.models import (
    Introduction,
    IntroductionStatus,
    LearnedPair,
    MatchRunStatus,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from kesher.introductions.selectors import suggestion_list
from kesher.introductions.services import IntroductionTransitionError
from kesher.network.models import Interaction, NeedOfferStatus, TieKind
from kesher.network.services import (
    need_create,
    need_update,
    offer_create,
    offer_update,
    tie_create,
)
from tests.introductions.conftest import make_person

pytestmark = pytest.mark.django_db

MESSAGE_TO_AVI = "\n".join(
    [
        "היי אבי,",
        "",
        "חשבתי עליך בעקבות מה ששיתפת אותי: „מחפש לקנות ג'יפ רנגלר”.",
        # What is written the other way from the message is isolated (FSI … PDI).
        "יש לי היכרות טובה עם דרור אזולאי, והנה ההצעה של דרור: "
        "„\u2068Selling my Jeep Wrangler, 2019\u2069”.",
        "",
        "יש לכם גם מכנה משותף: טיולי שטח.",
        "",
        "נראה לי ששווה לכם לדבר. מתאים לך שאכיר ביניכם? אעביר את פרטי הקשר שלך רק אחרי ששניכם "
        "תגידו כן — ואם זה לא הזמן, זה לגמרי בסדר.",
        "",
        "{sender}",
    ]
)

MESSAGE_TO_DROR = "\n".join(
    [
        "Hi Dror,",
        "",
        "I know Avi Rosen (\u2068סמנכ״ל תפעול\u2069) well. Avi is looking for this: "
        '"\u2068מחפש לקנות ג\'יפ רנגלר\u2069".',
        'It sounds just like what you offer: "Selling my Jeep Wrangler, 2019".',
        "",
        "You also share \u2068טיולי שטח\u2069.",
        "",
        "I think you two should talk. Would you like me to introduce you? I'll only pass on your "
        "contact details once you have both said yes — and if now isn't a good time, that's "
        "completely fine.",
        "",
        "{sender}",
    ]
)


def _kinds(suggestion):
    return [(reason["kind"], reason["left"], reason["right"]) for reason in suggestion.reasons]


def _proposed(jeep):
    introduction = services.suggestion_accept(suggestion=jeep.suggestion(), user=jeep.user)
    return services.introduction_propose(introduction=introduction, user=jeep.user)


# Suggestions kept up to date.


def test_a_new_need_and_offer_are_suggested_with_their_reasons(jeep):
    suggestion = jeep.suggestion()

    assert suggestion.kind == SuggestionKind.NEED_OFFER
    assert (suggestion.person_a, suggestion.person_b) == (jeep.avi, jeep.dror)
    assert suggestion.status == SuggestionStatus.OPEN
    assert suggestion.score == pytest.approx(1.15)
    assert _kinds(suggestion) == [
        ("concept", "ג'יפ", "Jeep Wrangler"),
        ("intent", "trade", "trade"),
        ("shared_interest", "טיולי שטח", "טיולי שטח"),
        ("knows_both", "", ""),
    ]
    assert suggestion.reasons[0]["concept"] == "jeep"
    assert not Suggestion.objects.filter(offer=jeep.furniture).exists()


def test_closing_an_offer_clears_its_open_suggestions(jeep):
    offer_update(offer=jeep.offer, text=jeep.offer.text, status=NeedOfferStatus.FULFILLED)

    assert not Suggestion.objects.filter(offer=jeep.offer).exists()


def test_editing_a_need_replaces_its_suggestions(jeep):
    need_update(need=jeep.need, text="Looking for office chairs")

    assert list(Suggestion.objects.filter(need=jeep.need).values_list("offer", flat=True)) == [
        jeep.furniture.pk
    ]


def test_a_members_own_needs_and_offers_are_not_introductions(jeep):
    mine = offer_create(person=jeep.me, text="Selling a Jeep Wrangler too")

    assert not Suggestion.objects.filter(offer=mine).exists()


def test_expired_needs_are_not_suggested(jeep):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    need = need_create(person=jeep.noa, text="Looking for a jeep", expires_on=yesterday)

    assert not Suggestion.objects.filter(need=need).exists()


def test_refresh_in_a_cold_process_over_the_limit_is_handed_to_the_worker(jeep):
    """Tests run tasks inline, so the hand-over's result is there at once."""
    Suggestion.objects.all().delete()
    matcher_cache.clear()

    result = suggestions_refresh_for(need=jeep.need, fit_limit=0)

    assert result == "deferred"
    assert list(Suggestion.objects.values_list("need", "offer")) == [(jeep.need.pk, jeep.offer.pk)]


def test_recompute_keeps_decisions_and_drops_stale_open_suggestions(jeep):
    jeep.suggestion().delete()
    chairs = need_create(person=jeep.avi, text="Looking for office chairs")
    dismissed = Suggestion.objects.get(need=chairs, offer=jeep.furniture)
    services.suggestion_dismiss(suggestion=dismissed, user=jeep.user)
    Suggestion.objects.create(
        workspace=jeep.workspace,
        kind=SuggestionKind.SHARED_INTEREST,
        person_a=jeep.avi,
        person_b=jeep.noa,
        score=0.5,
    )

    count = services.suggestions_recompute(workspace=jeep.workspace)

    # What waits for the user: the dismissed pair was found again but stays dismissed.
    assert count == 1
    rows = Suggestion.objects.order_by("id").values_list("need", "offer", "status")
    assert list(rows) == [
        (chairs.pk, jeep.furniture.pk, SuggestionStatus.DISMISSED),
        (jeep.need.pk, jeep.offer.pk, SuggestionStatus.OPEN),
    ]


def test_recompute_suggests_people_with_common_ground_who_do_not_know_each_other(jeep):
    group = jeep.avi.groups.create(workspace=jeep.workspace, name="Adventure club")
    jeep.noa.groups.add(group)
    jeep.noa.interests.add(*jeep.avi.interests.all())
    # The user must know both to introduce them.
    friend = TieKind.objects.get(workspace=jeep.workspace, code="friend")
    tie_create(workspace=jeep.workspace, person=jeep.me, other=jeep.noa, kind=friend, trust=3)

    services.suggestions_recompute(workspace=jeep.workspace)

    shared = Suggestion.objects.get(kind=SuggestionKind.SHARED_INTEREST)
    low, high = sorted([jeep.avi, jeep.noa], key=lambda person: person.pk)
    assert (shared.person_a, shared.person_b) == (low, high)
    assert shared.score == pytest.approx(0.35)
    assert _kinds(shared) == [
        ("shared_group", "Adventure club", "Adventure club"),
        ("shared_interest", "טיולי שטח", "טיולי שטח"),
    ]


# Accept, snooze, dismiss.


def test_accept_makes_an_introduction_with_a_draft_per_language(jeep):
    suggestion = jeep.suggestion()

    introduction = services.suggestion_accept(suggestion=suggestion, user=jeep.user)

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.decided_by == jeep.user
    assert introduction.status == IntroductionStatus.SUGGESTED
    assert (introduction.person_a, introduction.person_b) == (jeep.avi, jeep.dror)
    assert (introduction.need, introduction.offer) == (jeep.need, jeep.offer)
    assert introduction.suggestion == suggestion
    assert introduction.message_a == MESSAGE_TO_AVI.format(sender=jeep.user.display_name)
    assert introduction.message_b == MESSAGE_TO_DROR.format(sender=jeep.user.display_name)


def test_a_name_written_the_other_way_is_isolated_in_the_draft_and_its_subject(jeep):
    rinat = make_person(jeep.workspace, "רינת מזרחי", title="רואת חשבון", language="he")

    introduction = services.introduction_create(
        workspace=jeep.workspace, user=jeep.user, person_a=jeep.dror, person_b=rinat
    )

    # To Dror, in English: her name and title (she has no English name) keep their order.
    assert "I know \u2068רינת מזרחי\u2069 (\u2068רואת חשבון\u2069) well" in (introduction.message_a)
    assert introduction.message_a.startswith("Hi Dror,\n")
    # To Rinat, in Hebrew: Dror is named in Hebrew (his other name), so nothing to isolate.
    assert "יש לי היכרות טובה עם דרור אזולאי, ונראה לי שתיהנו להכיר." in introduction.message_b
    assert draft_subject(recipient=jeep.dror, other=rinat) == (
        "An introduction: \u2068רינת מזרחי\u2069?"
    )
    assert draft_subject(recipient=rinat, other=jeep.dror) == "היכרות עם דרור אזולאי?"


def test_accept_twice_is_a_conflict(jeep):
    suggestion = jeep.suggestion()
    services.suggestion_accept(suggestion=suggestion, user=jeep.user)

    with pytest.raises(ConflictError) as error:
        services.suggestion_accept(suggestion=suggestion, user=jeep.user)

    assert error.value.code == "suggestion_decided"
    assert Introduction.objects.count() == 1


def test_snooze_hides_a_suggestion_for_a_week_by_default(jeep):
    today = timezone.localdate()

    suggestion = services.suggestion_snooze(suggestion=jeep.suggestion(), user=jeep.user)

    assert suggestion.status == SuggestionStatus.SNOOZED
    assert suggestion.snoozed_until == today + dt.timedelta(days=7)
    assert list(suggestion_list(workspace=jeep.workspace)) == []
    back = suggestion_list(workspace=jeep.workspace, today=today + dt.timedelta(days=7))
    assert list(back) == [suggestion]


def test_snooze_until_today_is_refused(jeep):
    with pytest.raises(ValidationError) as error:
        services.suggestion_snooze(
            suggestion=jeep.suggestion(), user=jeep.user, until=timezone.localdate()
        )

    assert error.value.message_dict == {"until": ["Snooze until a day after today."]}
    assert jeep.suggestion().status == SuggestionStatus.OPEN


def test_dismiss_keeps_the_reason_and_the_pair_never_comes_back(jeep):
    suggestion = services.suggestion_dismiss(
        suggestion=jeep.suggestion(), user=jeep.user, reason="He already bought one"
    )

    services.suggestions_recompute(workspace=jeep.workspace)

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DISMISSED
    assert suggestion.dismiss_reason == "He already bought one"
    assert list(suggestion_list(workspace=jeep.workspace)) == []


# Learning from decisions changes later rankings.


def test_accepting_a_suggestion_ranks_the_learned_words_higher_later(workspace, user):
    people = [make_person(workspace, f"Person {number}") for number in range(5)]
    first_need = need_create(person=people[0], text="zorblax widgets")
    first_offer = offer_create(person=people[1], text="quux widgets")
    need = need_create(person=people[2], text="need a zorblax")
    offer_create(person=people[3], text="zorblax museum tickets")
    before = list(Suggestion.objects.filter(need=need).values_list("offer__text", flat=True))

    accepted = Suggestion.objects.get(need=first_need, offer=first_offer)
    services.suggestion_accept(suggestion=accepted, user=user)
    services.suggestions_recompute(workspace=workspace)

    after = Suggestion.objects.filter(need=need).order_by("-score")
    assert before == ["zorblax museum tickets"]
    assert [row.offer.text for row in after] == ["quux widgets", "zorblax museum tickets"]
    assert after[0].reasons[0] == {
        "kind": "learned",
        "left": "zorblax",
        "right": "quux",
        "concept": None,
        "other_concept": None,
        "weight": after[0].reasons[0]["weight"],
        "count": 1,
    }
    pair = LearnedPair.objects.get(need_feature="t:zorblax", offer_feature="t:quux")
    assert (pair.accepted, pair.rejected, pair.need_term, pair.offer_term) == (
        1,
        0,
        "zorblax",
        "quux",
    )


def test_dismissing_a_suggestion_lowers_similar_pairs_later(workspace, user):
    people = [make_person(workspace, f"Person {number}") for number in range(4)]
    first_need = need_create(person=people[0], text="Looking for a used jeep")
    first_offer = offer_create(person=people[1], text="Selling an SUV")
    need = need_create(person=people[2], text="Need a jeep")
    offer = offer_create(person=people[3], text="SUV for sale")
    before = Suggestion.objects.get(need=need, offer=offer)

    dismissed = Suggestion.objects.get(need=first_need, offer=first_offer)
    services.suggestion_dismiss(suggestion=dismissed, user=user)
    services.suggestions_recompute(workspace=workspace)

    assert before.score == pytest.approx(0.225)
    assert _kinds(before) == [("related", "jeep", "SUV")]
    # jeep ↔ SUV (a vocabulary neighbour) was weakened: the similar pair falls below the bar.
    assert not Suggestion.objects.filter(need=need, offer=offer).exists()
    pair = LearnedPair.objects.get(need_feature="c:jeep", offer_feature="c:suv")
    assert (pair.accepted, pair.rejected) == (0, 1)
    assert pair.weight < 0


# The workspace's vocabulary.


def test_a_workspace_concept_makes_a_new_pair_match(workspace, user):
    avi, dror = make_person(workspace, "Avi"), make_person(workspace, "Dror")
    need = need_create(person=avi, text="מחפש זורבלקס")
    offer = offer_create(person=dror, text="Selling a zorblax")
    assert not Suggestion.objects.filter(need=need, offer=offer).exists()

    services.concept_create(
        workspace=workspace, key="zorblax", terms_he=["זורבלקס"], terms_en=["zorblax"]
    )
    services.suggestions_recompute(workspace=workspace)

    suggestion = Suggestion.objects.get(need=need, offer=offer)
    assert _kinds(suggestion)[0] == ("concept", "זורבלקס", "zorblax")
    assert suggestion.reasons[0]["concept"] == "zorblax"


def test_concept_validation_says_what_to_fix(workspace):
    services.concept_create(workspace=workspace, key="solar-roofs", terms_en=["solar roof"])

    with pytest.raises(ValidationError) as error:
        services.concept_create(
            workspace=workspace,
            key="solar-roofs",
            related=["no-such-concept"],
            broader="nothing-here",
        )

    assert error.value.message_dict == {
        "key": [
            "This workspace already has a concept “solar-roofs”: edit it, or choose another key."
        ],
        "terms_he": [
            "Give the concept at least one term, in Hebrew or in English, that people write."
        ],
        "related": ["Unknown related concepts: no-such-concept. Use ids of existing concepts."],
        "broader": ["Unknown broader concept “nothing-here”. Use the id of an existing concept."],
    }


def test_concept_key_must_be_a_short_latin_id(workspace):
    with pytest.raises(ValidationError) as error:
        services.concept_create(workspace=workspace, key="פאנלים", terms_he=["פאנל"])

    assert list(error.value.message_dict) == ["key"]


def test_a_concept_others_point_to_cannot_be_deleted(workspace):
    roofs = services.concept_create(workspace=workspace, key="roofs", terms_en=["roof"])
    services.concept_create(
        workspace=workspace, key="solar-roofs", terms_en=["solar roof"], broader="roofs"
    )

    with pytest.raises(ConflictError) as error:
        services.concept_delete(concept=roofs)

    assert (
        error.value.message == "Other concepts point to “roofs” (solar-roofs): change them first."
    )


# The introduction workflow.


def test_propose_logs_a_give_with_both_people(jeep):
    introduction = _proposed(jeep)

    assert introduction.status == IntroductionStatus.PROPOSED
    assert introduction.proposed_at is not None
    give = introduction.give
    assert give is not None
    assert (give.exchange, give.exchange_kind, give.channel) == (
        Interaction.Exchange.GIVE,
        Interaction.ExchangeKind.INTRODUCTION,
        Interaction.Channel.MESSAGE,
    )
    assert set(give.participants.all()) == {jeep.avi, jeep.dror}
    assert give.logged_by == jeep.user
    assert mail.outbox == []


def test_propose_can_email_each_person_their_message(jeep):
    introduction = services.suggestion_accept(suggestion=jeep.suggestion(), user=jeep.user)

    services.introduction_propose(introduction=introduction, user=jeep.user, send_email=True)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["avi@example.com"], "היכרות עם דרור אזולאי?"),
        (["dror@example.com"], "An introduction: Avi Rosen?"),
    ]
    assert mail.outbox[0].body == introduction.message_a
    assert mail.outbox[1].body == introduction.message_b


def test_double_opt_in_needs_both_yeses_then_connect_and_close_with_a_deal(jeep):
    introduction = _proposed(jeep)

    services.introduction_transition(
        introduction=introduction, to="accepted", user=jeep.user, side="a"
    )
    assert introduction.status == IntroductionStatus.PROPOSED
    assert introduction.a_accepted_at is not None
    assert introduction.b_accepted_at is None

    services.introduction_transition(
        introduction=introduction, to="accepted", user=jeep.user, side="b"
    )
    assert introduction.status == IntroductionStatus.ACCEPTED
    assert introduction.accepted_at is not None

    services.introduction_transition(introduction=introduction, to="connected", user=jeep.user)
    services.introduction_record_outcome(
        introduction=introduction,
        user=jeep.user,
        outcome="deal",
        value="185000",
        note="Sold the jeep",
    )

    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.CLOSED
    assert introduction.connected_at is not None
    assert introduction.closed_at is not None
    assert (introduction.outcome, introduction.outcome_value, introduction.outcome_currency) == (
        "deal",
        Decimal("185000.00"),
        "ILS",
    )
    assert introduction.outcome_note == "Sold the jeep"


def test_connecting_before_both_said_yes_is_refused_with_the_allowed_moves(jeep):
    introduction = _proposed(jeep)

    with pytest.raises(IntroductionTransitionError) as error:
        services.introduction_transition(introduction=introduction, to="connected", user=jeep.user)

    assert error.value.allowed == ["accepted", "declined"]
    assert error.value.code == "invalid_transition"
    assert error.value.message == (
        "An introduction that is “Proposed” cannot become “Connected”. "
        "Next it can become: “Accepted by both”, “Declined”."
    )
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.PROPOSED


def test_a_declined_introduction_is_final(jeep):
    introduction = _proposed(jeep)
    services.introduction_transition(introduction=introduction, to="declined", user=jeep.user)

    with pytest.raises(IntroductionTransitionError) as error:
        services.introduction_transition(introduction=introduction, to="proposed", user=jeep.user)

    assert error.value.allowed == []
    assert introduction.declined_at is not None


def test_a_yes_must_say_whose_it_is(jeep):
    introduction = _proposed(jeep)

    with pytest.raises(ValidationError) as error:
        services.introduction_transition(introduction=introduction, to="accepted", user=jeep.user)

    assert error.value.message_dict == {
        "side": ["Say who said yes: side “a” (אבי רוזן) or “b” (Dror Azulay)."]
    }


def test_an_unknown_status_is_invalid(jeep):
    introduction = _proposed(jeep)

    with pytest.raises(ValidationError) as error:
        services.introduction_transition(introduction=introduction, to="married", user=jeep.user)

    assert list(error.value.message_dict) == ["to"]


def test_outcome_must_be_deal_or_nothing_and_nothing_has_no_value(jeep):
    introduction = _proposed(jeep)
    for side in ("a", "b"):
        services.introduction_transition(
            introduction=introduction, to="accepted", user=jeep.user, side=side
        )
    services.introduction_transition(introduction=introduction, to="connected", user=jeep.user)

    with pytest.raises(ValidationError) as bad_outcome:
        services.introduction_record_outcome(
            introduction=introduction, user=jeep.user, outcome="commission"
        )
    with pytest.raises(ValidationError) as value_for_nothing:
        services.introduction_record_outcome(
            introduction=introduction, user=jeep.user, outcome="nothing", value=10
        )

    assert bad_outcome.value.message_dict == {"outcome": ["Choose the outcome: “deal”, “nothing”."]}
    assert value_for_nothing.value.message_dict == {
        "value": ["Nothing came of it, so there is no value to record: leave the value empty."]
    }
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.CONNECTED


def test_an_outcome_before_connecting_is_an_invalid_transition(jeep):
    introduction = _proposed(jeep)

    with pytest.raises(IntroductionTransitionError) as error:
        services.introduction_record_outcome(
            introduction=introduction, user=jeep.user, outcome="nothing"
        )

    assert error.value.allowed == ["accepted", "declined"]


def test_manual_introduction_and_its_conflicts(jeep):
    introduction = services.introduction_create(
        workspace=jeep.workspace,
        user=jeep.user,
        person_a=jeep.avi,
        person_b=jeep.dror,
        need=jeep.need,
        offer=jeep.offer,
        note="Met at basketball",
    )

    assert introduction.status == IntroductionStatus.SUGGESTED
    assert introduction.message_a.startswith("היי אבי,")
    # Their open suggestion has no point any more.
    assert not Suggestion.objects.filter(need=jeep.need, offer=jeep.offer).exists()
    with pytest.raises(ConflictError) as twice:
        services.introduction_create(
            workspace=jeep.workspace, user=jeep.user, person_a=jeep.dror, person_b=jeep.avi
        )
    assert twice.value.message == (
        "Dror Azulay and אבי רוזן already have an introduction (Suggested): open it instead "
        "of starting another."
    )


def test_manual_introduction_validates_its_people_and_items(jeep):
    with pytest.raises(ValidationError) as error:
        services.introduction_create(
            workspace=jeep.workspace,
            user=jeep.user,
            person_a=jeep.avi,
            person_b=jeep.avi,
            need=jeep.need,
            offer=jeep.offer,
        )

    assert error.value.message_dict == {
        "person_b": ["Choose two different people: nobody is introduced to themselves."],
        "offer": ["The offer must be the second person's: choose one of their offers, or none."],
    }
    assert Introduction.objects.count() == 0


def test_messages_can_be_edited_until_both_said_yes(jeep):
    introduction = _proposed(jeep)

    services.introduction_update_messages(
        introduction=introduction, message_a="  שלום אבי  ", message_b="Hi Dror"
    )
    assert (introduction.message_a, introduction.message_b) == ("שלום אבי", "Hi Dror")
    with pytest.raises(ValidationError) as empty:
        services.introduction_update_messages(
            introduction=introduction, message_a="", message_b="Hi"
        )
    assert list(empty.value.message_dict) == ["message_a"]

    for side in ("a", "b"):
        services.introduction_transition(
            introduction=introduction, to="accepted", user=jeep.user, side=side
        )
    with pytest.raises(ConflictError):
        services.introduction_update_messages(
            introduction=introduction, message_a="Late", message_b="Late"
        )


# What came back.


def test_a_return_is_traced_to_the_introduction(jeep):
    introduction = _proposed(jeep)
    referred = make_person(jeep.workspace, "Orna", referred_by=jeep.avi)

    ret = services.introduction_return_add(
        introduction=introduction,
        from_person=jeep.avi,
        kind="referral",
        description="Avi sent Orna, who ordered 10 chairs",
        value="12000",
        currency="usd",
        occurred_on=timezone.localdate(),
        referred_person=referred,
    )

    assert list(introduction.returns.all()) == [ret]
    assert (ret.kind, ret.value, ret.currency, ret.referred_person) == (
        "referral",
        Decimal("12000.00"),
        "USD",
        referred,
    )


def test_a_return_comes_from_one_of_the_two_people(jeep):
    introduction = _proposed(jeep)

    with pytest.raises(ValidationError) as error:
        services.introduction_return_add(
            introduction=introduction,
            from_person=jeep.noa,
            kind="gift",
            description="",
            occurred_on=timezone.localdate() + dt.timedelta(days=1),
        )

    assert error.value.message_dict == {
        "kind": ["Choose what came back: “referral”, “deal”, “other”."],
        "from_person": [
            "What comes back from an introduction comes from one of its two people: choose one of "
            "them."
        ],
        "occurred_on": ["Give the day it happened: it cannot be in the future."],
        "description": ["This field is required: it cannot be empty."],
    }
    assert introduction.returns.count() == 0


# Match runs.


def test_match_run_runs_the_recompute_and_records_its_progress(jeep):
    run = services.match_run_start(workspace=jeep.workspace, user=jeep.user)

    assert run.status == MatchRunStatus.DONE
    assert (run.progress, run.needs, run.offers, run.suggestions) == (100, 1, 2, 1)
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.requested_by == jeep.user


def test_refreshes_store_what_a_full_recompute_would(jeep):
    sellers = [make_person(jeep.workspace, f"Seller {number}") for number in range(4)]
    for seller, text in zip(
        sellers,
        [
            "SUV for sale",
            "Jeep tours in the desert",
            "4x4 for sale",
            "Selling a Jeep Wrangler 2020",
        ],
        strict=True,
    ):
        offer_create(person=seller, text=text)
    incremental = sorted(Suggestion.objects.values_list("need__text", "offer__text"))

    services.suggestions_recompute(workspace=jeep.workspace)

    assert sorted(Suggestion.objects.values_list("need__text", "offer__text")) == incremental
    assert [offer for _need, offer in incremental] == [
        "4x4 for sale",
        "Selling a Jeep Wrangler 2020",
        "Selling my Jeep Wrangler, 2019",
    ]


def test_many_pairs_are_explained_by_forked_processes_with_the_same_result(jeep, monkeypatch):
    for number in range(6):
        buyer = make_person(jeep.workspace, f"Buyer {number}")
        need_create(person=buyer, text=f"Looking for a Jeep Wrangler, model {number}")
    services.suggestions_recompute(workspace=jeep.workspace)
    inline = sorted(Suggestion.objects.values_list("need", "offer", "score", "reasons"))
    Suggestion.objects.all().delete()
    monkeypatch.setattr(matchmaking, "PARALLEL_EXPLAIN_MIN", 1)

    services.suggestions_recompute(workspace=jeep.workspace)

    assert sorted(Suggestion.objects.values_list("need", "offer", "score", "reasons")) == inline


def test_the_give_is_written_in_the_workspaces_language_with_other_script_names_isolated(jeep):
    jeep.workspace.language = "he"
    jeep.workspace.save()
    with translation.override("en"):
        introduction = _proposed(jeep)
    assert introduction.give.summary == (
        "הכרתי בין אבי רוזן לבין \u2068Dror Azulay\u2069 (אחרי ששאלתי את שניהם)."
    )
