"""Keeps the search index in step with the data. Services call these explicitly after writes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction

from kesher.engine.text import index_terms
from kesher.search.models import TERM_LENGTH, SearchDocument, SearchTerm

if TYPE_CHECKING:
    from kesher.network.models import Interaction, Need, Offer
    from kesher.people.models import Organization, Person

NAME_WEIGHT = 3
TEXT_WEIGHT = 1
SNIPPET_LENGTH = 300


def weighted_terms(weighted_texts: list[tuple[str, int]]) -> dict[str, int]:
    terms: dict[str, int] = {}
    for text, weight in weighted_texts:
        for term in index_terms(text):
            term = term[:TERM_LENGTH]
            if terms.get(term, 0) < weight:
                terms[term] = weight
    return terms


def _store(
    *,
    workspace_id: int,
    kind: str,
    object_id: uuid.UUID,
    person_id: int | None,
    title: str,
    snippet: str,
    archived: bool,
    weighted_texts: list[tuple[str, int]],
) -> SearchDocument:
    document, _ = SearchDocument.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "workspace_id": workspace_id,
            "person_id": person_id,
            "title": title[:300],
            "snippet": snippet[:SNIPPET_LENGTH],
            "archived": archived,
        },
    )
    SearchTerm.objects.filter(document=document).delete()
    SearchTerm.objects.bulk_create(
        SearchTerm(workspace_id=workspace_id, document=document, term=term, weight=weight)
        for term, weight in weighted_terms(weighted_texts).items()
    )
    return document


@transaction.atomic
def search_index_person(*, person: Person) -> SearchDocument:
    emails = [e.email for e in person.emails.all()]
    phones = [p.e164.lstrip("+") for p in person.phones.all()]
    # Local forms too, so "0541234567" finds "+972541234567".
    phones += ["0" + p[3:] for p in phones if p.startswith("972")]
    interests = [t.name for t in person.interests.all()]
    organization = person.organization.name if person.organization_id else ""  # type: ignore[union-attr]
    subtitle = " · ".join(part for part in (person.title, organization) if part)
    return _store(
        workspace_id=person.workspace_id,
        kind=SearchDocument.Kind.PERSON,
        object_id=person.public_id,
        person_id=person.pk,
        title=person.name + (f" ({person.name_alt})" if person.name_alt else ""),
        snippet=subtitle or person.notes,
        archived=person.archived_at is not None,
        weighted_texts=[
            (person.name, NAME_WEIGHT),
            (person.name_alt, NAME_WEIGHT),
            (" ".join(emails), NAME_WEIGHT),
            (" ".join(phones), NAME_WEIGHT),
            (organization, TEXT_WEIGHT),
            (person.title, TEXT_WEIGHT),
            (" ".join(interests), TEXT_WEIGHT),
            (person.notes, TEXT_WEIGHT),
        ],
    )


@transaction.atomic
def search_set_archived(*, person: Person, archived: bool) -> None:
    """Archiving hides a person and everything searchable on them, and restoring shows it."""
    SearchDocument.objects.filter(person=person).update(archived=archived)


@transaction.atomic
def search_index_organization(*, organization: Organization) -> SearchDocument:
    return _store(
        workspace_id=organization.workspace_id,
        kind=SearchDocument.Kind.ORGANIZATION,
        object_id=organization.public_id,
        person_id=None,
        title=organization.name,
        snippet=organization.notes,
        archived=False,
        weighted_texts=[(organization.name, NAME_WEIGHT), (organization.notes, TEXT_WEIGHT)],
    )


def _index_need_or_offer(item: Need | Offer, kind: str) -> SearchDocument:
    tags = [t.name for t in item.tags.all()]
    return _store(
        workspace_id=item.workspace_id,
        kind=kind,
        object_id=item.public_id,
        person_id=item.person_id,
        title=item.person.name,
        snippet=item.text,
        archived=item.person.archived_at is not None,
        weighted_texts=[(item.text, NAME_WEIGHT), (" ".join(tags), TEXT_WEIGHT)],
    )


@transaction.atomic
def search_index_need(*, need: Need) -> SearchDocument:
    return _index_need_or_offer(need, SearchDocument.Kind.NEED)


@transaction.atomic
def search_index_offer(*, offer: Offer) -> SearchDocument:
    return _index_need_or_offer(offer, SearchDocument.Kind.OFFER)


@transaction.atomic
def search_index_interaction(*, interaction: Interaction) -> SearchDocument | None:
    participants = list(interaction.participants.all())
    if not interaction.summary.strip() or not participants:
        search_remove(kind=SearchDocument.Kind.NOTE, object_id=interaction.public_id)
        return None
    first = participants[0]
    return _store(
        workspace_id=interaction.workspace_id,
        kind=SearchDocument.Kind.NOTE,
        object_id=interaction.public_id,
        person_id=first.pk,
        title=", ".join(p.name for p in participants),
        snippet=interaction.summary,
        archived=all(p.archived_at is not None for p in participants),
        weighted_texts=[(interaction.summary, TEXT_WEIGHT)],
    )


@transaction.atomic
def search_remove(*, kind: str, object_id: uuid.UUID) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
