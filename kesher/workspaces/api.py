"""/api/v1/workspace: the current workspace's settings and members."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from kesher.api.auth import ApiRequest
from kesher.api.errors import error_responses
from kesher.api.pagination import Page, PageParams, paginate
from kesher.api.schemas import Name, Ref, partial_schema, ref
from kesher.workspaces import selectors, services
from kesher.workspaces.models import Membership, Workspace

router = Router()


class WorkspaceOut(Schema):
    id: uuid.UUID
    name: str
    time_zone: str
    currency: str
    week_start: int = Field(description="6 Sunday, 0 Monday, 5 Saturday (Python's weekday).")
    language: str
    role: str = Field(description="Your role here: owner, coach or member.")

    @classmethod
    def of(cls, workspace: Workspace, membership: Membership) -> WorkspaceOut:
        return cls(
            id=workspace.public_id,
            name=workspace.name,
            time_zone=workspace.time_zone,
            currency=workspace.currency,
            week_start=workspace.week_start,
            language=workspace.language,
            role=membership.role,
        )


class WorkspaceSettingsIn(Schema):
    name: Name
    time_zone: str = Field(max_length=64, description="Such as Asia/Jerusalem.")
    currency: str = Field(max_length=3, description="ILS, USD, EUR or GBP.")
    week_start: Workspace.WeekStart = Field(description="6 Sunday, 0 Monday, 5 Saturday.")
    language: str = Field(max_length=8, description="he or en.")


if TYPE_CHECKING:
    WorkspaceSettingsPatch = WorkspaceSettingsIn
else:
    WorkspaceSettingsPatch = partial_schema(WorkspaceSettingsIn)


@router.get("/workspace", response={200: WorkspaceOut, **error_responses()}, tags=["workspace"])
def workspace_get(request: ApiRequest) -> WorkspaceOut:
    return WorkspaceOut.of(request.auth.workspace, request.auth.membership)


@router.patch(
    "/workspace",
    response={200: WorkspaceOut, **error_responses(400, 403, 422)},
    tags=["workspace"],
    summary="Change the workspace's settings (owner only)",
)
def workspace_update_settings(request: ApiRequest, payload: WorkspaceSettingsPatch) -> WorkspaceOut:
    workspace = request.auth.workspace
    values: dict[str, Any] = {
        "name": workspace.name,
        "time_zone": workspace.time_zone,
        "currency": workspace.currency,
        "week_start": workspace.week_start,
        "language": workspace.language,
    }
    values.update(payload.model_dump(include=payload.model_fields_set))
    updated = services.workspace_update_settings(
        workspace=workspace, actor=request.auth.user, **values
    )
    return WorkspaceOut.of(updated, request.auth.membership)


class MemberUserOut(Schema):
    id: uuid.UUID
    email: str
    display_name: str


class MemberOut(Schema):
    user: MemberUserOut
    role: str
    person: Ref | None = Field(description="The member as a person in the network.")
    joined_at: dt.datetime

    @classmethod
    def of(cls, membership: Membership) -> MemberOut:
        user = membership.user
        return cls(
            user=MemberUserOut(id=user.public_id, email=user.email, display_name=user.display_name),
            role=membership.role,
            person=ref(membership.person),
            joined_at=membership.created_at,
        )


@router.get(
    "/workspace/members",
    response={200: Page[MemberOut], **error_responses(422)},
    tags=["workspace"],
)
def member_list(request: ApiRequest, page: Query[PageParams]) -> Page[MemberOut]:
    return paginate(selectors.membership_list(workspace=request.auth.workspace), page, MemberOut.of)


@router.delete(
    "/workspace/members/{user_id}",
    response={204: None, **error_responses(403, 404, 409)},
    tags=["workspace"],
    summary="Remove a member (owner only; 409 for the only owner). They stay as a contact",
)
def member_remove(request: ApiRequest, user_id: uuid.UUID) -> Status[None]:
    workspace = request.auth.workspace
    membership = selectors.membership_get_by_user_id(workspace=workspace, user_id=user_id)
    services.membership_remove(workspace=workspace, actor=request.auth.user, user=membership.user)
    return Status(204, None)
