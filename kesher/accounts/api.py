"""/api/v1/me and /api/v1/tokens: who is calling, and their API tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StringConstraints

from kesher.accounts import selectors, services
from kesher.accounts.models import ApiToken
from kesher.api.auth import ApiRequest
from kesher.api.errors import error_responses
from kesher.api.pagination import Page, PageParams, paginate
from kesher.api.schemas import Ref, ref

router = Router()


class MeOut(Schema):
    id: uuid.UUID
    email: str
    display_name: str
    workspace: Ref = Field(description="The workspace this request acts in.")
    role: str = Field(description="owner, coach or member.")
    person: Ref | None = Field(description="You, as a person in the workspace's network.")
    authenticated_by: Literal["token", "session"]


@router.get("/me", response={200: MeOut, **error_responses()}, tags=["account"])
def me(request: ApiRequest) -> MeOut:
    auth = request.auth
    return MeOut(
        id=auth.user.public_id,
        email=auth.user.email,
        display_name=auth.user.display_name,
        workspace=Ref(id=auth.workspace.public_id, name=auth.workspace.name),
        role=auth.membership.role,
        person=ref(auth.membership.person),
        authenticated_by="session" if auth.token is None else "token",
    )


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="The secret's first characters, to tell tokens apart.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            id=token.public_id,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
        )


class TokenCreatedOut(TokenOut):
    secret: str = Field(
        description="Send it as “Authorization: Bearer <secret>”. It is shown only this once."
    )


class TokenIn(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = (
        Field(description="What the token is for, such as “Zapier” or “my laptop”.")
    )


@router.get(
    "/tokens",
    response={200: Page[TokenOut], **error_responses(422)},
    tags=["account"],
    summary="Your API tokens in this workspace",
)
def token_list(request: ApiRequest, page: Query[PageParams]) -> Page[TokenOut]:
    tokens = selectors.api_token_list(user=request.auth.user, workspace=request.auth.workspace)
    return paginate(tokens, page, TokenOut.of)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **error_responses(400, 403, 422)},
    tags=["account"],
    summary="Create an API token for this workspace (its secret is shown once)",
)
def token_create(request: ApiRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    token, secret = services.api_token_create(
        user=request.auth.user, workspace=request.auth.workspace, name=payload.name
    )
    out = TokenOut.of(token)
    return Status(201, TokenCreatedOut(**out.model_dump(), secret=secret))


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **error_responses(403, 404)},
    tags=["account"],
    summary="Revoke an API token",
)
def token_revoke(request: ApiRequest, token_id: uuid.UUID) -> Status[None]:
    token = selectors.api_token_get(
        user=request.auth.user, workspace=request.auth.workspace, public_id=token_id
    )
    services.api_token_revoke(token=token)
    return Status(204, None)
