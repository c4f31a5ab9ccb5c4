import pytest
from django.core.exceptions import ValidationError

from lantoa.activities.kinds import Kind
from lantoa.core.models import AuditLog
from lantoa.team import services
from lantoa.team.models import Role, TeamMember, TrainingAttendance

from .conftest import attend, commune, d, member, person, training

LK = "dt-ubnd-long-khanh"


@pytest.fixture
def lk(default_data):
    return commune("Xã Long Khánh")


def test_member_save_and_overlap(lk, lk_officer):
    p = person("Nguyễn Văn An", lk, LK)
    from lantoa.orgs.models import Unit

    unit = Unit.objects.get(code=LK)
    m = services.member_save(
        actor=lk_officer,
        member=TeamMember(person=p, role=Role.COLLABORATOR, unit=unit, area=lk, valid_from=d("01/01/2024")),
    )
    assert AuditLog.objects.filter(verb="team_member_save", target_id=str(m.pk)).exists()
    # The same role again over an overlapping period: refused, named under "role".
    with pytest.raises(ValidationError) as exc:
        services.member_save(
            actor=lk_officer,
            member=TeamMember(person=p, role=Role.COLLABORATOR, unit=unit, area=lk, valid_from=d("01/06/2024")),
        )
    assert "role" in exc.value.message_dict
    # A second role is a second row.
    services.member_save(actor=lk_officer, member=TeamMember(person=p, role=Role.HAMLET_HEAD, unit=unit, area=lk))
    assert TeamMember.objects.filter(person=p).count() == 2


def test_member_save_bad_dates_and_scope(lk, lk_officer, outsider, leader):
    from lantoa.orgs.models import Unit

    p = person("Lê Thị Bé", lk, LK)
    unit = Unit.objects.get(code=LK)
    bad = TeamMember(
        person=p, role=Role.COLLABORATOR, unit=unit, area=lk, valid_from=d("01/06/2024"), valid_to=d("01/01/2024")
    )
    with pytest.raises(ValidationError) as exc:
        services.member_save(actor=lk_officer, member=bad)
    assert "valid_to" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.member_save(actor=outsider, member=TeamMember(person=p, role=Role.COLLABORATOR, unit=unit, area=lk))
    with pytest.raises(ValidationError):
        services.member_save(actor=leader, member=TeamMember(person=p, role=Role.COLLABORATOR, unit=unit, area=lk))
    district = commune("Xã Long Khánh").parent
    with pytest.raises(ValidationError) as exc:
        services.member_save(
            actor=lk_officer, member=TeamMember(person=p, role=Role.COLLABORATOR, unit=unit, area=district)
        )
    assert "area" in exc.value.message_dict
    assert not TeamMember.objects.exists()


def test_member_end(lk, lk_officer):
    m = member(person("An", lk, LK), Role.COLLABORATOR, LK, d("01/01/2023"))
    with pytest.raises(ValidationError) as exc:
        services.member_end(actor=lk_officer, member=m, day=d("01/01/2022"))
    assert "valid_to" in exc.value.message_dict
    c = training(d("15/03/2024"), lk)
    attend(c, m)
    with pytest.raises(ValidationError):  # on the list of a later class
        services.member_end(actor=lk_officer, member=m, day=d("01/01/2024"))
    services.member_end(actor=lk_officer, member=m, day=d("31/12/2024"))
    m.refresh_from_db()
    assert m.valid_to == d("31/12/2024")


def test_trainee_outside_the_team_refused_nothing_saved(lk, coordinator):
    inside = member(person("An", lk, LK), Role.COLLABORATOR, LK, d("01/01/2022"))
    left = member(person("Bình", lk, LK), Role.COLLABORATOR, LK, d("01/01/2022"), d("31/12/2023"))
    later = member(person("Cúc", lk, LK), Role.COLLABORATOR, LK, d("01/06/2024"))
    c = training(d("15/03/2024"), lk)
    with pytest.raises(ValidationError) as exc:
        services.attendance_add(actor=coordinator, activity=c, members=[inside, left, later])
    text = " ".join(exc.value.messages)
    assert "Bình" in text and "Cúc" in text and "15/03/2024" in text and "An " not in text
    assert not TrainingAttendance.objects.exists()
    assert services.attendance_add(actor=coordinator, activity=c, members=[inside], completed=True) == 1
    assert services.attendance_add(actor=coordinator, activity=c, members=[inside]) == 0  # already on it


def test_not_a_training_refused(lk, coordinator):
    m = member(person("An", lk, LK), Role.COLLABORATOR, LK)
    talk = training(d("15/03/2024"), lk, kind=Kind.TALK)
    with pytest.raises(ValidationError) as exc:
        services.attendance_add(actor=coordinator, activity=talk, members=[m])
    assert "activity" in exc.value.message_dict
    cancelled = training(d("15/04/2024"), lk, status="cancelled")
    with pytest.raises(ValidationError):
        services.attendance_add(actor=coordinator, activity=cancelled, members=[m])
    planned = training(d("15/05/2024"), lk, status="planned")
    with pytest.raises(ValidationError) as exc:
        services.attendance_add(actor=coordinator, activity=planned, members=[m], completed=True)
    assert "completed" in exc.value.message_dict
    assert not TrainingAttendance.objects.exists()


def test_mark_and_remove(lk, coordinator, outsider):
    a = member(person("An", lk, LK), Role.COLLABORATOR, LK)
    b = member(person("Bình", lk, LK), Role.COLLABORATOR, LK)
    c = training(d("15/03/2024"), lk)
    services.attendance_add(actor=coordinator, activity=c, members=[a, b])
    ra, rb = TrainingAttendance.objects.order_by("member__person__name_key")
    # Completing implies attending; not attending clears nothing else.
    assert (
        services.attendance_mark(actor=coordinator, activity=c, marks={ra.pk: (False, True), rb.pk: (False, False)})
        == 2
    )
    ra.refresh_from_db()
    rb.refresh_from_db()
    assert (ra.attended, ra.completed, rb.attended, rb.completed) == (True, True, False, False)
    with pytest.raises(ValidationError):  # a class of another unit in another commune
        services.attendance_remove(actor=outsider, activity=c, attendance_ids=[ra.pk])
    assert services.attendance_remove(actor=coordinator, activity=c, attendance_ids=[rb.pk]) == 1
    assert list(TrainingAttendance.objects.all()) == [ra]


def test_trainee_of_another_commune_refused_for_commune_officer(lk, lk_officer):
    tl = commune("Xã Tân Long")
    theirs = member(person("Ính", tl, "dt-ubnd-tan-long"), Role.COLLABORATOR, "dt-ubnd-tan-long")
    c = training(d("15/03/2024"), lk, unit_code=LK)
    with pytest.raises(ValidationError) as exc:
        services.attendance_add(actor=lk_officer, activity=c, members=[theirs])
    assert "Ính" in " ".join(exc.value.messages)
    assert not TrainingAttendance.objects.exists()
