from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views

# Django's own views handle log in, log out, password change and password reset (with our
# templates under templates/registration/); their URL names are the standard ones.
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("profile/test-sms/", views.profile_test_sms, name="profile_test_sms"),
    path("profile/retention/", views.profile_retention, name="profile_retention"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("profile/api-tokens/", views.api_token_create_view, name="api_token_create"),
    path("profile/api-tokens/<str:token_key>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Ours revoke the user's API tokens when the password changes; the rest are Django's.
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("", include("django.contrib.auth.urls")),
]
