"""Recording broadcasts: validated, normalised, scoped, audited; bad input saves nothing."""

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.core.models import AuditLog
from lantoa.core.selectors import audit_rows
from lantoa.geo.services import hamlet_create
from lantoa.orgs.models import Unit
from lantoa.radio.models import Broadcast
from lantoa.radio.selectors import broadcast_list
from lantoa.radio.services import broadcast_delete, broadcast_save
from lantoa.radio.tests.conftest import d
from lantoa.taxonomy.models import Topic

pytestmark = pytest.mark.django_db


AIRED = d("13/06/2023")  # two days before 15/06/2023, the `in_2023` day


def new(commune, *, unit=None, day=AIRED, at=None, minutes=15, title="Lợi ích BHXH tự nguyện", **kw):
    return Broadcast(
        commune=commune,
        unit=unit,
        aired_on=day,
        aired_at=at,
        duration_minutes=minutes,
        title=title,
        **kw,
    )


def audit_for(obj):
    return AuditLog.objects.filter(target_type="radio.broadcast", target_id=str(obj.pk))


def test_record_a_broadcast(officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    voluntary = Topic.objects.get(code="bhxh-tu-nguyen")
    nfd_title = unicodedata.normalize("NFD", "  Phát thanh   về BHXH tự nguyện ")
    b = broadcast_save(
        actor=officer_long_khanh_a,
        broadcast=new(lka, title=nfd_title, at=dt.time(6, 30), voluntary_bhxh=None),
        topics=[voluntary],
    )
    b.refresh_from_db()
    assert b.title == "Phát thanh về BHXH tự nguyện" and unicodedata.is_normalized("NFC", b.title)
    assert b.unit.code == "hn-ubnd-long-khanh-a"  # the officer's unit by default
    assert b.voluntary_bhxh is True  # from the topic
    assert b.created_by == officer_long_khanh_a
    assert "phat thanh ve bhxh tu nguyen" in b.search_key
    assert list(b.topics.all()) == [voluntary]
    entry = audit_for(b).get()
    assert entry.action == AuditLog.Action.CREATE and entry.verb == "broadcast_save"
    assert entry.actor == officer_long_khanh_a
    assert entry.changes["topics"] == [None, voluntary.name]
    assert entry.changes["title"] == [None, "Phát thanh về BHXH tự nguyện"]
    assert broadcast_list(user=officer_long_khanh_a, q="phat thanh tu nguyen").count() == 0
    assert broadcast_list(user=officer_long_khanh_a, q="PHAT THANH ve bhxh").get() == b


def test_voluntary_follows_the_topics_unless_said(officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    other = Topic.objects.get(code="vssid")
    b = broadcast_save(actor=officer_long_khanh_a, broadcast=new(lka, voluntary_bhxh=None), topics=[other])
    assert b.voluntary_bhxh is False
    b2 = broadcast_save(
        actor=officer_long_khanh_a,
        broadcast=new(lka, title="Khác", voluntary_bhxh=False),
        topics=[Topic.objects.get(code="bhxh-tu-nguyen")],
    )
    assert b2.voluntary_bhxh is False  # said explicitly


def test_a_hamlet_is_stored_as_given(officer_long_khanh_a):
    hamlet = hamlet_create(actor=None, commune=legacy_commune("Xã Long Khánh A"), name="Ấp Long Hòa")
    officer_long_khanh_a.__dict__.pop("_lantoa_scope", None)
    b = broadcast_save(actor=officer_long_khanh_a, broadcast=new(hamlet), topics=[])
    assert Broadcast.objects.get(pk=b.pk).commune == hamlet


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": d("16/06/2023")}, "aired_on"),  # tomorrow, seen on 15/06/2023
        ({"minutes": 0}, "duration_minutes"),
        ({"minutes": 241}, "duration_minutes"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_input_saves_nothing(officer_long_khanh_a, change, field):
    with pytest.raises(ValidationError) as exc:
        broadcast_save(
            actor=officer_long_khanh_a, broadcast=new(legacy_commune("Xã Long Khánh A"), **change), topics=[]
        )
    assert field in exc.value.message_dict
    assert not Broadcast.objects.exists()
    assert not AuditLog.objects.filter(target_type="radio.broadcast").exists()


def test_a_district_is_not_a_commune(coordinator, in_2023):
    from lantoa.geo.models import Area

    district = Area.objects.get(level=Area.Level.DISTRICT, code="870")
    with pytest.raises(ValidationError) as exc:
        broadcast_save(actor=coordinator, broadcast=new(district, unit=Unit.objects.get(code="hn-bhxh")), topics=[])
    assert "commune" in exc.value.message_dict


def test_abolished_commune_only_for_its_own_time(coordinator, on_day):
    on_day(d("10/03/2026"))
    lka = legacy_commune("Xã Long Khánh A")
    unit = Unit.objects.get(code="hn-bhxh")
    old = broadcast_save(actor=coordinator, broadcast=new(lka, unit=unit, day=d("14/03/2023")), topics=[])
    assert old.pk
    with pytest.raises(ValidationError) as exc:
        broadcast_save(actor=coordinator, broadcast=new(lka, unit=unit, day=d("02/03/2026"), title="Mới"), topics=[])
    message = " ".join(exc.value.message_dict["commune"])
    assert "Xã Long Khánh A" in message and "30/06/2025" in message
    # …and the new commune did not exist yet in 2023.
    with pytest.raises(ValidationError) as exc:
        broadcast_save(
            actor=coordinator,
            broadcast=new(current_commune("Xã Long Khánh"), unit=unit, day=d("14/03/2023"), title="Cũ"),
            topics=[],
        )
    assert "01/07/2025" in " ".join(exc.value.message_dict["commune"])
    assert Broadcast.objects.count() == 1


def test_a_closed_unit_cannot_broadcast(coordinator, on_day):
    on_day(d("10/03/2026"))
    with pytest.raises(ValidationError) as exc:
        broadcast_save(
            actor=coordinator,
            broadcast=new(
                current_commune("Xã Long Khánh"),
                unit=Unit.objects.get(code="hn-ubnd-long-khanh-a"),
                day=d("02/03/2026"),
            ),
            topics=[],
        )
    assert "unit" in exc.value.message_dict


@pytest.mark.parametrize("at", [None, dt.time(17, 0)])
def test_duplicate_is_refused(officer_long_khanh_a, at):
    lka = legacy_commune("Xã Long Khánh A")
    broadcast_save(actor=officer_long_khanh_a, broadcast=new(lka, at=at), topics=[])
    with pytest.raises(ValidationError) as exc:
        broadcast_save(
            actor=officer_long_khanh_a, broadcast=new(lka, at=at, title=" Lợi ích  BHXH tự nguyện"), topics=[]
        )
    assert "đã có trong sổ" in " ".join(exc.value.message_dict["title"])
    assert Broadcast.objects.count() == 1
    # Another time of day, or another day, is another broadcast.
    broadcast_save(actor=officer_long_khanh_a, broadcast=new(lka, at=dt.time(6, 0)), topics=[])
    broadcast_save(actor=officer_long_khanh_a, broadcast=new(lka, at=at, day=d("14/06/2023")), topics=[])
    assert Broadcast.objects.count() == 3


def test_duplicate_refused_by_the_database_too(officer_long_khanh_a):
    """Two submits racing past the check meet the unique index."""
    from django.db import IntegrityError, transaction

    lka = legacy_commune("Xã Long Khánh A")
    first = broadcast_save(actor=officer_long_khanh_a, broadcast=new(lka), topics=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        Broadcast.objects.create(
            commune=lka, unit=first.unit, aired_on=first.aired_on, duration_minutes=5, title=first.title
        )


def test_outsider_cannot_record_for_another_commune(officer_long_khanh_a):
    tl = legacy_commune("Xã Thường Lạc")
    with pytest.raises(ValidationError) as exc:
        broadcast_save(actor=officer_long_khanh_a, broadcast=new(tl), topics=[])
    assert "commune" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        broadcast_save(
            actor=officer_long_khanh_a,
            broadcast=new(legacy_commune("Xã Long Khánh A"), unit=Unit.objects.get(code="hn-ubnd-thuong-lac")),
            topics=[],
        )
    assert "unit" in exc.value.message_dict
    assert not Broadcast.objects.exists()


def test_read_only_leader_cannot_record(default_data, make_user, in_2023):
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    with pytest.raises(ValidationError):
        broadcast_save(
            actor=leader,
            broadcast=new(legacy_commune("Xã Long Khánh A"), unit=Unit.objects.get(code="hn-bhxh")),
            topics=[],
        )
    assert not Broadcast.objects.exists()


def test_correction_is_audited_field_by_field(officer_long_khanh_a):
    lka = legacy_commune("Xã Long Khánh A")
    b = broadcast_save(actor=officer_long_khanh_a, broadcast=new(lka, voluntary_bhxh=True), topics=[])
    b.duration_minutes = 20
    topic = Topic.objects.get(code="ho-tro-tu-nguyen")
    broadcast_save(actor=officer_long_khanh_a, broadcast=b, topics=[topic])
    update = audit_for(b).get(action=AuditLog.Action.UPDATE)
    assert update.changes == {"duration_minutes": [15, 20], "topics": ["", topic.name]}
    with translation.override("en"):
        row = audit_rows([update])[0]
    assert {c["field"] for c in row["changes"]} == {"duration (minutes)", "topics"}
    # Saving again without a change writes no audit row.
    broadcast_save(actor=officer_long_khanh_a, broadcast=b, topics=None)
    assert audit_for(b).count() == 2


def test_correction_cannot_move_a_broadcast_out_of_scope(officer_long_khanh_a):
    b = broadcast_save(actor=officer_long_khanh_a, broadcast=new(legacy_commune("Xã Long Khánh A")), topics=[])
    b.commune = legacy_commune("Xã Thường Lạc")
    with pytest.raises(ValidationError) as exc:
        broadcast_save(actor=officer_long_khanh_a, broadcast=b, topics=[])
    assert "commune" in exc.value.message_dict
    assert Broadcast.objects.get(pk=b.pk).commune.name == "Xã Long Khánh A"


def test_delete_is_audited_and_scoped(officer_long_khanh_a, officer_thuong_lac):
    b = broadcast_save(actor=officer_long_khanh_a, broadcast=new(legacy_commune("Xã Long Khánh A")), topics=[])
    with pytest.raises(ValidationError):
        broadcast_delete(actor=officer_thuong_lac, broadcast=b)
    assert Broadcast.objects.filter(pk=b.pk).exists()
    pk = b.pk
    broadcast_delete(actor=officer_long_khanh_a, broadcast=b)
    assert not Broadcast.objects.filter(pk=pk).exists()
    entry = AuditLog.objects.get(target_type="radio.broadcast", target_id=str(pk), action=AuditLog.Action.DELETE)
    assert entry.verb == "broadcast_delete" and entry.changes["title"] == ["Lợi ích BHXH tự nguyện", None]
