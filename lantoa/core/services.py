"""Audit: every service write calls audit_log with what the record looked like before and after."""

import datetime as dt
import decimal
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile

from lantoa.core.models import AuditLog
from lantoa.core.text import search_key

SECRET_FIELDS = {"password"}


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model | None) -> dict:
    """The concrete field values of a record, JSON-ready, secrets hidden."""
    if obj is None:
        return {}
    data = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        data[field.name] = "***" if field.name in SECRET_FIELDS and value else _jsonable(value)
    return data


def diff(before: dict, after: dict) -> dict:
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def audit_log(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    verb: str = "",
    note: str = "",
    source: str = "app",
) -> AuditLog:
    """Write the audit row. `before`/`after` are snapshots; on create pass only after, on delete only before."""
    if action == AuditLog.Action.CREATE:
        changes = diff({}, after if after is not None else snapshot(obj))
    elif action == AuditLog.Action.DELETE:
        changes = diff(before if before is not None else snapshot(obj), {})
    else:
        changes = diff(before or {}, after if after is not None else snapshot(obj))
    user = actor if getattr(actor, "is_authenticated", False) else None
    actor_name = user.get_username() if user else (str(actor) if actor else "system")
    return AuditLog.objects.create(
        actor=user,
        actor_name=actor_name,
        search_text=search_key(f"{obj} {actor_name} {verb} {note}"),
        action=action,
        verb=verb,
        target_type=obj._meta.label_lower,
        target_id=str(obj.pk),
        target_repr=str(obj)[:255],
        changes=changes,
        note=note,
        source=source,
    )


def save_with_audit(*, actor, obj: models.Model, verb: str = "", note: str = "", source: str = "app"):
    """Save a new or changed record and audit exactly what changed (for simple edits)."""
    before = {}
    creating = obj._state.adding or obj.pk is None
    if not creating:
        old = type(obj)._default_manager.filter(pk=obj.pk).first()
        before = snapshot(old)
        creating = old is None
    obj.full_clean()
    obj.save()
    after = snapshot(obj)
    action = AuditLog.Action.CREATE if creating else AuditLog.Action.UPDATE
    if action == AuditLog.Action.UPDATE and not diff(before, after):
        return obj
    audit_log(actor=actor, action=action, obj=obj, before=before, after=after, verb=verb, note=note, source=source)
    return obj


def update_with_audit(*, actor, obj: models.Model, verb: str, audit_note: str = "", source: str = "app", **fields):
    """Set `fields` on an existing record, save just those, and audit old → new (`audit_note` goes with it)."""
    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(fields))
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=obj,
        before=before,
        after=snapshot(obj),
        verb=verb,
        note=audit_note,
        source=source,
    )
    return obj
