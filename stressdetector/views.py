from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ml.emotions import EMOTIONS


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the product does, and the way in."""
    return render(request, "home.html", {"emotions": EMOTIONS})
