"""Keeps the search index in step with the data. Services call these explicitly after writes;
`search_reindex_workspace` rebuilds a whole workspace in bulk (imports, benchmarks, repairs)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.utils import timezone, translation

from kesher.engine.phonetic import SOUND_MARK
from kesher.engine.text import index_terms, sound_terms
from kesher.search.models import TERM_LENGTH, SearchDocument, SearchTerm

if TYPE_CHECKING:
    from kesher.deals.models import Deal
    from kesher.network.models import Interaction, Need, Offer
    from kesher.people.models import Organization, Person
    from kesher.workspaces.models import Workspace

K = TypeVar("K")

NAME_WEIGHT = 3
TEXT_WEIGHT = 1
TITLE_LENGTH = 300
SNIPPET_LENGTH = 300
# Rows per round trip when rebuilding: big enough to amortise, small enough for SQLite's limit
# on bound parameters and for memory.
REINDEX_CHUNK = 5000


class IndexedText(NamedTuple):
    text: str
    weight: int
    # Whether its words are also indexed by how they sound (kesher.engine.phonetic), so they
    # are found from the other script: names and the short fields that describe someone
    # (title, organisation, interests, needs, offers, tags). Not emails and phones, which are
    # not spoken, nor notes, whose many short everyday words would, by sound, meet half the
    # short names of the other script.
    sounds: bool = False


def weighted_terms(texts: Iterable[IndexedText]) -> dict[str, int]:
    terms: dict[str, int] = {}
    for text, weight, sounds in texts:
        if not text:
            continue
        found = index_terms(text)
        if sounds:
            found |= sound_terms(text)
        for term in found:
            term = term[:TERM_LENGTH]
            if terms.get(term, 0) < weight:
                terms[term] = weight
    return terms


@dataclass(frozen=True, slots=True)
class _Document:
    kind: str
    # A UUID, or when rebuilding in bulk the id as the database spells it (see `_raw_id`).
    object_id: uuid.UUID | str
    person_id: int | None
    title: str
    snippet: str
    archived: bool
    texts: list[IndexedText]


def _person_document(
    *,
    public_id: uuid.UUID | str,
    person_id: int,
    name: str,
    name_alt: str,
    emails: Sequence[str],
    phones: Sequence[str],
    organization: str,
    title: str,
    interests: Sequence[str],
    notes: str,
    archived: bool,
) -> _Document:
    digits = [phone.lstrip("+") for phone in phones]
    # Local forms too, so "0541234567" finds "+972541234567".
    digits += ["0" + phone[3:] for phone in digits if phone.startswith("972")]
    subtitle = " · ".join(part for part in (title, organization) if part)
    return _Document(
        kind=SearchDocument.Kind.PERSON,
        object_id=public_id,
        person_id=person_id,
        title=name + (f" ({name_alt})" if name_alt else ""),
        snippet=subtitle or notes,
        archived=archived,
        texts=[
            IndexedText(name, NAME_WEIGHT, sounds=True),
            IndexedText(name_alt, NAME_WEIGHT, sounds=True),
            IndexedText(" ".join(emails), NAME_WEIGHT),
            IndexedText(" ".join(digits), NAME_WEIGHT),
            IndexedText(organization, TEXT_WEIGHT, sounds=True),
            IndexedText(title, TEXT_WEIGHT, sounds=True),
            IndexedText(" ".join(interests), TEXT_WEIGHT, sounds=True),
            IndexedText(notes, TEXT_WEIGHT),
        ],
    )


def _organization_document(*, public_id: uuid.UUID | str, name: str, notes: str) -> _Document:
    return _Document(
        kind=SearchDocument.Kind.ORGANIZATION,
        object_id=public_id,
        person_id=None,
        title=name,
        snippet=notes,
        archived=False,
        texts=[IndexedText(name, NAME_WEIGHT, sounds=True), IndexedText(notes, TEXT_WEIGHT)],
    )


def _deal_document(
    *,
    public_id: uuid.UUID | str,
    person_id: int | None,
    person_name: str,
    person_name_alt: str,
    person_archived: bool,
    organization: str,
    stage: str,
    status_label: str,
    title: str,
    next_action: str,
) -> _Document:
    """A deal: found by its title first, then by its customer and its next step. On its person,
    so archiving the person hides it as it hides their needs; a deal of an organisation alone
    is never archived."""
    customer = " · ".join(part for part in (person_name, organization) if part)
    return _Document(
        kind=SearchDocument.Kind.DEAL,
        object_id=public_id,
        person_id=person_id,
        title=title,
        snippet=" · ".join(part for part in (customer, stage, status_label) if part),
        archived=person_archived,
        texts=[
            IndexedText(title, NAME_WEIGHT, sounds=True),
            IndexedText(person_name, TEXT_WEIGHT, sounds=True),
            IndexedText(person_name_alt, TEXT_WEIGHT, sounds=True),
            IndexedText(organization, TEXT_WEIGHT, sounds=True),
            # Everyday words ("call", "send the quote"): not heard, as notes are not.
            IndexedText(next_action, TEXT_WEIGHT),
        ],
    )


def _deal_status_label(status: str, language: str) -> str:
    """The status as the snippet stores it: in the workspace's language, like the stage names
    beside it (the snippet is written once, read by everyone)."""
    from kesher.deals.models import DealStatus

    with translation.override(language):
        return str(DealStatus(status).label)


def _need_offer_document(
    *,
    kind: str,
    public_id: uuid.UUID | str,
    person_id: int,
    person_name: str,
    person_archived: bool,
    text: str,
    tags: Sequence[str],
) -> _Document:
    return _Document(
        kind=kind,
        object_id=public_id,
        person_id=person_id,
        title=person_name,
        snippet=text,
        archived=person_archived,
        texts=[
            IndexedText(text, NAME_WEIGHT, sounds=True),
            IndexedText(" ".join(tags), TEXT_WEIGHT, sounds=True),
        ],
    )


def _note_document(
    *, public_id: uuid.UUID | str, summary: str, participants: Sequence[tuple[int, str, bool]]
) -> _Document:
    """`participants` are (id, name, archived) in the people's display order."""
    return _Document(
        kind=SearchDocument.Kind.NOTE,
        object_id=public_id,
        person_id=participants[0][0],
        title=", ".join(name for _id, name, _archived in participants),
        snippet=summary,
        archived=all(archived for _id, _name, archived in participants),
        texts=[IndexedText(summary, TEXT_WEIGHT)],
    )


