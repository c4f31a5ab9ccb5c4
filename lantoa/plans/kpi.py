"""The registry of indicator computations.

An indicator names a computation (data); the computation (code) turns records into an actual value
for (plan, indicator, year, area or unit), with the numerator, denominator and the records behind
it. Until the records a computation needs exist, it reports "no data yet" and says what it needs.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


@dataclass
class KpiContext:
    indicator: Any
    year: int
    user: Any = None
    area: Any = None
    unit: Any = None


@dataclass
class KpiResult:
    actual: Decimal | bool | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    records: QuerySet | None = None
    no_data_reason: str = ""
    details: dict = field(default_factory=dict)
    waiting: bool = False  # the computation waits for records a later part of the product brings

    @property
    def has_data(self) -> bool:
        return self.actual is not None


@dataclass(frozen=True)
class Computation:
    key: str
    label: str
    needs: str
    func: Callable[[KpiContext], KpiResult]


class Registry:
    def __init__(self):
        self._items: dict[str, Computation] = {}

    def register(self, key: str, *, label, needs):
        def decorator(func):
            if key in self._items:
                raise ValueError(f"computation {key!r} is registered twice")
            self._items[key] = Computation(key, label, needs, func)
            return func

        return decorator

    def implement(self, key: str, *, label=None, needs=None):
        """Replace a computation that was waiting for its records with the real one (same key, so the
        indicators that name it need no change). Apps call this from their `kpi.py`, imported in ready()."""

        def decorator(func):
            if key not in self._items:
                raise KeyError(f"no computation {key!r} to implement")
            old = self._items[key]
            self._items[key] = Computation(key, label or old.label, needs or old.needs, func)
            return func

        return decorator

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> Computation:
        return self._items[key]

    def all(self) -> list[Computation]:
        return list(self._items.values())

    def keys(self):
        return self._items.keys()


registry = Registry()

# Early warnings on the dashboard (R1.5): functions (user, plan) → [{"text": …, "url": …}]. Apps append
# theirs in ready(); the pace of the running year's targets is the first.
warning_providers: list = []


def compute(indicator, year: int, *, user=None, area=None, unit=None) -> KpiResult:
    comp = registry[indicator.computation]
    return comp.func(KpiContext(indicator=indicator, year=year, user=user, area=area, unit=unit))


def _awaiting(needs):
    def func(ctx: KpiContext) -> KpiResult:
        return KpiResult(no_data_reason=str(needs), waiting=True)

    return func


# Computations whose records arrive with later parts of the product. Each says what it waits for;
# the issue that brings those records replaces the function under the same key.
_PENDING = {
    "team_trained_share": (
        _("Share of the communication team trained"),
        _("the communication team and training attendance"),
    ),
    "officials_informed_share": (
        _("Share of officials informed on the 11 reform contents"),
        _("staff lists of the units and the people each activity reached"),
    ),
    "labour_reached_share": (
        _("Share of the working-age labour force reached"),
        _("the people registry, reach records and labour-force statistics"),
    ),
    "labour_reached_voluntary_share": (
        _("Share of the labour force reached on voluntary BHXH"),
        _("the people registry, reach records and labour-force statistics"),
    ),
    "content_approved_share": (
        _("Share of content used that was approved before use"),
        _("the content library with its reviews"),
    ),
    "forms_mix_per_area": (_("Traditional and modern forms both used, per area"), _("activity records")),
    "campaign_activity_share": (_("Share of activities in campaigns"), _("activity and campaign records")),
    "leaders_informed_share": (
        _("Share of unit leaders informed"),
        _("the leaders of each unit and records of information given to them"),
    ),
    "communes_with_plan_share": (
        _("Share of communes with an annual communication plan"),
        _("annual plans filed by units and communes"),
    ),
    "coordination_reviewed": (_("Coordination programme reviewed and (re)signed"), _("coordination programme records")),
    "employer_conferences": (_("Conferences with workers and employers at enterprises"), _("activity records")),
    "communes_grassroots_share": (_("Share of communes holding grassroots conferences"), _("activity records")),
    "association_conferences": (_("Conferences per association"), _("activity records")),
    "radio_voluntary_per_week": (_("Radio broadcasts on voluntary BHXH per week"), _("the commune radio log")),
    "social_media_stage": (_("Social-media plan / deployment"), _("social-media plans and posts")),
    "targeted_sms": (_("Targeted SMS to audience groups"), _("messaging records")),
    "training_classes": (_("Training classes per year"), _("training activity records")),
    "may_campaign_held": (_("May campaign held"), _("campaign records")),
}

for _key, (_label, _needs) in _PENDING.items():
    registry.register(_key, label=_label, needs=_needs)(_awaiting(_needs))
