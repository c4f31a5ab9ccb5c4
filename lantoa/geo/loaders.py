"""Load administrative areas from the `vietnam-provinces` package, pre-2025 and current, and link them.

Idempotent: an area that already exists (same level, code and valid-from) is left as it is, so a
second run never overwrites what an administrator corrected.
"""

import datetime as dt
from dataclasses import dataclass, field
from importlib.metadata import version

from django.db import transaction
from vietnam_provinces import Province, Ward
from vietnam_provinces.legacy import District as LegacyDistrict
from vietnam_provinces.legacy import Province as LegacyProvince
from vietnam_provinces.legacy import Ward as LegacyWard

from lantoa.core.text import search_key
from lantoa.geo.models import Area, AreaSuccession

# The two-level system took effect on 1 July 2025 (Resolution 202/2025/QH15 and the merger resolutions).
REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_END = REFORM_DATE - dt.timedelta(days=1)


@dataclass
class LoadReport:
    created: int = 0
    existing: int = 0
    links: int = 0
    areas: list[Area] = field(default_factory=list)


def _source() -> str:
    return f"vietnam-provinces {version('vietnam-provinces')}"


def _get_or_create(report: LoadReport, *, level, code, name, division_type, parent, valid_from, valid_to) -> Area:
    area = Area.objects.filter(level=level, code=str(code), valid_from=valid_from).first()
    if area is not None:
        report.existing += 1
    else:
        area = Area.objects.create(
            level=level,
            code=str(code),
            name=name,
            division_type=str(division_type),
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
            search_key=search_key(name),
            source=_source(),
        )
        report.created += 1
    report.areas.append(area)
    return area


def load_legacy(province_code: int, district_codes: list[int] | None = None) -> LoadReport:
    """A pre-2025 province with its districts and communes (only the given districts, if any)."""
    report = LoadReport()
    lp = LegacyProvince.from_code(province_code)
    province = _get_or_create(
        report,
        level=Area.Level.PROVINCE,
        code=lp.code.value,
        name=lp.name,
        division_type=lp.division_type,
        parent=None,
        valid_from=None,
        valid_to=LEGACY_END,
    )
    for ld in LegacyDistrict.iter_by_province(lp.code):
        if district_codes and ld.code.value not in district_codes:
            continue
        district = _get_or_create(
            report,
            level=Area.Level.DISTRICT,
            code=ld.code.value,
            name=ld.name,
            division_type=ld.division_type,
            parent=province,
            valid_from=None,
            valid_to=LEGACY_END,
        )
        for lw in LegacyWard.iter_by_district(ld.code):
            _get_or_create(
                report,
                level=Area.Level.COMMUNE,
                code=lw.code.value,
                name=lw.name,
                division_type=lw.division_type,
                parent=district,
                valid_from=None,
                valid_to=LEGACY_END,
            )
    return report


@transaction.atomic
def load_current(province_code: int, ward_codes: set[int] | None = None) -> LoadReport:
    """A current (from 1 Jul 2025) province with its communes/wards (only the given ones, if any)."""
    report = LoadReport()
    p = Province.from_code(province_code)
    province = _get_or_create(
        report,
        level=Area.Level.PROVINCE,
        code=p.code.value,
        name=p.name,
        division_type=p.division_type,
        parent=None,
        valid_from=REFORM_DATE,
        valid_to=None,
    )
    for w in Ward.iter_by_province(p.code):
        if ward_codes is not None and w.code.value not in ward_codes:
            continue
        _get_or_create(
            report,
            level=Area.Level.COMMUNE,
            code=w.code.value,
            name=w.name,
            division_type=w.division_type,
            parent=province,
            valid_from=REFORM_DATE,
            valid_to=None,
        )
    return report


def successor_ward_codes(legacy_ward_codes: list[int]) -> set[int]:
    codes = set()
    for code in legacy_ward_codes:
        codes.update(link.ward.code.value for link in Ward.search_from_legacy(code=code))
    return codes


def link_reform(legacy: list[Area]) -> int:
    """Link loaded pre-2025 provinces and communes to the loaded current units that absorbed them.

    A commune split over several new communes links to each (partial); the first listed by the
    package's conversion table is the primary one its records roll up to.
    """
    made = 0
    current = {(a.level, a.code): a for a in Area.objects.filter(valid_from=REFORM_DATE, level__in=[1, 3])}
    for area in legacy:
        if area.valid_from is not None:
            continue
        if area.level == Area.Level.PROVINCE:
            targets = [p.province.code.value for p in Province.search_from_legacy(code=int(area.code))]
            links = [(current.get((1, str(c))), False) for c in targets]
        elif area.level == Area.Level.COMMUNE:
            found = Ward.search_from_legacy(code=int(area.code))
            partial = len(found) > 1
            links = [(current.get((3, str(link.ward.code.value))), partial) for link in found]
        else:
            continue
        has_primary = AreaSuccession.objects.filter(predecessor=area, primary=True).exists()
        for successor, partial in links:
            if successor is None:
                continue
            _link, created = AreaSuccession.objects.get_or_create(
                predecessor=area,
                successor=successor,
                defaults={
                    "effective_on": REFORM_DATE,
                    "partial": partial,
                    "primary": not has_primary,
                    "note": _source(),
                },
            )
            if created:
                made += 1
                has_primary = True
    return made


@transaction.atomic
def load_province_both(
    legacy_province: int,
    *,
    districts: list[int] | None = None,
    current_province: int | None = None,
    all_current: bool = False,
) -> LoadReport:
    """The pre-2025 structure and the current units that absorbed it, linked.

    With `districts`, only those districts' communes are loaded, and of the current province only the
    communes that absorbed them (unless `all_current`).
    """
    legacy = load_legacy(legacy_province, districts)
    legacy_ward_codes = [int(a.code) for a in legacy.areas if a.level == Area.Level.COMMUNE]
    if current_province is None:
        found = Province.search_from_legacy(code=legacy_province)
        current_province = found[0].province.code.value
    wanted = None if all_current or not districts else successor_ward_codes(legacy_ward_codes)
    current = load_current(current_province, wanted)
    report = LoadReport(
        created=legacy.created + current.created,
        existing=legacy.existing + current.existing,
        areas=legacy.areas + current.areas,
    )
    report.links = link_reform(legacy.areas)
    return report