def _store(*, workspace_id: int, document: _Document) -> SearchDocument:
    stored, _ = SearchDocument.objects.update_or_create(
        kind=document.kind,
        object_id=document.object_id,
        defaults={
            "workspace_id": workspace_id,
            "person_id": document.person_id,
            "title": document.title[:TITLE_LENGTH],
            "snippet": document.snippet[:SNIPPET_LENGTH],
            "archived": document.archived,
        },
    )
    SearchTerm.objects.filter(document=stored).delete()
    SearchTerm.objects.bulk_create(
        SearchTerm(workspace_id=workspace_id, document=stored, term=term, weight=weight)
        for term, weight in weighted_terms(document.texts).items()
    )
    return stored


@transaction.atomic
def search_index_person(*, person: Person) -> SearchDocument:
    organization = person.organization
    return _store(
        workspace_id=person.workspace_id,
        document=_person_document(
            public_id=person.public_id,
            person_id=person.pk,
            name=person.name,
            name_alt=person.name_alt,
            emails=[e.email for e in person.emails.all()],
            phones=[p.e164 for p in person.phones.all()],
            organization=organization.name if organization is not None else "",
            title=person.title,
            interests=[t.name for t in person.interests.all()],
            notes=person.notes,
            archived=person.archived_at is not None,
        ),
    )


@transaction.atomic
def search_set_archived(*, person: Person, archived: bool) -> None:
    """Archiving hides a person and everything searchable on them, and restoring shows it."""
    SearchDocument.objects.filter(person=person).update(archived=archived)


@transaction.atomic
def search_index_organization(*, organization: Organization) -> SearchDocument:
    return _store(
        workspace_id=organization.workspace_id,
        document=_organization_document(
            public_id=organization.public_id, name=organization.name, notes=organization.notes
        ),
    )


def _index_need_or_offer(item: Need | Offer, kind: str) -> SearchDocument:
    return _store(
        workspace_id=item.workspace_id,
        document=_need_offer_document(
            kind=kind,
            public_id=item.public_id,
            person_id=item.person_id,
            person_name=item.person.name,
            person_archived=item.person.archived_at is not None,
            text=item.text,
            tags=[t.name for t in item.tags.all()],
        ),
    )


@transaction.atomic
def search_index_need(*, need: Need) -> SearchDocument:
    return _index_need_or_offer(need, SearchDocument.Kind.NEED)


@transaction.atomic
def search_index_offer(*, offer: Offer) -> SearchDocument:
    return _index_need_or_offer(offer, SearchDocument.Kind.OFFER)


