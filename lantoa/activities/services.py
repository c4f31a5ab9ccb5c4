"""Writing activities and campaigns: validated against the plan period, the actor's scope and the
areas in force on the day; atomic; audited."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.activities.kinds import is_modern
from lantoa.activities.models import Activity, Audience, Campaign, CampaignTarget, Evidence
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, save_with_audit, snapshot
from lantoa.core.text import format_date, nfc, search_key
from lantoa.geo.models import Area
from lantoa.geo.selectors import descendant_ids
from lantoa.orgs.access import scope_for

EVIDENCE_TYPES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF",),
}
EVIDENCE_MAX_MB = 10

# Called with the activity after it is saved or changes status, inside the same transaction: apps that
# keep figures derived from activities (the audience's reach) append theirs in ready().
activity_changed_hooks: list = []


def _changed(activity: Activity) -> None:
    for hook in activity_changed_hooks:
        hook(activity)


@dataclass
class AudienceRow:
    group: object
    headcount: int


def writable_area_ids(user) -> set[int] | None:
    """Areas where the user may record activities (None: anywhere). A district office works across
    its district; a commune officer in their commune."""
    scope = scope_for(user)
    if scope.sees_all:
        return None
    return set(scope.area_ids) | descendant_ids(scope.home_area_ids)


def other_commune_units(actor, units) -> list:
    """The units among `units` that belong to a commune (or hamlet) outside the actor's scope. A commune
    names its own units and the district's or province's ones, never another commune's."""
    if actor is None:
        return []
    scope = scope_for(actor)
    if scope.sees_all:
        return []
    return [
        u
        for u in units
        if u is not None
        and u.id not in scope.unit_ids
        and u.area.level >= Area.Level.COMMUNE
        and u.area_id not in scope.area_ids
    ]


def check_may_change(actor, activity: Activity) -> None:
    """Who may change an activity (its fields, status, evidence): a writing role, for an activity its unit
    organised — the rule of the edit form, kept here so that every way in applies it."""
    if has_role(actor, READ_ONLY):
        raise ValidationError({NON_FIELD_ERRORS: [_("Your role may read but not record activities.")]})
    if actor is None:
        return
    scope = scope_for(actor)
    if not scope.sees_all and activity.organiser_id not in scope.unit_ids:
        raise ValidationError({NON_FIELD_ERRORS: [_("Only the organising unit may change this activity.")]})


def _check_record_date(day: dt.date, errors: dict) -> None:
    if message := clock.too_early(day):
        errors["start_date"] = message


def _validate(actor, activity: Activity, audiences: list[AudienceRow]) -> None:
    errors: dict[str, str] = {}
    if has_role(actor, READ_ONLY):
        raise ValidationError(_("Your role may read but not record activities."))
    today = clock.today()
    if activity.end_date and activity.end_date < activity.start_date:
        errors["end_date"] = _("The end date must be after the start date.")
    if activity.status == Activity.Status.DONE and activity.start_date > today:
        errors["start_date"] = _("An activity marked done cannot be in the future; mark it planned.")
    _check_record_date(activity.start_date, errors)
    area: Area = activity.area
    if area.level < Area.Level.COMMUNE:
        errors["area"] = _("Choose the commune or hamlet where it took place.")
    elif not area.is_valid_on(activity.start_date):
        errors["area"] = _("%(area)s did not exist on %(date)s.") % {
            "area": area.name,
            "date": format_date(activity.start_date),
        }
    allowed = writable_area_ids(actor)
    if allowed is not None and area.id not in allowed:
        errors["area"] = _("You may not record activities in %(area)s.") % {"area": area.name}
    scope = scope_for(actor)
    if not scope.sees_all and activity.organiser_id not in scope.unit_ids:
        errors["organiser"] = _("You may record activities only for your own unit.")
    if activity.campaign_id and not (activity.campaign.start_date <= activity.start_date <= activity.campaign.end_date):
        errors["campaign"] = _("The activity's date is outside the campaign (%(start)s – %(end)s).") % {
            "start": format_date(activity.campaign.start_date),
            "end": format_date(activity.campaign.end_date),
        }
    seen = set()
    for row in audiences:
        if row.headcount < 0:
            errors["audiences"] = _("A head-count cannot be negative.")
        if row.group.pk in seen:
            errors["audiences"] = _("Each target group once, please.")
        seen.add(row.group.pk)
    duplicate = Activity.objects.filter(
        organiser_id=activity.organiser_id,
        kind=activity.kind,
        start_date=activity.start_date,
        area_id=activity.area_id,
        title=activity.title,
    ).exclude(pk=activity.pk)
    if duplicate.exists():
        errors["title"] = _("This activity is already recorded (same unit, form, date, place and title).")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_save(
    *, actor, activity: Activity, audiences: list[AudienceRow], topics=(), co_organisers=(), content_used=None
) -> Activity:
    """Create or edit an activity with its audiences, topics and co-organisers (and the library content
    it used; None keeps it)."""
    if not nfc(activity.title):
        with translation.override(settings.LANGUAGE_CODE):  # stored text is in the office's language
            activity.title = str(activity.get_kind_display())
    activity.title = nfc(activity.title)
    activity.materials = nfc(activity.materials)
    activity.note = nfc(activity.note)
    if activity.pk:  # the stored organiser decides who may edit, not the one the form now names
        stored = Activity.objects.filter(pk=activity.pk).only("organiser_id").first()
        if stored is not None:
            check_may_change(actor, stored)
    _validate(actor, activity, audiences)
    if foreign := other_commune_units(actor, co_organisers):
        raise ValidationError(
            {
                "co_organisers": _("%(units)s belongs to another commune; choose units of your own or the district.")
                % {"units": ", ".join(u.name for u in foreign)}
            }
        )
    activity.modern = is_modern(activity.channel)
    activity.participants = sum(r.headcount for r in audiences)
    activity.search_key = search_key(
        f"{activity.title} {activity.materials} {activity.note} {activity.area.name} {activity.organiser.name}"
    )
    creating = activity.pk is None
    before_groups = {} if creating else {a.group.name: a.headcount for a in activity.audiences.select_related("group")}
    if creating:
        activity.created_by = actor if getattr(actor, "is_authenticated", False) else None
    save_with_audit(actor=actor, obj=activity, verb="activity_save")
    activity.audiences.all().delete()
    Audience.objects.bulk_create(
        [Audience(activity=activity, group=r.group, headcount=r.headcount) for r in audiences if r.headcount]
    )
    activity.topics.set(topics)
    activity.co_organisers.set([u for u in co_organisers if u.pk != activity.organiser_id])
    if content_used is not None:
        activity.content_used.set(content_used)
    after_groups = {r.group.name: r.headcount for r in audiences if r.headcount}
    if not creating and before_groups != after_groups:
        audit_log(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=activity,
            before={"audiences": before_groups},
            after={"audiences": after_groups},
            verb="activity_audiences",
        )
    _changed(activity)
    return activity


