"""/healthz, NFC on every input, the navigation has no dead links, Vietnamese formats in templates."""

import unicodedata

import pytest
from django.test import RequestFactory
from django.urls import reverse

from lantoa.core.middleware import NFCInputMiddleware
from lantoa.core.navigation import SECTIONS

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_dead_database(client, monkeypatch):
    from django.db import connection

    def broken():
        raise RuntimeError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_nfc_middleware_normalises_get_and_post():
    seen = {}

    def view(request):
        seen["get"] = request.GET["q"]
        seen["post"] = request.POST["name"]

    nfd = unicodedata.normalize("NFD", "Hồng Ngự")
    request = RequestFactory().post(f"/?q={nfd}", {"name": nfd})
    NFCInputMiddleware(view)(request)
    assert seen["get"] == seen["post"] == unicodedata.normalize("NFC", "Hồng Ngự")
    assert seen["get"] != nfd


def test_every_menu_link_opens(client, coordinator):
    client.force_login(coordinator)
    for s in SECTIONS:
        url = reverse(s.url_name, args=[s.key]) if s.url_name == "core:section" else reverse(s.url_name)
        response = client.get(url)
        assert response.status_code == 200, url
        if s.coming:
            assert str(s.coming)[:20] in response.content.decode() or response.status_code == 200


def test_unknown_section_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("core:section", args=["nope"])).status_code == 404
    assert client.get(reverse("core:section", args=["dashboard"])).status_code == 404


def test_english_switch(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("plans:list")).content.decode()
    assert 'lang="en"' in html and "Plans and targets" in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert 'lang="vi"' in client.get(reverse("plans:list")).content.decode()


def test_healthz_does_not_leak_database_errors(client, monkeypatch):
    from django.db import connection

    def broken():
        raise RuntimeError("password authentication failed for user secret_user")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and "secret_user" not in response.content.decode()
