import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lantoa.audience.imports import engine, tasks
from lantoa.audience.models import ImportJob, Person
from lantoa.orgs.models import Unit
from lantoa.team.models import Role, TeamMember, TrainingAttendance

from .conftest import attend, commune, d, member, person, training

LK = "dt-ubnd-long-khanh"


@pytest.fixture
def world(default_data):
    lk = commune("Xã Long Khánh")
    m = member(person("Nguyễn Văn An", lk, LK, phone="+84912345601"), Role.COLLABORATOR, LK, d("01/01/2022"))
    c = training(d("15/03/2024"), lk)
    return {"lk": lk, "member": m, "class": c}


def test_list_filters_and_export(client, world, lk_officer):
    attend(world["class"], world["member"])
    client.force_login(lk_officer)
    r = client.get(reverse("team:list"), {"year": 2024, "trained": "yes"})
    assert r.status_code == 200 and "Nguyễn Văn An" in r.text
    r = client.get(reverse("team:list"), {"year": 2023, "trained": "yes"})
    assert "Nguyễn Văn An" not in r.text
    r = client.get(reverse("team:list"), {"role": Role.HAMLET_HEAD})
    assert "Nguyễn Văn An" not in r.text
    r = client.get(reverse("team:list"), {"export": "xlsx", "year": 2024})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(row=2, column=1).value == "Nguyễn Văn An"


def test_outsider_gets_404(client, world, outsider):
    client.force_login(outsider)
    pk = world["member"].pk
    for name in ("team:detail", "team:edit", "team:end"):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.get(reverse("team:trainees", args=[world["class"].pk])).status_code == 404
    assert client.get(reverse("team:person", args=[world["member"].person_id])).status_code == 404
    r = client.get(reverse("team:list"))
    assert "Nguyễn Văn An" not in r.text


def test_add_edit_end(client, world, lk_officer, leader):
    p = person("Trần Thị Bích", world["lk"], LK)
    client.force_login(lk_officer)
    r = client.get(reverse("team:new"), {"q": "tran thi bich"})
    assert "Trần Thị Bích" in r.text
    url = reverse("team:new") + f"?person={p.pk}"
    data = {
        "role": Role.HAMLET_HEAD,
        "unit": Unit.objects.get(code=LK).pk,
        "area": world["lk"].pk,
        "valid_from": "01/01/2024",
        "valid_to": "01/01/2023",
    }
    r = client.post(url, data)
    assert r.status_code == 200 and not TeamMember.objects.filter(person=p).exists()
    r = client.post(url, {**data, "valid_to": ""})
    m = TeamMember.objects.get(person=p)
    assert r.status_code == 302
    r = client.post(reverse("team:end", args=[m.pk]), {"valid_to": "30/06/2025"})
    m.refresh_from_db()
    assert r.status_code == 302 and m.valid_to == d("30/06/2025")
    client.force_login(leader)
    assert client.get(reverse("team:edit", args=[m.pk])).status_code == 404


def test_trainees_page(client, world, coordinator, lk_officer):
    lk = world["lk"]
    gone = member(person("Lê Văn Cũ", lk, LK), Role.COLLABORATOR, LK, d("01/01/2020"), d("31/12/2023"))
    client.force_login(coordinator)
    c = world["class"]
    r = client.get(reverse("activities:detail", args=[c.pk]))
    assert reverse("team:trainees", args=[c.pk]) in r.text
    r = client.get(reverse("team:trainees", args=[c.pk]), {"q": "nguyen"})
    assert "Nguyễn Văn An" in r.text
    change = reverse("team:trainees_change", args=[c.pk])
    r = client.post(change, {"action": "add", "members": [world["member"].pk, gone.pk]}, follow=True)
    assert not TrainingAttendance.objects.exists()
    assert "Lê Văn Cũ" in r.text  # the message names the trainee outside the team
    client.post(change, {"action": "add", "members": [world["member"].pk]})
    row = TrainingAttendance.objects.get()
    client.post(change, {"action": "mark", "attended": [row.pk], "completed": [row.pk]})
    row.refresh_from_db()
    assert row.completed
    talk = training(d("16/03/2024"), lk, kind="talk")
    assert client.get(reverse("team:trainees", args=[talk.pk])).status_code == 404


def test_person_page_link(client, world, lk_officer):
    client.force_login(lk_officer)
    r = client.get(reverse("audience:person", args=[world["member"].person_id]))
    assert reverse("team:person", args=[world["member"].person_id]) in r.text
    r = client.get(reverse("team:person", args=[world["member"].person_id]))
    assert r.status_code == 200 and "Nguyễn Văn An" in r.text


