"""Report templates: each unit's versions per kind of report, upload, choose an older version again,
download, the default Decree 30 template, and a try-out with sample data."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.text import format_date
from lantoa.orgs.access import readable_units, user_unit
from lantoa.orgs.models import Unit

from . import selectors, services
from .forms import TemplateFilterForm, TemplateUploadForm
from .models import ReportKind, ReportTemplate

UNITS_PER_PAGE = 10


@dataclass
class Row:
    """One unit and kind of report: its versions, newest first, and the one in use (None: the default)."""

    unit: Unit
    kind: str
    kind_label: str
    versions: list[ReportTemplate] = field(default_factory=list)
    can_manage: bool = False

    @property
    def active(self) -> ReportTemplate | None:
        return next((v for v in self.versions if v.is_active), None)


def _listed_units(user):
    """The units in force today the user may see, and any unit the user may see that has a template."""
    in_force = readable_units(user, on=clock.today()).values("pk")
    with_templates = selectors.report_template_list(user=user).values("unit_id")
    return Unit.objects.filter(Q(pk__in=in_force) | Q(pk__in=with_templates)).order_by("search_key")


def _manageable_units(user):
    """The units in force today whose templates the user may change."""
    units = readable_units(user, on=clock.today()).order_by("search_key")
    return units.filter(pk__in=[u.pk for u in units if services.may_manage_templates(user, u)])


def _uploader(template: ReportTemplate) -> str:
    user = template.uploaded_by
    return (user.get_full_name() or user.get_username()) if user else ""


# Tags quoted in the help text (a Django template cannot hold "{%" or "{{" in a literal).
HELP_TAGS = {
    "title": "{{ title }}",
    "body": "{{p body }}",
    "for_recipient": "{%p for recipient in recipients %}",
    "recipient": "{{ recipient }}",
    "endfor": "{%p endfor %}",
}


def _field_help() -> list[dict]:
    """The fields a template may use, for the help table: required ones and what may stand for them."""
    replaces = {}  # a field → (the required field it may stand for, the fields it must come with)
    for required, alternatives in services.ALTERNATIVES.items():
        for alternative in alternatives:
            for name in alternative:
                replaces[name] = (required, ", ".join(sorted(alternative - {name})))
    rows = []
    for name, meaning in services.FIELDS.items():
        rows.append(
            {
                "name": name,
                "tag": "{{p " + name + " }}" if name == "body" else "{{ " + name + " }}",
                "meaning": meaning,
                "required": name in services.REQUIRED_FIELDS,
                "or_all_of": [", ".join(sorted(alt)) for alt in services.ALTERNATIVES.get(name, ())],
                "replaces": replaces.get(name, ("", ""))[0],
                "together_with": replaces.get(name, ("", ""))[1],
            }
        )
    return rows


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def _forbidden(request):
    return render(
        request,
        "documents/forbidden.html",
        {"message": _("You may only change the report templates of your own unit.")},
        status=403,
    )


@login_required
def template_list(request):
    units = _listed_units(request.user)
    form = TemplateFilterForm(request.GET or None, units=units)
    unit = kind = None
    if form.is_bound and form.is_valid():
        unit, kind = form.cleaned_data["unit"], form.cleaned_data["kind"] or None
    elif form.is_bound:
        form = TemplateFilterForm(None, units=units)
    shown_units = units.filter(pk=unit.pk) if unit else units
    kinds = [(k, label) for k, label in ReportKind.choices if kind in (None, k)]

    templates = selectors.report_template_list(user=request.user, unit=unit)
    if kind:
        templates = templates.filter(kind=kind)
    versions: dict[tuple[int, str], list[ReportTemplate]] = {}
    for t in templates.order_by("unit_id", "kind", "-version"):
        versions.setdefault((t.unit_id, t.kind), []).append(t)

    def rows_of(unit_list) -> list[tuple[Unit, list[Row]]]:
        out = []
        for u in unit_list:
            manage = services.may_manage_templates(request.user, u)
            out.append(
                (u, [Row(u, k, label, versions.get((u.pk, k), []), manage) for k, label in kinds]),
            )
        return out

    query = request.GET.copy()
    query.pop("export", None)
    query.pop("page", None)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return _export(fmt, rows_of(shown_units))
    page = Paginator(shown_units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/template_list.html",
        {
            "form": form,
            "groups": rows_of(page.object_list),
            "page": page,
            "query": query.urlencode(),
            "can_upload": _manageable_units(request.user).exists(),
            "fields": _field_help(),
            "tags": HELP_TAGS,
            "here": request.get_full_path(),
        },
    )


def _export(fmt, groups):
    headers = [
        _("Unit"),
        _("Kind of report"),
        _("Template in use"),
        _("File name"),
        _("Uploaded by"),
        _("Uploaded on"),
        _("Note"),
        _("Versions kept"),
    ]
    data = []
    for _unit, rows in groups:
        for r in rows:
            active = r.active
            data.append(
                [
                    r.unit.name,
                    str(r.kind_label),
                    _("version %(version)s") % {"version": active.version} if active else _("default template"),
                    active.original_name if active else "",
                    _uploader(active) if active else "",
                    format_date(active.uploaded_at.date()) if active else "",
                    active.note if active else "",
                    ", ".join(f"v{v.version}" for v in r.versions),
                ]
            )
    return table_response(fmt, "mau-bao-cao", headers, data, title="Mau bao cao")


@login_required
def template_upload(request):
    units = _manageable_units(request.user)
    if not units.exists():
        return _forbidden(request)
    initial = {}
    own = user_unit(request.user)
    wanted = request.GET.get("unit", "")
    if wanted.isdecimal() and units.filter(pk=int(wanted)).exists():
        initial["unit"] = int(wanted)
    elif own and units.filter(pk=own.pk).exists():
        initial["unit"] = own.pk
    if request.GET.get("kind") in ReportKind.values:
        initial["kind"] = request.GET["kind"]
    form = TemplateUploadForm(request.POST or None, request.FILES or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.report_template_upload(
                actor=request.user, unit=data["unit"], kind=data["kind"], file=data["file"], note=data["note"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:  # what `check_template` finds is about the file: shown under it, naming the tag or field
                form.add_error("file", exc.messages)
        else:
            messages.success(
                request,
                _("Version %(version)s is now the template in use for %(kind)s of %(unit)s.")
                % {"version": saved.version, "kind": saved.get_kind_display(), "unit": saved.unit.name},
            )
            return redirect(f"{reverse('documents:templates')}?unit={saved.unit_id}")
    return render(
        request,
        "documents/template_upload.html",
        {"form": form, "fields": _field_help(), "tags": HELP_TAGS},
    )


def _scoped_template(request, pk) -> ReportTemplate:
    """A template version of a unit the user may see, else 404."""
    return get_object_or_404(selectors.report_template_list(user=request.user), pk=pk)


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=services.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(template: ReportTemplate, suffix: str = "") -> str:
    return f"mau-{template.unit.code}-{template.kind}-v{template.version}{suffix}.docx"


@login_required
def template_download(request, pk):
    template = _scoped_template(request, pk)
    with template.file.open("rb") as handle:
        return _docx_response(handle.read(), _filename(template))


@login_required
def default_download(request):
    return _docx_response(services.default_template(), "mau-bao-cao-mac-dinh.docx")


@login_required
def sample(request, pk=None):
    """The template (a version, or the default one) filled with sample data, as the unit's report would be."""
    if pk is None:
        data, filename = services.default_template(), "mau-bao-cao-mac-dinh-thu.docx"
    else:
        template = _scoped_template(request, pk)
        with template.file.open("rb") as handle:
            data = handle.read()
        filename = _filename(template, "-thu")
    try:
        filled = services.render_docx(data, services.sample_context())
    except services.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("documents:templates")
    return _docx_response(filled, filename)


@login_required
@require_POST
def activate(request, pk):
    template = _scoped_template(request, pk)  # 404 outside the user's units
    if not services.may_manage_templates(request.user, template.unit):
        return _forbidden(request)
    back = _safe_next(request, f"{reverse('documents:templates')}?unit={template.unit_id}")
    try:
        services.report_template_activate(actor=request.user, template=template)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Version %(version)s is again the template in use for %(kind)s of %(unit)s.")
            % {"version": template.version, "kind": template.get_kind_display(), "unit": template.unit.name},
        )
    return redirect(back)
