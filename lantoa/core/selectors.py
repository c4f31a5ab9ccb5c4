import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

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


def audit_target_types() -> list[str]:
    return list(AuditLog.objects.order_by().values_list("target_type", flat=True).distinct())


def audit_for(*, user, obj) -> QuerySet:
    """The history of one record, for audit readers (empty for others: the record page stays usable)."""
    if not has_role(user, AUDIT_READERS):
        return AuditLog.objects.none()
    return AuditLog.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
