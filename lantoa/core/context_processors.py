from django.urls import reverse

from lantoa.accounts.roles import AUDIT_READERS, has_role
from lantoa.core.navigation import SECTIONS


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "must_change_password", False):
        return {}
    items = []
    current = request.path
    for s in SECTIONS:
        url = reverse(s.url_name, args=[s.key]) if s.url_name == "core:section" else reverse(s.url_name)
        items.append({"key": s.key, "title": s.title, "url": url, "active": False, "coming": bool(s.coming)})
    # The longest menu address that the current page starts with is the active one.
    matches = [i for i in items if current.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items, "can_read_audit": has_role(user, AUDIT_READERS)}
