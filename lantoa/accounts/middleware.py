import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from lantoa.accounts import two_factor

# Paths anyone signed in may reach whatever step of the sign-in they are at.
OPEN_PREFIXES = ("/static/", "/jsi18n/")


def _open_paths() -> set[str]:
    return {reverse("accounts:logout"), reverse("healthz"), reverse("set_language")}


def _redirect(request, url: str):
    if getattr(request, "htmx", False):
        # A fragment request: have htmx load the page rather than swap it into the fragment.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionIdleTimeoutMiddleware:
    """A signed-in session ends after settings.SESSION_IDLE_MINUTES without a request.

    The time of the last request is kept in the session, written at most once a minute (each write also
    moves the session's expiry, and its cookie's for a "remember me" session, SESSION_IDLE_MINUTES on)."""

    KEY = "_lantoa_seen"
    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(self.KEY)
            if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
            elif seen is None or now - seen >= self.REFRESH_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """An account that needs the second step (lantoa.accounts.two_factor) reaches nothing else until it
    has passed it in this session: the page to give the code, or to enrol an authenticator first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if two_factor.required(user) and not two_factor.is_verified(user):
            allowed = _open_paths() | {reverse("accounts:two_factor"), reverse("accounts:two_factor_setup")}
            if request.path not in allowed and not request.path.startswith(OPEN_PREFIXES):
                url = two_factor.step_url(user)
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return _redirect(request, url)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account with a one-time password goes to the password page before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            # The second step comes first (TwoFactorRequiredMiddleware): its pages stay open.
            allowed = _open_paths() | {
                reverse("accounts:password_change"),
                reverse("accounts:two_factor"),
                reverse("accounts:two_factor_setup"),
            }
            if request.path not in allowed and not request.path.startswith(OPEN_PREFIXES):
                return redirect("accounts:password_change")
        return self.get_response(request)
