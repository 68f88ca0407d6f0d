"""A short playbook for each customer disposition (seed 003: "it is always my responsibility").

Every kind of customer can become a good customer when the seller stays engaged: the sceptic's
doubts are mine to remove, the antagonist's resistance mine to soften, the uninterested
customer's interest mine to raise.
"""

from __future__ import annotations

from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext_lazy as _

from kesher.deals.models import Disposition

PLAYBOOKS: dict[str, tuple[LazyText, ...]] = {
    Disposition.OPEN: (
        _("Listen for the real need before offering anything."),
        _("Give honest information, including what we do not do well."),
        _("Agree on the next step before the meeting ends."),
    ),
    Disposition.SCEPTICAL: (
        _("Their doubts come from past experience: it is my job to remove them, not to argue."),
        _("Show proof: a reference customer, a trial, a small first step."),
        _("Promise only what you will check at delivery, and write it down as a promise."),
        _("Keep your interest in them whatever they say."),
    ),
    Disposition.ANTAGONISTIC: (
        _("Do not be moved by the attitude: stay calm and curious."),
        _("Ask what went wrong for them before; let them say all of it."),
        _("Softening their resistance is my responsibility, not theirs."),
        _("Find one small thing to agree on and build from there."),
    ),
    Disposition.UNINTERESTED: (
        _("Raising their interest is my job: find what matters to them, not to me."),
        _("Ask about their pains and goals; offer useful information with nothing asked back."),
        _("Answer “why now?” in the value case: what does waiting cost them?"),
        _("Keep in touch on a steady rhythm; do not drop them."),
    ),
    Disposition.PRICE_FOCUSED: (
        _("“Only wants deals” is not a reason to lose: show value, not discounts."),
        _("Compare with the real alternative, including doing nothing."),
        _("Offer a small-to-medium first deal so they can try us safely."),
        _("Do not blame the price: write down what you will do differently."),
    ),
    Disposition.NOT_LISTENING: (
        _("Stop talking and ask questions: people listen to what they said themselves."),
        _("Summarise their words back before giving yours."),
        _("Put the value case in writing, short, in their own terms."),
        _("Stay engaged to the end: agree on one concrete next step."),
    ),
}


def playbook_for(disposition: str) -> list[str]:
    """The playbook lines for a disposition, in the active language."""
    return [str(line) for line in PLAYBOOKS.get(disposition, PLAYBOOKS[Disposition.OPEN])]
