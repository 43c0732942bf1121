from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from knox.models import AbstractAuthToken
from phonenumber_field.modelfields import PhoneNumberField


class User(AbstractUser):
    """A person using the platform. Each user sees only their own analyses.

    The stress-alert rule (which emotions, over what window, threshold, cooldown) will be its
    own model; the user holds only where alerts go and whether SMS alerts are on.
    """

    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="How the site addresses you. Leave empty to use your username.",
    )
    phone_number = PhoneNumberField(
        blank=True,
        help_text="International format with country code, e.g. +447911123456. Used for SMS stress alerts.",
    )
    sms_alerts_enabled = models.BooleanField(
        "SMS alerts",
        default=False,
        help_text="Send a text message to your phone number when sustained stress is detected.",
    )
    # Alerts created after this are "unread" (the count in the navigation); opening the alerts
    # page moves it to now.
    alerts_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Privacy: the periodic maintenance deletes this user's analyses (with their images), live
    # sessions and alerts older than this many days. Empty keeps them until the user deletes them.
    retention_days = models.PositiveIntegerField(
        "Keep my data for (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Analyses with their images, live sessions and alerts older than this are deleted automatically. "
        "Leave empty to keep them until you delete them.",
    )

    class Meta:
        constraints = [
            # Password reset finds the account by e-mail, so an address belongs to one account.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_unique_email",
                violation_error_message="An account with this e-mail address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_display_name(self) -> str:
        return self.display_name or self.username

    @property
    def can_receive_sms_alerts(self) -> bool:
        return self.sms_alerts_enabled and bool(self.phone_number)

    def clean(self) -> None:
        super().clean()
        if self.sms_alerts_enabled and not self.phone_number:
            raise ValidationError({"phone_number": "Add a phone number to receive SMS alerts."})


class ApiToken(AbstractAuthToken):
    """A token for scripts using the API (django-rest-knox): only a SHA-512 digest is stored,
    each expires, and the user can see and revoke theirs on the profile page. A password change
    or reset revokes them all."""

    name = models.CharField(max_length=100, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name or 'API token'} {self.token_key}… of {self.user}"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()
