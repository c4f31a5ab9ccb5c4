"""Writes to plans: load the shipped plan, copy a plan to a new period, edit targets and indicators."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, save_with_audit, snapshot
from lantoa.core.text import nfc
from lantoa.geo.selectors import area_from_ref, covering_areas, rollup
from lantoa.orgs.models import Unit
from lantoa.plans.models import Indicator, Plan, ReferenceTarget, Target

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_PLAN_FILE = DATA_DIR / "hong_ngu_2022_2025.json"
REFERENCE_TARGETS_FILE = DATA_DIR / "reference_targets.json"


@transaction.atomic
def reference_targets_load(*, actor, path: Path = REFERENCE_TARGETS_FILE) -> int:
    """Load the national reference targets; one already there (same code) keeps its edits. Returns how
    many were added."""
    added = 0
    for row in json.loads(path.read_text(encoding="utf-8")):
        if ReferenceTarget.objects.filter(code=row["code"]).exists():
            continue
        ref = ReferenceTarget(
            code=row["code"],
            name=row["name"],
            value=_dec(row["value"]),
            measure=row["measure"],
            year=row["year"],
            source=row["source"],
            issued_on=dt.date.fromisoformat(row["issued_on"]) if row.get("issued_on") else None,
            computation=row.get("computation", ""),
            note=row.get("note", ""),
        )
        ref.full_clean()
        ref.save()
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=ref, verb="reference_targets_load")
        added += 1
    return added


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
def plan_load(*, actor, path: Path = DEFAULT_PLAN_FILE, make_default: bool = True) -> tuple[Plan, bool]:
    """Load a plan with its indicators and targets from a JSON data file.

    Returns (plan, created). A plan already loaded (same number and title) is left untouched, so
    edits made since are kept.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    parent = None
    if data.get("parent"):
        p = data["parent"]
        parent = Plan.objects.filter(number=p["number"], title=p["title"]).first()
        if parent is None:
            parent = Plan.objects.create(
                number=p["number"],
                title=p["title"],
                issuer_name=p.get("issuer_name", ""),
                issued_on=dt.date.fromisoformat(p["issued_on"]) if p.get("issued_on") else None,
                start_year=p["start_year"],
                end_year=p["end_year"],
            )
            parent.areas.set([area_from_ref(r) for r in p.get("areas", [])])
            audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=parent, verb="plan_load")
    spec = data["plan"]
    plan = Plan.objects.filter(number=spec["number"], title=spec["title"]).first()
    if plan is not None:
        return plan, False
    issuer = Unit.objects.filter(code=spec["issuer"]).first() if spec.get("issuer") else None
    plan = Plan(
        number=spec["number"],
        title=spec["title"],
        issuer=issuer,
        issuer_name=spec.get("issuer_name", ""),
        issued_on=dt.date.fromisoformat(spec["issued_on"]) if spec.get("issued_on") else None,
        parent=parent,
        start_year=spec["start_year"],
        end_year=spec["end_year"],
        summary=spec.get("summary", ""),
        is_default=make_default and not Plan.objects.filter(is_default=True).exists(),
    )
    if spec.get("document"):
        doc = DATA_DIR / spec["document"]
        plan.document.save(doc.name, ContentFile(doc.read_bytes()), save=False)
    plan.save()
    plan.areas.set([area_from_ref(r) for r in spec.get("areas", [])])
    audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=plan, verb="plan_load")
    for order, row in enumerate(data["indicators"], start=1):
        indicator = Indicator(
            plan=plan,
            code=row["code"],
            name=row["name"],
            description=row.get("description", ""),
            section=row.get("section", ""),
            group=row.get("group", ""),
            measure=row["measure"],
            direction=row["direction"],
            computation=row["computation"],
            params=row.get("params", {}),
            note=row.get("note", ""),
            order=order,
        )
        indicator.full_clean()
        indicator.save()
        for t in row.get("targets", []):
            target = Target(
                indicator=indicator,
                year=t["year"],
                min_value=_dec(t.get("min")),
                max_value=_dec(t.get("max")),
                expected=t.get("expected"),
                label=t.get("label", ""),
                params=t.get("params", {}),
                note=t.get("note", ""),
            )
            target.full_clean()
            target.save()
    return plan, True


def proposed_areas(plan: Plan, start_year: int) -> list:
    """The areas a plan following `plan` from `start_year` covers: those of `plan` still in force on
    1 January, the others replaced by what absorbed them (the former Hồng Ngự communes → Xã Thường
    Phước, Xã Long Khánh, Xã Long Phú Thuận, Phường Thường Lạc …)."""
    return covering_areas(plan.areas.all(), dt.date(start_year, 1, 1))


