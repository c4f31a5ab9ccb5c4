"""Writes of the public site: a visitor's "I want to join" lead (with its consent records), the outcome
of the call-back, the join into the registry, the purge of unconverted leads, and the rate limit."""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.audience.models import InsuranceStatus, Person
from lantoa.audience.services import consent_record, person_save
from lantoa.core import clock
from lantoa.core.models import AuditLog, valid_on
from lantoa.core.services import audit_log, snapshot
from lantoa.core.text import PhoneError, nfc, normalize_phone
from lantoa.geo.models import Area
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit
from lantoa.public.models import Hit, Lead, LeadConsent

# The consent texts, versioned: a changed text is a new version; each lead keeps the text it was shown.
CONSENT_VERSION = "2026-12-v1"


def routing_unit(commune: Area, day: dt.date | None = None) -> Unit | None:
    """The unit a commune's leads go to: its People's Committee in force (its officers and the
    collaborators posted there see them through the access gate)."""
    day = day or clock.today()
    return Unit.objects.filter(valid_on(day), area=commune, kind=Unit.Kind.COMMUNE_COMMITTEE).order_by("id").first()


def routable_communes(day: dt.date | None = None):
    """Communes and wards in force today that have a unit to take their leads."""
    day = day or clock.today()
    ids = Unit.objects.filter(valid_on(day), kind=Unit.Kind.COMMUNE_COMMITTEE).values_list("area_id", flat=True)
    return Area.objects.filter(valid_on(day), level=Area.Level.COMMUNE, id__in=ids).order_by("search_key")


# ----------------------------------------------------------------------------- rate limit


