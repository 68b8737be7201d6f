"""Public and staff pages of the core. (Placeholder views; pages are being built.)"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Ukai")


def accessibility(request: HttpRequest) -> HttpResponse:
    return HttpResponse("accessibility")


login = auth_views.LoginView.as_view()
logout = auth_views.LogoutView.as_view()


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("staff")