@transaction.atomic
def search_index_deal(*, deal: Deal) -> SearchDocument:
    """After a deal is created or its title, customer, next step, stage or status changes."""
    person, organization = deal.person, deal.organization
    return _store(
        workspace_id=deal.workspace_id,
        document=_deal_document(
            public_id=deal.public_id,
            person_id=person.pk if person is not None else None,
            person_name=person.name if person is not None else "",
            person_name_alt=person.name_alt if person is not None else "",
            person_archived=person is not None and person.archived_at is not None,
            organization=organization.name if organization is not None else "",
            stage=deal.stage.name,
            status_label=_deal_status_label(deal.status, deal.workspace.language),
            title=deal.title,
            next_action=deal.next_action,
        ),
    )


@transaction.atomic
def search_index_interaction(*, interaction: Interaction) -> SearchDocument | None:
    participants = [
        (p.pk, p.name, p.archived_at is not None) for p in interaction.participants.all()
    ]
    if not interaction.summary.strip() or not participants:
        search_remove(kind=SearchDocument.Kind.NOTE, object_id=interaction.public_id)
        return None
    return _store(
        workspace_id=interaction.workspace_id,
        document=_note_document(
            public_id=interaction.public_id,
            summary=interaction.summary,
            participants=participants,
        ),
    )


@transaction.atomic
def search_remove(*, kind: str, object_id: uuid.UUID) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


# --- Rebuilding a whole workspace -------------------------------------------------------------


def _raw_id() -> Cast:
    """A public id read as text, as the database writes it: rebuilding copies hundreds of
    thousands of them, and turning each into a UUID object and back costs more than the rest
    of reading."""
    return Cast("public_id", output_field=models.CharField())


