"""Finding people recorded twice, on demand (R4 item 4).

Two active records (not merged, not anonymised) look like the same person when they share a CCCD, a
BHXH number or a phone, or the same accent- and case-insensitive name with the same birth date in the
same commune — communes compared as they roll up today, so a 2023 record on Xã Long Khánh A and a
2025 one on Xã Long Khánh match.

The grouping runs in the database (GROUP BY … HAVING COUNT(*) > 1 on the key columns) so that a
registry of 100,000+ people costs one aggregate query per reason, never a comparison of every pair.
Only the members of the repeated keys come back to Python (ids and name keys), to put together the
groups with identical members and split name groups by rolled-up commune.

Pairs a user marked as "not the same person" stay dismissed (`dismissed_pairs`).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lantoa.audience.matching import name_birth_key
from lantoa.audience.models import DuplicateDismissal, Person
from lantoa.audience.selectors import person_scope, present
from lantoa.core import clock
from lantoa.geo.models import Area
from lantoa.geo.selectors import commune_rollup_map, rollup_source_ids


class Reason(models.TextChoices):
    """Why two records look like one person, strongest first."""

    CCCD = "cccd", _("Same citizen ID (CCCD)")
    BHXH = "bhxh", _("Same BHXH number")
    NAME = "name", _("Same name, date of birth and commune")
    PHONE = "phone", _("Same phone number")


# The column compared for each single-column reason.
KEY_COLUMNS = {Reason.CCCD: "cccd", Reason.BHXH: "bhxh_number", Reason.PHONE: "phone"}
STRENGTH = {reason: i for i, reason in enumerate(Reason.values)}
KEY_CHUNK = 1000

DISMISS_VERB = "person_not_duplicate"


@dataclass
class DuplicateGroup:
    ids: tuple[int, ...]
    reasons: list[str] = field(default_factory=list)
    sort_key: str = ""
    people: list = field(default_factory=list)  # PersonView objects, filled for the page shown

    @property
    def reason_labels(self) -> list[str]:
        return [Reason(r).label for r in sorted(self.reasons, key=STRENGTH.__getitem__)]

    @property
    def query(self) -> str:
        """The compare page's query string: p=1&p=2."""
        return urlencode([("p", pk) for pk in self.ids])

    @property
    def strength(self) -> int:
        return min(STRENGTH[r] for r in self.reasons)


def active_people(*, user, area_ids: Iterable[int] | None = None) -> QuerySet:
    """The people the duplicate finder compares: readable by `user`, neither merged nor anonymised."""
    qs = person_scope(user=user).filter(anonymised_at__isnull=True)
    if area_ids is not None:
        qs = qs.filter(area_id__in=list(area_ids))
    return qs


def _same_column(qs: QuerySet, column: str) -> list[list[tuple[int, str]]]:
    """Members of every value of `column` held by two or more people: [[(id, name_key), …], …]."""
    repeated = qs.exclude(**{column: ""}).values(column).annotate(n=Count("id")).filter(n__gt=1)
    values = sorted(row[column] for row in repeated)
    members: dict[str, list[tuple[int, str]]] = defaultdict(list)
    # The members are read by the column's index, the repeated values passed in chunks (rather than as a
    # subquery, which a planner without fresh statistics joins row by row).
    for start in range(0, len(values), KEY_CHUNK):
        chunk = values[start : start + KEY_CHUNK]
        rows = qs.filter(**{f"{column}__in": chunk}).order_by().values_list(column, "id", "name_key")
        for value, pk, name_key in rows:
            members[value].append((pk, name_key))
    return list(members.values())


