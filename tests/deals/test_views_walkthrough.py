"""Findings of the demo walkthrough: Hebrew names inside the English deal pages are isolated
(<bdi>), the next step shows whole and in its own direction, start-small advice while the amount
is typed, the start-small message in money, the public page for a link used again, the reports'
stages without amounts, and deals at risk on Today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesher.accounts.models import User
from kesher.deals import selectors, services
from kesher.deals.models import (
    Deal,
    DealStatus,
    Pipeline,
    PipelineKind,
    SatisfactionRequest,
    StageRole,
    Task,
    TaskKind,
)
from kesher.people.models import Organization, Person
from kesher.workspaces.models import Membership, Role, Workspace
from tests.deals.conftest import page, stage, url
from tests.factories import (
    DealFactory,
    OrganizationFactory,
    PersonFactory,
    PipelineFactory,
    UserFactory,
)
from tests.people.conftest import HTMX, login

pytestmark = pytest.mark.django_db

VALUE_CASE = {
    "value_value": "מדפסות שמדפיסות את ההיקף שהובטח",
    "value_why_us": "אנחנו מתקנים בעצמנו",
    "value_why_now": "החוזה הנוכחי נגמר",
    "value_alternative": "להישאר עם הספק הקודם",
}


@pytest.fixture
def web(user: User, workspace: Workspace) -> Client:
    """The seller, reading the pages in English."""
    user.display_name = "אלון ברקוביץ"
    user.save()
    return login(user)


@pytest.fixture
def michal(workspace: Workspace) -> Person:
    return PersonFactory(workspace=workspace, name="מיכל אברהם", language="he")


@pytest.fixture
def livne(workspace: Workspace) -> Organization:
    return OrganizationFactory(workspace=workspace, name="אופנת ליבנה")


@pytest.fixture
def deal(pipeline: Pipeline, michal: Person, livne: Organization) -> Deal:
    needs = stage(pipeline, 4)
    needs.name = "זוהו צרכים"
    needs.save()
    return DealFactory(
        workspace=pipeline.workspace,
        pipeline=pipeline,
        stage=needs,
        title="מחשבים ומדפסות",
        person=michal,
        organization=livne,
        amount=Decimal("48000.00"),
        next_action="לשלוח למיכל השוואה בין שלוש ההצעות",
        next_action_on=timezone.localdate() + dt.timedelta(days=2),
    )


def won(deal: Deal, user: User) -> Deal:
    services.deal_value_case_update(deal=deal, actor=user, **VALUE_CASE)
    return services.deal_close_won(deal=deal, actor=user)


def first_deals(pipeline: Pipeline, user: User, amount: str = "8000.00") -> None:
    """Five customers' first deals, won: the usual first deal is their median."""
    for number in range(5):
        first = DealFactory(
            workspace=pipeline.workspace,
            pipeline=pipeline,
            title=f"First {number}",
            amount=Decimal(amount),
        )
        won(first, user)


# Hebrew names in the English pages.


def test_the_english_deal_header_isolates_each_hebrew_name(web, deal, user, michal, livne):
    product = services.product_create(
        workspace=deal.workspace, actor=user, name="מחשבים וציוד היקפי", price="14000"
    )
    Deal.objects.filter(pk=deal.pk).update(product=product)

    html = page(web, url("detail", deal.public_id))

    assert "<h1>\n          <bdi>מחשבים ומדפסות</bdi>\n        </h1>" in html
    assert '<bdi id="deal-stage">זוהו צרכים</bdi>' in html
    # Each item of the line whole, in the page's order (the dots between them are CSS).
    assert (
        '<span class="meta-item">'
        f'<a href="/people/{michal.public_id}/"><bdi>מיכל אברהם</bdi></a></span>'
    ) in html
    assert (
        '<span class="meta-item">'
        f'<a href="/directory/organisations/{livne.public_id}/"><bdi>אופנת ליבנה</bdi></a></span>'
    ) in html
    assert '<span class="meta-item"><bdi id="deal-product">מחשבים וציוד היקפי</bdi></span>' in html
    assert '<span class="meta-item">owned by <bdi>אלון ברקוביץ</bdi></span>' in html


