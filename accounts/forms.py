from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import User
from detection.models import EMOTION_CHOICES, AlertRule

EMAIL_TAKEN = "An account with this e-mail address already exists."


def email_is_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()


class SignupForm(UserCreationForm):
    # Required here (unlike on the model, where createsuperuser may leave it empty) because
    # password reset is by e-mail.
    email = forms.EmailField(label="Email address", help_text="For resetting your password. Never shown to others.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name", "phone_number")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email_is_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def validate_password_for_user(self, user, **kwargs) -> None:
        # The password rules are about the password, so their errors go under it, not under
        # the confirmation (Django's default); a mismatch still shows under the confirmation.
        if not self.has_error("password2"):
            super().validate_password_for_user(user, password_field_name="password1")


class ProfileForm(forms.ModelForm):
    email = forms.EmailField(label="Email address", help_text="For resetting your password. Never shown to others.")

    class Meta:
        model = User
        fields = ("display_name", "email", "phone_number", "sms_alerts_enabled")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email_is_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email


class AlertRuleForm(forms.ModelForm):
    """The stress-alert rule, shown under the SMS switch on the profile page."""

    emotions = forms.MultipleChoiceField(
        label="Emotions that count as stress",
        choices=EMOTION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one emotion."},
    )
    window = forms.IntegerField(
        label="Window (frames)", min_value=1, max_value=1000, help_text="How many of the latest frames with a face to look at."
    )
    threshold = forms.IntegerField(
        label="Threshold (frames)", min_value=0, max_value=999, help_text="Alert when more than this many of them show stress."
    )
    cooldown_minutes = forms.IntegerField(
        label="Cool-down (minutes)", min_value=1, max_value=24 * 60, help_text="At most one alert in this time."
    )
    # Shown in the one stress unit (a percentage), stored as 0..1 like every stress score.
    image_stress_threshold = forms.IntegerField(
        label="Alert on an analysed image with stress of at least (%)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="From 0 to 100 %, e.g. 80. Leave empty for no alerts on images.",
    )

    class Meta:
        model = AlertRule
        fields = ("emotions", "window", "threshold", "cooldown_minutes", "image_stress_threshold")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.image_stress_threshold is not None:
            self.initial["image_stress_threshold"] = round(self.instance.image_stress_threshold * 100)

    def clean_image_stress_threshold(self) -> float | None:
        percent = self.cleaned_data["image_stress_threshold"]
        return None if percent is None else percent / 100

    def clean(self) -> dict:
        cleaned = super().clean()
        window, threshold = cleaned.get("window"), cleaned.get("threshold")
        if window is not None and threshold is not None and threshold >= window:
            self.add_error("threshold", "The threshold must be smaller than the window.")
        return cleaned


class RetentionForm(forms.ModelForm):
    """How long the user's data is kept (the profile's "Your data")."""

    class Meta:
        model = User
        fields = ("retention_days",)


class AccountDeleteForm(forms.Form):
    """Deleting the account: the password, so that an unattended browser cannot do it."""

    password = forms.CharField(label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
