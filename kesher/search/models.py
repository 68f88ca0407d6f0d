from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesher.core.models import TimeStampedModel

TERM_LENGTH = 48


class SearchDocument(TimeStampedModel):
    """One searchable thing (a person, organisation, deal, need, offer or interaction note)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organisation")
        DEAL = "deal", _("Deal")
        NEED = "need", _("Need")
        OFFER = "offer", _("Offer")
        NOTE = "note", _("Note")

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.UUIDField(default=uuid.uuid4)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    snippet = models.CharField(max_length=300, blank=True)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdoc_unique_object"),
        ]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class SearchTerm(models.Model):
    """A normalised term of a document. `weight` ranks name terms above note terms."""

    workspace_id: int
    document_id: int
    # No index of its own: searchterm_ws_term starts with the workspace.
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # No index of its own: searchterm_doc_term starts with the document.
    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="terms", db_index=False
    )
    term = models.CharField(max_length=TERM_LENGTH)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["workspace", "term"],
                name="searchterm_ws_term",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # Scoring a word over known documents (a query's other words, sound-alikes) reads
            # their terms from this index alone, without a visit to the table per term.
            models.Index(fields=["document", "term", "weight"], name="searchterm_doc_term"),
        ]
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term
