"""Import pages: upload → map columns → check (progress) → preview → write (progress) → result.

Every job is read through the access gate: a user sees the imports of the units they may see, and
404 for any other.
"""

import contextlib
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lantoa.accounts.roles import PERSONAL_DATA_READERS, READ_ONLY, has_role
from lantoa.activities.selectors import activity_scope
from lantoa.audience.imports import engine, layouts_records, legacy_text, tasks
from lantoa.audience.imports.layouts import sample_headers
from lantoa.audience.models import ImportJob
from lantoa.core import clock
from lantoa.core.exports import XLSX_TYPE
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log
from lantoa.orgs.access import get_scoped_or_404, readable_units, scope_for, scope_queryset, user_unit
from lantoa.orgs.models import Unit

KINDS = (
    ImportJob.Kind.PEOPLE,
    ImportJob.Kind.ATTENDANCE,
    ImportJob.Kind.STAFF,
    ImportJob.Kind.STATISTICS,
    *layouts_records.KINDS,
)


def _may_import(user) -> bool:
    return not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def _available_kinds():
    engine.layout_for(ImportJob.Kind.PEOPLE)  # registers the layouts
    return [(k.value, k.label) for k in ImportJob.Kind if k in engine.LAYOUTS]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file lists"))
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False)
    activity = forms.IntegerField(
        label=gettext_lazy("Activity number (for an attendance list)"),
        required=False,
        help_text=gettext_lazy("The number shown in the activity's address, e.g. 125 for /activities/125/"),
    )
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = _available_kinds()
        scope = scope_for(user)
        if scope.sees_all:
            self.fields["unit"].queryset = readable_units(user, on=clock.today()).order_by("search_key")
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = "—"
        else:
            del self.fields["unit"]

    def clean(self):
        data = super().clean()
        if "unit" not in self.fields:
            data["unit"] = user_unit(self.user)
            if data["unit"] is None:
                raise forms.ValidationError(_("Your account is not attached to a unit."))
        if data.get("kind") == ImportJob.Kind.ATTENDANCE:
            activity = activity_scope(user=self.user).filter(pk=data.get("activity") or 0).first()
            if activity is None:
                self.add_error("activity", _("Give the number of an activity you can see."))
            data["activity"] = activity
        else:
            data["activity"] = None
        return data


class LimitedUploadHandler(FileUploadHandler):
    """Stop reading an upload as soon as it passes the limit: a 200 MB file gets a message, not a 500."""

    def __init__(self, request=None):
        super().__init__(request)
        self.seen = 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > engine.MAX_UPLOAD_BYTES:
            self.request.upload_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_big_message() -> str:
    return _("The file is too big; at most %(max)s MB can be imported at once. Split it into parts.") % {
        "max": engine.MAX_UPLOAD_BYTES // 1024 // 1024
    }


@csrf_exempt
@login_required
def import_new(request):
    # The size guard must be in place before the body is read (CSRF reads it): check CSRF after.
    if request.method == "POST":
        request.upload_too_big = False
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > engine.MAX_UPLOAD_BYTES + 1024 * 1024:
            request.upload_too_big = True
        else:
            # A middleware may have read the body already; the size is then checked on the file.
            with contextlib.suppress(AttributeError):
                request.upload_handlers.insert(0, LimitedUploadHandler(request))
    return _import_new(request)


