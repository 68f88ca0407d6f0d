import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from kesher.accounts.models import ApiToken, User
from kesher.core.selectors import today
from kesher.demo.services import COACH_EMAIL, DATA_PATH, DEMO_EMAIL, DEMO_PASSWORD, demo_load
from kesher.introductions.models import Introduction, IntroductionReturn, Suggestion
from kesher.introductions.reasons import strength
from kesher.introductions.selectors import give_ledger, person_introductions
from kesher.network.models import Interaction, Need, NeedOfferStatus, Offer, Tie
from kesher.people.models import Event, Group, Organization, Person, PersonPhone, Tag
from kesher.search.models import SearchDocument
from kesher.workspaces.models import Invitation, Membership, Role, Workspace

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 1)
DATA = json.loads(DATA_PATH.read_text(encoding="utf-8"))
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module (it is the slowest thing here) and rolled back at its end;
    each test still runs in its own savepoint, so none sees another's changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(today=TODAY)
        transaction.set_rollback(True)


def test_demo_load_creates_the_workspace_with_everyone_in_the_data_file(demo):
    workspace = demo.workspace
    assert demo.created is True
    assert workspace.name == DATA["workspace"]["name"]
    assert workspace.language == "he"
    # The data file's people plus the two members' own people.
    assert Person.objects.filter(workspace=workspace).count() == len(DATA["people"]) + 2
    assert Person.objects.filter(workspace=workspace).count() >= 30
    assert Organization.objects.filter(workspace=workspace).count() == len(DATA["organizations"])
    assert Group.objects.filter(workspace=workspace).count() == len(DATA["groups"])
    assert Event.objects.filter(workspace=workspace).count() == len(DATA["events"])
    assert Tie.objects.filter(workspace=workspace).count() == len(DATA["ties"])
    # Walking away from a deal with a referral is logged as a give, and so is every
    # introduction proposed.
    referrals = sum(1 for deal in DATA["deals"] if "walk_away" in deal)
    assert Interaction.objects.filter(workspace=workspace).count() == (
        len(DATA["interactions"]) + referrals + len(DATA["introductions"])
    )
    assert Need.objects.filter(workspace=workspace).count() == len(DATA["needs"])
    assert Offer.objects.filter(workspace=workspace).count() == len(DATA["offers"])
    assert len(DATA["needs"]) >= 20
    assert len(DATA["offers"]) >= 20


def test_demo_users_log_in_with_the_printed_password(demo, client: Client):
    assert demo.user.email == DEMO_EMAIL
    assert client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD)
    assert Client().login(email=COACH_EMAIL, password=DEMO_PASSWORD)
    roles = dict(
        Membership.objects.filter(workspace=demo.workspace).values_list("user__email", "role")
    )
    assert roles == {DEMO_EMAIL: Role.OWNER, COACH_EMAIL: Role.COACH}


def test_the_demo_user_is_the_networker_with_ties_to_many_contacts(demo):
    me = Membership.objects.get(workspace=demo.workspace, user=demo.user).person
    assert me.name == "אלון ברקוביץ"
    assert me.name_alt == "Alon Berkovich"
    assert me.organization.name == "אופק ריהוט משרדי"
    assert list(me.emails.values_list("email", flat=True)) == [DEMO_EMAIL]
    my_ties = Tie.objects.filter(Q(person_a=me) | Q(person_b=me))
    assert my_ties.count() == sum(1 for tie in DATA["ties"] if "me" in (tie["a"], tie["b"]))
    assert my_ties.count() >= 25


def test_the_jeep_need_and_the_basketball_friends_jeep_offer(demo):
    workspace = demo.workspace
    avi = Person.objects.get(workspace=workspace, name="אבי רוזן")
    dror = Person.objects.get(workspace=workspace, name="דרור אזולאי")
    me = Membership.objects.get(workspace=workspace, user=demo.user).person
    need = Need.objects.get(workspace=workspace, text__contains="ג'יפ רנגלר")
    offer = Offer.objects.get(workspace=workspace, text__contains="Jeep Wrangler")
    assert need.person == avi
    assert offer.person == dror
    assert avi.groups.get().name == "מועדון טיולי שטח"
    assert avi.met_at.name == "אירוע נטוורקינג — מנהלים בתל אביב"
    assert avi.met_on == TODAY - dt.timedelta(days=112)
    basketball = Tie.objects.get(
        workspace=workspace,
        person_a=min(me, dror, key=lambda p: p.pk),
        person_b=max(me, dror, key=lambda p: p.pk),
        kind__code="basketball",
    )
    assert basketball.trust == 5
    # Avi bought the jeep: both are done.
    assert (need.status, offer.status) == ("fulfilled", "fulfilled")


def test_the_adventure_club_has_the_new_member_who_is_moving_offices(demo):
    club = Group.objects.get(workspace=demo.workspace, name="מועדון טיולי שטח")
    ido = club.members.get(name="עידו פרץ")
    need = ido.needs.get(text__contains="משרד חדש")
    assert "ריהוט מלא" in need.text
    assert need.status == NeedOfferStatus.OPEN
    assert ido.referred_by.name == "אבי רוזן"


