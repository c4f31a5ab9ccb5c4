import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from lantoa.core import selectors
from lantoa.core.exports import table_response
from lantoa.core.forms import AuditFilterForm
from lantoa.core.navigation import SECTION_BY_KEY
from lantoa.core.templatetags.vn import vn_datetime

logger = logging.getLogger(__name__)


@login_required
def home(request):
    return redirect("plans:dashboard")


@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy; the details go to the log, not to callers
        logger.exception("healthz: database check failed")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def section(request, key):
    s = SECTION_BY_KEY.get(key)
    if s is None or not s.coming:
        raise Http404
    return render(request, "core/section_coming.html", {"section": s})


@login_required
def audit_list(request):
    selectors.audit_list(user=request.user)  # 404 for anyone who may not read the log, before anything else
    form = AuditFilterForm(request.GET or None, target_types=selectors.audit_target_types())
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.audit_list(user=request.user, **{k: v for k, v in filters.items() if v})
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        rows = (
            [
                vn_datetime(row["entry"].at),
                row["actor"],
                row["entry"].get_action_display(),
                row["verb"],
                row["type_label"],
                row["entry"].target_id,
                row["entry"].target_repr,
                "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in row["changes"]),
                row["entry"].note,
            ]
            for row in selectors.audit_rows(qs[:50000])
        )
        return table_response(
            fmt,
            "nhat-ky",
            [
                str(h)
                for h in (
                    _("Time"),
                    _("By"),
                    _("Action"),
                    _("What happened"),
                    _("Record type"),
                    _("Record id"),
                    _("Record"),
                    _("Changes (old → new)"),
                    _("Note"),
                )
            ],
            rows,
            "Nhat ky",
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "rows": selectors.audit_rows(page), "query": query.urlencode()},
    )
