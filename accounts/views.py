from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import AlertRuleForm, ProfileForm, SignupForm
from accounts.models import User
from accounts.services import signup_allowed, signup_count, user_create, user_update_profile
from accounts.tokens import api_token_create, api_token_list, api_token_revoke, api_tokens_revoke_all
from detection.alerts.selectors import alert_rule_get
from detection.alerts.services import alert_rule_update, alert_send_test_sms
from detection.alerts.sms import SmsError, sms_is_configured


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")

    if request.method == "POST":
        form = SignupForm(request.POST)
        address = request.META.get("REMOTE_ADDR", "")
        if not signup_allowed(address=address):
            form.add_error(None, "Too many accounts have been created from your network in the last hour. Please try again later.")
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        if form.is_valid():
            user = user_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                phone_number=form.cleaned_data["phone_number"],
            )
            signup_count(address=address)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_display_name()}! Your account is ready.")
            return redirect("home")
    else:
        form = SignupForm()

    return render(request, "accounts/signup.html", {"form": form})


def profile(request: HttpRequest, *, new_token: str = "") -> HttpResponse:
    # Validate against a fresh copy, so a rejected form does not leave bad values on
    # request.user (which the page header still shows).
    instance = User.objects.get(pk=request.user.pk)
    rule = alert_rule_get(user=instance)
    if request.method == "POST" and not new_token:
        form = ProfileForm(request.POST, instance=instance)
        rule_form = AlertRuleForm(request.POST, instance=rule, prefix="rule")
        if form.is_valid() and rule_form.is_valid():
            with transaction.atomic():
                user_update_profile(user=request.user, **form.cleaned_data)
                alert_rule_update(user=request.user, **rule_form.cleaned_data)
            messages.success(request, "Your profile has been saved.")
            return redirect("profile")
    else:
        form = ProfileForm(instance=instance)
        rule_form = AlertRuleForm(instance=rule, prefix="rule")

    context = {
        "form": form,
        "rule_form": rule_form,
        "sms_configured": sms_is_configured(),
        "api_tokens": api_token_list(user=request.user),
        "new_token": new_token,
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def profile_test_sms(request: HttpRequest) -> HttpResponse:
    """The profile's "Send a test SMS" button: texts the saved number now and says how it went."""
    try:
        alert_send_test_sms(user=request.user)
    except SmsError as error:
        messages.error(request, f"The test message was not sent. {error}")
    else:
        messages.success(request, f"A test message was sent to {request.user.phone_number}.")
    return redirect("profile")


@require_POST
def api_token_create_view(request: HttpRequest) -> HttpResponse:
    """Create an API token and show it once, on the profile page (it is never stored in clear,
    so it is rendered in this response rather than carried through a redirect)."""
    _, key = api_token_create(user=request.user, name=request.POST.get("name", ""))
    return profile(request, new_token=key)


@require_POST
def api_token_revoke_view(request: HttpRequest, token_key: str) -> HttpResponse:
    if api_token_revoke(user=request.user, token_key=token_key):
        messages.success(request, "The API token has been revoked.")
    else:
        messages.error(request, "No such API token.")
    return redirect("profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, revoking the user's API tokens: a new password shuts out old scripts too."""

    def form_valid(self, form):
        response = super().form_valid(form)
        api_tokens_revoke_all(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, revoking the user's API tokens once the new password is set."""

    def form_valid(self, form):
        response = super().form_valid(form)
        api_tokens_revoke_all(user=form.user)
        return response
