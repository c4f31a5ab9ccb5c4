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
