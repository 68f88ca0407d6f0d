"""The demo's value-based pipeline (seed 004 and friends): the fashion company's open
"computers and printers" deal, earlier customers' small first deals (so start-small advice has a
median), a repeat customer's delivered deal with a satisfied answer (so next offers show), a lost
deal with its review, a walk-away with a referral, and a candidate in the recruiting pipeline.

Everything goes through the deal services; only the dates are moved into the past afterwards,
so the history reads as months of work rather than one afternoon.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from kesher.accounts.models import User
from kesher.deals import selectors as deal_selectors
from kesher.deals import services as deal_services
from kesher.deals.models import Deal, DealStageChange, PostSaleCheck, SatisfactionRequest, StageRole
from kesher.network.models import Interaction
from kesher.people.models import Organization, Person
from kesher.workspaces.models import Workspace

# A won deal answered the four questions before its quote; the data file gives its own where
# the wording matters.
DEFAULT_VALUE_CASE = {
    "value_value": "ריהוט שמחזיק שנים, מותקן ומכוון לכל עובד",
    "value_why_us": "אנחנו מתקינים ומתחזקים בעצמנו, ועונים לטלפון גם אחרי המכירה",
    "value_why_now": "העובדים סובלים מכאבי גב, והמשרד גדל",
    "value_alternative": "רשת גדולה בלי התקנה ושירות, או להמשיך עם הריהוט הישן",
}
WON_OUTCOMES = ("won", "delivered", "paid")
WON_ROLES = (StageRole.WON, StageRole.DELIVERED, StageRole.PAID)


def demo_deals_load(
    *,
    workspace: Workspace,
    owner: User,
    data: dict[str, Any],
    people: dict[str, Person],
    organizations: dict[str, Organization],
    today: dt.date,
) -> list[Deal]:
    products = {
        spec["key"]: deal_services.product_create(
            workspace=workspace, actor=owner, name=spec["name"], price=spec["price"]
        )
        for spec in data["products"]
    }
    pipelines = {
        kind: deal_services.pipeline_default(workspace=workspace, kind=kind)
        for kind in ("sales", "recruiting")
    }
    tz = zoneinfo.ZoneInfo(workspace.time_zone)

    def at(days_ago: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=tz)

    deals = []
    for spec in data["deals"]:
        pipeline = pipelines[spec.get("pipeline", "sales")]
        stages = list(deal_selectors.stage_list(pipeline=pipeline))
        deal = deal_services.deal_create(
            workspace=workspace,
            actor=owner,
            pipeline=pipeline,
            title=spec["title"],
            person=people[spec["person"]] if "person" in spec else None,
            organization=organizations[spec["organization"]] if "organization" in spec else None,
            product=products[spec["product"]] if "product" in spec else None,
            amount=spec["amount"],
            disposition=spec["disposition"],
            next_action=spec.get("next_action", "לבדוק מה הלקוח צריך"),
            next_action_on=today + dt.timedelta(days=spec.get("next_action_in_days", 1)),
        )
        outcome = spec["outcome"]
        if "value_case" in spec or outcome in WON_OUTCOMES:
            deal_services.deal_value_case_update(
                deal=deal, actor=owner, **spec.get("value_case", DEFAULT_VALUE_CASE)
            )
        if "stage" in spec:
            deal_services.deal_move(deal=deal, stage=stages[spec["stage"]], actor=owner)
        promises = [
            (
                deal_services.promise_create(
                    deal=deal, actor=owner, kind=promise["kind"], text=promise["text"]
                ),
                promise.get("kept"),
            )
            for promise in spec.get("promises", [])
        ]
        if outcome in WON_OUTCOMES:
            _win(deal, owner, spec, promises, stages)
        elif outcome == "lost":
            deal_services.deal_close_lost(
                deal=deal,
                actor=owner,
                loss_category=spec["loss"]["category"],
                loss_reason=spec["loss"]["reason"],
                loss_lesson=spec["loss"]["lesson"],
            )
        elif outcome == "walked_away":
            referred_to = people[spec["walk_away"]["referred_to"]]
            deal_services.deal_walk_away(
                deal=deal, actor=owner, reason=spec["walk_away"]["reason"], referred_to=referred_to
            )
        closed_at = at(spec["closed_days_ago"], 11) if "closed_days_ago" in spec else None
        opened_at = at(spec["opened_days_ago"], 9) if "opened_days_ago" in spec else closed_at
        moved_at = at(spec["moved_days_ago"], 10) if "moved_days_ago" in spec else None
        moved_at = moved_at or closed_at or opened_at
        if opened_at is not None and moved_at is not None:
            _backdate_history(deal, opened_at=opened_at, moved_at=moved_at, closed_at=closed_at)
        if closed_at is not None:
            _backdate(deal, closed_at)
            if outcome == "walked_away":
                # The referral's give in the ledger happened when we walked away.
                Interaction.objects.filter(
                    workspace=workspace,
                    participants=referred_to,
                    exchange=Interaction.Exchange.GIVE,
                    occurred_at__gt=closed_at,
                ).update(occurred_at=closed_at)
        deals.append(deal)
    return deals


def _win(
    deal: Deal,
    owner: User,
    spec: dict[str, Any],
    promises: list[tuple[Any, bool | None]],
    stages: list[Any],
) -> None:
    deal_services.deal_close_won(deal=deal, actor=owner)
    for promise, kept in promises:
        deal_services.promise_check(promise=promise, kept=bool(kept), actor=owner)
    checks = list(deal_selectors.post_sale_check_list(deal=deal))
    answers = spec.get("post_sale")
    if answers is None and spec["outcome"] == "paid":
        # Long paid: every check was done and went well.
        answers = [{"understood": True, "working": True, "note": ""}] * len(checks)
    for check, answer in zip(checks, answers or [], strict=False):
        deal_services.post_sale_check_record(
            check=check,
            understood=answer["understood"],
            working=answer["working"],
            note=answer["note"],
            actor=owner,
        )
    by_role = {stage.role: stage for stage in stages if stage.role}
    if spec["outcome"] in ("delivered", "paid"):
        deal_services.deal_move(deal=deal, stage=by_role[StageRole.DELIVERED], actor=owner)
    if spec["outcome"] == "paid":
        deal_services.deal_move(deal=deal, stage=by_role[StageRole.PAID], actor=owner)
    if "satisfaction" in spec:
        request = deal_services.satisfaction_request_create(deal=deal, actor=owner)
        deal_services.satisfaction_answer(
            token=deal_selectors.satisfaction_token(request=request),
            score=spec["satisfaction"]["score"],
            comment=spec["satisfaction"]["comment"],
        )


def _backdate_history(
    deal: Deal, *, opened_at: dt.datetime, moved_at: dt.datetime, closed_at: dt.datetime | None
) -> None:
    """Date the deal's history: opened at `opened_at`, moved along at `moved_at`, and (won) moved
    into the won, delivered and paid stages at `closed_at`."""
    changes = DealStageChange.objects.filter(deal=deal)
    Deal.objects.filter(pk=deal.pk).update(created_at=opened_at)
    changes.filter(from_stage__isnull=True).update(changed_at=opened_at)
    closing = changes.filter(from_stage__isnull=False, to_stage__role__in=WON_ROLES)
    changes.filter(from_stage__isnull=False).exclude(pk__in=closing.values("pk")).update(
        changed_at=moved_at
    )
    if closed_at is not None:
        closing.update(changed_at=closed_at)


def _backdate(deal: Deal, closed_at: dt.datetime) -> None:
    """Move the deal's closing and what followed it to `closed_at` (and after)."""
    Deal.objects.filter(pk=deal.pk).update(closed_at=closed_at)
    for check in PostSaleCheck.objects.filter(deal=deal):
        due = closed_at.date() + dt.timedelta(days=check.offset_days)
        done = dt.datetime.combine(due, closed_at.timetz()) if check.done_at is not None else None
        PostSaleCheck.objects.filter(pk=check.pk).update(due_on=due, done_at=done)
    SatisfactionRequest.objects.filter(deal=deal, answered_at__isnull=False).update(
        answered_at=closed_at + dt.timedelta(days=10)
    )
    deal.refresh_from_db()
