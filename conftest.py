"""Shared fixtures: the default data (areas, units, the Hồng Ngự plan) and one user per role."""

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from lantoa.accounts.roles import Role
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from tests import replay

# CI explores the same examples every run (a landing must not depend on luck); a developer's run explores.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def load_default_data() -> None:
    """What `make run` loads: Hồng Ngự areas (pre-2025 and current, linked), the §VII units, the plan."""
    quiet = io.StringIO()
    call_command("load_areas", legacy_province=87, district=[870], stdout=quiet)
    call_command("load_units", stdout=quiet)
    call_command("load_plan", stdout=quiet)
    call_command("load_taxonomy", stdout=quiet)
    call_command("load_reference_targets", stdout=quiet)


@pytest.fixture(scope="session")
def default_data_rows(django_db_setup, django_db_blocker):
    """The rows the real loaders write, captured once per test process (tests/replay.py)."""
    with django_db_blocker.unblock():
        return replay.capture(load_default_data)


@pytest.fixture
def default_data(db, default_data_rows):
    """The default data, replayed from the session's one real load (also after a flushing test)."""
    replay.replay(default_data_rows)


def legacy_commune(name: str) -> Area:
    return Area.objects.get(level=Area.Level.COMMUNE, name=name, valid_from__isnull=True)


def current_commune(name: str) -> Area:
    return Area.objects.get(level=Area.Level.COMMUNE, name=name, valid_from__isnull=False)


@pytest.fixture
def make_user(db):
    """make_user(role, unit_code) → a signed-up user of that role working in that unit."""
    from lantoa.orgs.services import staff_account_create

    counter = {"n": 0}

    def _make(
        role: str,
        unit_code: str | None = None,
        password: str = "Mat-khau-2026!",  # noqa: S107 (test accounts)
        valid_from=None,
        valid_to=None,
        **extra,
    ):
        counter["n"] += 1
        unit = Unit.objects.get(code=unit_code) if unit_code else coordinating_unit()
        if unit.valid_to and valid_to is None:
            # A posting in a unit that has since closed: it lasted as long as the unit did.
            valid_from, valid_to = valid_from or unit.valid_from, unit.valid_to
        user, _ = staff_account_create(
            actor=None,
            username=f"{role}{counter['n']}",
            full_name=f"Nguyễn Văn {role}",
            role=role,
            unit=unit,
            password=password,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        for k, v in extra.items():
            setattr(user, k, v)
        if extra:
            user.save()
        return user

    return _make


def coordinating_unit(day=None) -> Unit:
    """The unit gathering the plan's reports on `day` (today by default): the labour office until its merge
    on 01/03/2025, the home-affairs office until the district ended, then its successor (the units' data)."""
    from lantoa.core import clock
    from lantoa.orgs.models import UnitDuty
    from lantoa.orgs.services import unit_duty_on

    return unit_duty_on(UnitDuty.Duty.AGGREGATE_REPORT, day or clock.today()).unit


@pytest.fixture
def coordinator(default_data, make_user):
    """The coordinator, posted to the unit coordinating the plan on the test's day."""
    return make_user(Role.COORDINATOR, coordinating_unit().code)


@pytest.fixture
def in_2023(monkeypatch):
    """Run the test as of 15/06/2023, when the ten communes of Hồng Ngự district still existed."""
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2023, 6, 15))
    return dt.date(2023, 6, 15)


@pytest.fixture
def officer_long_khanh_a(default_data, make_user, in_2023):
    """A commune officer of Xã Long Khánh A (the commune existed until 30/06/2025), seen in 2023."""
    return make_user(Role.COMMUNE_OFFICER, "hn-ubnd-long-khanh-a")


@pytest.fixture
def officer_thuong_lac(default_data, make_user, in_2023):
    return make_user(Role.COMMUNE_OFFICER, "hn-ubnd-thuong-lac")


@pytest.fixture(autouse=True)
def _force_login_passes_second_step(monkeypatch):
    """`client.force_login(user)` skips the password; it skips the second step (TOTP) too, as if the user
    had typed a right code: the account gets an enrolled authenticator and the session is verified.
    The tests of the second step sign in with `client.post` to the sign-in page, which skips nothing."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY

        from lantoa.accounts import two_factor

        original(self, user, backend)
        if two_factor.required(user):
            device = two_factor.confirmed_device(user) or user.totpdevice_set.create(name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