def baselines(plan: Plan) -> dict[int, Decimal | None]:
    """{indicator id: the value achieved in the plan's last year} (the final evaluation's figure,
    computed for the whole plan by the same computation)."""
    from lantoa.plans.kpi import compute

    return {ind.pk: compute(ind, plan.end_year).actual for ind in plan.indicators.all()}


def _area_errors(areas, start_year: int, end_year: int) -> str:
    first, last = dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)
    gone = [
        a.name
        for a in areas
        if (a.valid_from is not None and a.valid_from > last) or (a.valid_to is not None and a.valid_to < first)
    ]
    if gone:
        return _("%(areas)s did not exist in %(start)s–%(end)s.") % {
            "areas": ", ".join(gone),
            "start": start_year,
            "end": end_year,
        }
    return ""


def _plan_errors(plan: Plan, areas) -> dict[str, str]:
    """What is wrong with a plan's head before it is saved: empty number or title, a period backwards,
    a period overlapping another plan of the same issuer, the same number and title twice, areas
    missing or not in force in the period. Targets outside a changed period are checked too."""
    errors = {}
    if not plan.number:
        errors["number"] = _("The number and symbol must not be empty.")
    if not plan.title:
        errors["title"] = _("The plan title must not be empty.")
    period_ok = plan.end_year >= plan.start_year
    if not period_ok:
        errors["end_year"] = _("The last year must not be before the first year.")
    if not plan.issuer_id and not plan.issuer_name:
        errors["issuer"] = _("Choose the issuing unit, or write the issuer's name if it is not a unit here.")
    elif (
        plan.issuer_id and period_ok and plan.issuer.valid_to and plan.issuer.valid_to < dt.date(plan.start_year, 1, 1)
    ):
        errors["issuer"] = _("%(unit)s ceased on %(date)s, before the plan's period.") % {
            "unit": plan.issuer.name,
            "date": plan.issuer.valid_to.strftime("%d/%m/%Y"),
        }
    others = Plan.objects.exclude(pk=plan.pk)
    if period_ok and (plan.issuer_id or plan.issuer_name):
        same_issuer = (
            others.filter(issuer=plan.issuer)
            if plan.issuer_id
            else others.filter(issuer__isnull=True, issuer_name=plan.issuer_name)
        )
        clash = same_issuer.filter(start_year__lte=plan.end_year, end_year__gte=plan.start_year).first()
        if clash is not None:
            errors["start_year"] = _("%(unit)s already has a plan for %(start)s–%(end)s (%(number)s).") % {
                "unit": plan.issuer_label,
                "start": clash.start_year,
                "end": clash.end_year,
                "number": clash.number,
            }
    if others.filter(number=plan.number, title=plan.title).exists():
        errors["number"] = _("A plan with the same number and title already exists.")
    if areas is not None:
        if not areas:
            errors["areas"] = _("Choose the areas the plan covers.")
        elif period_ok and (message := _area_errors(areas, plan.start_year, plan.end_year)):
            errors["areas"] = message
    if plan.pk and period_ok:
        outside = sorted(
            set(
                Target.objects.filter(indicator__plan=plan)
                .exclude(year__gte=plan.start_year, year__lte=plan.end_year)
                .values_list("year", flat=True)
            )
        )
        if outside:
            errors["end_year" if outside[-1] > plan.end_year else "start_year"] = _(
                "The plan has targets for %(years)s, outside %(start)s–%(end)s: delete them first."
            ) % {"years": ", ".join(map(str, outside)), "start": plan.start_year, "end": plan.end_year}
    return errors


