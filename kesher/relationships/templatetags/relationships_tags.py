"""Template helpers: a tie's explanation in words, warm paths in words, and the person page's
relationships card."""

from __future__ import annotations

from typing import Any

from django import template

from kesher.network.models import Tie
from kesher.people.models import Person
from kesher.relationships import phrasing, selectors
from kesher.relationships.forms import RhythmForm

register = template.Library()


@register.filter
def tie_explanation(tie: Tie) -> str:
    """The tie's stored explanation, phrased in the active language."""
    detail = getattr(tie, "strength_detail", None)
    return phrasing.explanation_text(
        detail.explanation if detail else {}, name_a=tie.person_a.name, name_b=tie.person_b.name
    )


@register.filter
def tie_words(step: selectors.PathStep) -> str:
    """The tie behind one step of a warm path in words ("close friends", "worked together,
    in touch"); a tie nobody has scored yet says so rather than take the graph's floor."""
    scored = any(tie.strength is not None for tie in step.ties)
    return phrasing.tie_words(
        [(tie.kind.code, tie.kind.label) for tie in step.ties],
        step.strength if scored else None,
    )


@register.filter
def path_strength(path: selectors.PathView) -> dict[str, str]:
    """The path's strength as a level ("strong", "fair", "weak") and its words."""
    level = phrasing.path_strength(path.path.reliability)
    return {"level": level, "label": str(phrasing.PATH_STRENGTH_LABELS[level])}


@register.filter
def tie_components(tie: Tie) -> list[dict[str, Any]]:
    detail = getattr(tie, "strength_detail", None)
    return phrasing.component_rows(detail.explanation) if detail else []


@register.inclusion_tag("relationships/_person_section.html", takes_context=True)
def person_relationships(context: template.Context, person: Person) -> dict[str, Any]:
    """The person page's card: rhythm, referral chain and stats, and links to the graph pages.
    A fixed handful of queries, whatever the network's size."""
    request = context["request"]
    workspace = request.workspace
    rhythm = selectors.rhythm_for_person(
        workspace=workspace, user_id=request.user.pk, person=person
    )
    initial = {"every": rhythm.every, "days": rhythm.days} if rhythm else {"every": "monthly"}
    return {
        "request": request,
        "person": person,
        "rhythm": rhythm,
        "rhythm_form": RhythmForm(initial=initial),
        "chain": selectors.referral_chain(workspace=workspace, person=person),
        "referrals": list(selectors.referral_list(workspace=workspace, person=person)[:10]),
        "csrf_token": context.get("csrf_token"),
    }
