"""kesher/workspaces/services.py: removing members and cancelling invitations."""

from __future__ import annotations

import pytest

from kesher.accounts.models import ApiToken
from kesher.accounts.services import api_token_authenticate, api_token_create
from kesher.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from kesher.people.models import Person
from kesher.workspaces.models import Invitation, Membership, Role
from kesher.workspaces.services import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_find,
    membership_remove,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def join(workspace, owner, role=Role.MEMBER):
    _invitation, secret = invitation_create(workspace=workspace, created_by=owner, role=role)
    member = UserFactory()
    invitation_accept(secret=secret, user=member)
    return member


def test_removing_a_member_keeps_their_person_and_revokes_their_tokens(user, workspace):
    member = join(workspace, user)
    person = Membership.objects.get(workspace=workspace, user=member).person
    _token, secret = api_token_create(user=member, workspace=workspace, name="script")

    membership_remove(workspace=workspace, actor=user, user=member)

    assert not Membership.objects.filter(workspace=workspace, user=member).exists()
    assert Person.objects.filter(pk=person.pk, workspace=workspace).exists()
    assert api_token_authenticate(secret=secret) is None
    assert ApiToken.objects.get(user=member).revoked_at is not None


def test_the_only_owner_cannot_be_removed_but_one_of_two_can_leave(user, workspace):
    with pytest.raises(ConflictError) as only:
        membership_remove(workspace=workspace, actor=user, user=user)
    assert (only.value.message, only.value.code) == (
        "The workspace's only owner cannot be removed: invite another owner first, "
        "and remove this one once they have joined.",
        "last_owner",
    )
    second = join(workspace, user, role=Role.OWNER)

    membership_remove(workspace=workspace, actor=user, user=user)

    assert list(Membership.objects.filter(workspace=workspace).values_list("user", "role")) == [
        (second.pk, Role.OWNER)
    ]


def test_only_an_owner_removes_members(user, workspace):
    member = join(workspace, user)
    coach = join(workspace, user, role=Role.COACH)

    with pytest.raises(PermissionDeniedError):
        membership_remove(workspace=workspace, actor=coach, user=member)
    with pytest.raises(PermissionDeniedError):
        membership_remove(workspace=workspace, actor=member, user=user)
    assert Membership.objects.filter(workspace=workspace).count() == 3


def test_removing_someone_who_is_not_a_member_is_not_found(user, workspace, other_workspace):
    stranger = Membership.objects.get(workspace=other_workspace).user

    with pytest.raises(NotFoundError):
        membership_remove(workspace=workspace, actor=user, user=stranger)
    assert Membership.objects.filter(workspace=other_workspace, user=stranger).exists()


def test_a_cancelled_invitation_link_stops_working(user, workspace):
    invitation, secret = invitation_create(workspace=workspace, created_by=user)

    invitation_cancel(invitation=invitation, actor=user)

    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    with pytest.raises(NotFoundError):
        invitation_find(secret=secret)


def test_a_used_invitation_or_a_non_owner_cannot_cancel(user, workspace):
    member = join(workspace, user)
    used = Invitation.objects.get(accepted_by=member)
    pending, _secret = invitation_create(workspace=workspace, created_by=user)

    with pytest.raises(ConflictError) as conflict:
        invitation_cancel(invitation=used, actor=user)
    with pytest.raises(PermissionDeniedError):
        invitation_cancel(invitation=pending, actor=member)

    assert conflict.value.message == (
        "This invitation has already been used: remove the member instead."
    )
    assert Invitation.objects.count() == 2