@transaction.atomic
def activity_set_status(*, actor, activity: Activity, status: str) -> Activity:
    """Planned → done / cancelled, as a conditional update so two clicks do not both apply."""
    check_may_change(actor, activity)
    if status == Activity.Status.DONE and activity.start_date > clock.today():
        raise ValidationError({"status": _("An activity marked done cannot be in the future; mark it planned.")})
    before = snapshot(activity)
    changed = Activity.objects.filter(pk=activity.pk, status=activity.status).update(status=status)
    if changed != 1:
        raise ValidationError({"status": _("Someone changed this activity a moment ago; reload the page.")})
    activity.refresh_from_db()
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=activity,
        before=before,
        after=snapshot(activity),
        verb="activity_status",
    )
    _changed(activity)
    return activity


def check_evidence(upload) -> None:
    name = upload.name.lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in EVIDENCE_TYPES:
        raise ValidationError({"file": _("Evidence must be a photo (JPG, PNG, WebP) or a PDF.")})
    if upload.size > EVIDENCE_MAX_MB * 1024 * 1024:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_MB}})
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_TYPES[ext]):
        raise ValidationError({"file": _("The file's content is not a %(type)s file.") % {"type": ext[1:].upper()}})


@transaction.atomic
def evidence_add(*, actor, activity: Activity, upload) -> Evidence:
    check_may_change(actor, activity)
    check_evidence(upload)
    evidence = Evidence(
        activity=activity,
        original_name=nfc(upload.name)[:255],
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evidence.file.save(upload.name, upload, save=False)
    return save_with_audit(actor=actor, obj=evidence, verb="evidence_add")


@transaction.atomic
def campaign_save(*, actor, campaign: Campaign, units=(), targets: dict | None = None) -> Campaign:
    campaign.name, campaign.theme, campaign.note = nfc(campaign.name), nfc(campaign.theme), nfc(campaign.note)
    errors = {}
    if campaign.end_date < campaign.start_date:
        errors["end_date"] = _("The end date must be after the start date.")
    if campaign.type == Campaign.Type.MAY and not (campaign.start_date.month <= 5 <= campaign.end_date.month):
        errors["start_date"] = _("The Month of universal BHXH must include May.")
    _check_record_date(campaign.start_date, errors)
    if has_role(actor, READ_ONLY):
        raise ValidationError(_("Your role may read but not record activities."))
    if errors:
        raise ValidationError(errors)
    campaign.search_key = search_key(f"{campaign.name} {campaign.theme}")
    save_with_audit(actor=actor, obj=campaign, verb="campaign_save")
    campaign.units.set(units)
    for measure, value in (targets or {}).items():
        if value:
            CampaignTarget.objects.update_or_create(campaign=campaign, measure=measure, defaults={"value": value})
        else:
            CampaignTarget.objects.filter(campaign=campaign, measure=measure).delete()
    return campaign