def _chunks(queryset: models.QuerySet[Any, Any], size: int = REINDEX_CHUNK) -> Iterator[list[Any]]:
    """Rows of a values_list() queryset whose first value is the id, by ascending id, one
    bounded chunk per query."""
    last = 0
    while True:
        rows = list(queryset.filter(id__gt=last).order_by("id")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _grouped(rows: Iterable[tuple[K, Any]]) -> dict[K, list[Any]]:
    grouped: dict[K, list[Any]] = defaultdict(list)
    for key, value in rows:
        grouped[key].append(value)
    return grouped


def _insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows in one round trip: COPY on PostgreSQL, executemany elsewhere. The ORM's
    bulk_create builds a model instance per row, which dominates at millions of terms."""
    if not rows:
        return
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(  # type: ignore[attr-defined]
                f"COPY {quote(table)} ({column_list}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            # Names come from model metadata; values are bound parameters.
            sql = f"INSERT INTO {quote(table)} ({column_list}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)


def _reserve_document_ids(count: int) -> list[int]:
    """Ids for documents about to be inserted, so their terms can be written without reading
    the documents back."""
    table = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # The DELETE that cleared the index began this transaction's write, so it holds
        # SQLite's one write lock: no other connection can insert until it commits.
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0] or 0
    return list(range(top + 1, top + 1 + count))


def _store_many(workspace_id: int, documents: list[_Document], stamp: object) -> int:
    if not documents:
        return 0
    object_id = SearchDocument._meta.get_field("object_id")
    assert isinstance(object_id, models.UUIDField)
    ids = _reserve_document_ids(len(documents))
    _insert(
        SearchDocument._meta.db_table,
        (
            "id",
            "created_at",
            "updated_at",
            "workspace_id",
            "kind",
            "object_id",
            "person_id",
            "title",
            "snippet",
            "archived",
        ),
        [
            (
                document_id,
                stamp,
                stamp,
                workspace_id,
                doc.kind,
                doc.object_id
                if isinstance(doc.object_id, str)
                else object_id.get_db_prep_save(doc.object_id, connection),
                doc.person_id,
                doc.title[:TITLE_LENGTH],
                doc.snippet[:SNIPPET_LENGTH],
                doc.archived,
            )
            for document_id, doc in zip(ids, documents, strict=True)
        ],
    )
    _insert(
        SearchTerm._meta.db_table,
        ("workspace_id", "document_id", "term", "weight"),
        [
            (workspace_id, document_id, term, weight)
            for document_id, doc in zip(ids, documents, strict=True)
            for term, weight in weighted_terms(doc.texts).items()
        ],
    )
    return len(documents)


def _people_documents(workspace: Workspace) -> Iterator[list[_Document]]:
    from kesher.people.models import Person, PersonEmail, PersonPhone

    people = Person.objects.filter(workspace=workspace).values_list(
        "id", _raw_id(), "name", "name_alt", "title", "notes", "archived_at", "organization__name"
    )
    interests_through = Person.interests.through
    for chunk in _chunks(people):
        # Related rows by a range of person ids, which walks the person_id indexes; rows of
        # other workspaces' people in the range are dropped by `mine`.
        mine = {row[0] for row in chunk}
        between = {"person_id__gte": chunk[0][0], "person_id__lte": chunk[-1][0]}
        emails = _grouped(
            row
            for row in PersonEmail.objects.filter(**between)
            .order_by("-is_primary", "id")
            .values_list("person_id", "email")
            if row[0] in mine
        )
        phones = _grouped(
            row
            for row in PersonPhone.objects.filter(**between)
            .order_by("id")
            .values_list("person_id", "e164")
            if row[0] in mine
        )
        interests = _grouped(
            row
            for row in interests_through.objects.filter(**between)
            .order_by("tag__name")
            .values_list("person_id", "tag__name")
            if row[0] in mine
        )
        yield [
            _person_document(
                public_id=public_id,
                person_id=person_id,
                name=name,
                name_alt=name_alt,
                emails=emails.get(person_id, []),
                phones=phones.get(person_id, []),
                organization=org or "",
                title=title,
                interests=interests.get(person_id, []),
                notes=notes,
                archived=archived_at is not None,
            )
            for person_id, public_id, name, name_alt, title, notes, archived_at, org in chunk
        ]


def _organization_documents(workspace: Workspace) -> Iterator[list[_Document]]:
    from kesher.people.models import Organization

    organizations = Organization.objects.filter(workspace=workspace).values_list(
        "id", _raw_id(), "name", "notes"
    )
    for chunk in _chunks(organizations):
        yield [
            _organization_document(public_id=public_id, name=name, notes=notes)
            for _id, public_id, name, notes in chunk
        ]


def _need_offer_documents(workspace: Workspace) -> Iterator[list[_Document]]:
    from kesher.network.models import Need, Offer

    for model, kind in ((Need, SearchDocument.Kind.NEED), (Offer, SearchDocument.Kind.OFFER)):
        items = model.objects.filter(workspace=workspace).values_list(  # type: ignore[attr-defined]
            "id", _raw_id(), "person_id", "person__name", "person__archived_at", "text"
        )
        tags_through = model.tags.through  # type: ignore[attr-defined]
        owner = f"{model._meta.model_name}_id"
        for chunk in _chunks(items):
            mine = {row[0] for row in chunk}
            tags = _grouped(
                row
                for row in tags_through.objects.filter(
                    **{f"{owner}__gte": chunk[0][0], f"{owner}__lte": chunk[-1][0]}
                )
                .order_by("tag__name")
                .values_list(owner, "tag__name")
                if row[0] in mine
            )
            yield [
                _need_offer_document(
                    kind=kind,
                    public_id=public_id,
                    person_id=person_id,
                    person_name=person_name,
                    person_archived=archived_at is not None,
                    text=text,
                    tags=tags.get(item_id, []),
                )
                for item_id, public_id, person_id, person_name, archived_at, text in chunk
            ]


def _deal_documents(
    workspace: Workspace, deals: models.QuerySet[Deal] | None = None
) -> Iterator[list[_Document]]:
    """The documents of the workspace's deals (or of `deals`, some of them), a chunk per
    query: the customer's and the stage's names come in the same row."""
    from kesher.deals.models import Deal

    if deals is None:
        deals = Deal.objects.filter(workspace=workspace)
    rows = deals.values_list(
        "id",
        _raw_id(),
        "title",
        "person_id",
        "person__name",
        "person__name_alt",
        "person__archived_at",
        "organization__name",
        "stage__name",
        "status",
        "next_action",
    )
    labels: dict[str, str] = {}
    for chunk in _chunks(rows):
        yield [
            _deal_document(
                public_id=public_id,
                person_id=person_id,
                person_name=person_name or "",
                person_name_alt=person_name_alt or "",
                person_archived=archived_at is not None,
                organization=organization or "",
                stage=stage,
                status_label=labels.setdefault(
                    status, _deal_status_label(status, workspace.language)
                ),
                title=title,
                next_action=next_action,
            )
            for (
                _id,
                public_id,
                title,
                person_id,
                person_name,
                person_name_alt,
                archived_at,
                organization,
                stage,
                status,
                next_action,
            ) in chunk
        ]


def _note_documents(workspace: Workspace) -> Iterator[list[_Document]]:
    from kesher.network.models import Interaction

    notes = (
        Interaction.objects.filter(workspace=workspace)
        .exclude(summary="")
        .values_list("id", _raw_id(), "summary")
    )
    participants_through = Interaction.participants.through
    for chunk in _chunks(notes):
        participants = _grouped(
            (interaction_id, (person_id, name, archived_at is not None))
            for interaction_id, person_id, name, archived_at in participants_through.objects.filter(
                interaction_id__in=[row[0] for row in chunk]
            )
            # The people's own display order, as interaction.participants.all() gives it.
            .order_by("person__name", "person_id")
            .values_list("interaction_id", "person_id", "person__name", "person__archived_at")
        )
        yield [
            _note_document(
                public_id=public_id, summary=summary, participants=participants[interaction_id]
            )
            for interaction_id, public_id, summary in chunk
            if summary.strip() and interaction_id in participants
        ]


def _stamp() -> object:
    """Now, as the database stores created_at and updated_at."""
    created_at = SearchDocument._meta.get_field("created_at")
    assert isinstance(created_at, models.DateTimeField)
    return created_at.get_db_prep_save(timezone.now(), connection)


@transaction.atomic
def search_reindex_workspace(*, workspace: Workspace) -> int:
    """Rebuild the workspace's whole index from its data; returns the number of documents."""
    SearchTerm.objects.filter(workspace=workspace).delete()
    # Terms are gone, so nothing cascades: skip the ORM's row-by-row collector.
    SearchDocument.objects.filter(workspace=workspace).order_by()._raw_delete(
        SearchDocument.objects.db
    )
    stamp = _stamp()
    count = 0
    for source in (
        _people_documents,
        _organization_documents,
        _deal_documents,
        _need_offer_documents,
        _note_documents,
    ):
        for documents in source(workspace):
            count += _store_many(workspace.pk, documents, stamp)
    return count


@transaction.atomic
def search_refresh_deals(
    *, workspace: Workspace, deals: models.QuerySet[Deal] | Collection[int]
) -> int:
    """Rebuild the documents of `deals` (some of the workspace's, or their ids), a few queries
    per chunk of deals whatever their number: after their customer was renamed or lost its
    organisation, their stage renamed, or deals written in bulk beside the services. Returns
    the number of documents."""
    from kesher.deals.models import Deal

    if not isinstance(deals, models.QuerySet):
        ids = sorted(deals)
        batches: Iterable[models.QuerySet[Deal]] = (
            Deal.objects.filter(workspace=workspace, pk__in=ids[start : start + REINDEX_CHUNK])
            for start in range(0, len(ids), REINDEX_CHUNK)
        )
    else:
        batches = [deals.filter(workspace=workspace)]
    count = 0
    for batch in batches:
        for documents in _deal_documents(workspace, batch):
            # Their terms go with them (cascade).
            SearchDocument.objects.filter(
                kind=SearchDocument.Kind.DEAL,
                object_id__in=[uuid.UUID(str(document.object_id)) for document in documents],
            ).delete()
            count += _store_many(workspace.pk, documents, _stamp())
    return count


def search_indexes_upgrade() -> list[Workspace]:
    """Rebuild the index of every workspace indexed before sound keys existed (migration
    search.0003 adds no rows: it cannot read people through today's models): those with
    documents but not one sound key. Then index the deals of every workspace whose deals have
    no documents yet (indexed before deals were searchable, migration search.0004). `kesher
    migrate` runs this after the migrations; each workspace is done in its own transaction.
    Returns the workspaces rebuilt or completed, by id."""
    from kesher.deals.models import Deal
    from kesher.workspaces.models import Workspace

    sound_keys = SearchTerm.objects.filter(
        workspace=models.OuterRef("pk"), term__gte=SOUND_MARK, term__lt=SOUND_MARK + "\U0010ffff"
    )
    documents = SearchDocument.objects.filter(workspace=models.OuterRef("pk"))
    stale = Workspace.objects.filter(models.Exists(documents), ~models.Exists(sound_keys))
    rebuilt = list(stale.order_by("id"))
    for workspace in rebuilt:
        search_reindex_workspace(workspace=workspace)
    deals = Deal.objects.filter(workspace=models.OuterRef("pk"))
    deal_documents = documents.filter(kind=SearchDocument.Kind.DEAL)
    unindexed = Workspace.objects.filter(models.Exists(deals), ~models.Exists(deal_documents))
    completed = list(unindexed.order_by("id"))
    for workspace in completed:
        search_refresh_deals(workspace=workspace, deals=Deal.objects.filter(workspace=workspace))
    return sorted([*rebuilt, *completed], key=lambda workspace: workspace.pk)