@transaction.atomic
def plan_copy(
    *,
    actor,
    plan: Plan,
    number: str,
    title: str,
    start_year: int,
    end_year: int,
    issuer: Unit | None = ...,
    issuer_name: str = "",
    parent: Plan | None = ...,
    areas=None,
    indicators=None,
    make_default: bool = False,
) -> Plan:
    """The next plan, started from `plan`: a new period with the chosen indicators (all by default).

    Each new year gets the target of the source plan's last year (edit them after), with the value
    achieved that year as its baseline; targets set for an area move to the area that covers it at
    the start of the new period. `areas` defaults to `proposed_areas`; `parent` (the plan it
    implements) to the source plan's.
    """
    number, title, issuer_name = nfc(number), nfc(title), nfc(issuer_name).strip()
    if issuer is ...:  # not said: the source plan's issuer, if it is still in force when the period starts
        issuer = plan.issuer
        issuer_name = issuer_name or ("" if issuer else plan.issuer_name)
    parent = plan.parent if parent is ... else parent
    chosen = (
        [i for i in plan.indicators.all() if i.pursued_in(plan.end_year)] if indicators is None else list(indicators)
    )
    areas = proposed_areas(plan, start_year) if areas is None else list(areas)
    draft = Plan(number=number, title=title, start_year=start_year, end_year=end_year, issuer=issuer)
    draft.issuer_name = "" if issuer else issuer_name
    errors = _plan_errors(draft, areas)
    if start_year <= plan.end_year:
        errors["start_year"] = _("The new period must start after %(year)s.") % {"year": plan.end_year}
    if not chosen:
        errors["indicators"] = _("Choose at least one indicator to carry over.")
    elif any(ind.plan_id != plan.pk for ind in chosen):
        errors["indicators"] = _("Only indicators of the plan being continued can be carried over.")
    if errors:
        raise ValidationError(errors)
    achieved = baselines(plan)
    period_start = dt.date(start_year, 1, 1)
    if make_default:
        for previous in Plan.objects.filter(is_default=True):
            previous.is_default = False
            save_with_audit(actor=actor, obj=previous, verb="plan_copy", note="no longer the default plan")
    new = Plan.objects.create(
        number=number,
        title=title,
        issuer=issuer,
        issuer_name=draft.issuer_name,
        parent=parent,
        copied_from=plan,
        start_year=start_year,
        end_year=end_year,
        summary=f"Tiếp nối {plan.number} ({plan.start_year}–{plan.end_year}).",
        is_default=make_default,
    )
    new.areas.set(areas)
    audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=new, verb="plan_copy", note=f"từ {plan}")
    for indicator in sorted(chosen, key=lambda i: (i.order, i.code)):
        baseline = achieved.get(indicator.pk)
        source_targets = list(indicator.targets.all())
        last_year = max((t.year for t in source_targets), default=None)
        copy = Indicator.objects.create(
            plan=new,
            code=indicator.code,
            name=indicator.name,
            description=indicator.description,
            section=indicator.section,
            group=indicator.group,
            measure=indicator.measure,
            direction=indicator.direction,
            computation=indicator.computation,
            params=indicator.params,
            note=indicator.note,
            order=indicator.order,
            reference=indicator.reference,
        )
        seen = set()
        for t in source_targets:
            if t.year != last_year:
                continue
            area = t.area
            if area is not None and not area.is_valid_on(period_start):
                # Records of a merged commune roll up to its primary successor; so does its target.
                area = rollup(area, period_start, level=area.level)
            if area is None and t.area is not None:
                continue  # the area has no successor in force: nothing to carry over
            key = (area.pk if area else None, t.unit_id)
            if key in seen:
                continue  # two old communes merged into one: the first target carries over, edit it after
            seen.add(key)
            params = dict(t.params)
            if area is None and t.unit_id is None and baseline is not None:
                params["baseline"] = {
                    "year": plan.end_year,
                    "value": baseline if isinstance(baseline, bool) else str(baseline),
                }
            for year in new.years:
                Target.objects.create(
                    indicator=copy,
                    year=year,
                    area=area,
                    unit=t.unit,
                    min_value=t.min_value,
                    max_value=t.max_value,
                    expected=t.expected,
                    label=t.label,
                    params=params,
                    note=_("Copied from the %(year)s target") % {"year": t.year},
                )
    return new


@transaction.atomic
def target_save(*, actor, target: Target) -> Target:
    """Create or edit one target. The year must lie in the plan's period; one target per year and scope."""
    plan = target.indicator.plan
    if not plan.start_year <= target.year <= plan.end_year:
        raise ValidationError(
            {
                "year": _("Year %(year)s is outside the period %(start)s–%(end)s.")
                % {"year": target.year, "start": plan.start_year, "end": plan.end_year}
            }
        )
    if not target.indicator.pursued_in(target.year):
        raise ValidationError(
            {
                "year": _("%(code)s is retired from %(year)s.")
                % {"code": target.indicator.code, "year": target.indicator.retired_from}
            }
        )
    clash = Target.objects.filter(
        indicator=target.indicator, year=target.year, area=target.area, unit=target.unit
    ).exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError(
            {"year": _("There is already a target for %(year)s in this scope.") % {"year": target.year}}
        )
    direction = target.indicator.direction
    if direction == Indicator.Direction.YES_NO and target.expected is None:
        raise ValidationError({"expected": _("A yes/no target needs “Yes” or “No”.")})
    if direction in (Indicator.Direction.AT_LEAST, Indicator.Direction.RANGE) and target.min_value is None:
        raise ValidationError({"min_value": _("Enter the minimum value.")})
    if direction == Indicator.Direction.AT_MOST and target.max_value is None:
        raise ValidationError({"max_value": _("Enter the maximum value.")})
    if target.min_value is not None and target.max_value is not None and target.max_value < target.min_value:
        raise ValidationError({"max_value": _("The maximum must not be below the minimum.")})
    target.label = nfc(target.label)
    target.note = nfc(target.note)
    return save_with_audit(actor=actor, obj=target, verb="target_save")


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    before = snapshot(target)
    audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=target, before=before, verb="target_delete")
    target.delete()


