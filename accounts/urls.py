from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views

# Django's own views handle log in, log out, password change and password reset (with our
# templates under templates/registration/); their URL names are the standard ones.
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("profile/test-sms/", views.profile_test_sms, name="profile_test_sms"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("", include("django.contrib.auth.urls")),
]
