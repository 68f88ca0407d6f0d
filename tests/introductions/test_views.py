"""The matchmaking pages: suggestions on Today and the person page, the introduction workflow,
the give ledger and the vocabulary, with permissions and isolation between workspaces."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesher.accounts.models import User
from kesher.introductions import services
from kesher.introductions.models import (
    Introduction,
    IntroductionReturn,
    IntroductionStatus,
    MatchRun,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    WorkspaceConcept,
)
from kesher.network.models import Interaction, Need, Offer
from kesher.people.models import Person, PersonEmail
from kesher.workspaces.models import Membership, Role, Workspace
from kesher.workspaces.services import invitation_accept, invitation_create
from tests.factories import NeedFactory, OfferFactory, PersonFactory, UserFactory
from tests.people.conftest import HTMX, login

pytestmark = pytest.mark.django_db

REASONS = [
    {
        "kind": "related",
        "left": "ג'יפ",
        "right": "רכב שטח",
        "concept": "jeep",
        "other_concept": "offroad_vehicle",
        "weight": 0.6,
        "count": 0,
    },
    {
        "kind": "shared_group",
        "left": "Adventure trips",
        "right": "Adventure trips",
        "concept": None,
        "other_concept": None,
        "weight": 0.2,
        "count": 0,
    },
]


def member_of(workspace: Workspace, role: str) -> Client:
    owner = Membership.objects.get(workspace=workspace, role=Role.OWNER).user
    _, secret = invitation_create(workspace=workspace, created_by=owner, role=role)
    user = UserFactory()
    invitation_accept(secret=secret, user=user)
    return login(user)


@pytest.fixture
def avi(workspace: Workspace) -> Person:
    person = PersonFactory(workspace=workspace, name="Avi Rosen", language="he")
    PersonEmail.objects.create(workspace=workspace, person=person, email="avi@example.com")
    return person


@pytest.fixture
def dror(workspace: Workspace) -> Person:
    return PersonFactory(workspace=workspace, name="Dror Azulai", language="en")


@pytest.fixture
def need(avi: Person) -> Need:
    return NeedFactory(workspace=avi.workspace, person=avi, text="Looking for a used jeep")


@pytest.fixture
def offer(dror: Person) -> Offer:
    return OfferFactory(workspace=dror.workspace, person=dror, text="Selling my off-road car")


@pytest.fixture
def suggestion(need: Need, offer: Offer) -> Suggestion:
    return Suggestion.objects.create(
        workspace=need.workspace,
        kind=SuggestionKind.NEED_OFFER,
        need=need,
        offer=offer,
        person_a=need.person,
        person_b=offer.person,
        score=1.0,
        reasons=REASONS,
    )


@pytest.fixture
def introduction(suggestion: Suggestion, user: User) -> Introduction:
    return services.suggestion_accept(suggestion=suggestion, user=user)


def advance(introduction: Introduction, user: User, to: str) -> Introduction:
    """Walks the introduction along the workflow up to `to`."""
    road = [IntroductionStatus.PROPOSED, IntroductionStatus.ACCEPTED, IntroductionStatus.CONNECTED]
    for status in road[: road.index(to) + 1]:  # type: ignore[arg-type]
        if status == IntroductionStatus.PROPOSED:
            introduction = services.introduction_propose(introduction=introduction, user=user)
        elif status == IntroductionStatus.ACCEPTED:
            for side in ("a", "b"):
                introduction = services.introduction_transition(
                    introduction=introduction, to=status, user=user, side=side
                )
        else:
            introduction = services.introduction_transition(
                introduction=introduction, to=status, user=user
            )
    return introduction


def page(client: Client, url: str, **kwargs: object) -> str:
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def detail_url(introduction: Introduction) -> str:
    return reverse("introductions:detail", args=[introduction.public_id])


def url(name: str, obj: Suggestion | Introduction | WorkspaceConcept | MatchRun) -> str:
    return reverse(f"introductions:{name}", args=[obj.public_id])


# Today and the person page.


def test_today_shows_the_suggestion_with_names_texts_strength_and_reasons(web, suggestion):
    html = page(web, reverse("core:home"))
    assert "Suggested introductions" in html
    assert f'id="suggestion-{suggestion.public_id}"' in html
    assert "Avi Rosen" in html
    assert "Dror Azulai" in html
    assert "Looking for a used jeep" in html
    assert "Selling my off-road car" in html
    assert "Strong match" in html
    assert "<bdi>ג&#x27;יפ</bdi> ↔ <bdi>רכב שטח</bdi>" in html
    assert "same group: <bdi>Adventure trips</bdi>" in html
    assert url("suggestion_accept", suggestion) in html
    assert 'data-action="recompute"' in html


def test_today_leaves_out_decided_and_still_snoozed_suggestions(web, suggestion, user):
    services.suggestion_snooze(suggestion=suggestion, user=user)
    html = page(web, reverse("core:home"))
    assert f'id="suggestion-{suggestion.public_id}"' not in html
    assert "No suggestions right now." in html


def test_a_coach_sees_suggestions_but_no_recompute_button(workspace, suggestion):
    coach = member_of(workspace, Role.COACH)
    html = page(coach, reverse("core:home"))
    assert f'id="suggestion-{suggestion.public_id}"' in html
    assert 'data-action="recompute"' not in html
    response = coach.post(reverse("introductions:recompute"))
    assert response.status_code == 403
    assert MatchRun.objects.count() == 0


def test_the_person_page_lists_their_suggestions_and_introductions(web, suggestion, avi, dror):
    html = page(web, reverse("people:detail", args=[dror.public_id]))
    assert f'id="suggestion-{suggestion.public_id}"' in html

    intro = services.suggestion_accept(suggestion=suggestion, user=User.objects.first())
    html = page(web, reverse("people:detail", args=[avi.public_id]))
    assert f'id="suggestion-{suggestion.public_id}"' not in html
    assert f'id="introduction-{intro.public_id}"' in html
    assert "Suggested" in html


# Accept, snooze, dismiss.


def test_accept_makes_the_introduction_and_goes_to_it(web, suggestion):
    response = web.post(url("suggestion_accept", suggestion), {"next": "/"})
    introduction = Introduction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(introduction)
    assert introduction.status == IntroductionStatus.SUGGESTED
    assert (introduction.person_a, introduction.person_b) == (
        suggestion.person_a,
        suggestion.person_b,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED


def test_accept_through_htmx_asks_the_browser_to_go_to_the_introduction(web, suggestion):
    response = web.post(url("suggestion_accept", suggestion), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(Introduction.objects.get())


def test_accepting_twice_shows_why_on_the_card_and_makes_nothing_more(web, suggestion, user):
    services.suggestion_accept(suggestion=suggestion, user=user)
    response = web.post(url("suggestion_accept", suggestion), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "This suggestion was already accepted" in html
    assert Introduction.objects.count() == 1


def test_snooze_swaps_the_card_for_a_notice_and_hides_it_for_a_week(web, suggestion):
    response = web.post(url("suggestion_snooze", suggestion), headers=HTMX)
    html = response.content.decode()
    suggestion.refresh_from_db()
    week = timezone.localdate() + dt.timedelta(days=7)
    assert suggestion.status == SuggestionStatus.SNOOZED
    assert suggestion.snoozed_until == week
    assert f'id="suggestion-{suggestion.public_id}"' in html
    assert 'class="suggestion-done"' in html
    assert "Snoozed until" in html
    assert 'id="live-announcer" hx-swap-oob="innerHTML"' in html


def test_snooze_without_javascript_returns_to_the_page_it_came_from(web, suggestion, dror):
    person_url = reverse("people:detail", args=[dror.public_id])
    response = web.post(url("suggestion_snooze", suggestion), {"next": person_url})
    assert response.status_code == 302
    assert response["Location"] == person_url


def test_snooze_refuses_a_day_in_the_past(web, suggestion):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = web.post(
        url("suggestion_snooze", suggestion), {"until": yesterday.isoformat()}, headers=HTMX
    )
    assert "Choose a day after today" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN


def test_dismiss_with_an_empty_reason_is_fine(web, suggestion):
    response = web.post(url("suggestion_dismiss", suggestion), {"reason": ""}, headers=HTMX)
    assert response.status_code == 200
    assert "Dismissed" in response.content.decode()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.dismiss_reason) == (SuggestionStatus.DISMISSED, "")


def test_dismiss_keeps_the_reason(web, suggestion):
    response = web.post(url("suggestion_dismiss", suggestion), {"reason": "They fell out"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.dismiss_reason) == (
        SuggestionStatus.DISMISSED,
        "They fell out",
    )


def test_a_too_long_dismiss_reason_changes_nothing(web, suggestion):
    response = web.post(url("suggestion_dismiss", suggestion), {"reason": "x" * 501}, headers=HTMX)
    assert 'role="alert"' in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN


def test_suggestion_actions_are_posts_only(web, suggestion):
    assert web.get(url("suggestion_accept", suggestion)).status_code == 405


# Recompute.


def test_recompute_finds_the_jeep_and_tells_the_list_to_reload(web, workspace):
    avi = PersonFactory(workspace=workspace, name="Avi")
    dror = PersonFactory(workspace=workspace, name="Dror")
    need = NeedFactory(workspace=workspace, person=avi, text="מחפש ג'יפ רנגלר יד שנייה")
    offer = OfferFactory(workspace=workspace, person=dror, text="מוכר את הג'יפ שלי")

    response = web.post(reverse("introductions:recompute"), headers=HTMX)

    run = MatchRun.objects.get(workspace=workspace)
    assert run.status == "done"
    assert response["HX-Trigger"] == '{"suggestions-changed": {}}'
    assert 'data-run-status="done"' in response.content.decode()
    assert Suggestion.objects.filter(workspace=workspace, need=need, offer=offer).exists()
    html = page(web, reverse("introductions:suggestion_list_today"), headers=HTMX)
    assert "מחפש ג&#x27;יפ רנגלר יד שנייה" in html


def test_a_running_recompute_polls_its_progress(web, workspace):
    run = MatchRun.objects.create(workspace=workspace, status="running", progress=40)
    html = page(web, url("match_run", run), headers=HTMX)
    assert '<progress max="100"' in html
    assert "Finding introductions… 40%" in html
    assert 'hx-trigger="load delay:1s"' in html
    run.status, run.progress, run.finished_at = "done", 100, timezone.now()
    run.save()
    response = web.get(url("match_run", run), headers=HTMX)
    assert response["HX-Trigger"] == '{"suggestions-changed": {}}'
    assert "load delay:1s" not in response.content.decode()


def test_recompute_without_javascript_goes_back_with_a_message(web):
    response = web.post(reverse("introductions:recompute"), follow=True)
    assert "Suggestions recomputed." in response.content.decode()


# The introductions list and page.


def test_the_list_filters_by_status(web, introduction, workspace):
    other = services.introduction_create(
        workspace=workspace,
        user=User.objects.first(),  # type: ignore[arg-type]
        person_a=PersonFactory(workspace=workspace, name="Noa"),
        person_b=PersonFactory(workspace=workspace, name="Gil"),
    )
    advance(other, User.objects.first(), IntroductionStatus.PROPOSED)  # type: ignore[arg-type]
    everything = page(web, reverse("introductions:list"))
    assert f'id="introduction-{introduction.public_id}"' in everything
    assert f'id="introduction-{other.public_id}"' in everything
    proposed = page(web, reverse("introductions:list") + "?status=proposed")
    assert f'id="introduction-{introduction.public_id}"' not in proposed
    assert f'id="introduction-{other.public_id}"' in proposed
    # An unknown status filters nothing rather than failing.
    assert f'id="introduction-{other.public_id}"' in page(
        web, reverse("introductions:list") + "?status=nonsense"
    )


def test_the_page_shows_both_people_the_drafts_and_the_promise(web, introduction):
    html = page(web, detail_url(introduction))
    assert "Looking for a used jeep" in html
    assert "Selling my off-road car" in html
    assert "To <bdi>Avi Rosen</bdi> · in Hebrew" in html
    assert "To <bdi>Dror Azulai</bdi> · in English" in html
    assert 'data-copy="#id_message_a"' in html
    assert 'data-copy="#id_message_b"' in html
    assert "You get nothing from a deal between them — Kesher counts trust, not commission." in html
    # Avi has an email address, Dror none: his button is disabled and says why.
    assert 'data-action="send-a"' in html
    assert 'data-action="send-b"' not in html
    assert 'aria-describedby="no-email-b"' in html
    assert "<bdi>Dror Azulai</bdi> has no email address" in html
    assert 'data-action="to-declined"' in html
    assert 'data-action="to-connected"' not in html


def test_the_drafts_can_be_edited_and_an_empty_one_is_refused(web, introduction):
    response = web.post(
        url("messages", introduction), {"message_a": "Hi Avi!", "message_b": "Hi Dror!"}
    )
    assert response.status_code == 302
    introduction.refresh_from_db()
    assert (introduction.message_a, introduction.message_b) == ("Hi Avi!", "Hi Dror!")

    response = web.post(url("messages", introduction), {"message_a": "", "message_b": "Hey"})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    introduction.refresh_from_db()
    assert introduction.message_b == "Hi Dror!"


def test_send_by_email_saves_the_drafts_proposes_and_emails_who_has_an_address(web, introduction):
    response = web.post(
        url("propose", introduction),
        {"message_a": "Avi, meet Dror?", "message_b": "Dror, meet Avi?", "send_email": "on"},
    )
    assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.PROPOSED
    assert introduction.message_a == "Avi, meet Dror?"
    assert [(m.to, m.body) for m in mail.outbox] == [(["avi@example.com"], "Avi, meet Dror?")]
    assert introduction.give is not None
    assert introduction.give.exchange == Interaction.Exchange.GIVE


def test_the_whole_road_to_a_deal(web, introduction, workspace):
    assert web.post(url("propose", introduction)).status_code == 302
    for side in ("a", "b"):
        response = web.post(url("transition", introduction), {"to": "accepted", "side": side})
        assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED
    assert web.post(url("transition", introduction), {"to": "connected"}).status_code == 302
    html = page(web, detail_url(introduction))
    assert 'data-action="outcome"' in html
    assert f'value="{workspace.currency}"' in html

    response = web.post(
        url("outcome", introduction), {"outcome": "deal", "value": "85000", "currency": ""}
    )

    assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.CLOSED
    assert (introduction.outcome, introduction.outcome_value, introduction.outcome_currency) == (
        "deal",
        Decimal("85000.00"),
        workspace.currency,
    )
    html = page(web, detail_url(introduction))
    assert 'data-status="closed"' in html
    assert "85,000" in html
    for label in ("Proposed to both", "Avi Rosen said yes", "Dror Azulai said yes", "Connected"):
        assert label in html


def test_one_yes_is_recorded_and_the_other_side_is_still_asked(web, introduction, user):
    advance(introduction, user, IntroductionStatus.PROPOSED)
    web.post(url("transition", introduction), {"to": "accepted", "side": "b"})
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.PROPOSED
    assert introduction.b_accepted_at is not None
    html = page(web, detail_url(introduction))
    assert 'data-action="to-accepted-a"' in html
    assert 'data-action="to-accepted-b"' not in html
    assert "✓ <bdi>Dror Azulai</bdi> said yes" in html


def test_an_invalid_transition_says_why_and_which_moves_are_allowed(web, introduction, user):
    advance(introduction, user, IntroductionStatus.PROPOSED)
    response = web.post(url("transition", introduction), {"to": "connected"})
    html = response.content.decode()
    assert response.status_code == 409
    assert 'id="transition-error"' in html
    assert "cannot become “Connected”" in html
    assert "From here it can move to: Accepted by both, Declined." in html
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.PROPOSED


def test_a_yes_without_a_side_is_refused(web, introduction, user):
    advance(introduction, user, IntroductionStatus.PROPOSED)
    response = web.post(url("transition", introduction), {"to": "accepted"})
    assert response.status_code == 400
    introduction.refresh_from_db()
    assert (introduction.a_accepted_at, introduction.b_accepted_at) == (None, None)


def test_an_unknown_status_is_refused(web, introduction):
    response = web.post(url("transition", introduction), {"to": "married"})
    assert response.status_code == 400
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.SUGGESTED


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"outcome": "deal", "value": "lots"}, "Type the value as a number"),
        ({"outcome": "deal", "value": "-5"}, "The value cannot be negative."),
        ({"outcome": "deal", "value": "10", "currency": "shekel"}, "three-letter currency"),
        ({"outcome": "nothing", "value": "10"}, "leave the value empty"),
        ({"outcome": ""}, "Choose a deal between them, or nothing."),
    ],
)
def test_a_wrong_outcome_shows_the_error_and_changes_nothing(web, introduction, user, data, error):
    advance(introduction, user, IntroductionStatus.CONNECTED)
    response = web.post(url("outcome", introduction), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    introduction.refresh_from_db()
    assert (introduction.status, introduction.outcome, introduction.outcome_value) == (
        IntroductionStatus.CONNECTED,
        "",
        None,
    )


def test_an_outcome_before_connecting_is_an_invalid_transition(web, introduction):
    response = web.post(url("outcome", introduction), {"outcome": "nothing"})
    assert response.status_code == 409
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.SUGGESTED


def test_what_came_back_is_recorded_and_totalled_in_the_ledger(web, introduction, user, avi):
    advance(introduction, user, IntroductionStatus.CONNECTED)
    newcomer = PersonFactory(workspace=avi.workspace, name="Yael Ben-David")
    response = web.post(
        url("return_add", introduction),
        {
            "kind": "referral",
            "from_side": "a",
            "description": "Sent me Yael, who needs 10 chairs",
            "referred_person": str(newcomer.public_id),
            "value": "1200",
            "currency": "ils",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    item = IntroductionReturn.objects.get()
    assert (item.from_person, item.referred_person, item.value, item.currency) == (
        avi,
        newcomer,
        Decimal("1200.00"),
        "ILS",
    )
    html = page(web, detail_url(introduction))
    assert "Sent me Yael, who needs 10 chairs" in html

    ledger = page(web, reverse("introductions:ledger"))
    assert "Sent me Yael, who needs 10 chairs" in ledger
    assert '<span class="money">₪1,200</span>' in ledger
    assert "Introductions made" in ledger


def test_a_return_with_a_future_date_is_refused(web, introduction, user):
    advance(introduction, user, IntroductionStatus.PROPOSED)
    response = web.post(
        url("return_add", introduction),
        {
            "kind": "deal",
            "from_side": "b",
            "description": "An order",
            "occurred_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert IntroductionReturn.objects.count() == 0


# The vocabulary.


def test_the_owner_adds_a_concept_and_the_lookup_finds_it(web, workspace):
    html = page(web, reverse("introductions:vocabulary"))
    assert "Built in:" in html
    response = web.post(
        reverse("introductions:vocabulary"),
        {
            "key": "solar_panels",
            "label_he": "פאנלים סולאריים",
            "label_en": "Solar panels",
            "terms_he": "פאנל סולארי\nמערכת סולארית",
            "terms_en": "solar panel, PV system",
            "related": "",
        },
    )
    assert response.status_code == 302
    concept = WorkspaceConcept.objects.get(workspace=workspace)
    assert concept.terms_he == ["פאנל סולארי", "מערכת סולארית"]
    assert concept.terms_en == ["solar panel", "PV system"]
    html = page(web, reverse("introductions:vocabulary_lookup") + "?q=PV system", headers=HTMX)
    assert "solar_panels" in html
    assert "your concept" in html


def test_the_lookup_reads_hebrew_prefixes_into_the_built_in_concept(web):
    html = page(web, reverse("introductions:vocabulary_lookup") + "?q=לג'יפים", headers=HTMX)
    assert '<span class="concept-key">jeep</span>' in html
    html = page(web, reverse("introductions:vocabulary_lookup") + "?q=zzzqqq", headers=HTMX)
    assert "No concept knows “zzzqqq”" in html


def test_a_concept_without_terms_or_with_an_unknown_relation_is_refused(web, workspace):
    response = web.post(reverse("introductions:vocabulary"), {"key": "empty"})
    assert response.status_code == 200
    assert "at least one term" in response.content.decode()
    response = web.post(
        reverse("introductions:vocabulary"),
        {"key": "boats", "terms_en": "boat", "related": "no_such_concept"},
    )
    assert "Unknown related concepts: no_such_concept" in response.content.decode()
    assert WorkspaceConcept.objects.count() == 0


def test_the_owner_edits_and_deletes_a_concept(web, workspace):
    concept = services.concept_create(workspace=workspace, key="boats", terms_en=["boat"])
    assert 'name="terms_en"' in page(web, url("concept_edit", concept))
    response = web.post(
        url("concept_edit", concept), {"key": "boats", "terms_en": "boat\nyacht", "related": "car"}
    )
    assert response.status_code == 302
    concept.refresh_from_db()
    assert (concept.terms_en, concept.related) == (["boat", "yacht"], ["car"])
    assert web.post(url("concept_delete", concept)).status_code == 302
    assert WorkspaceConcept.objects.count() == 0


def test_members_look_the_vocabulary_up_but_only_the_owner_changes_it(workspace):
    member = member_of(workspace, Role.MEMBER)
    concept = services.concept_create(workspace=workspace, key="boats", terms_en=["boat"])
    html = page(member, reverse("introductions:vocabulary"))
    assert "boats" in html
    assert 'data-action="add-concept"' not in html
    assert member.post(reverse("introductions:vocabulary"), {"key": "x"}).status_code == 403
    assert member.post(url("concept_delete", concept)).status_code == 403
    assert WorkspaceConcept.objects.count() == 1


# Isolation: another workspace's ids are not found, and its pages never show this one's data.


def test_another_workspace_gets_404_for_every_id(other_web, introduction, workspace):
    suggestion = Suggestion.objects.create(
        workspace=workspace,
        kind=SuggestionKind.SHARED_INTEREST,
        person_a=PersonFactory(workspace=workspace),
        person_b=PersonFactory(workspace=workspace),
        score=0.4,
    )
    concept = services.concept_create(workspace=workspace, key="boats", terms_en=["boat"])
    run = MatchRun.objects.create(workspace=workspace)
    posts = [
        url("suggestion_accept", suggestion),
        url("suggestion_snooze", suggestion),
        url("suggestion_dismiss", suggestion),
        url("messages", introduction),
        url("propose", introduction),
        url("transition", introduction),
        url("outcome", introduction),
        url("return_add", introduction),
        url("concept_edit", concept),
        url("concept_delete", concept),
    ]
    for target in posts:
        assert other_web.post(target, {"to": "declined"}).status_code == 404, target
    for target in (detail_url(introduction), url("match_run", run)):
        assert other_web.get(target, headers=HTMX).status_code == 404, target
    suggestion.refresh_from_db()
    introduction.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN
    assert introduction.status == IntroductionStatus.SUGGESTED
    assert WorkspaceConcept.objects.filter(workspace=workspace).count() == 1


def test_pages_never_list_another_workspaces_data(other_web, suggestion, user):
    services.suggestion_accept(suggestion=suggestion, user=user)
    services.concept_create(workspace=suggestion.workspace, key="boats", terms_en=["boat"])
    for name in (
        "core:home",
        "introductions:list",
        "introductions:suggestion_list",
        "introductions:ledger",
        "introductions:vocabulary",
    ):
        html = page(other_web, reverse(name))
        assert "Avi Rosen" not in html, name
        assert "boats" not in html, name


def test_pages_need_a_login(client, introduction):
    response = client.get(detail_url(introduction))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def ids_of(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_every_id_on_the_pages_is_unique(web, introduction, user, suggestion):
    pages = [reverse("core:home"), reverse("people:detail", args=[suggestion.person_a.public_id])]
    for status in (IntroductionStatus.SUGGESTED, IntroductionStatus.CONNECTED):
        if status != IntroductionStatus.SUGGESTED:
            introduction = advance(introduction, user, status)
        pages.append(detail_url(introduction))
        for target in pages:
            found = ids_of(page(web, target))
            assert [i for i in found if found.count(i) > 1] == [], target
