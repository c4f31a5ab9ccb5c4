"""Demo broadcasts from 2022 up to today (used by `load_demo`): most weeks two or three voluntary-BHXH
pieces on each commune's loudspeakers, with a few short weeks in 2022, 2024 and 2026 so M7 shows both
outcomes."""

import datetime as dt
import random

from lantoa.core import clock
from lantoa.core.text import search_key
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.radio.models import Broadcast

DEMO_NOTE = "[demo]"
REFORM = dt.date(2025, 7, 1)
NEW_CODES = {"29971", "29978", "29983", "29992", "30154"}
SHORT_YEARS = (2022, 2024, 2026)  # years with a few weeks under two broadcasts


def _communes(day):
    return [
        a
        for a in Area.objects.filter(level=Area.Level.COMMUNE)
        if a.is_valid_on(day) and (a.valid_from is None or a.code in NEW_CODES)
    ]


def broadcasts_demo_load(*, seed: int = 2022) -> int:
    rng = random.Random(seed)
    committees = {u.area_id: u for u in Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE)}
    rows = []
    monday, today = dt.date(2022, 1, 3), clock.today()
    while monday <= today:
        for commune in _communes(monday + dt.timedelta(days=3)):
            unit = committees.get(commune.id)
            if unit is None:
                continue
            short_week = monday.year in SHORT_YEARS and rng.random() < 0.03
            n = 1 if short_week else rng.choice((2, 2, 3))
            for k, offset in enumerate(sorted(rng.sample(range(7), n))):
                day = monday + dt.timedelta(days=offset)
                if day > today:
                    continue
                title = (
                    f"Bản tin BHXH tự nguyện số {k + 1} tuần {monday.isocalendar().week}/{monday.isocalendar().year}"
                )
                rows.append(
                    Broadcast(
                        commune=commune,
                        unit=unit,
                        aired_on=day,
                        aired_at=dt.time(17, 30),
                        duration_minutes=rng.choice((5, 10, 15)),
                        title=title,
                        voluntary_bhxh=True,
                        note=DEMO_NOTE,
                        search_key=search_key(f"{title} {commune.name}"),
                    )
                )
        monday += dt.timedelta(days=7)
    Broadcast.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def broadcasts_demo_remove() -> int:
    return Broadcast.objects.filter(note=DEMO_NOTE).delete()[0]
