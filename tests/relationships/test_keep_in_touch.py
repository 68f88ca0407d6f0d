"""Rhythms, the due list (reset by any touch), the weekly digest and the calendar feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesher.relationships import selectors
from kesher.relationships.models import CalendarFeed
from kesher.relationships.services import (
    calendar_feed_regenerate,
    digest_send,
    digests_send,
    rhythm_set,
)
from tests.factories import PersonFactory
from tests.relationships.conftest import log

pytestmark = pytest.mark.django_db


def names(items):
    return [item.person.name for item in items]


def test_a_rhythm_without_any_touch_is_due_from_the_day_it_was_set(workspace, user, dana):
    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    today = timezone.localdate()
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk, today=today)
    assert names(state.upcoming) == ["Dana"]
    assert state.upcoming[0].due.due == today + dt.timedelta(days=7)


def test_any_touch_resets_the_clock(workspace, user, dana):
    from kesher.relationships.models import Rhythm

    rhythm_set(workspace=workspace, user=user, every="custom", days=10, person=dana)
    today = timezone.localdate()
    Rhythm.objects.update(started_on=today - dt.timedelta(days=15))
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk, today=today)
    assert names(state.overdue) == ["Dana"]
    assert state.overdue[0].due.days_overdue == 5
    # A message they sent counts as a touch as much as a meeting would.
    log(workspace, user, [dana], days_ago=0, channel="message", initiated_by="them")
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk, today=today)
    assert state.due_count == 0
    [person_state] = selectors.keep_in_touch_states(workspace=workspace, user_id=user.pk)
    assert person_state.next_due(today)[0] == today + dt.timedelta(days=10)


def test_an_introduction_is_a_touch_too(workspace, user, dana):
    from kesher.relationships.models import Rhythm

    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    today = timezone.localdate()
    Rhythm.objects.update(started_on=today - dt.timedelta(days=30))
    assert names(selectors.keep_in_touch(workspace=workspace, user_id=user.pk).overdue) == ["Dana"]
    # Introductions log a give interaction with both people: that is what resets the clock.
    log(workspace, user, [dana], days_ago=0, channel="message", exchange="give")
    assert selectors.keep_in_touch(workspace=workspace, user_id=user.pk).overdue == []


def test_making_an_introduction_resets_both_peoples_clocks(workspace, user, dana):
    from kesher.introductions.services import introduction_create, introduction_propose
    from kesher.relationships.models import Rhythm

    ben = PersonFactory(workspace=workspace, name="Ben")
    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    rhythm_set(workspace=workspace, user=user, every="custom", days=20, person=ben)
    today = timezone.localdate()
    Rhythm.objects.update(started_on=today - dt.timedelta(days=30))
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk, today=today)
    assert names(state.overdue) == ["Dana", "Ben"]
    introduction = introduction_create(workspace=workspace, user=user, person_a=dana, person_b=ben)
    introduction_propose(introduction=introduction, user=user)
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk, today=today)
    # Nobody is overdue any more: Dana is next due a week from today, Ben in twenty days.
    assert (state.overdue, state.due_today, names(state.upcoming)) == ([], [], ["Dana"])
    due = {
        s.person: s.next_due(today)[0]
        for s in selectors.keep_in_touch_states(workspace=workspace, user_id=user.pk)
    }
    assert due == {dana.pk: today + dt.timedelta(days=7), ben.pk: today + dt.timedelta(days=20)}


def test_a_tie_kind_rhythm_covers_everyone_tied_to_me_by_it(workspace, user, me, dana, tie, kind):
    stranger = PersonFactory(workspace=workspace, name="Stranger")
    rhythm_set(workspace=workspace, user=user, every="monthly", tie_kind=kind)
    log(workspace, user, [dana], days_ago=40)
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk)
    assert names(state.overdue) == ["Dana"]
    assert stranger.name not in names(state.overdue + state.upcoming + state.due_today)


def test_a_persons_own_rhythm_wins_over_the_kinds(workspace, user, dana, tie, kind):
    rhythm_set(workspace=workspace, user=user, every="weekly", tie_kind=kind)
    rhythm_set(workspace=workspace, user=user, every="quarterly", person=dana)
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk)
    assert state.due_count == 0


def test_rhythms_are_per_member(workspace, user, dana):
    from kesher.workspaces.models import Membership
    from tests.factories import UserFactory

    teammate = UserFactory()
    Membership.objects.create(workspace=workspace, user=teammate, role="member")
    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    later = timezone.localdate() + dt.timedelta(days=30)
    assert (
        selectors.keep_in_touch(workspace=workspace, user_id=teammate.pk, today=later).due_count
        == 0
    )


@pytest.mark.parametrize(
    ("every", "days", "field"),
    [
        ("custom", None, "days"),
        ("custom", 0, "days"),
        ("custom", 731, "days"),
        ("daily", None, "every"),
    ],
)
def test_invalid_rhythms_are_refused(workspace, user, dana, every, days, field):
    with pytest.raises(ValidationError) as caught:
        rhythm_set(workspace=workspace, user=user, every=every, days=days, person=dana)
    assert list(caught.value.message_dict) == [field]


def test_a_rhythm_for_another_workspaces_person_is_refused(workspace, user, other_workspace):
    stranger = PersonFactory(workspace=other_workspace)
    with pytest.raises(ValidationError):
        rhythm_set(workspace=workspace, user=user, every="weekly", person=stranger)


def test_losing_touch_lists_strong_decaying_ties_without_a_rhythm(workspace, user, me, dana, tie):
    from kesher.network.services import tie_update

    tie_update(tie=tie, kind=tie.kind, trust=5, since=timezone.localdate() - dt.timedelta(days=900))
    for days in (20, 15, 10, 5):
        log(workspace, user, [dana], days_ago=days, initiated_by="me")
        log(workspace, user, [dana], days_ago=days - 1, initiated_by="them", exchange="give")
    state = selectors.keep_in_touch(workspace=workspace, user_id=user.pk)
    assert names(state.losing_touch) == ["Dana"]
    rhythm_set(workspace=workspace, user=user, every="monthly", person=dana)
    assert selectors.keep_in_touch(workspace=workspace, user_id=user.pk).losing_touch == []


def test_the_digest_is_one_grouped_email(workspace, user, dana):
    ben = PersonFactory(workspace=workspace, name="Ben")
    cleo = PersonFactory(workspace=workspace, name="Cleo")
    rhythm_set(workspace=workspace, user=user, every="custom", days=3, person=dana)
    rhythm_set(workspace=workspace, user=user, every="custom", days=10, person=ben)
    rhythm_set(workspace=workspace, user=user, every="custom", days=12, person=cleo)
    today = timezone.localdate() + dt.timedelta(days=10)
    assert digest_send(workspace=workspace, user=user, today=today, base_url="https://k.example")
    [email] = mail.outbox
    assert email.to == [user.email]
    # The workspace speaks Hebrew: the email is translated, the names are as written.
    assert email.subject == f"שמירה על קשר השבוע — {workspace.name}"
    workspace.language = "en"
    workspace.save()
    mail.outbox.clear()
    digest_send(workspace=workspace, user=user, today=today, base_url="https://k.example")
    [email] = mail.outbox
    body = email.body
    assert body.index("Overdue:") < body.index("- Dana (7 days overdue)")
    assert body.index("Today:") < body.index("- Ben") < body.index("This week:")
    assert body.index("This week:") < body.index("- Cleo")
    assert "https://k.example/relationships/keep-in-touch/" in body
    assert email.alternatives[0][1] == "text/html"


def test_no_digest_when_nobody_is_due(workspace, user):
    assert digest_send(workspace=workspace, user=user) is False
    assert digests_send() == 0
    assert mail.outbox == []


def test_the_digest_goes_to_every_member_of_every_workspace_once(
    workspace, user, dana, other_workspace
):
    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    other_owner = other_workspace_owner(other_workspace)
    rhythm_set(
        workspace=other_workspace,
        user=other_owner,
        every="weekly",
        person=PersonFactory(workspace=other_workspace, name="Far away"),
    )
    assert digests_send(today=timezone.localdate() + dt.timedelta(days=3)) == 2
    recipients = sorted(email.to[0] for email in mail.outbox)
    assert recipients == sorted([user.email, other_owner.email])
    mine = next(email for email in mail.outbox if email.to == [user.email])
    assert "Far away" not in mine.body


def other_workspace_owner(workspace):
    from kesher.workspaces.models import Membership

    return Membership.objects.get(workspace=workspace).user


def test_the_calendar_feed_carries_the_reminders_at_a_secret_address(workspace, user, dana):
    workspace.language = "en"
    workspace.save()
    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    _feed, secret = calendar_feed_regenerate(workspace=workspace, user=user)
    assert len(secret) >= 43
    assert CalendarFeed.objects.get(workspace=workspace, user=user).digest != secret
    response = Client().get(reverse("relationships:calendar_feed", args=[secret]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    due = timezone.localdate() + dt.timedelta(days=7)
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:keep-in-touch-{dana.public_id}@kesher\r\n" in body
    assert f"DTSTART;VALUE=DATE:{due:%Y%m%d}\r\n" in body
    assert "SUMMARY:Keep in touch: Dana\r\n" in body
    assert body.count("BEGIN:VEVENT") == 1


def test_a_wrong_or_old_calendar_secret_is_not_found(workspace, user, dana):
    _feed, old = calendar_feed_regenerate(workspace=workspace, user=user)
    _feed, new = calendar_feed_regenerate(workspace=workspace, user=user)
    client = Client()
    assert client.get(reverse("relationships:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("relationships:calendar_feed", args=["x" * 43])).status_code == 404
    assert client.get(reverse("relationships:calendar_feed", args=[new])).status_code == 200


def test_the_calendar_feed_never_carries_another_workspaces_reminders(
    workspace, user, dana, other_workspace
):
    from kesher.workspaces.models import Membership

    Membership.objects.create(workspace=other_workspace, user=user, role="member")
    rhythm_set(
        workspace=other_workspace,
        user=user,
        every="weekly",
        person=PersonFactory(workspace=other_workspace, name="Secret elsewhere"),
    )
    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    _feed, secret = calendar_feed_regenerate(workspace=workspace, user=user)
    body = Client().get(reverse("relationships:calendar_feed", args=[secret])).content.decode()
    assert "Secret elsewhere" not in body
    assert body.count("BEGIN:VEVENT") == 1


def test_the_calendar_feed_stops_when_the_member_leaves(workspace, user):
    from kesher.workspaces.models import Membership

    _feed, secret = calendar_feed_regenerate(workspace=workspace, user=user)
    Membership.objects.filter(workspace=workspace, user=user).delete()
    assert Client().get(reverse("relationships:calendar_feed", args=[secret])).status_code == 404


def test_the_digest_command_sends_and_rejects_an_unknown_workspace(workspace, user, dana, capsys):
    from kesher.cli import main

    rhythm_set(workspace=workspace, user=user, every="weekly", person=dana)
    from kesher.relationships.models import Rhythm

    Rhythm.objects.update(started_on=timezone.localdate() - dt.timedelta(days=30))
    assert main(["digest", "--workspace", str(workspace.public_id)]) == 0
    assert [email.to for email in mail.outbox] == [[user.email]]
    assert main(["digest", "--workspace", "nope"]) == 2
    assert main(["strengths", "--workspace", str(workspace.public_id)]) == 0
    _out, err = capsys.readouterr()
    assert (
        "No workspace has the id nope: check it, or leave out --workspace to include every "
        "workspace." in err
    )
