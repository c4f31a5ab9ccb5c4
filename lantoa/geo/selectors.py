"""Reading the dated area tree: subtrees, what a record rolls up to on a date, what covers an old area."""

import datetime as dt
import functools
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from lantoa.core.models import valid_on
from lantoa.core.text import search_key
from lantoa.geo.models import Area, AreaSuccession

# Level words offices write before a name, accent-free ("Xã Long Khánh A", "TT Thường Thới Tiền").
LEVEL_WORDS = ("thi tran ", "thi xa ", "thanh pho ", "phuong ", "huyen ", "tinh ", "xa ", "tt ", "p ")


def name_key_without_level(name: str) -> str:
    """The accent-free key of an area's name without its level word: "Xã Long Khánh A" and "Long Khánh A"
    name the same commune in an office's sheet."""
    key = search_key(name)
    for word in LEVEL_WORDS:
        if key.startswith(word):
            return key[len(word) :]
    return key


def area_list(
    *, level: int | None = None, on: dt.date | None = None, q: str = "", parent: Area | None = None
) -> QuerySet:
    """Areas are public administrative facts: every signed-in user may read the tree."""
    qs = Area.objects.select_related("parent")
    if level is not None:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if on is not None:
        qs = qs.filter(valid_on(on))
    if q:
        qs = qs.filter(search_key__contains=search_key(q))
    return qs


_memo = threading.local()


@contextmanager
def area_tree_cache():
    """Inside the block the area-tree lookups below are computed once per argument. For long reads that ask
    the same questions thousands of times (the final evaluation: every indicator × year × commune); areas
    do not change during such a read. Outside a block nothing is cached."""
    outer = getattr(_memo, "store", None)
    if outer is None:
        _memo.store = {}
    try:
        yield
    finally:
        if outer is None:
            _memo.store = None


def _memoised(key):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            store = getattr(_memo, "store", None)
            if store is None:
                return func(*args, **kwargs)
            # A one-pass iterable (a generator) would be used up by the key: keep it as a list.
            args = tuple(list(a) if isinstance(a, Iterator) else a for a in args)
            k = (func.__name__, key(*args, **kwargs))
            if k not in store:
                store[k] = func(*args, **kwargs)
            value = store[k]
            return type(value)(value)  # a copy: callers add to the sets they get

        return wrapper

    return decorator


def _ids_key(area_ids):
    return frozenset(area_ids)


@_memoised(_ids_key)
def descendant_ids(area_ids: Iterable[int]) -> set[int]:
    """The areas and everything below them (one query per level; trees are four levels deep)."""
    found = set(area_ids)
    frontier = set(found)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= frontier
    return found


@_memoised(_ids_key)
def ancestor_ids(area_ids: Iterable[int]) -> set[int]:
    """The areas and every area above them."""
    found = set(area_ids)
    frontier = set(found)
    while frontier:
        frontier = (
            set(Area.objects.filter(id__in=frontier, parent__isnull=False).values_list("parent_id", flat=True)) - found
        )
        found |= frontier
    return found


@_memoised(_ids_key)
def predecessor_ids(area_ids: Iterable[int]) -> set[int]:
    """Areas whose records roll up (through primary links, transitively) into the given ones."""
    found = set(area_ids)
    frontier = set(found)
    while frontier:
        frontier = (
            set(
                # Only areas that closed: one that gave up part of itself and lives on keeps its records.
                AreaSuccession.objects.filter(
                    successor_id__in=frontier, primary=True, predecessor__valid_to__isnull=False
                ).values_list("predecessor_id", flat=True)
            )
            - found
        )
        found |= frontier
    return found


@_memoised(lambda area: area.id)
def rollup_source_ids(area: Area) -> set[int]:
    """Every area whose records count under `area`: its subtree and its predecessors' subtrees."""
    return descendant_ids(predecessor_ids(descendant_ids([area.id])))


def ancestor_at_level(area: Area, level: int) -> Area | None:
    node = area
    while node is not None and node.level > level:
        node = node.parent
    return node if node is not None and node.level == level else None


def rollup(area: Area, on: dt.date, level: int = Area.Level.COMMUNE) -> Area | None:
    """The area at `level` that a record made on `area` counts under on date `on`.

    A 2023 record on Xã Long Khánh A counts under Xã Long Khánh when viewed after 1 Jul 2025.
    """
    node = ancestor_at_level(area, level)
    seen = set()
    while node is not None and not node.is_valid_on(on) and node.id not in seen:
        seen.add(node.id)
        link = (
            AreaSuccession.objects.select_related("successor")
            .filter(predecessor=node, primary=True, effective_on__lte=on)
            .first()
        )
        if link is None:
            return None
        node = link.successor
    return node


