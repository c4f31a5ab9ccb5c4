import datetime as dt
import itertools

import pytest

from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.audience.models import Person
from lantoa.core.text import search_key
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.team.models import TeamMember, TrainingAttendance

_n = itertools.count(1)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def commune(name: str) -> Area:
    return Area.objects.get(level=Area.Level.COMMUNE, name=name, valid_from__isnull=False)


def person(name: str, area: Area, unit_code: str, **extra) -> Person:
    return Person.objects.create(
        full_name=name,
        name_key=search_key(name),
        area=area,
        unit=Unit.objects.get(code=unit_code),
        birth_year=extra.pop("birth_year", 1980),
        **extra,
    )


def member(p: Person, role: str, unit_code: str, start=None, end=None, area=None) -> TeamMember:
    return TeamMember.objects.create(
        person=p,
        role=role,
        unit=Unit.objects.get(code=unit_code),
        area=area or p.area,
        valid_from=start,
        valid_to=end,
    )


def training(day: dt.date, area: Area, *, status="done", unit_code="hn-bhxh", kind=Kind.TRAINING, title=None):
    title = title or f"Tập huấn cộng tác viên {next(_n)}"
    return Activity.objects.create(
        title=title,
        kind=kind,
        channel=Channel.DIRECT,
        status=status,
        start_date=day,
        organiser=Unit.objects.get(code=unit_code),
        area=area,
        search_key=search_key(title),
    )


def attend(activity, m, *, completed=True, attended=True) -> TrainingAttendance:
    return TrainingAttendance.objects.create(activity=activity, member=m, attended=attended, completed=completed)


@pytest.fixture
def lk_officer(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")


@pytest.fixture
def outsider(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, "dt-ubnd-tan-long")


@pytest.fixture
def leader(default_data, make_user):
    return make_user(Role.LEADER, "hn-ldtbxh")
