"""The deal sections of other apps' pages: a person's and an organisation's deals (with the at-risk
badge), and the Today section. Inclusion tags, so those pages' views need not know about deals.
And the board's cards and every deal's next-step flag, written in Python: the board shows up to
200 cards, and the template engine spent about 0.15 ms on each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kesher.core.templatetags.core_tags import ROW_SLOT, money, row_url_pattern
from kesher.deals import selectors
from kesher.deals.models import Deal, DealStatus, Stage
from kesher.deals.selectors import BoardCard
from kesher.people.models import Organization, Person
from kesher.workspaces.models import Role

register = template.Library()

# A customer page shows their latest deals; the deals list has them all.
CUSTOMER_DEALS = 10
# Today shows the first few of each kind.
TODAY_ITEMS = 10
WRITE_ROLES = (Role.OWNER, Role.MEMBER)


def _can_write(request: Any) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in WRITE_ROLES


def _section(context: template.Context, deals: Any, at_risk: bool, query: str) -> dict[str, Any]:
    request = context["request"]
    return {
        "request": request,
        "deals": list(deals[:CUSTOMER_DEALS]),
        "at_risk": at_risk,
        "today": timezone.localdate(),
        "can_write": _can_write(request),
        "create_query": query,
    }


@register.inclusion_tag("deals/_customer_section.html", takes_context=True)
def person_deals(context: template.Context, person: Person) -> dict[str, Any]:
    workspace = context["request"].workspace
    return _section(
        context,
        selectors.deals_for_person(workspace=workspace, person=person),
        selectors.person_is_at_risk(workspace=workspace, person=person),
        urlencode({"person": str(person.public_id)}),
    )


@register.inclusion_tag("deals/_customer_section.html", takes_context=True)
def organization_deals(context: template.Context, organization: Organization) -> dict[str, Any]:
    workspace = context["request"].workspace
    at_risk = bool(
        selectors.at_risk_organization_ids(workspace=workspace, organization_ids=[organization.pk])
    )
    return _section(
        context,
        selectors.deals_for_organization(workspace=workspace, organization=organization),
        at_risk,
        urlencode({"organization": str(organization.public_id)}),
    )


@register.inclusion_tag("deals/_today.html", takes_context=True)
def deals_today(context: template.Context) -> dict[str, Any]:
    """The member's own deals at risk (a promise broken, its follow-up not done), deals needing
    a next step, post-sale checks and follow-ups due; a coach (who owns no deals) sees the
    whole workspace's."""
    request = context["request"]
    today = timezone.localdate()
    owner = request.user if _can_write(request) else None
    attention, checks, follow_ups = selectors.today_items(
        workspace=request.workspace, owner=owner, today=today
    )
    at_risk = selectors.deals_at_risk(workspace=request.workspace, owner=owner, limit=TODAY_ITEMS)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "today": today,
        "can_write": _can_write(request),
        "deals_today": {
            "at_risk": list(at_risk),
            "attention": list(attention[:TODAY_ITEMS]),
            "checks": list(checks[:TODAY_ITEMS]),
            "follow_ups": list(follow_ups[:TODAY_ITEMS]),
        },
    }


# The next step as a flag shows this much of its text.
NEXT_STEP_FLAG_LENGTH = 60
# A lost or walked-away deal leaves the board: no dragging, no "move to".
UNMOVABLE = (DealStatus.LOST, DealStatus.WALKED_AWAY)


@lru_cache(maxsize=4096)
def _flag_opening(day: dt.date | None, today: dt.date, language: str) -> str:
    """A next-step flag's markup up to the step's text, for a step on `day` (None: no step):
    translated and formatted once per day, today and language (the active one, which is
    also part of the key), not once per deal."""
    if day is None:
        return f'<p class="due-missing" data-flag="missing">{escape(_("No next step"))}</p>'
    shown = date_format(day, "j M")
    if day < today:
        overdue = escape(_("Overdue since %(date)s") % {"date": shown})
        return f'<p class="due-overdue" data-flag="overdue">{overdue} · <span dir="auto">'
    return (
        f'<p class="meta"><time datetime="{day.isoformat()}">{escape(shown)}</time> · '
        '<span dir="auto">'
    )


def _flag(deal: Deal | BoardCard, today: dt.date) -> str:
    """An open deal's next step: "No next step", "Overdue since 3 Aug · call Dana", or its day
    and text; nothing for a closed deal."""
    if deal.status != DealStatus.OPEN:
        return ""
    language = get_language()
    if not deal.next_action or deal.next_action_on is None:
        return _flag_opening(None, today, language)
    action = deal.next_action
    if len(action) > NEXT_STEP_FLAG_LENGTH:
        action = action[: NEXT_STEP_FLAG_LENGTH - 1].rstrip() + "…"
    return f"{_flag_opening(deal.next_action_on, today, language)}{escape(action)}</span></p>"


@register.simple_tag
def next_step_flag(deal: Deal | BoardCard, today: dt.date) -> SafeString:
    """An open deal's next step (see _flag); nothing for a closed deal."""
    return SafeString(_flag(deal, today))


@register.simple_tag(takes_context=True)
def deal_cards(context: template.Context, cards: Iterable[BoardCard], stage: Stage) -> SafeString:
    """The board's cards, all in `stage`: title (to the deal), customer, amount, next step,
    and for a writer the "Move…" link (the deal page's "move to"; board.js opens the board's
    move dialog instead) and dragging. `move_error` in the context: why the last move of this
    card was refused. Each value is escaped here (by the standard library's escape, as
    Django's own does, without its lazy-text checks); the rest is fixed markup."""
    writer = bool(context.get("can_write"))
    today = context.get("today") or timezone.localdate()
    move_error = context.get("move_error", "")
    deal_url = row_url_pattern("deals:detail")
    stage_id = stage.public_id
    move_label = escape(_("Move…"))
    open_label = escape(_("Open the deal"))
    stages = context.get("stages") or []
    # A won deal only moves on (to delivery, payment): from the last stage, nowhere.
    last_stage = bool(stages) and stages[-1].pk == stage.pk
    html = []
    for card in cards:
        public_id = str(card.public_id)
        href = deal_url.replace(ROW_SLOT, public_id)
        movable = (
            writer
            and card.status not in UNMOVABLE
            and not (last_stage and card.status == DealStatus.WON)
        )
        drag = ' draggable="true" data-movable' if movable else ""
        customer = " · ".join(f"<bdi>{escape(name)}</bdi>" for name in card.customer_names)
        html.append(
            f'<li class="deal-card" id="deal-{public_id}" data-deal="{public_id}" '
            f'data-stage="{stage_id}"{drag}>'
            f'<a class="deal-card-title" href="{href}" dir="auto">{escape(card.title)}</a>'
            f'<p class="meta" dir="auto">{customer}</p>'
            f'<p><span class="money">{escape(money(card.amount, card.currency))}</span></p>'
            f"{_flag(card, today)}"
        )
        if move_error:
            html.append(
                '<div class="move-error" role="alert" tabindex="-1" data-move-error>'
                f'<p>{escape(move_error)}</p><a href="{href}#value-case">{open_label}</a></div>'
            )
        if movable:
            html.append(
                f'<a class="btn btn-small card-move-open" href="{href}#deal-move-stage" '
                f"data-move-open>{move_label}</a>"
            )
        html.append("</li>\n")
    return SafeString("".join(html))
