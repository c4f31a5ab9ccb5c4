from django import template

register = template.Library()


@register.filter
def report_source(source):
    from lantoa.reports.views import source_text

    return source_text(source or {})


@register.filter
def figure_status(status):
    from lantoa.reports.labels import status_label

    return status_label(status)


@register.filter
def person_name(user):
    """Who did it: the account's full name, else its user name; "—" for the system (demo data, tasks)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
