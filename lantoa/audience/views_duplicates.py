"""Duplicates: the list of people who look recorded twice, the side-by-side page, merge and dismiss."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.audience import merge, selectors, services
from lantoa.audience.duplicates import Reason, attach_people, duplicate_groups
from lantoa.audience.models import Person
from lantoa.core.text import format_date, format_number
from lantoa.geo.models import Area
from lantoa.orgs.access import readable_communes, scope_for

PAGE_SIZE = 25
MAX_COMPARED = 6
IDENTIFIERS = {"cccd", "bhxh_number", "phone", "phone2"}
# Rows shown even when empty on every record: what a user checks first.
EMPTY_SHOWN = {"full_name", "birth_date", "cccd", "bhxh_number", "phone", "insurance_status"}


class DuplicateFilterForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why"), required=False, choices=[("", "—"), *Reason.choices])
    commune = forms.ModelChoiceField(
        label=gettext_lazy("Commune"), required=False, queryset=Area.objects.none(), empty_label="—"
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


def _may_merge(user, people) -> bool:
    """Merging means comparing identifiers: only those who may see them in full, for records they may write."""
    if has_role(user, READ_ONLY) or not all(selectors.may_see_personal(user, p) for p in people):
        return False
    try:
        for p in people:
            services.check_may_write(user, unit_id=p.unit_id, area_id=p.area_id)
    except ValidationError:
        return False
    return True


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def duplicate_list(request):
    form = DuplicateFilterForm(request.GET or None, communes=readable_communes(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    groups = duplicate_groups(user=request.user, reason=data.get("reason") or "", area=data.get("commune"))
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    attach_people(page.object_list, user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audience/duplicate_list.html",
        {
            "form": form,
            "page": page,
            "count": page.paginator.count,
            "query": query.urlencode(),
            "can_merge": not has_role(request.user, READ_ONLY) and not scope_for(request.user).is_empty,
        },
    )


@dataclass
class Cell:
    person_id: int
    text: str
    empty: bool
    checked: bool = False


@dataclass
class FieldRow:
    name: str
    label: str
    cells: list[Cell]
    differs: bool


def _display(user, view, name: str) -> str:
    person = view.person
    if name in IDENTIFIERS:
        return getattr(view, name)  # masked unless the user may see it
    value = getattr(person, name)
    if value is None or value == "":
        return ""
    field = Person._meta.get_field(name)
    if field.choices:
        return str(getattr(person, f"get_{name}_display")())
    if name in ("birth_date", "next_due_date"):
        return format_date(value)
    if name == "declared_income":
        return format_number(value)
    return str(value)


def _rows(user, views, kept_id: int) -> list[FieldRow]:
    rows = []
    for name in merge.MERGEABLE_FIELDS:
        attname = Person._meta.get_field(name).attname
        raw = [getattr(v.person, attname) for v in views]
        cells = [
            Cell(v.person.pk, _display(user, v, name), merge.is_empty(name, value))
            for v, value in zip(views, raw, strict=True)
        ]
        if all(c.empty for c in cells) and name not in EMPTY_SHOWN:
            continue  # nothing on either side: nothing to compare
        differs = len({value if value is not None else "" for value in raw}) > 1
        if differs:
            # Default: the kept record's value, or else the first non-empty one.
            kept = next(c for c in cells if c.person_id == kept_id)
            chosen = kept if not kept.empty else next((c for c in cells if not c.empty), kept)
            chosen.checked = True
        label = str(Person._meta.get_field(name).verbose_name)
        rows.append(FieldRow(name, label[:1].upper() + label[1:], cells, differs))
    return rows


def _people(request) -> list[Person]:
    source = request.POST if request.method == "POST" else request.GET
    ids = []
    for value in source.getlist("p"):
        if value.isdecimal() and int(value) not in ids:
            ids.append(int(value))
    if not 2 <= len(ids) <= MAX_COMPARED:
        raise Http404
    # Anyone outside the user's scope: 404, as if the record did not exist.
    return [selectors.person_get(user=request.user, pk=pk) for pk in ids]


@login_required
def duplicate_compare(request):
    people = _people(request)
    gone = [p for p in people if not p.active]
    if gone:
        messages.error(request, _("Some of these records have already been merged or deleted."))
        return redirect("audience:duplicates")
    may_merge = _may_merge(request.user, people)
    if request.method == "POST":
        if not may_merge:
            raise Http404
        by_id = {p.pk: p for p in people}
        kept_id = request.POST.get("kept", "")
        kept = by_id.get(int(kept_id)) if kept_id.isdecimal() else None
        if kept is None:
            messages.error(request, _("Choose the record to keep."))
        else:
            selection = {}
            for name in merge.MERGEABLE_FIELDS:
                value = request.POST.get(f"f_{name}", "")
                if value.isdecimal() and int(value) in by_id:
                    selection[name] = int(value)
            try:
                merge.people_merge(
                    actor=request.user, kept=kept, others=[p for p in people if p.pk != kept.pk], selection=selection
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("The records have been merged."))
                return redirect(kept.get_absolute_url())
        # Shown again as they are now (a failed merge of several records wrote nothing).
        return redirect(f"{reverse('audience:duplicate_compare')}?{urlencode([('p', p.pk) for p in people])}")
    # The record with the most reach is kept by default; then the oldest.
    counts = dict(
        Person.objects.filter(pk__in=[p.pk for p in people])
        .annotate(n=Count("reach"))
        .values_list("pk", "n")
        .order_by()
    )
    kept_id = max(people, key=lambda p: (counts.get(p.pk, 0), -p.pk)).pk
    views = [selectors.present(request.user, p) for p in people]
    columns = [
        {
            "p": v,
            "reach": counts.get(v.person.pk, 0),
            "groups": list(v.person.groups.all()),
            "consent_events": v.person.consent_events.count(),
            "postings": v.person.postings.count(),
            "kept": v.person.pk == kept_id,
        }
        for v in views
    ]
    return render(
        request,
        "audience/duplicate_compare.html",
        {
            "people": people,
            "columns": columns,
            "rows": _rows(request.user, views, kept_id),
            "masked": any(not v.full for v in views),
            "may_merge": may_merge,
        },
    )


@login_required
@require_POST
def duplicate_dismiss(request):
    people = _people(request)
    if not _may_merge(request.user, people):
        raise Http404
    try:
        merge.duplicates_dismiss(actor=request.user, people=people)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Marked as different people: they will not be proposed again."))
    return redirect("audience:duplicates")