def _same_name_birth_commune(qs: QuerySet, day) -> list[list[tuple[int, str]]]:
    """Same name key and birth date in the database, then split by the commune each record rolls up to."""
    repeated = (
        qs.exclude(name_key="")
        .filter(birth_date__isnull=False)
        .values("name_key", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    keys = sorted((row["name_key"], row["birth_date"]) for row in repeated)
    wanted = set(keys)
    rows: dict[int, tuple] = {}
    # The members are read by the (name_key, birth_date) index, the repeated keys passed in chunks (a
    # database's limit on query parameters); each chunk's rows are checked against the exact keys.
    # Common names would make a name-only filter read most of the registry.
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        found = (
            qs.filter(name_key__in={k[0] for k in chunk}, birth_date__in={k[1] for k in chunk})
            .order_by()
            .values_list("id", "name_key", "birth_date", "area_id")
        )
        # A name at a chunk's edge may be read twice: rows are kept by id.
        rows.update((row[0], row) for row in found if (row[1], row[2]) in wanted)
    if not rows:
        return []
    communes = commune_rollup_map(day, {row[3] for row in rows.values()})
    members: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, name_key, birth_date, area_id in rows.values():
        # An area that rolls up nowhere (no successor recorded) stands for itself.
        members[name_birth_key(name_key, birth_date, communes.get(area_id, area_id))].append((pk, name_key))
    return [m for m in members.values() if len(m) > 1]


def dismissed_pairs() -> set[frozenset[int]]:
    """Pairs of people marked as different people ("not the same person")."""
    return {frozenset(pair) for pair in DuplicateDismissal.objects.values_list("person_a_id", "person_b_id")}


def _without_dismissed(ids: tuple[int, ...], dismissed: set[frozenset[int]]) -> tuple[int, ...]:
    """Members that still have at least one partner in the group not dismissed."""
    return tuple(i for i in ids if any(j != i and frozenset((i, j)) not in dismissed for j in ids))


def duplicate_groups(*, user, reason: str = "", area: Area | None = None, day=None) -> list[DuplicateGroup]:
    """Groups of people that look like one person, strongest reason first, then by name.

    A group's members all lie within what `user` may read (and within `area`'s roll-up if given).
    Groups with exactly the same members are one group with several reasons.
    """
    day = day or clock.today()
    qs = active_people(user=user, area_ids=rollup_source_ids(area) if area is not None else None)
    reasons = [reason] if reason else Reason.values
    found: dict[tuple[int, ...], DuplicateGroup] = {}
    names: dict[int, str] = {}
    for r in reasons:
        groups = _same_name_birth_commune(qs, day) if r == Reason.NAME else _same_column(qs, KEY_COLUMNS[r])
        for members in groups:
            ids = tuple(sorted({pk for pk, _name in members}))
            if len(ids) < 2:
                continue
            names.update(members)
            group = found.setdefault(ids, DuplicateGroup(ids))
            if r not in group.reasons:
                group.reasons.append(r)
    dismissed = dismissed_pairs()
    result: dict[tuple[int, ...], DuplicateGroup] = {}
    for group in found.values():
        ids = _without_dismissed(group.ids, dismissed) if dismissed else group.ids
        if len(ids) < 2:
            continue
        kept = result.setdefault(ids, DuplicateGroup(ids, sort_key=min(names[i] for i in ids)))
        kept.reasons.extend(r for r in group.reasons if r not in kept.reasons)
    return sorted(result.values(), key=lambda g: (g.strength, g.sort_key, g.ids))


def attach_people(groups: Iterable[DuplicateGroup], *, user) -> None:
    """Load the members of the groups shown (one query), as `user` may see them (identifiers masked)."""
    groups = list(groups)
    ids = {pk for g in groups for pk in g.ids}
    people = active_people(user=user).filter(pk__in=ids).select_related("area", "unit")
    by_id = {p.pk: present(user, p) for p in people}
    for g in groups:
        g.people = [by_id[pk] for pk in g.ids if pk in by_id]


def duplicates_of(person: Person, *, user=None, day=None) -> list[tuple[Person, list[str]]]:
    """Active people who look like `person` (for the person page and the import), with the reasons."""
    day = day or clock.today()
    cond = Q(pk__in=[])
    for column in KEY_COLUMNS.values():
        if getattr(person, column):
            cond |= Q(**{column: getattr(person, column)})
    if person.name_key and person.birth_date:
        cond |= Q(name_key=person.name_key, birth_date=person.birth_date)
    candidates = list(active_people(user=user).exclude(pk=person.pk).filter(cond).select_related("area", "unit"))
    if not candidates:
        return []
    communes = commune_rollup_map(day, {person.area_id} | {c.area_id for c in candidates})
    own_commune = communes.get(person.area_id, person.area_id)
    dismissed = dismissed_pairs()
    out = []
    for other in candidates:
        if frozenset((person.pk, other.pk)) in dismissed:
            continue
        reasons = [r for r, column in KEY_COLUMNS.items() if getattr(person, column) == getattr(other, column) != ""]
        if (
            person.name_key
            and person.birth_date
            and (other.name_key, other.birth_date) == (person.name_key, person.birth_date)
            and communes.get(other.area_id, other.area_id) == own_commune
        ):
            reasons.append(Reason.NAME)
        if reasons:
            out.append((other, sorted(reasons, key=STRENGTH.__getitem__)))
    return out
