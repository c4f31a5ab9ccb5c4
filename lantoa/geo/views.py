from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lantoa.accounts.roles import ORG_EDITORS, has_role
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.text import format_date
from lantoa.geo import selectors, services
from lantoa.geo.forms import AreaFilterForm, HamletForm, HamletImportForm
from lantoa.geo.models import Area
from lantoa.orgs.access import scope_for


def _area_or_404(user, pk) -> Area:
    """Provinces and districts are public facts; a commune or hamlet only inside the user's scope."""
    area = Area.objects.select_related("parent").filter(pk=pk).first()
    scope = scope_for(user)
    if area is None or (not scope.sees_all and not scope.unit_ids):
        raise Http404
    if area.level >= Area.Level.COMMUNE and not scope.allows(area_id=area.id):
        raise Http404
    return area


def _may_add_hamlets(user, area: Area) -> bool:
    if area.level != Area.Level.COMMUNE or not area.is_valid_on(clock.today()):
        return False
    if has_role(user, ORG_EDITORS):
        return True
    scope = scope_for(user)
    return not scope.sees_all and scope.allows(area_id=area.id) and has_role(user, {"commune_officer"})


@login_required
def area_list(request):
    form = AreaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    scope = scope_for(request.user)
    if not scope.sees_all and not scope.unit_ids:
        raise Http404
    qs = selectors.area_list(q=filters.get("q", ""), on=filters.get("on"))
    if not scope.sees_all:
        qs = qs.filter(level__lt=Area.Level.COMMUNE) | qs.filter(id__in=scope.area_ids)
    qs = qs.order_by("level", "valid_from", "name")
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
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
        return table_response(
            fmt, "dia-ban", ["Mã", "Tên", "Cấp", "Loại", "Trực thuộc", "Hiệu lực từ", "Hiệu lực đến"], rows, "Dia ban"
        )
    top = [a for a in qs if a.level == Area.Level.PROVINCE]
    return render(
        request, "geo/area_list.html", {"form": form, "areas": qs, "provinces": top, "query": request.GET.urlencode()}
    )


@login_required
def area_detail(request, pk):
    area = _area_or_404(request.user, pk)
    scope = scope_for(request.user)
    children = area.children.all().order_by("name")
    if not scope.sees_all and area.level >= Area.Level.DISTRICT:
        children = children.filter(id__in=scope.area_ids) if area.level >= Area.Level.DISTRICT else children
    successions = area.successions.select_related("successor")
    predecessions = area.predecessions.select_related("predecessor")
    units = area.units.all().order_by("name")
    if not scope.sees_all:
        units = units.filter(id__in=scope.unit_ids)
    can_add = _may_add_hamlets(request.user, area)
    return render(
        request,
        "geo/area_detail.html",
        {
            "area": area,
            "path": selectors.area_path(area),
            "children": children,
            "successions": successions,
            "predecessions": predecessions,
            "units": units,
            "can_add": can_add,
            "hamlet_form": HamletForm() if can_add else None,
            "import_form": HamletImportForm() if can_add else None,
        },
    )


@login_required
def hamlet_add(request, pk):
    area = _area_or_404(request.user, pk)
    if not _may_add_hamlets(request.user, area) or request.method != "POST":
        raise Http404
    form = HamletForm(request.POST)
    if form.is_valid():
        try:
            services.hamlet_create(actor=request.user, commune=area, **form.cleaned_data)
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for m in msgs:
                    messages.error(request, m)
        else:
            messages.success(request, _("The hamlet has been added."))
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errs:
                messages.error(request, f"{label}: {e}")
    return redirect("geo:detail", pk=area.pk)


@login_required
def hamlet_import(request, pk):
    area = _area_or_404(request.user, pk)
    if not _may_add_hamlets(request.user, area) or request.method != "POST":
        raise Http404
    form = HamletImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("geo:detail", pk=area.pk)
    upload = form.cleaned_data["file"]
    try:
        created = services.hamlets_import(actor=request.user, data=upload.read(), filename=upload.name, communes=[area])
    except services.ImportRejected as exc:
        messages.error(request, _("Nothing was saved. Fix these rows and upload again:"))
        for e in exc.errors[:50]:
            messages.error(request, str(e))
    else:
        messages.success(request, _("%(n)s hamlets added (rows already present were skipped).") % {"n": len(created)})
    return redirect("geo:detail", pk=area.pk)