def test_english_sentences_isolate_the_hebrew_stage_they_name(web, deal, user, pipeline):
    services.deal_move(deal=deal, stage=stage(pipeline, 3), actor=user)
    first = deal.stage_changes.order_by("changed_at", "id").first()
    assert first is not None
    deal.stage_changes.exclude(pk=first.pk).delete()
    first.from_stage, first.from_stage_name = None, ""
    first.save()
    delivered = pipeline.stages.get(role=StageRole.DELIVERED)
    delivered.name = "סופקה"
    delivered.save()

    before = page(web, url("detail", deal.public_id))
    won(deal, user)
    after = page(web, url("detail", deal.public_id))

    assert f"Created in <bdi>{stage(pipeline, 3).name}</bdi>" in before
    assert "Move on to <bdi>סופקה</bdi>" in " ".join(after.split())


def test_a_persons_deals_isolate_the_stage_name(web, deal, michal):
    html = page(web, reverse("people:detail", args=[michal.public_id]))

    assert '<bdi>זוהו צרכים</bdi> · <span class="money">₪48,000</span>' in html


def test_the_organisation_picker_isolates_the_names_and_the_query(web, workspace):
    html = page(web, f"{url('organization_pick')}?field=organization&q=ליבנה", headers=HTMX)

    assert "No organisation matches “<bdi>ליבנה</bdi>”." in html


def test_the_message_for_a_task_done_isolates_its_title_and_escapes_it(web, deal, user):
    task = Task.objects.create(
        workspace=deal.workspace,
        kind=TaskKind.NEXT_STEP,
        title="<b>להתקשר</b> למיכל",
        due_on=timezone.localdate(),
        deal=deal,
        assignee=user,
    )

    response = web.post(url("task_done", task.public_id), follow=True)

    assert (
        '<li class="message success">Done: “<bdi>&lt;b&gt;להתקשר&lt;/b&gt; למיכל</bdi>”.</li>'
        in response.content.decode()
    )


# The next step, whole and in its own direction.


def test_the_title_and_next_step_are_written_in_their_own_direction(web, deal):
    form = page(web, url("create"))
    deal_page = page(web, url("detail", deal.public_id))

    assert (
        '<input type="text" name="title" autocomplete="off" dir="auto" maxlength="200" '
        'required id="id_title">'
    ) in form
    assert (
        '<textarea name="next_action" cols="40" rows="2" maxlength="300" dir="auto" '
        'class="next-step-text" aria-describedby="id_next_action_helptext" '
        'id="id_next_action">\n</textarea>'
    ) in form
    # On the deal page, the whole step shows in a text area that grows with it.
    assert (
        '<textarea name="next_action" cols="40" rows="2" maxlength="300" dir="auto" '
        'class="next-step-text" id="id_next_action">\n'
        "לשלוח למיכל השוואה בין שלוש ההצעות</textarea>"
    ) in deal_page


# Start small while the amount is typed.


def advice_url(**query: object) -> str:
    return f"{url('advice_preview')}?{urlencode(query)}"


def test_the_deal_form_asks_for_advice_as_the_amount_is_typed(web, deal):
    new = page(web, url("create"))
    edit = page(web, url("edit", deal.public_id))

    assert 'hx-get="/deals/advice/"' in new
    assert "input changed delay:400ms from:#id_amount" in new
    assert f'hx-vals=\'{{"deal": "{deal.public_id}"}}\'' in edit


def test_advice_shows_for_an_oversized_first_deal_and_nothing_is_saved(web, pipeline, user, michal):
    first_deals(pipeline, user)
    deals = Deal.objects.count()

    html = page(
        web,
        advice_url(
            amount="48000", currency="ILS", person=michal.public_id, pipeline=pipeline.public_id
        ),
        headers=HTMX,
    )

    assert 'id="advice"' in html
    assert (
        "₪48,000 is large for a first deal: the usual first deal here is ₪8,000 "
        "(the median of 5 first deals)." in html
    )
    assert "Suggest a smaller first step, around ₪8,000:" in html
    assert Deal.objects.count() == deals


def test_advice_for_the_deal_being_edited_leaves_the_deal_itself_out(web, deal, user, pipeline):
    first_deals(pipeline, user)

    html = page(
        web,
        advice_url(
            amount="50000", currency="ILS", person=deal.person.public_id, deal=deal.public_id
        ),
    )

    assert "₪50,000 is large for a first deal" in html


