"""Schema pieces shared by the API's routers: field types carrying the documented limits, and
the small reference object used wherever one resource points at another."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Protocol, TypeVar

from django.conf import settings
from ninja import Schema
from pydantic import StringConstraints, create_model
from pydantic.fields import FieldInfo

# Limits (docs/limits.md): the same ones the services enforce, checked here first so a bad
# payload is refused before anything runs.
NAME_LENGTH: int = settings.KESHER_MAX_NAME_LENGTH
TEXT_LENGTH: int = settings.KESHER_MAX_TEXT_LENGTH
NEED_OFFER_TEXT_LENGTH = 2000
TAG_LENGTH = 80
MAX_ITEMS = 50

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_LENGTH)
]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NAME_LENGTH)]
Text = Annotated[str, StringConstraints(max_length=TEXT_LENGTH)]
NeedOfferText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NEED_OFFER_TEXT_LENGTH)
]
OptionalNeedOfferText = Annotated[str, StringConstraints(max_length=NEED_OFFER_TEXT_LENGTH)]
TagName = Annotated[str, StringConstraints(max_length=TAG_LENGTH)]
Email = Annotated[str, StringConstraints(max_length=254)]
Phone = Annotated[str, StringConstraints(max_length=40)]


class Ref(Schema):
    """Another resource, by its id, with the name to show for it."""

    id: uuid.UUID
    name: str


class _Named(Protocol):
    @property
    def public_id(self) -> uuid.UUID: ...

    def __str__(self) -> str: ...


def ref(obj: _Named | None) -> Ref | None:
    return None if obj is None else Ref(id=obj.public_id, name=str(obj))


S = TypeVar("S", bound=Schema)


def partial_schema(schema: type[S]) -> type[S]:
    """The PATCH form of `schema`: every field may be left out, and only the fields sent are
    applied (read them with `model_fields_set`). A field sent as null still has to be valid."""
    fields: dict[str, Any] = {
        name: (info.annotation, FieldInfo.merge_field_infos(info, default=None))
        for name, info in schema.model_fields.items()
    }
    patch: type[S] = create_model(  # type: ignore[call-overload]
        f"{schema.__name__}Patch", __base__=schema, __doc__=schema.__doc__, **fields
    )
    return patch
