"""Accounts and record ids for the load run (bench/load.sh → bench/load.py), on a database with the default
and demo data loaded. Writes a JSON file the Locust users read:

    .venv/bin/python bench/load_setup.py --database postgres://…/lantoa_load --out /tmp/l/accounts.json

Mixed roles: coordinators (see everything), read-only leaders, and officers of the People's Committees of
several current communes, each officer with ids of activities and people of their own commune (so their
detail pages are ones they may open; the others would be 404s, counted as failures).
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django  # noqa: E402

PASSWORD = "Tai-khoan-tai-thu-2026!"  # noqa: S105 - loopback-only benchmark accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--coordinators", type=int, default=10)
    parser.add_argument("--leaders", type=int, default=6)
    parser.add_argument("--communes", type=int, default=8, help="at most this many communes (at least 3)")
    parser.add_argument("--officers", type=int, default=40, help="commune officers, shared out over the communes")
    args = parser.parse_args()
    setup_django(args.database)

    from django.db.models import Count

    from lantoa.accounts.models import User
    from lantoa.accounts.roles import Role
    from lantoa.activities.models import Activity
    from lantoa.audience.models import Person
    from lantoa.core import clock
    from lantoa.geo.models import Area
    from lantoa.orgs.models import Unit
    from lantoa.orgs.services import staff_account_create
    from lantoa.plans.models import Plan

    today = clock.today()
    coordinating = _coordinating_unit(today)
    # The current communes whose committee organised the most demo activities: officers with data.
    committees = list(
        Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, area__level=Area.Level.COMMUNE, valid_to__isnull=True)
        .annotate(n=Count("activities"))
        .filter(n__gt=0)
        .order_by("-n", "code")[: args.communes]
    )
    if len(committees) < 3:
        raise SystemExit(f"only {len(committees)} current commune committees have activities: load the demo data")

    accounts = []

    def account(role, unit, n, **extra):
        username = f"load-{role}-{unit.code}-{n}"[:150]
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = staff_account_create(
                actor=None, username=username, full_name=f"Tải thử {n}", role=role, unit=unit, password=PASSWORD
            )
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        accounts.append({"username": username, "password": PASSWORD, "role": role, **extra, **_second_step(user)})

    for n in range(args.coordinators):
        account(Role.COORDINATOR, coordinating, n)
    for n in range(args.leaders):
        account(Role.LEADER, coordinating, n)
    for i, unit in enumerate(committees):
        activities = list(
            Activity.objects.filter(organiser=unit).order_by("-start_date", "-pk").values_list("pk", flat=True)[:40]
        )
        people = list(Person.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True)[:40])
        for n in range(i, args.officers, len(committees)):
            account(Role.COMMUNE_OFFICER, unit, n, commune=unit.area.name, activities=activities, people=people)

    plans = list(Plan.objects.order_by("pk").values_list("pk", flat=True))
    all_activities = list(Activity.objects.order_by("-pk").values_list("pk", flat=True)[:200])
    out = {"plans": plans, "activities": all_activities, "accounts": accounts, "today": today.isoformat()}
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1))
    roles = {}
    for a in accounts:
        roles[a["role"]] = roles.get(a["role"], 0) + 1
    print(f"load_setup: {len(accounts)} accounts {roles}; communes: {', '.join(u.area.name for u in committees)}")


def _coordinating_unit(day):
    from lantoa.orgs.models import UnitDuty
    from lantoa.orgs.services import unit_duty_on

    return unit_duty_on(UnitDuty.Duty.AGGREGATE_REPORT, day).unit


def _second_step(user) -> dict:
    """Accounts that give a TOTP code after the password get a confirmed authenticator whose key the Locust
    user computes codes from (the check of the product is the same as for a phone's app)."""
    try:
        from lantoa.accounts import two_factor
    except ImportError:
        return {}
    if not two_factor.required(user):
        return {}
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="load", confirmed=True)
    return {"totp_key": device.key, "totp_step": device.step, "totp_digits": device.digits}


if __name__ == "__main__":
    main()