@csrf_protect
def _import_new(request):
    if not _may_import(request.user):
        raise Http404
    if request.method == "POST" and getattr(request, "upload_too_big", False):
        form = UploadForm(user=request.user)
        return render(
            request,
            "audience/import_new.html",
            {"form": form, "error": _too_big_message(), "max_mb": engine.MAX_UPLOAD_BYTES // 1024 // 1024},
            status=413,
        )
    # Linked from an activity's page: "import the sign-in sheet" arrives with the kind and activity chosen.
    initial = {k: request.GET[k] for k in ("kind", "activity") if request.GET.get(k)}
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = engine.job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                upload=upload,
                activity=form.cleaned_data["activity"],
            )
        except engine.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            earlier = engine.earlier_import(job)
            if earlier is not None:
                messages.warning(
                    request,
                    _(
                        "This file was already imported on %(date)s. You may import it again: "
                        "rows that are already in the registry are left unchanged."
                    )
                    % {"date": earlier.finished_at.strftime("%d/%m/%Y") if earlier.finished_at else ""},
                )
            return redirect("audience:import_detail", job.pk)
    return render(
        request, "audience/import_new.html", {"form": form, "max_mb": engine.MAX_UPLOAD_BYTES // 1024 // 1024}
    )


def _jobs(user):
    return scope_queryset(ImportJob.objects.select_related("unit", "created_by", "activity"), user, unit_field="unit")


@login_required
def import_list(request):
    page = Paginator(_jobs(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request, "audience/import_list.html", {"page": page, "query": "", "can_import": _may_import(request.user)}
    )


def _job(request, pk) -> ImportJob:
    return get_scoped_or_404(
        ImportJob.objects.select_related("unit", "unit__area", "created_by", "activity"),
        request.user,
        unit_field="unit",
        pk=pk,
    )


def _own_job(request, pk) -> ImportJob:
    """Mapping, writing and cancelling belong to whoever uploaded the file: the rows are checked
    against their scope and the audit names them."""
    job = _job(request, pk)
    if job.created_by_id != request.user.id:
        raise Http404
    return job


def _mapping_rows(job: ImportJob, layout, columns: dict):
    headers = job.mapping.get("headers", [])
    return [
        {"field": f, "column": columns.get(f.key), "choices": [(i, h) for i, h in enumerate(headers) if h]}
        for f in layout.fields
    ]


@login_required
def import_detail(request, pk):
    job = _job(request, pk)
    layout = engine.layout_for(job.kind)
    context = {
        "job": job,
        "layout": layout,
        "can_write": _may_import(request.user) and job.created_by_id == request.user.id,
    }
    if job.status == ImportJob.Status.UPLOADED:
        columns = job.mapping.get("columns", {})
        context["rows"] = _mapping_rows(job, layout, columns)
        context["encodings"] = [
            ("", _("Unicode (no conversion)")),
            (legacy_text.TCVN3, _("TCVN3 (ABC, .VnTime fonts)")),
            (legacy_text.VNI, _("VNI-Windows (VNI- fonts)")),
        ]
        context["samples"] = _conversion_samples(job)
    if job.status in (ImportJob.Status.CHECKED, ImportJob.Status.DONE):
        context["result"] = job.result
    return render(request, "audience/import_detail.html", context)


def _conversion_samples(job: ImportJob) -> list[tuple[str, str]]:
    """A few texts of the file as typed and as converted, so the choice can be seen before it is made
    (kept on the job when the header was read: the page never parses the sheet)."""
    if not job.conversion:
        return []
    out = []
    for text in job.mapping.get("samples", []):
        converted = legacy_text.decode(text, job.conversion)
        if converted != text and (text, converted) not in out:
            out.append((text, converted))
        if len(out) >= 5:
            break
    return out


@require_POST
@login_required
def import_map(request, pk):
    job = _own_job(request, pk)
    if not _may_import(request.user) or job.status != ImportJob.Status.UPLOADED:
        raise Http404
    layout = engine.layout_for(job.kind)
    headers = job.mapping.get("headers", [])
    columns = {}
    for f in layout.fields:
        value = request.POST.get(f"col_{f.key}", "")
        if value.isdecimal() and int(value) < len(headers):
            columns[f.key] = int(value)
    errors = engine.mapping_save(job, columns, request.POST.get("conversion", ""))
    if errors:
        for error in errors:
            messages.error(request, error)
        job.mapping = {**job.mapping, "columns": columns}
        return render(
            request,
            "audience/import_detail.html",
            {
                "job": job,
                "layout": layout,
                "can_write": True,
                "rows": _mapping_rows(job, layout, columns),
                "encodings": [
                    ("", _("Unicode (no conversion)")),
                    (legacy_text.TCVN3, _("TCVN3 (ABC, .VnTime fonts)")),
                    (legacy_text.VNI, _("VNI-Windows (VNI- fonts)")),
                ],
            },
            status=400,
        )
    tasks.import_check.enqueue(job.pk)
    return redirect("audience:import_detail", job.pk)


@require_POST
@login_required
def import_commit(request, pk):
    job = _own_job(request, pk)
    if not _may_import(request.user) or job.status != ImportJob.Status.CHECKED:
        raise Http404
    if request.POST.get("choice") == "nothing":
        if engine.claim(job, (ImportJob.Status.CHECKED,), ImportJob.Status.CANCELLED):
            engine.temp_cleanup(job)  # only once the job is ours: a running write still needs its file
        messages.info(request, _("Nothing was imported. Fix the file (see the error sheet) and upload it again."))
        return redirect("audience:import_detail", job.pk)
    tasks.import_commit.enqueue(job.pk)
    return redirect("audience:import_detail", job.pk)


@require_POST
@login_required
def import_cancel(request, pk):
    job = _own_job(request, pk)
    if not _may_import(request.user):
        raise Http404
    waiting = (ImportJob.Status.READING, ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED, ImportJob.Status.CHECKED)
    if engine.claim(job, waiting, ImportJob.Status.CANCELLED):
        engine.temp_cleanup(job)
    return redirect("audience:import_list")


@login_required
def import_status(request, pk):
    job = _job(request, pk)
    done = engine.progress_of(job)
    total = job.valid_rows if job.status == ImportJob.Status.IMPORTING else job.total_rows
    return JsonResponse(
        {
            "status": job.status,
            "processed": done,
            "total": total,
            "percent": min(100, int(done * 100 / total)) if total else 0,
            "finished": job.status
            not in (
                ImportJob.Status.READING,
                ImportJob.Status.CHECKING,
                ImportJob.Status.IMPORTING,
                ImportJob.Status.MAPPED,
            ),
        }
    )


@login_required
def import_errors(request, pk):
    job = _job(request, pk)
    # The error sheet repeats the uploaded rows in full: the uploader, or a role that sees identifiers.
    if not job.errors_file or not (
        job.created_by_id == request.user.id or has_role(request.user, PERSONAL_DATA_READERS)
    ):
        raise Http404
    audit_log(
        actor=request.user,
        action=AuditLog.Action.ACTION,
        obj=job,
        verb="export_personal_data",
        note=f"import error sheet {job.pk}; {job.error_count} rows",
    )
    return FileResponse(
        job.errors_file.open("rb"), as_attachment=True, filename=f"loi-{job.pk}.xlsx", content_type=XLSX_TYPE
    )


# The title printed on each sample file: document content, in Vietnamese as the offices write it.
SAMPLE_TITLES = {
    ImportJob.Kind.PEOPLE: "DANH SÁCH NGƯỜI THAM GIA BHXH TỰ NGUYỆN",
    ImportJob.Kind.ATTENDANCE: "DANH SÁCH NGƯỜI THAM DỰ",
    ImportJob.Kind.STAFF: "DANH SÁCH CÁN BỘ, CÔNG CHỨC",
    ImportJob.Kind.STATISTICS: "SỐ LIỆU THỐNG KÊ",
}


def sample_workbook(kind: str) -> bytes:
    """The sample file of a layout, shaped like the office lists (title block, numbering row, total)."""
    if kind in layouts_records.KINDS:
        return layouts_records.sample_workbook(kind)
    from openpyxl import Workbook

    from lantoa.audience.imports.engine import LAYOUTS
    from lantoa.core.exports import append_row

    layout = LAYOUTS[kind]
    headers = sample_headers(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = "Mau"
    append_row(ws, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    append_row(ws, ["Độc lập - Tự do - Hạnh phúc"])
    append_row(ws, [])
    append_row(ws, [SAMPLE_TITLES.get(kind, str(layout.title).upper())])
    append_row(ws, [])
    append_row(ws, headers)
    append_row(ws, [f"({i})" for i in range(1, len(headers) + 1)])
    for row in layout.sample:
        append_row(ws, row)
    append_row(ws, ["", "Tổng cộng", len(layout.sample)])
    append_row(ws, [])
    append_row(ws, ["", "", "", "", "", "", "NGƯỜI LẬP BIỂU"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=len(headers))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
def import_sample(request, kind):
    engine.layout_for(ImportJob.Kind.PEOPLE)
    if kind not in KINDS or kind not in engine.LAYOUTS:
        raise Http404
    response = HttpResponse(sample_workbook(kind), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response


def import_detail_url(job: ImportJob) -> str:
    return reverse("audience:import_detail", args=[job.pk])
