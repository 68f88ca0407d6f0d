"""Tie strength explanations in words, in the active language. The explanation is stored as
data (engine.strength.TieExplanation as JSON) and phrased when shown, so switching language
or rewording never needs a recompute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


# A warm path in words. A path's reliability is the product of its ties' strengths / 100, so it
# falls fast with every tie: one tie of 50 is 50%, two ties of 50 are 25%, three are 12.5%.
# STRONG: at least 25%: a direct tie of 25 or more, or two ties of 50 or more (close ties
# all the way). FAIR: at least 5%: e.g. two ties of about 23 each, or three ties of 37. WEAK:
# anything less, which in practice means a long path or one through a tie nobody keeps up.
PATH_STRONG = 0.25
PATH_FAIR = 0.05

PATH_STRENGTH_LABELS: Mapping[str, Promise] = {
    "strong": gettext_lazy("Strong path"),
    "fair": gettext_lazy("Fair path"),
    "weak": gettext_lazy("Weak path"),
}

# One tie in words. Strengths (0..100, see engine.strength) of 50 and more are ties in close
# touch; 25 and more, ties in touch; below that, contact is rare or long ago.
TIE_CLOSE = 50.0
TIE_IN_TOUCH = 25.0

# What each built-in kind of tie means between two people; a workspace's own kinds show their
# name.
KIND_PHRASES: Mapping[str, Promise] = {
    "friend": gettext_lazy("friends"),
    "colleague": gettext_lazy("worked together"),
    "family": gettext_lazy("family"),
    "customer": gettext_lazy("do business together"),
    "supplier": gettext_lazy("do business together"),
    "basketball": gettext_lazy("play basketball together"),
    "team": gettext_lazy("on the same team"),
}


def path_strength(reliability: float) -> str:
    """ "strong", "fair" or "weak" (see PATH_STRONG and PATH_FAIR)."""
    if reliability >= PATH_STRONG:
        return "strong"
    if reliability >= PATH_FAIR:
        return "fair"
    return "weak"


def tie_words(kinds: Sequence[tuple[str, str]], strength: float | None) -> str:
    """The tie between two people in words, from its kinds (code, label) and its strength,
    e.g. "close friends", "worked together, in touch"."""
    close = strength is not None and strength >= TIE_CLOSE
    phrases: list[str] = []
    for code, label in kinds:
        if code == "friend" and close:
            phrase = _("close friends")
        elif code in KIND_PHRASES:
            phrase = str(KIND_PHRASES[code])
        else:
            phrase = label
        if phrase not in phrases:
            phrases.append(phrase)
    if _("close friends") not in phrases:
        if strength is None:
            phrases.append(_("not scored yet"))
        elif close:
            phrases.append(_("in close touch"))
        elif strength >= TIE_IN_TOUCH:
            phrases.append(_("in touch"))
        else:
            phrases.append(_("rarely in touch"))
    return ", ".join(phrases)
