"""Fixtures of the messaging tests: a real Kannel on loopback; people of Xã Long Khánh with and without
consent, a segment, a template, rules without quiet hours (tests run at any hour), two officers."""

import datetime as dt
import os

import pytest

from conftest import current_commune
from lantoa.accounts.roles import Role
from lantoa.audience.models import Person, Segment
from lantoa.messaging import services
from lantoa.messaging.models import Broadcast, Policy, Template
from lantoa.messaging.tests.kannel import KannelHarness, missing_binaries
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic


@pytest.fixture(scope="session")
def kannel_installed():
    """Kannel's binaries or a skip; under CI a missing Kannel is a failure, not a skip."""
    missing = missing_binaries()
    if missing:
        reason = f"Kannel is not installed ({', '.join(missing)} missing): run scripts/system-deps.sh"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def kannel_mo_url():
    """Where smsbox sends incoming messages (the get-url, without its query); override in a test module."""
    return None


@pytest.fixture(scope="module")
def kannel(kannel_installed, kannel_mo_url, tmp_path_factory):
    """A running Kannel (bearerbox, smsbox, fakesmsc) on free loopback ports, one per test module."""
    with KannelHarness(tmp_path_factory.mktemp("kannel"), mo_url=kannel_mo_url) as harness:
        yield harness


UNIT = "dt-ubnd-long-khanh"


@pytest.fixture
def any_hour(db):
    Policy.objects.all().delete()  # the rules of Decree 91/2020 loaded by a migration
    return Policy.objects.create(
        name="test: no quiet hours", send_from=dt.time(0, 0), send_until=dt.time(0, 0), approval_threshold=3
    )


@pytest.fixture
def officers(default_data, make_user, any_hour):
    author = make_user(Role.COMMUNE_OFFICER, UNIT)
    approver = make_user(Role.COMMUNE_OFFICER, UNIT)
    return author, approver


def make_person(name, phone="", *, consent=True, unit=UNIT, commune="Xã Long Khánh", groups=(), **extra):
    person = Person.objects.create(
        full_name=name,
        name_key=name.lower(),
        phone=phone,
        consent=consent,
        consent_channel="all" if consent else "",
        unit=Unit.objects.get(code=unit),
        area=current_commune(commune),
        **extra,
    )
    if groups:
        person.groups.set(TargetGroup.objects.filter(code__in=groups))
    return person


@pytest.fixture
def farmers(officers):
    """Five farmers of group (1); two are left out by the rules (no consent; a landline-less record)."""
    group = TargetGroup.objects.filter(voluntary_group=1).first()
    codes = [group.code]
    return [
        make_person("Nguyễn Văn An", "+84912000001", groups=codes),
        make_person("Trần Thị Bình", "+84912000002", groups=codes),
        make_person("Lê Văn Cường", "+84912000003", groups=codes),
        make_person("Phạm Thị Dung", "+84912000004", consent=False, groups=codes),
        make_person("Võ Văn Em", "", groups=codes),
    ]


@pytest.fixture
def segment(farmers):
    group = TargetGroup.objects.filter(voluntary_group=1).first()
    return Segment.objects.create(
        name="Nông dân nhóm 1 Long Khánh", unit=Unit.objects.get(code=UNIT), filters={"group_codes": [group.code]}
    )


@pytest.fixture
def template(officers):
    author, _ = officers
    return services.template_save(
        actor=author,
        template=Template(
            name="Mời tham gia BHXH tự nguyện",
            unit=Unit.objects.get(code=UNIT),
            body="Kính gửi {ho_ten}: BHXH tự nguyện giúp có lương hưu. Hỏi UBND xã để được hướng dẫn.",
        ),
        topics=Topic.objects.filter(voluntary_bhxh=True)[:1],
    )


@pytest.fixture
def draft(officers, segment, template):
    author, _ = officers
    return services.broadcast_save(
        actor=author,
        broadcast=Broadcast(
            title="Vận động nông dân", unit=Unit.objects.get(code=UNIT), template=template, segment=segment
        ),
    )
