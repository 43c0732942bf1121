"""API tokens: creating, listing and revoking a user's tokens (the profile page, the API log in,
and password changes call these)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken, User

DEFAULT_TOKEN_NAME = "API log in"


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is shown once and
    never stored (only its digest is)."""
    return ApiToken.objects.create(user=user, name=name.strip()[:100] or DEFAULT_TOKEN_NAME)


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that have not expired, newest first."""
    now = timezone.now()
    return ApiToken.objects.filter(user=user).exclude(expiry__lte=now).order_by("-created")


def api_token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke one of the user's tokens by its public prefix; False if there is none such."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of the user (password change or reset). Returns how many."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted
