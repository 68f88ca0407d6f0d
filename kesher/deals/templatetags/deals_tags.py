"""The deal sections of other apps' pages: a person's and an organisation's deals (with the at-risk
badge), and the Today section. Inclusion tags, so those pages' views need not know about deals."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.http import urlencode

from kesher.deals import selectors
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
    """The member's own deals needing a next step, post-sale checks and follow-ups due; a coach
    (who owns no deals) sees the whole workspace's."""
    request = context["request"]
    today = timezone.localdate()
    owner = request.user if _can_write(request) else None
    attention, checks, follow_ups = selectors.today_items(
        workspace=request.workspace, owner=owner, today=today
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "today": today,
        "can_write": _can_write(request),
        "deals_today": {
            "attention": list(attention[:TODAY_ITEMS]),
            "checks": list(checks[:TODAY_ITEMS]),
            "follow_ups": list(follow_ups[:TODAY_ITEMS]),
        },
    }