def test_advice_is_silent_for_a_returning_customer_a_small_amount_or_no_amount(
    web, pipeline, user, michal
):
    first_deals(pipeline, user)
    silent = [
        advice_url(amount="9000", currency="ILS", person=michal.public_id),
        advice_url(amount="", currency="ILS", person=michal.public_id),
        advice_url(amount="48000", currency="ILS"),
    ]
    won(DealFactory(workspace=pipeline.workspace, pipeline=pipeline, person=michal), user)
    silent.append(advice_url(amount="48000", currency="ILS", person=michal.public_id))

    for address in silent:
        response = web.get(address, headers=HTMX)
        assert (response.status_code, response.content) == (200, b""), address


def test_advice_never_reads_another_workspaces_customer_or_deal(
    web, other_web, pipeline, user, michal, deal, other_workspace
):
    first_deals(pipeline, user)
    stranger = PersonFactory(workspace=other_workspace)
    their_organization = OrganizationFactory(workspace=other_workspace)
    their_deal = DealFactory(workspace=other_workspace)

    mine = [
        advice_url(amount="48000", currency="ILS", person=stranger.public_id),
        advice_url(amount="48000", currency="ILS", organization=their_organization.public_id),
        advice_url(amount="48000", currency="ILS", person=michal.public_id, deal=their_deal.pk),
        advice_url(
            amount="48000", currency="ILS", person=michal.public_id, deal=their_deal.public_id
        ),
    ]
    theirs = advice_url(amount="48000", currency="ILS", person=michal.public_id)

    assert web.get(mine[0], headers=HTMX).status_code == 404
    assert web.get(mine[1], headers=HTMX).status_code == 404
    assert web.get(mine[2], headers=HTMX).content == b""
    assert web.get(mine[3], headers=HTMX).status_code == 404
    assert other_web.get(theirs, headers=HTMX).status_code == 404
    assert Client().get(theirs).status_code == 302


# The start-small message after saving, in money.


def test_the_start_small_message_after_creating_shows_money(web, pipeline, user, michal):
    first_deals(pipeline, user)

    response = web.post(
        url("create"),
        {
            "pipeline": pipeline.public_id,
            "title": "מחשבים ומדפסות",
            "person": michal.public_id,
            "amount": "48000",
            "currency": "ILS",
            "next_action": "לקבוע פגישה",
            "next_action_on": "2031-05-01",
            "disposition": "open",
        },
    )

    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Deal created.",
        "₪48,000 is large for a first deal with this customer: consider a smaller first step, "
        "around ₪8,000.",
    ]


# The customer's public page, answered and opened again.


@pytest.fixture
def satisfaction_request(deal: Deal, user: User) -> SatisfactionRequest:
    won(deal, user)
    request = SatisfactionRequest.objects.get(deal=deal)
    SatisfactionRequest.objects.filter(pk=request.pk).update(language="en")
    return request


def public_url(request: SatisfactionRequest) -> str:
    return url("satisfaction", selectors.satisfaction_token(request=request))


def test_the_public_page_isolates_the_company_and_the_deal(client, satisfaction_request):
    workspace = satisfaction_request.deal.workspace
    workspace.name = "הרשת של אלון"
    workspace.save()

    html = page(client, public_url(satisfaction_request))

    assert (
        "Thank you for choosing <bdi>הרשת של אלון</bdi>. We would like to know how "
        "“<bdi>מחשבים ומדפסות</bdi>” went for you."
    ) in html


def test_the_first_answer_is_thanked_and_a_link_used_again_says_when_it_was_answered(
    client, satisfaction_request
):
    address = public_url(satisfaction_request)

    response = client.post(address, {"score": "9", "comment": ""})
    thanks = page(client, response["Location"])
    SatisfactionRequest.objects.filter(pk=satisfaction_request.pk).update(
        answered_at=dt.datetime(2026, 8, 12, 22, 30, tzinfo=dt.UTC)
    )
    again = client.get(address)
    posted_again = client.post(address, {"score": "2"})

    assert '<h1 id="public-heading" data-state="answered">Thank you!</h1>' in thanks
    assert "<p>Your answer was received. It helps us serve you better.</p>" in thanks
    assert "already" not in thanks
    for response in (again, posted_again):
        html = response.content.decode()
        assert response.status_code == 410
        assert '<h1 id="public-heading" data-state="already_answered">Already answered</h1>' in html
        # 22:30 UTC is past midnight in Jerusalem, the workspace's time zone.
        assert "<p>You already answered on 13 August 2026. Thank you!</p>" in html
    satisfaction_request.refresh_from_db()
    assert satisfaction_request.score == 9