@transaction.atomic
def plan_save(*, actor, plan: Plan, areas=None) -> Plan:
    """Create or edit a plan's head (a plan from scratch, or an edit); `areas`, when given, replaces the
    areas it covers. Checked as a whole by `_plan_errors`; nothing is saved when something is wrong."""
    plan.number, plan.title, plan.summary = nfc(plan.number).strip(), nfc(plan.title).strip(), nfc(plan.summary)
    areas = None if areas is None else list(areas)
    errors = _plan_errors(plan, areas)
    if errors:
        raise ValidationError(errors)
    created = plan.pk is None
    saved = save_with_audit(actor=actor, obj=plan, verb="plan_save")
    if areas is not None:
        before = sorted(saved.areas.values_list("name", flat=True))
        saved.areas.set(areas)
        after = sorted(a.name for a in areas)
        if before != after and not created:
            audit_log(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=saved,
                before={"areas": before},
                after={"areas": after},
                verb="plan_save",
            )
    return saved


@transaction.atomic
def plan_make_default(*, actor, plan: Plan) -> Plan:
    """Make `plan` the default plan (the one the whole area opens on when no plan of a user's own is in
    force); the previous default stays, no longer the default."""
    for previous in Plan.objects.filter(is_default=True).exclude(pk=plan.pk):
        previous.is_default = False
        save_with_audit(actor=actor, obj=previous, verb="plan_make_default", note="no longer the default plan")
    plan.is_default = True
    return save_with_audit(actor=actor, obj=plan, verb="plan_make_default")


@transaction.atomic
def indicator_save(*, actor, indicator: Indicator) -> Indicator:
    """Save a new or edited indicator of a plan (its code unique within the plan)."""
    indicator.code = nfc(indicator.code).strip().upper()
    indicator.name, indicator.description, indicator.note = (
        nfc(indicator.name),
        nfc(indicator.description),
        nfc(indicator.note),
    )
    if not indicator.code:
        raise ValidationError({"code": _("The code must not be empty.")})
    if Indicator.objects.filter(plan=indicator.plan, code=indicator.code).exclude(pk=indicator.pk).exists():
        raise ValidationError({"code": _("The plan already has an indicator %(code)s.") % {"code": indicator.code}})
    if indicator.pk is None and not indicator.order:
        last = Indicator.objects.filter(plan=indicator.plan).order_by("-order").values_list("order", flat=True).first()
        indicator.order = (last or 0) + 1
    return save_with_audit(actor=actor, obj=indicator, verb="indicator_save")


def counted_records(indicator: Indicator, year: int) -> int:
    """How many records count toward `indicator` in `year` (a yes/no or share without a record list
    counts as one when it has a value)."""
    from lantoa.plans.kpi import compute

    result = compute(indicator, year)
    if result.records is not None:
        return result.records.count()
    return 0 if result.actual in (None, False) or result.actual == 0 else 1


@transaction.atomic
def indicator_retire(*, actor, indicator: Indicator, from_year: int | None) -> Indicator:
    """Stop pursuing an indicator from `from_year` (None: pursue it again). Refused while records count
    toward it in a year it would leave; its targets of those years are deleted (audited), earlier years
    and frozen reports keep theirs."""
    plan = indicator.plan
    if from_year is not None:
        if not plan.start_year <= from_year <= plan.end_year:
            raise ValidationError(
                {
                    "retired_from": _("Year %(year)s is outside the period %(start)s–%(end)s.")
                    % {"year": from_year, "start": plan.start_year, "end": plan.end_year}
                }
            )
        from lantoa.core import clock

        for year in range(from_year, min(plan.end_year, clock.today().year) + 1):
            if n := counted_records(indicator, year):
                raise ValidationError(
                    {
                        "retired_from": _(
                            "%(count)s records already count toward %(code)s in %(year)s: it can be retired "
                            "from %(next)s at the earliest."
                        )
                        % {"count": n, "code": indicator.code, "year": year, "next": year + 1}
                    }
                )
        for target in indicator.targets.filter(year__gte=from_year):
            target_delete(actor=actor, target=target)
    indicator.retired_from = from_year
    return save_with_audit(actor=actor, obj=indicator, verb="indicator_retire")
