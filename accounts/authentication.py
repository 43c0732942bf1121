"""API token authentication: knox's, recording when each token was last used."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from knox.auth import TokenAuthentication

from accounts.models import ApiToken, User

# Recording every request would be a write per API call; once a minute is enough to show.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token: ApiToken):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


def token_user(request: HttpRequest) -> User | None:
    """The user of the API token in a plain Django request's ``Authorization: Token ...``
    header (for the few non-API views that API answers link to, such as an analysis's images);
    None without such a header. Raises DRF's ``AuthenticationFailed`` for a bad or expired token."""
    authenticated = ApiTokenAuthentication().authenticate(request)
    return authenticated[0] if authenticated else None