def test_the_fashion_company_and_its_printers(demo):
    livne = Organization.objects.get(workspace=demo.workspace, name="אופנת ליבנה")
    buyer = livne.people.get(title="מנהלת רכש")
    assert buyer.needs.get().text.startswith("מדפסות לייזר")
    assert Offer.objects.filter(
        workspace=demo.workspace, text__icontains="printers", person__name="Jonathan Weiss"
    ).exists()


def test_the_printer_need_is_answered_by_the_printer_lease_not_the_recruiter(demo):
    # "שירות מהיר" (fast service) is a service level, not the customer service a recruiter
    # of "נותני שירות" (service providers) hires for; Asaf, who sold her the printers, is tied.
    need = Need.objects.get(workspace=demo.workspace, text__startswith="מדפסות לייזר")
    suggested = Suggestion.objects.filter(workspace=demo.workspace, need=need).order_by("-score")
    assert [(s.person_b.name, round(s.score, 2)) for s in suggested] == [("Jonathan Weiss", 0.44)]


def test_demo_data_is_searchable_and_dated_in_the_past_with_time_zones(demo):
    kinds = set(
        SearchDocument.objects.filter(workspace=demo.workspace).values_list("kind", flat=True)
    )
    assert {"person", "organization", "need", "offer", "note"} <= kinds
    for interaction in Interaction.objects.filter(workspace=demo.workspace):
        assert interaction.occurred_at.tzinfo is not None
        assert interaction.occurred_at.date() <= TODAY
    exchanges = set(
        Interaction.objects.filter(workspace=demo.workspace).values_list("exchange", flat=True)
    )
    assert exchanges == {"give", "ask", "neutral"}


def test_all_demo_phones_are_valid_e164(demo):
    phones = list(
        PersonPhone.objects.filter(workspace=demo.workspace).values_list("e164", flat=True)
    )
    assert len(phones) == sum(
        len(p.get("phones", []))
        for p in [*DATA["people"], DATA["owner"]["person"], DATA["coach"]["person"]]
    )
    for e164 in phones:
        assert E164.match(e164), e164
        assert phonenumbers.is_valid_number(phonenumbers.parse(e164, None)), e164


def test_a_second_load_changes_nothing(demo):
    models = (
        User,
        Workspace,
        Membership,
        Invitation,
        ApiToken,
        Person,
        PersonPhone,
        Organization,
        Group,
        Event,
        Tag,
        Tie,
        Interaction,
        Need,
        Offer,
        SearchDocument,
        Suggestion,
        Introduction,
        IntroductionReturn,
    )
    before = {model.__name__: model.objects.count() for model in models}
    again = demo_load(today=TODAY + dt.timedelta(days=3))
    assert again.created is False
    assert again.workspace == demo.workspace
    assert again.user == demo.user
    assert {model.__name__: model.objects.count() for model in models} == before


def test_the_jeep_introduction_was_the_matchers_suggestion_carried_to_a_deal(demo):
    workspace = demo.workspace
    jeep = Introduction.objects.get(
        workspace=workspace, person_a__name="אבי רוזן", person_b__name="דרור אזולאי"
    )
    assert (jeep.status, jeep.outcome) == ("closed", "deal")
    assert (jeep.outcome_value, jeep.outcome_currency) == (Decimal("185000.00"), "ILS")
    assert jeep.need.text.startswith("רוצה לקנות ג'יפ רנגלר")
    assert jeep.offer.text.startswith("Selling his Jeep Wrangler")
    assert jeep.made_by == demo.user
    # The day after the networking event, asked both first, connected, the deal weeks later.
    assert [
        moment.astimezone(ZoneInfo(workspace.time_zone)).date()
        for moment in (jeep.proposed_at, jeep.accepted_at, jeep.connected_at, jeep.closed_at)
    ] == [TODAY - dt.timedelta(days=days) for days in (111, 111, 110, 95)]
    assert jeep.give.exchange_kind == "introduction"
    assert jeep.give.occurred_at == jeep.proposed_at
    # It was the matcher's suggestion, accepted, with the matcher's reasons.
    suggestion = jeep.suggestion
    assert (suggestion.status, suggestion.kind) == ("accepted", "need_offer")
    text_reasons = [
        (r["kind"], r["left"], r["right"], r["concept"]) for r in suggestion.reasons[:2]
    ]
    assert text_reasons == [
        ("concept", "רכב שטח", "4x4", "offroad_vehicle"),
        ("concept", "ג'יפ", "Jeep Wrangler", "jeep"),
    ]
    assert ("knows_both", "", "") in [
        (r["kind"], r["left"], r["right"]) for r in suggestion.reasons
    ]
    # What came back months later (seed 000): the 10 chairs and the office-mover.
    returns = [
        (ret.kind, ret.from_person.name, getattr(ret.referred_person, "name", None), ret.value)
        for ret in jeep.returns.order_by("kind")
    ]
    assert returns == [
        ("deal", "אבי רוזן", None, Decimal("28000.00")),
        ("referral", "אבי רוזן", "עידו פרץ", None),
    ]
    assert {ret.occurred_on for ret in jeep.returns.all()} == {TODAY - dt.timedelta(days=19)}


def test_the_give_ledger_counts_every_introduction_given(demo):
    ledger = give_ledger(workspace=demo.workspace)

    assert (ledger.gives, ledger.asks) == (13, 2)
    assert ledger.gives_by_kind == {
        "advice": 4,
        "information": 3,
        "introduction": 3,
        "recommendation": 3,
    }
    # The introductions made are exactly the introductions given in the ledger.
    assert ledger.introductions_made == ledger.gives_by_kind["introduction"] == 3
    assert ledger.introductions_by_status == {"closed": 1, "connected": 2}
    assert ledger.deals_between_them == 1
    assert ledger.deal_value_by_currency == {"ILS": Decimal("185000.00")}
    assert len(ledger.returns) == 2
    assert ledger.return_value_by_currency == {"ILS": Decimal("28000.00")}
    # People Avi or Dror referred, not yet recorded as something that came back.
    assert sorted(
        (candidate.person.name, candidate.referred_by.name)
        for candidate in ledger.candidate_returns
    ) == [("אורנה טל", "אבי רוזן"), ("אייל ברוך", "דרור אזולאי"), ("נעמה קליין", "אבי רוזן")]
    pairs = {
        (introduction.person_a.name, introduction.person_b.name)
        for introduction in Introduction.objects.filter(workspace=demo.workspace)
    }
    assert pairs == {
        ("אבי רוזן", "דרור אזולאי"),
        ("קרן אלמוג", "סיגל נגר"),
        ("Sarah Cohen", "רון ליבנה"),
    }


def test_person_pages_and_today_agree_with_the_ledger(demo, client: Client):
    workspace = demo.workspace
    avi = Person.objects.get(workspace=workspace, name="אבי רוזן")
    dror = Person.objects.get(workspace=workspace, name="דרור אזולאי")
    jeep = Introduction.objects.get(workspace=workspace, person_a=avi)
    for person in (avi, dror):
        assert list(person_introductions(workspace=workspace, person=person)) == [jeep]
    # Introduced already, so never suggested again; Today has other introductions to suggest.
    suggestions = today(workspace=workspace).suggestions
    pairs = [(s.person_a.name, s.person_b.name) for s in suggestions]
    assert ("אבי רוזן", "דרור אזולאי") not in pairs
    assert ("Sarah Cohen", "רון ליבנה") not in pairs
    assert len(pairs) >= 5
    # Never a member with their own offer, never a pair who already know each other.
    names = {name for pair in pairs for name in pair}
    assert "אלון ברקוביץ" not in names
    assert ("אבי רוזן", "שירן גולן") not in pairs

    client.force_login(demo.user)
    page = client.get(reverse("people:detail", args=[avi.public_id]))
    assert page.status_code == 200
    assert reverse("introductions:detail", args=[jeep.public_id]) in page.content.decode()
    ledger = client.get(reverse("introductions:ledger")).content.decode()
    made = re.search(
        r'id="ledger-introductions".*?<span class="stat-value">(\d+)</span>', ledger, re.S
    )
    assert made is not None and made.group(1) == "3"


def test_the_demo_is_written_in_the_workspace_language(demo):
    """The services' own texts (the gives the ledger lists) are in Hebrew, whatever language
    the terminal that loaded the demo speaks."""
    summaries = set(
        Interaction.objects.filter(
            workspace=demo.workspace, exchange_kind="introduction"
        ).values_list("summary", flat=True)
    )
    assert summaries == {
        "הכרתי בין אבי רוזן לבין דרור אזולאי (אחרי ששאלתי את שניהם).",
        "הכרתי בין קרן אלמוג לבין סיגל נגר (אחרי ששאלתי את שניהם).",
        "הכרתי בין \u2068Sarah Cohen\u2069 לבין רון ליבנה (אחרי ששאלתי את שניהם).",
    }


def test_suggestion_strengths_tell_the_clear_matches_from_the_rest(demo):
    workspace = demo.workspace
    avi = Person.objects.get(workspace=workspace, name="אבי רוזן")
    jeep = Introduction.objects.get(workspace=workspace, person_a=avi).suggestion
    assert (round(jeep.score, 2), strength(jeep.score).level) == (1.42, 3)
    # Today's best ten: the clear need ↔ offer pairs strong, the looser ones good.
    levels = [strength(s.score).level for s in today(workspace=workspace).suggestions]
    assert levels == [3, 3, 3, 3, 3, 3, 3, 2, 2, 2]
    scores = Suggestion.objects.filter(workspace=workspace).values_list("score", flat=True)
    counts = Counter(strength(score).level for score in scores)
    # The rest are each need's weaker candidates and people with only common ground.
    assert counts == {3: 8, 2: 6, 1: 44}