def _sheet(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐỘI NGŨ"])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Số điện thoại", "Vai trò", "Tổ chức", "Xã", "Từ ngày", "Đến ngày"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(user, data):
    job = engine.job_create(
        actor=user, kind="team", unit=Unit.objects.get(code=LK), upload=SimpleUploadedFile("doi-ngu.xlsx", data)
    )
    assert engine.mapping_save(job, job.mapping["columns"], "") == []
    tasks.import_check.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED, job.message
    return job


def test_import(client, world, lk_officer):
    rows = [
        # the registry's An (same phone and name): matched, not created; two roles → two rows
        ["1", "Nguyễn Văn An", "", "0912345601", "Trưởng ấp kiêm CTV", "", "Xã Long Khánh", "01/01/2022", ""],
        ["2", "Lê Thị Lan", "12/03/1988", "", "Đại lý thu", "Bưu điện huyện", "Long Khánh", "15/03/2022", ""],
        ["3", "Phạm Văn Sai", "1970", "", "Thủ quỹ", "", "Xã Long Khánh", "", ""],  # unknown role
        ["4", "Võ Văn Ngày", "1970", "", "CTV", "", "Xã Long Khánh", "01/06/2024", "01/01/2024"],  # ends before start
        ["5", "Không Danh Tính", "", "", "CTV", "", "Xã Long Khánh", "", ""],  # no birth date, CCCD or phone
    ]
    job = _import(lk_officer, _sheet(rows))
    text = " ".join(e["message"] for e in job.errors)
    assert job.result["error_rows"] == 3
    # Rows 6, 7 and 8 of the sheet (the header is on row 3), each named with its column.
    assert "Thủ quỹ" in text and " 7, " in text and " 8, " in text and " 6, " in text
    assert TeamMember.objects.count() == 1  # checking writes nothing
    tasks.import_commit.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    an = world["member"].person
    assert set(TeamMember.objects.filter(person=an).values_list("role", flat=True)) == {
        Role.COLLABORATOR,
        Role.HAMLET_HEAD,
    }
    lan = TeamMember.objects.get(person__full_name="Lê Thị Lan")
    assert (lan.role, lan.organisation, lan.valid_from) == (Role.COLLECTION_AGENT, "Bưu điện huyện", d("15/03/2022"))
    assert Person.objects.filter(full_name="Nguyễn Văn An").count() == 1
    # The same sheet again: everything found, nothing changes.
    again = _import(lk_officer, _sheet(rows[:2]))
    assert (again.result["new"], again.result["updated"]) == (0, 0)


def test_import_page_and_sample(client, world, lk_officer, outsider):
    client.force_login(lk_officer)
    assert client.get(reverse("team:import")).status_code == 200
    assert client.get(reverse("team:import_sample")).status_code == 200
    r = client.post(reverse("team:import"), {"file": SimpleUploadedFile("x.xlsx", _sheet([]))})
    assert r.status_code == 302
    client.force_login(outsider)
    job = ImportJob.objects.get()
    assert client.get(reverse("audience:import_detail", args=[job.pk])).status_code == 404


# --- finding 9: a search by a whole identifier reveals nothing to a role that sees identifiers masked -----

CCCD = "087090001234"
PHONE = "+84912345601"


@pytest.mark.parametrize("q", [CCCD, "0912345601", "0912 345 601", "84912345601"])
def test_a_masked_role_cannot_confirm_a_cccd_or_phone_through_the_team_search(client, world, make_user, leader, q):
    from lantoa.accounts.roles import Role as AccountRole

    Person.objects.filter(pk=world["member"].person_id).update(cccd=CCCD)
    culture = make_user(AccountRole.CULTURE, LK)  # reads Long Khánh's team, identifiers masked
    for masked in (leader, culture):
        client.force_login(masked)
        assert "Nguyễn Văn An" in client.get(reverse("team:list")).text  # the member is there…
        r = client.get(reverse("team:list"), {"q": q})
        assert r.status_code == 200 and "Nguyễn Văn An" not in r.text  # …but the identifier finds nobody
        assert "Nguyễn Văn An" in client.get(reverse("team:list"), {"q": "nguyen van an"}).text
    client.force_login(culture)
    assert "Nguyễn Văn An" not in client.get(reverse("team:new"), {"q": q}).text


@pytest.mark.parametrize("q", [CCCD, "0912345601"])
def test_roles_that_see_identifiers_find_by_them(client, world, coordinator, lk_officer, outsider, q):
    Person.objects.filter(pk=world["member"].person_id).update(cccd=CCCD)
    for reader in (coordinator, lk_officer):
        client.force_login(reader)
        assert "Nguyễn Văn An" in client.get(reverse("team:list"), {"q": q}).text
    client.force_login(lk_officer)
    assert "Nguyễn Văn An" in client.get(reverse("team:new"), {"q": q}).text
    client.force_login(outsider)
    assert "Nguyễn Văn An" not in client.get(reverse("team:list"), {"q": q}).text
    assert "Nguyễn Văn An" not in client.get(reverse("team:new"), {"q": q}).text


def test_a_few_digits_find_nobody_even_for_a_reader(client, world, lk_officer):
    client.force_login(lk_officer)
    assert "Nguyễn Văn An" not in client.get(reverse("team:list"), {"q": "601"}).text
