"""Tie strength explanations in words, in the active language. The explanation is stored as
data (engine.strength.TieExplanation as JSON) and phrased when shown, so switching language
or rewording never needs a recompute."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kesher.engine.strength import CHANNELS

COMPONENT_LABELS: Mapping[str, Promise] = {
    "recency": gettext_lazy("Recency"),
    "frequency": gettext_lazy("Frequency"),
    "reciprocity": gettext_lazy("Both sides reach out"),
    "channel": gettext_lazy("Kind of contact"),
    "duration": gettext_lazy("Known for"),
    "gives": gettext_lazy("Gives both ways"),
    "trust": gettext_lazy("Trust (your rating)"),
}


def _channel_count(channel: str, count: int) -> str:
    phrases = {
        "meeting": ngettext("%(count)d meeting", "%(count)d meetings", count),
        "call": ngettext("%(count)d call", "%(count)d calls", count),
        "message": ngettext("%(count)d message", "%(count)d messages", count),
        "email": ngettext("%(count)d email", "%(count)d emails", count),
        "event": ngettext("%(count)d event", "%(count)d events", count),
    }
    return phrases[channel] % {"count": count}


def explanation_text(data: Mapping[str, Any], *, name_a: str = "", name_b: str = "") -> str:
    """E.g. "3 meetings, 1 call in 90 days, last 12 days ago, both initiate, trust 4/5"."""
    if not data:
        return _("Not scored yet.")
    parts: list[str] = []
    window = int(data.get("window_days", 0))
    by_channel = data.get("channel_counts", {})
    # Most frequent first, then in the engine's channel order (jsonb keeps no key order).
    channels = sorted(
        (name for name in CHANNELS if by_channel.get(name)),
        key=lambda name: (-int(by_channel[name]), CHANNELS.index(name)),
    )
    counts = [_channel_count(channel, int(by_channel[channel])) for channel in channels]
    if counts:
        parts.append(
            ngettext("%(counts)s in %(days)d day", "%(counts)s in %(days)d days", window)
            % {"counts": ", ".join(counts), "days": window}
        )
    elif data.get("interactions"):
        parts.append(
            ngettext(
                "no contact in the last %(days)d day",
                "no contact in the last %(days)d days",
                window,
            )
            % {"days": window}
        )
    else:
        parts.append(_("no contact logged"))
    last = data.get("days_since_last")
    if last is not None:
        parts.append(
            _("last contact today")
            if last == 0
            else ngettext("last %(days)d day ago", "last %(days)d days ago", last) % {"days": last}
        )
    initiated = data.get("initiated") or (0, 0)
    if initiated[0] and initiated[1]:
        parts.append(_("both initiate"))
    elif initiated[0] or initiated[1]:
        name = name_a if initiated[0] else name_b
        parts.append(
            _("only %(name)s initiates") % {"name": name} if name else _("one side initiates")
        )
    gives = data.get("gives") or (0, 0)
    if gives[0] and gives[1]:
        parts.append(_("gives both ways"))
    elif gives[0] or gives[1]:
        name = name_a if gives[0] else name_b
        count = gives[0] or gives[1]
        parts.append(
            ngettext("%(name)s gave once", "%(name)s gave %(count)d times", count)
            % {"name": name or _("one side"), "count": count}
        )
    known = data.get("days_known")
    if known is not None and known >= 365:
        years = known // 365
        parts.append(
            ngettext("known %(years)d year", "known %(years)d years", years) % {"years": years}
        )
    trust = data.get("trust")
    if trust:
        parts.append(_("trust %(trust)d/5") % {"trust": trust})
    return ", ".join(parts)


def component_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The score's parts for a details table: label, points of 100, share of the weight."""
    return [
        {
            "name": item["name"],
            "label": str(COMPONENT_LABELS.get(item["name"], item["name"])),
            "points": round(float(item["points"]), 1),
            "value": round(100 * float(item["value"])),
            "share": round(100 * float(item["share"])),
        }
        for item in data.get("components", [])
    ]
