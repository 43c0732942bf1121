from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import User

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
