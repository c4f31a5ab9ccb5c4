import datetime as dt
import re

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lantoa.accounts.roles import AUDIT_READERS, has_role
from lantoa.core.models import AuditLog
from lantoa.core.text import nfc, search_key


def audit_list(
    *,
    user,
    q: str = "",
    actor: str = "",
    target_type: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet:
    """The audit log, for the coordinator and administrators only; anyone else gets 404."""
    if not has_role(user, AUDIT_READERS):
        raise Http404
    qs = AuditLog.objects.all()
    if q:
        qs = qs.filter(search_text__contains=search_key(q))
    if actor:
        qs = qs.filter(actor_name__icontains=nfc(actor))
    if target_type:
        qs = qs.filter(target_type=target_type)
    if action:
        qs = qs.filter(action=action)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def audit_target_types() -> list[tuple[str, str]]:
    """The record types present in the log, with their names for people."""
    from django.apps import apps

    out = []
    for label in AuditLog.objects.order_by().values_list("target_type", flat=True).distinct():
        try:
            out.append((label, str(apps.get_model(label)._meta.verbose_name).capitalize()))
        except (LookupError, ValueError):
            out.append((label, label))
    return sorted(out, key=lambda pair: pair[1])


def audit_for(*, user, obj, related=()) -> QuerySet:
    """The history of a record (and of `related` records shown with it, e.g. an indicator's targets),
    for audit readers; empty for others, so the record page stays usable."""
    if not has_role(user, AUDIT_READERS):
        return AuditLog.objects.none()
    condition = Q(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    related = list(related)
    if related:
        condition |= Q(target_type=related[0]._meta.label_lower, target_id__in=[str(r.pk) for r in related])
    return AuditLog.objects.filter(condition)


VERB_LABELS = {
    "unit_save": _("unit saved"),
    "unit_rename": _("unit renamed"),
    "unit_close": _("unit closed"),
    "unit_merge": _("unit merged"),
    "membership_assign": _("assigned to a unit"),
    "membership_end": _("left a unit"),
    "staff_account_create": _("account created"),
    "bootstrap_admin": _("first administrator created"),
    "password_change": _("password changed"),
    "plan_load": _("plan loaded"),
    "plan_copy": _("plan copied"),
    "plan_save": _("plan saved"),
    "indicator_save": _("indicator saved"),
    "target_save": _("target saved"),
    "target_delete": _("target deleted"),
    "hamlet_create": _("hamlet added"),
    "area_reorganise": _("area reorganised"),
    "admin_edit": _("edited in administration"),
    "admin_delete": _("deleted in administration"),
}

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _value(value, field=None, cache=None):
    """A stored value as a person reads it: choices by their label, related records by name,
    dates as dd/mm/yyyy, times in local time."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation and field.many_to_one and cache is not None:
        key = (field.related_model, value)
        if key not in cache:
            obj = field.related_model._default_manager.filter(pk=value).first()
            cache[key] = str(obj) if obj is not None else f"#{value}"
        return cache[key]
    if isinstance(value, str) and _ISO.match(value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return parsed.strftime("%d/%m/%Y")
        if timezone.is_aware(parsed):
            parsed = timezone.localtime(parsed)
        return parsed.strftime("%d/%m/%Y %H:%M")
    return value


HIDDEN_FIELDS = {"id", "search_key", "search_text"}


def _audited_field(model, name):
    """The model field a change names, or None: a field since removed, or a name that is a reverse
    relation (a record's "imports", "members"…), which has no verbose name and no single value."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed keeps its code name
        return None
    if field.auto_created and not field.concrete or not hasattr(field, "verbose_name"):
        return None
    return field


def audit_rows(entries) -> list[dict]:
    """Audit records as people read them: record type and field names in words, values by label."""
    from django.apps import apps

    rows = []
    cache: dict = {}
    for entry in entries:
        try:
            model = apps.get_model(entry.target_type)
            type_label = str(model._meta.verbose_name).capitalize()
        except (LookupError, ValueError):
            model, type_label = None, entry.target_type
        created = entry.action == AuditLog.Action.CREATE
        changes = []
        for name, pair in (entry.changes if isinstance(entry.changes, dict) else {}).items():
            old, new = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair)
            if name in HIDDEN_FIELDS or (created and new in (None, "", False)):
                continue
            field = _audited_field(model, name)
            label = str(field.verbose_name) if field is not None else name
            changes.append(
                {"field": label, "old": _value(old, field, cache), "new": _value(new, field, cache), "created": created}
            )
        actor = entry.actor_name if entry.actor_name != "system" else gettext("system")
        rows.append(
            {
                "entry": entry,
                "type_label": type_label,
                "changes": changes,
                "actor": actor,
                "created": created,
                "verb": VERB_LABELS.get(entry.verb, entry.verb),
            }
        )
    return rows
