from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.content import selectors, services
from lantoa.content.forms import ContentFilterForm, ContentItemForm, RejectForm
from lantoa.content.models import ContentItem
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.selectors import audit_for, audit_rows
from lantoa.core.text import format_date
from lantoa.orgs.access import readable_units, user_unit

PAGE_SIZE = 50


def _export(fmt, qs):
    headers = [
        _("Title"),
        _("Kind"),
        _("Status"),
        _("Owner unit"),
        _("Topics"),
        _("Version"),
        _("Author"),
        _("Reviewer"),
        _("Approved on"),
        _("Link"),
        _("Summary"),
    ]
    rows = (
        [
            c.title,
            c.get_kind_display(),
            c.get_status_display(),
            c.unit.name,
            "; ".join(t.name for t in c.topics.all()),
            c.version_number,
            c.author.get_username() if c.author else "",
            c.reviewer.get_username() if c.reviewer else "",
            format_date(c.approved_at),
            c.link,
            c.summary,
        ]
        for c in qs
    )
    return table_response(fmt, "thu-vien-noi-dung", headers, rows, "Noi dung")


@login_required
def content_list(request):
    form = ContentFilterForm(request.GET or None, units=readable_units(request.user))
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "kind": data.get("kind") or "",
            "topic": data.get("topic"),
            "status": data.get("status") or "",
            "unit": data.get("unit"),
            "q": data.get("q") or "",
        }
    activity = None
    if request.GET.get("activity", "").isdecimal():
        activity = selectors.activity_for_filter(user=request.user, pk=int(request.GET["activity"]))
        filters["activity"] = activity
    qs = selectors.content_list(user=request.user, **filters)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return _export(fmt, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "content/content_list.html",
        {
            "form": form,
            "activity": activity,
            "page": page,
            "query": query.urlencode(),
            "can_write": services.may_write(request.user),
            "waiting": selectors.review_queue(user=request.user).count(),
            "is_reviewer": services.may_review(request.user),
        },
    )


@login_required
def review_queue(request):
    if not services.may_review(request.user):
        raise Http404
    items = selectors.review_queue(user=request.user)
    return render(request, "content/review_queue.html", {"items": items})


@login_required
def content_detail(request, pk):
    item = selectors.content_get(user=request.user, pk=pk)
    return render(
        request,
        "content/content_detail.html",
        {
            "item": item,
            "versions": item.versions.select_related("created_by"),
            "reviews": item.reviews.select_related("reviewer", "version"),
            "used": selectors.where_used(user=request.user, item=item),
            "can_edit": selectors.may_edit(request.user, item),
            "can_decide": selectors.may_decide(request.user, item),
            "is_reviewer": services.may_review(request.user),
            "reject_form": RejectForm(),
            "history": audit_rows(audit_for(user=request.user, obj=item)[:20]),
        },
    )


def _form(request, item):
    units = readable_units(request.user, on=None)
    initial = {}
    if item.pk is None:
        unit = user_unit(request.user)
        initial = {"unit": unit.pk if unit else None, "kind": request.GET.get("kind") or ContentItem.Kind.LEAFLET}
    return ContentItemForm(request.POST or None, request.FILES or None, instance=item, initial=initial, units=units)


@login_required
def content_edit(request, pk=None):
    if not services.may_write(request.user):
        raise Http404
    item = selectors.content_get(user=request.user, pk=pk) if pk else ContentItem()
    if pk and not selectors.may_edit(request.user, item):
        raise Http404
    was_status = item.status if pk else None
    form = _form(request, item)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.content_save(
                actor=request.user,
                item=form.save(commit=False),
                topics=form.cleaned_data["topics"],
                upload=form.cleaned_data.get("upload") or None,
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                exc.error_dict["upload"] = exc.error_dict.pop("file")  # the form's file field
            apply_validation_error(form, exc)
            form.instance.pk = pk
        else:
            if result.back_to_draft:
                messages.warning(
                    request,
                    _(
                        "The content was %(status)s; your change puts it back to draft. "
                        "Send it for review again before it is used."
                    )
                    % {"status": ContentItem.Status(was_status).label.lower()},
                )
            else:
                messages.success(request, _("The content has been saved."))
            return redirect("content:detail", pk=result.item.pk)
    return render(request, "content/content_form.html", {"form": form, "item": item if pk else None})


def _redirect_back(item):
    return redirect(reverse("content:detail", args=[item.pk]))


@login_required
@require_POST
def content_submit(request, pk):
    item = selectors.content_get(user=request.user, pk=pk)
    if not selectors.may_edit(request.user, item):
        raise Http404
    try:
        services.content_submit(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The content has been sent for review."))
    return _redirect_back(item)


@login_required
def content_review(request, pk):
    """The review page: the content as the reviewer sees it, approve, or reject with a reason."""
    item = selectors.content_get(user=request.user, pk=pk)
    form = RejectForm(request.POST or None)
    error = ""
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                services.content_approve(actor=request.user, item=item)
                messages.success(request, _("The content has been approved."))
                return _redirect_back(item)
            if decision == "reject":
                form.is_valid()
                services.content_reject(actor=request.user, item=item, reason=form.cleaned_data.get("reason", ""))
                messages.success(request, _("The content has been rejected; the author sees your reason."))
                return _redirect_back(item)
            raise Http404
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                error = " ".join(exc.messages)
    return render(
        request,
        "content/content_review.html",
        {
            "item": item,
            "form": form,
            "error": error,
            "can_decide": selectors.may_decide(request.user, item),
            "version": item.versions.filter(number=item.version_number).select_related("created_by").first(),
        },
    )


@login_required
def content_file(request, pk, number=None):
    item = selectors.content_get(user=request.user, pk=pk)
    if number is None:
        stored, name = item.file, item.file_name
    else:
        version = item.versions.filter(number=number).first()
        if version is None:
            raise Http404
        stored, name = version.file, version.file_name
    if not stored:
        raise Http404
    return FileResponse(stored.open("rb"), filename=name or stored.name.rsplit("/", 1)[-1])


def activity_content_link(activity, user):
    """On an activity's page: the content it used."""
    n = activity.content_used.count()
    if not n:
        return None
    return {
        "url": reverse("content:list") + f"?activity={activity.pk}",
        "label": _("Content used (%(n)s)") % {"n": n},
    }
