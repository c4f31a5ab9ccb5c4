"""Routing and lifecycle, access (commune B gets 404), the denouncer's identity, inbox, export, analysis."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import current_commune
from lantoa.core.models import AuditLog
from lantoa.feedback import selectors
from lantoa.feedback.models import Event, IntakeChannel, Item, Kind, Status
from lantoa.feedback.services import (
    feedback_accept,
    feedback_answer,
    feedback_close,
    feedback_intake_create,
    feedback_refuse,
    feedback_reopen,
    feedback_transfer,
)
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.django_db


def ask(actor, text="Hỏi về BHXH tự nguyện", **kw):
    kw.setdefault("area", current_commune("Xã Long Khánh"))
    return feedback_intake_create(actor=actor, channel=IntakeChannel.HOTLINE, text=text, **kw)


def test_lifecycle_each_step_audited_and_on_the_timeline(officer_long_khanh):
    item = ask(officer_long_khanh)
    feedback_accept(actor=officer_long_khanh, item=item)
    feedback_answer(actor=officer_long_khanh, item=item, answer="Tối thiểu 15 năm.", send=False)
    feedback_close(actor=officer_long_khanh, item=item)
    item.refresh_from_db()
    assert item.status == Status.CLOSED and item.answer == "Tối thiểu 15 năm." and item.first_answer_at
    steps = list(Event.objects.filter(item=item).values_list("to_status", flat=True))
    assert steps == [Status.NEW, Status.ACCEPTED, Status.ANSWERED, Status.CLOSED]
    verbs = list(
        AuditLog.objects.filter(target_type="feedback.item", target_id=str(item.pk)).values_list("verb", flat=True)
    )
    assert verbs.count("feedback_transition") == 3
    with pytest.raises(ValidationError):
        feedback_accept(actor=officer_long_khanh, item=item)  # closed cannot become accepted


def test_reopen_after_the_clock_ended_gets_a_new_clock(officer_long_khanh, monkeypatch):
    item = ask(officer_long_khanh, received_on=dt.date(2026, 10, 1))
    feedback_answer(actor=officer_long_khanh, item=item, answer="Đã trả lời", send=False)
    feedback_close(actor=officer_long_khanh, item=item)
    assert item.due_on < dt.date(2026, 12, 7)
    with pytest.raises(ValidationError):
        feedback_reopen(actor=officer_long_khanh, item=item, reason="")
    feedback_reopen(actor=officer_long_khanh, item=item, reason="Người dân hỏi lại")
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.clock_start == dt.date(2026, 12, 7)
    assert item.due_on == dt.date(2026, 12, 21)
    assert not selectors.is_overdue(item)


def test_transfer_moves_the_item_and_a_loop_is_stopped(officer_long_khanh, make_user):
    item = ask(officer_long_khanh)
    other = Unit.objects.get(code="dt-ubnd-thuong-lac-moi")
    with pytest.raises(ValidationError) as caught:
        feedback_transfer(actor=officer_long_khanh, item=item, to_unit=other, reason="")
    assert "reason" in caught.value.message_dict
    feedback_transfer(actor=officer_long_khanh, item=item, to_unit=other, reason="Thuộc địa bàn phường Thường Lạc")
    item.refresh_from_db()
    assert item.unit == other and item.status == Status.TRANSFERRED
    with pytest.raises(ValidationError):  # the sender no longer handles it
        feedback_refuse(actor=officer_long_khanh, item=item, reason="x")
    from lantoa.accounts.roles import Role

    lac = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-thuong-lac-moi")
    back = Unit.objects.get(code="dt-ubnd-long-khanh")
    with pytest.raises(ValidationError) as caught:
        feedback_transfer(actor=lac, item=item, to_unit=back, reason="Trả lại")
    assert "to_unit" in caught.value.message_dict  # A → B → A refused: the coordinator decides
    item.refresh_from_db()
    assert item.unit == other


def test_item_of_commune_a_is_404_for_commune_b(client, officer_long_khanh, officer_thuong_lac):
    item = ask(officer_long_khanh)
    client.force_login(officer_thuong_lac)
    assert client.get(reverse("feedback:detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("feedback:action", args=[item.pk, "close"])).status_code == 404
    response = client.get(reverse("feedback:list"))
    assert response.status_code == 200 and item.code not in response.content.decode()
    client.force_login(officer_long_khanh)
    assert client.get(reverse("feedback:detail", args=[item.pk])).status_code == 200


def test_denouncer_identity_only_for_the_handler_every_read_audited(client, officer_long_khanh, coordinator):
    item = ask(officer_long_khanh, kind=Kind.DENUNCIATION, asker_name="Trần Văn Tố", asker_phone="0912345678")
    client.force_login(coordinator)
    page = client.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert "Trần Văn Tố" not in page
    client.force_login(officer_long_khanh)
    page = client.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert "Trần Văn Tố" in page
    reads = AuditLog.objects.filter(verb="feedback_read_identity", target_id=str(item.pk))
    assert sorted(reads.values_list("note", flat=True)) == ["allowed", "refused"]
    export = client.get(reverse("feedback:list") + "?export=csv").content.decode()
    assert "Trần Văn Tố" not in export


def test_html_and_formulas_are_shown_and_exported_safely(client, officer_long_khanh):
    ask(officer_long_khanh, text='<script>alert(1)</script> =HYPERLINK("http://x","y")')
    client.force_login(officer_long_khanh)
    page = client.get(reverse("feedback:list")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    data = client.get(reverse("feedback:list") + "?export=xlsx").content
    ws = load_workbook(io.BytesIO(data)).active
    cell = ws.cell(row=2, column=11)
    assert cell.data_type == "s" and cell.value.startswith("<script>")


def test_staff_form_records_and_names_the_field(client, officer_long_khanh):
    client.force_login(officer_long_khanh)
    url = reverse("feedback:new")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"text": "", "kind": "question", "channel": "conference"})
    assert bad.status_code == 200 and not Item.objects.exists()
    assert "text" in bad.context["form"].errors
    area = current_commune("Xã Long Khánh")
    ok = client.post(url, {"text": "Hỏi về VssID", "kind": "question", "channel": "conference", "area": area.pk})
    item = Item.objects.get()
    assert ok.status_code == 302 and ok.url == item.get_absolute_url()


def test_analysis_figures_match_hand_computed(officer_long_khanh, monkeypatch):
    # Three items: one answered on day 2 (on time), one answered late, one open and overdue.
    a = ask(officer_long_khanh, received_on=dt.date(2026, 11, 2))
    b = ask(officer_long_khanh, received_on=dt.date(2026, 11, 2))
    c = ask(officer_long_khanh, received_on=dt.date(2026, 11, 3))
    import datetime

    from django.utils import timezone

    def answer_on(item, day):
        monkeypatch.setattr("lantoa.core.clock.today", lambda: day)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        feedback_answer(actor=officer_long_khanh, item=item, answer="Đã trả lời", send=False)

    answer_on(a, dt.date(2026, 11, 4))  # 2 days
    answer_on(b, dt.date(2026, 11, 30))  # 28 days, after the due date 16/11
    monkeypatch.undo()
    data = selectors.analysis(user=officer_long_khanh, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert (data.total, data.answered, data.answered_on_time) == (3, 2, 1)
    assert data.on_time_share == 50.0
    assert data.median_days_to_first_answer == 15  # median of 2 and 28
    assert [(n, count) for n, _pk, count in data.overdue_by_unit] == [(c.unit.name, 1)]
    assert data.by_commune == [("Xã Long Khánh", c.area_id, 3)]