def client_key(ip: str | None) -> str:
    """A keyed hash of the visitor's address: enough to count posts, never the address itself."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, (ip or "unknown").encode(), hashlib.sha256).hexdigest()[:40]


def hit_allowed(*, form: str, key: str) -> bool:
    """Count one post of `form` from `key`; False once the address has posted too often this hour."""
    since = timezone.now() - dt.timedelta(hours=1)
    if Hit.objects.filter(form=form, key=key, at__gte=since).count() >= settings.PUBLIC_FORM_POSTS_PER_HOUR:
        return False
    Hit.objects.create(form=form, key=key)
    return True


# ----------------------------------------------------------------------------- leads


def consent_texts(unit_name: str) -> dict[str, str]:
    retention = settings.PUBLIC_LEAD_RETENTION_DAYS
    common = _(
        "Controller: %(unit)s. Kept %(days)s days if you do not join, then deleted. You may ask to see, "
        "correct or delete your data, or withdraw consent, at any time (Law 91/2025/QH15, Decree 356/2025)."
    ) % {"unit": unit_name, "days": retention}
    return {
        LeadConsent.Purpose.CALLBACK: _(
            "I agree that the officer of my commune calls me on this number to advise me about voluntary BHXH."
        )
        + " "
        + common,
        LeadConsent.Purpose.MESSAGES: _(
            "I agree to receive SMS / Zalo information about BHXH from my commune on this number."
        )
        + " "
        + common,
    }


@transaction.atomic
def lead_create(
    *,
    full_name: str,
    phone: str,
    commune: Area | None,
    callback: str,
    category: str,
    token: str,
    consent_callback: bool,
    consent_messages: bool,
) -> tuple[Lead, bool]:
    """A visitor's request to be called. Returns (lead, created): the same form sent twice, or a second
    request from the same phone while the first is still to be called, is the one lead already held."""
    errors: dict[str, list] = {}
    name = " ".join(nfc(full_name).split())
    if not name:
        errors["full_name"] = [_("Enter your name.")]
    elif len(name) > 150:
        errors["full_name"] = [_("The name is too long (at most 150 characters).")]
    try:
        e164 = normalize_phone(phone)
    except PhoneError as exc:
        errors["phone"] = [str(exc)]
        e164 = ""
    unit = None
    if commune is None:
        errors["commune"] = [_("Choose your commune or ward.")]
    else:
        unit = routing_unit(commune)
        if unit is None or not commune.is_valid_on(clock.today()):
            errors["commune"] = [_("This commune has no office taking requests: choose the commune you live in now.")]
    if callback not in Lead.Callback.values:
        errors["callback"] = [_("Choose when we may call you.")]
    if category and category not in dict(Lead._meta.get_field("category").choices):
        errors["category"] = [_("Unknown category.")]
    if not consent_callback:
        errors["consent_callback"] = [_("Tick the box to agree to be called: without it we cannot call you back.")]
    if not token or len(token) > 40:
        errors["__all__"] = [_("The form has expired: open it again.")]
    if errors:
        raise ValidationError(errors)

    same = Lead.objects.filter(token=token).first() or Lead.objects.filter(phone=e164, outcome=Lead.Outcome.NEW).first()
    if same is not None:
        return same, False
    day = clock.today()
    lead = Lead(
        full_name=name,
        phone=e164,
        commune=commune,
        unit=unit,
        callback=callback,
        category=category,
        token=token,
        due_on=day + dt.timedelta(days=settings.PUBLIC_LEAD_CALLBACK_DAYS),
    )
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:  # the same form sent twice at the same moment
        return Lead.objects.get(token=token), False
    texts = consent_texts(unit.name)
    for purpose, given in ((LeadConsent.Purpose.CALLBACK, True), (LeadConsent.Purpose.MESSAGES, consent_messages)):
        LeadConsent.objects.create(
            lead=lead, purpose=purpose, given=given, text=texts[purpose], version=CONSENT_VERSION
        )
    audit_log(
        actor=None, action=AuditLog.Action.CREATE, obj=lead, after=snapshot(lead), verb="lead_create", source="web"
    )
    return lead, True


def _check_handler(actor, lead: Lead) -> None:
    if has_role(actor, READ_ONLY) or not scope_for(actor).allows(unit_id=lead.unit_id, area_id=lead.commune_id):
        raise ValidationError(_("Only the officers of the lead's commune may record the call."))


@transaction.atomic
def lead_outcome_set(*, actor, lead: Lead, outcome: str, note: str = "") -> Lead:
    """Record how the call went. "Joined" links the lead to the registry (see `lead_join`)."""
    _check_handler(actor, lead)
    if outcome not in Lead.Outcome.values or outcome == Lead.Outcome.NEW:
        raise ValidationError({"outcome": [_("Choose the outcome of the call.")]})
    before = snapshot(lead)
    lead.outcome = outcome
    lead.outcome_note = nfc(note)[:500]
    lead.outcome_at = clock.now()
    lead.outcome_by = actor
    lead.save(update_fields=["outcome", "outcome_note", "outcome_at", "outcome_by"])
    if outcome == Lead.Outcome.JOINED and lead.person_id is None:
        lead_join(actor=actor, lead=lead)
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=lead,
        before=before,
        after=snapshot(lead),
        verb="lead_outcome_set",
    )
    return lead


def lead_join(*, actor, lead: Lead) -> Person:
    """The lead joined: link the person of the registry with the same phone in the commune's scope, or
    add one (kept by the lead's unit, voluntary BHXH); the consent to messages goes with it."""
    person = (
        Person.objects.filter(phone=lead.phone, merged_into=None, anonymised_at=None, unit=lead.unit)
        .order_by("id")
        .first()
    )
    if person is None:
        person = Person(
            full_name=lead.full_name,
            phone=lead.phone,
            area=lead.commune,
            unit=lead.unit,
            insurance_status=InsuranceStatus.VOLUNTARY,
            source=_("join request from the public site"),
        )
        person_save(actor=actor, person=person, verb="lead_join")
    lead.person = person
    lead.save(update_fields=["person"])
    messages = lead.consents.filter(purpose=LeadConsent.Purpose.MESSAGES, given=True).first()
    if messages is not None and not person.consent:
        consent_record(
            actor=actor,
            person=person,
            given=True,
            day=timezone.localdate(messages.at),
            how=_("public site form, consent text %(version)s") % {"version": messages.version},
        )
    return person


@transaction.atomic
def leads_purge(*, today: dt.date | None = None) -> int:
    """Delete the leads that did not join once the retention time has passed; their audit rows keep which
    record it was, not what it said."""
    today = today or clock.today()
    cutoff = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=settings.PUBLIC_LEAD_RETENTION_DAYS), dt.time.min)
    )
    old = Lead.objects.filter(created_at__lt=cutoff, person=None).exclude(outcome=Lead.Outcome.JOINED)
    ids = [str(i) for i in old.values_list("id", flat=True)]
    for lead in old:
        audit_log(actor=None, action=AuditLog.Action.DELETE, obj=lead, before={}, verb="lead_purge", source="task")
    AuditLog.objects.filter(target_type="public.lead", target_id__in=ids).update(changes={}, search_text="")
    old.delete()
    Hit.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    return len(ids)


# ----------------------------------------------------------------------------- questions


def question_submit(
    *, kind: str, text: str, commune: Area | None, full_name: str, phone: str, token: str
) -> tuple[object, bool]:
    """A visitor's question, feedback or report of false information, into the feedback desk's intake (one
    item per form: the same form sent twice is the item already received). Returns (item, created)."""
    from lantoa.feedback.models import IntakeChannel, Item
    from lantoa.feedback.services import feedback_intake_create

    if not token or len(token) > 40:
        raise ValidationError({"__all__": [_("The form has expired: open it again.")]})
    ref = f"portal:{token}"
    same = Item.objects.filter(source_ref=ref).first()
    if same is not None:
        return same, False
    anonymous = not (nfc(full_name) or nfc(phone))
    item = feedback_intake_create(
        actor=None,
        channel=IntakeChannel.PUBLIC_FORM,
        kind=kind,
        text=text,
        area=commune,
        anonymous=anonymous,
        asker_name=full_name,
        asker_phone=phone,
        source_ref=ref,
        source="web",
    )
    return item, True
