"""Area pages. They live in orgs because every read goes through the access gate, which is here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.core.exports import table_response
from lantoa.core.text import format_date
from lantoa.geo import services as geo_services
from lantoa.geo.forms import AreaFilterForm, HamletForm, HamletImportForm
from lantoa.geo.selectors import area_path
from lantoa.orgs import selectors
from lantoa.orgs.access import may_add_hamlets


def _messages_from_form(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@login_required
def area_list(request):
    form = AreaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.area_list(user=request.user, q=filters.get("q", ""), on=filters.get("on"))
    qs = qs.order_by("level", "valid_from", "search_key")
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [_("Code"), _("Name"), _("Level"), _("Type"), _("Part of"), _("In force from"), _("In force until")]
        rows = (
            [
                a.code,
                a.name,
                a.get_level_display(),
                a.division_type,
                a.parent.name if a.parent else "",
                format_date(a.valid_from),
                format_date(a.valid_to),
            ]
            for a in qs
        )
        return table_response(fmt, "dia-ban", [str(h) for h in headers], rows, "Dia ban")
    return render(request, "geo/area_list.html", {"form": form, "areas": qs, "query": request.GET.urlencode()})


@login_required
def area_detail(request, pk):
    area = selectors.area_get(user=request.user, pk=pk)
    can_add = may_add_hamlets(request.user, area)
    return render(
        request,
        "geo/area_detail.html",
        {
            "area": area,
            "path": area_path(area),
            "children": selectors.area_children(user=request.user, area=area).order_by("search_key"),
            "successions": area.successions.select_related("successor"),
            "predecessions": area.predecessions.select_related("predecessor"),
            "units": selectors.area_units(user=request.user, area=area),
            "can_add": can_add,
            "hamlet_form": HamletForm() if can_add else None,
            "import_form": HamletImportForm() if can_add else None,
        },
    )


@login_required
@require_POST
def hamlet_add(request, pk):
    area = selectors.area_get(user=request.user, pk=pk)
    if not may_add_hamlets(request.user, area):
        raise Http404
    form = HamletForm(request.POST)
    if form.is_valid():
        try:
            geo_services.hamlet_create(actor=request.user, commune=area, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
        else:
            messages.success(request, _("The hamlet has been added."))
    else:
        _messages_from_form(request, form)
    return redirect("geo:detail", pk=area.pk)


@login_required
@require_POST
def hamlet_import(request, pk):
    area = selectors.area_get(user=request.user, pk=pk)
    if not may_add_hamlets(request.user, area):
        raise Http404
    form = HamletImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _messages_from_form(request, form)
        return redirect("geo:detail", pk=area.pk)
    upload = form.cleaned_data["file"]
    try:
        created = geo_services.hamlets_import(
            actor=request.user, data=upload.read(), filename=upload.name, communes=[area]
        )
    except geo_services.ImportRejected as exc:
        messages.error(request, _("Nothing was saved. Fix these rows and upload again:"))
        for e in exc.errors[:50]:
            messages.error(request, str(e))
    else:
        messages.success(request, _("Hamlets added: %(n)s (rows already present were skipped).") % {"n": len(created)})
    return redirect("geo:detail", pk=area.pk)
