from lantoa.orgs.services import closed_unit_notice


def closed_unit(request):
    """The warning shown on every page to a user whose units have all closed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "must_change_password", False):
        return {}
    return {"closed_unit": closed_unit_notice(user)}