# The reports: a stage's deals without amounts.


def test_the_pipeline_value_counts_deals_and_leaves_out_zero_amounts(web, deal, workspace):
    recruiting = PipelineFactory(workspace=workspace, kind=PipelineKind.RECRUITING)
    interview = stage(recruiting, 3)
    DealFactory(workspace=workspace, pipeline=recruiting, stage=interview, amount=Decimal("0.00"))
    DealFactory(workspace=workspace, pipeline=recruiting, stage=interview, amount=Decimal("0.00"))

    html = page(web, url("reports"))

    table = html[html.index('id="report-value"') :]
    table = " ".join(table[: table.index("</section>")].split())
    assert (
        f"<tr> <td>{recruiting.name}</td> <td>{interview.name}</td> "
        '<td class="number">2</td> <td class="number"> '
        '<span class="muted">no amounts</span> </td> </tr>'
    ) in table
    assert (
        f"<tr> <td>{deal.pipeline.name}</td> <td>זוהו צרכים</td> "
        '<td class="number">1</td> <td class="number"> '
        '<span class="money">₪48,000</span> </td> </tr>'
    ) in table
    assert "₪0" not in table
    assert table.count("<tr>") == 3


# Today: deals at risk.


def break_a_promise(deal: Deal, user: User) -> None:
    promise = services.promise_create(deal=deal, actor=user, kind="volume", text="10,000 עמודים")
    services.promise_check(promise=promise, kept=False, actor=user)


def test_today_shows_a_deal_at_risk_rather_than_all_on_track(web, deal, user):
    won(deal, user)
    before = page(web, reverse("core:home"))
    break_a_promise(deal, user)

    after = page(web, reverse("core:home"))

    assert "Every open deal has a next step on time. Nothing due." in before
    assert "Every open deal has a next step on time. Nothing due." not in after
    assert (
        f'<li class="list-item" id="today-at-risk-{deal.public_id}">\n'
        f'          <a href="/deals/{deal.public_id}/#promises" dir="auto">מחשבים ומדפסות</a>\n'
        '          <span class="meta"><bdi>מיכל אברהם</bdi> · <bdi>אופנת ליבנה</bdi>\n'
        "</span>"
    ) in after


def test_todays_queries_do_not_grow_with_the_deals_at_risk(web, deal, user, pipeline):
    break_a_promise(deal, user)
    page(web, reverse("core:home"))
    with CaptureQueriesContext(connection) as one:
        page(web, reverse("core:home"))
    for _ in range(3):
        break_a_promise(DealFactory(workspace=deal.workspace, pipeline=pipeline), user)

    with CaptureQueriesContext(connection) as four:
        html = page(web, reverse("core:home"))

    assert html.count('id="today-at-risk-') == 4
    assert len(four) == len(one)


def test_today_shows_only_this_workspaces_and_this_members_deals_at_risk(
    web, other_web, deal, user, pipeline, other_workspace
):
    break_a_promise(deal, user)
    colleague = UserFactory()
    Membership.objects.create(workspace=deal.workspace, user=colleague, role=Role.MEMBER)
    theirs = DealFactory(workspace=deal.workspace, pipeline=pipeline, owner=colleague)
    break_a_promise(theirs, user)
    elsewhere = DealFactory(workspace=other_workspace)
    break_a_promise(elsewhere, elsewhere.owner)

    mine = page(web, reverse("core:home"))
    other = page(other_web, reverse("core:home"))

    assert f'id="today-at-risk-{deal.public_id}"' in mine
    assert f'id="today-at-risk-{theirs.public_id}"' not in mine
    assert f'id="today-at-risk-{elsewhere.public_id}"' not in mine
    assert f'id="today-at-risk-{elsewhere.public_id}"' in other
    assert f'id="today-at-risk-{deal.public_id}"' not in other
    assert deal.status == DealStatus.OPEN