def covering_areas(areas: Iterable[Area], on: dt.date) -> list[Area]:
    """Areas in force on `on` that cover the given (possibly abolished) ones: an abolished district
    is replaced by the successors of its communes, a merged commune by its successor(s)."""
    result: dict[int, Area] = {}
    stack = list(areas)
    seen = set()
    while stack:
        area = stack.pop()
        if area.id in seen:
            continue
        seen.add(area.id)
        if area.is_valid_on(on):
            result[area.id] = area
            continue
        if area.valid_from is not None and area.valid_from > on:
            continue  # not created yet: it covers nothing on that day (nor do its communes)
        links = list(AreaSuccession.objects.select_related("successor").filter(predecessor=area, effective_on__lte=on))
        if links:
            stack.extend(link.successor for link in links)
        else:
            # An abolished area without a successor (a district): what its communes became. Hamlets
            # follow their commune, so they need not be walked.
            stack.extend(area.children.filter(level__lte=Area.Level.COMMUNE))
    return sorted(result.values(), key=lambda a: (a.level, a.name))


def area_path(area: Area) -> list[Area]:
    path = []
    node = area
    while node is not None:
        path.append(node)
        node = node.parent
    return list(reversed(path))


def area_by_code(level: int, code: str, *, legacy: bool | None = None) -> Area | None:
    """The area with an official code; `legacy` picks the pre-2025 one (no start date) or a current one,
    as both structures reuse some codes (Xã Long Khánh B and Xã Long Khánh are both 29983)."""
    qs = Area.objects.filter(level=level, code=str(code))
    if legacy is not None:
        qs = qs.filter(valid_from__isnull=legacy)
    return qs.order_by(F("valid_from").asc(nulls_first=True), "id").first()


def area_from_ref(ref: dict) -> Area:
    """An area named in a data file as {"level": 3, "code": "29980", "legacy": true}."""
    area = area_by_code(ref["level"], ref["code"], legacy=ref.get("legacy"))
    if area is None:
        raise ValidationError(
            _("No area with code %(code)s (level %(level)s): load the areas first.")
            % {"code": ref["code"], "level": ref["level"]}
        )
    return area


@_memoised(_ids_key)
def communes_covering(area_ids) -> set[int]:
    """Communes under the given areas, and (transitively) every commune that absorbed one of them."""
    below = descendant_ids(area_ids)
    found = set(Area.objects.filter(id__in=below, level=Area.Level.COMMUNE).values_list("id", flat=True))
    frontier = set(found)
    while frontier:
        frontier = (
            set(
                AreaSuccession.objects.filter(
                    predecessor_id__in=frontier, successor__level=Area.Level.COMMUNE
                ).values_list("successor_id", flat=True)
            )
            - found
        )
        found |= frontier
    return found


@_memoised(_ids_key)
def plan_lens_ids(area_ids: Iterable[int]) -> set[int]:
    """Every area whose records count toward a plan covering `area_ids`: their subtrees, the communes that
    absorbed them (a plan of the former district goes on over the communes formed in 2025) and whatever
    rolled up into those."""
    area_ids = set(area_ids)
    return descendant_ids(predecessor_ids(descendant_ids(area_ids | communes_covering(area_ids))))


@_memoised(lambda areas, day: (tuple(sorted(a.id for a in areas)), day))
def communes_on(areas: Iterable[Area], day: dt.date) -> list[Area]:
    """The communes in force on `day` that make up the given areas (a district's communes, the
    communes that absorbed an abolished one)."""
    result: dict[int, Area] = {}
    for area in covering_areas(areas, day):
        if area.level == Area.Level.COMMUNE:
            result[area.id] = area
        elif area.level < Area.Level.COMMUNE:
            ids = descendant_ids([area.id])
            for commune in Area.objects.filter(id__in=ids, level=Area.Level.COMMUNE).filter(valid_on(day)):
                result[commune.id] = commune
        else:
            commune = ancestor_at_level(area, Area.Level.COMMUNE)
            if commune is not None:
                result[commune.id] = commune
    return sorted(result.values(), key=lambda a: a.search_key)


@_memoised(lambda day, area_ids=None: (day, None if area_ids is None else frozenset(area_ids)))
def commune_rollup_map(day: dt.date, area_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{area id: id of the commune its records count under on `day`} — for the given areas (every area
    if None) in one pass over the tree and the succession links, so counting many records costs no
    query per record. Hamlets are loaded only when asked for: they are most of the tree."""
    wanted = None if area_ids is None else set(area_ids)
    qs = Area.objects.only("id", "level", "parent_id", "valid_from", "valid_to")
    if wanted is not None:
        qs = qs.filter(Q(level__lte=Area.Level.COMMUNE) | Q(id__in=wanted))
    areas = {a.id: a for a in qs}
    links = {
        s.predecessor_id: s.successor_id for s in AreaSuccession.objects.filter(primary=True, effective_on__lte=day)
    }
    out: dict[int, int] = {}
    for area_id, area in areas.items():
        if wanted is not None and area_id not in wanted:
            continue
        node = area
        while node is not None and node.level > Area.Level.COMMUNE:
            node = areas.get(node.parent_id)
        seen = set()
        while node is not None and not node.is_valid_on(day) and node.id not in seen:
            seen.add(node.id)
            node = areas.get(links.get(node.id))
        if node is not None and node.level == Area.Level.COMMUNE:
            out[area_id] = node.id
    return out
