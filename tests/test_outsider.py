"""The outsider test (issue 17, finding 17): every URL pattern of the resolver, its path parameters filled
with records of commune A, requested by an officer of commune B and by an anonymous visitor, GET (plain,
and with A's ids in the query and an export asked for) and POST (A's ids in the body).

It fails on any answer 500, on any 200 that carries A's data (a marker string written into every free
text of A's records, A's person's CCCD and phone — in full or masked), and on any request of B's that
changed one of A's records or wrote an audit row in B's name. A new route whose path parameters this file
cannot fill fails too, naming the route: add it to `ROUTES` with the record of A it takes, so no route can
skip the gate.

Commune A is Thường Lạc, B Long Khánh A, both as they were on 15/06/2023 (ten communes, the district).
"""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Campaign, Evidence
from lantoa.audience.models import Employer, Household, ImportJob, Person, Segment, StaffPosting, Statistic
from lantoa.budget.models import BudgetEstimate, SpendingLine
from lantoa.content.models import ContentItem
from lantoa.coordination.models import Agreement, Award, Briefing, Inspection, LeaderContact, UnitPlan
from lantoa.core.models import AuditLog
from lantoa.core.navigation import SECTIONS
from lantoa.core.text import search_key
from lantoa.documents.models import ReportKind, ReportTemplate
from lantoa.feedback.models import Item as FeedbackItem
from lantoa.messaging.models import Broadcast, GatewayConfig, Inbound, Message, OptOut, Reminder, Template
from lantoa.orgs.models import Unit, UnitDuty
from lantoa.plans.models import Plan
from lantoa.public.models import Lead
from lantoa.radio.models import Broadcast as RadioBroadcast
from lantoa.reports.models import Report, ReportComment, ReportFile
from lantoa.team.models import TeamMember, TrainingAttendance

pytestmark = pytest.mark.django_db

MARK = "Zqxmarka"  # in every free text of A's records; nothing else in the product writes it
CCCD = "087190004321"
PHONE = "+84933421987"
# A's person as they would show: CCCD and phone in full (stored, national and spaced forms) and masked.
SECRETS = [MARK, MARK.lower(), MARK.upper(), CCCD, "0871******21", PHONE, "0933421987", "093****987", "84933421987"]
UNIT_A = "hn-ubnd-thuong-lac"
YEAR = 2023
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document><w:t>{text}</w:t></w:document>")
    return buf.getvalue()


def _named(text: str) -> dict:
    return {"search_key": search_key(text)}


def commune_a_world(officer_a) -> dict:
    """Records of every kind for commune A, each with the marker in its free text."""
    unit = Unit.objects.get(code=UNIT_A)
    area = legacy_commune("Xã Thường Lạc")
    day = dt.date(YEAR, 5, 10)
    plan = Plan.objects.get(is_default=True)
    w: dict = {"unit": unit, "area": area, "plan": plan}

    name = f"Trần Thị {MARK}"
    w["person"] = person = Person.objects.create(
        full_name=name,
        name_key=search_key(name),
        area=area,
        unit=unit,
        cccd=CCCD,
        phone=PHONE,
        birth_year=1980,
        consent=True,
        consent_channel="all",
    )
    w["household"] = Household.objects.create(head_name=f"Hộ {MARK}", area=area, unit=unit, **_named(f"ho {MARK}"))
    w["employer"] = Employer.objects.create(name=f"Công ty {MARK}", unit=unit, **_named(f"cong ty {MARK}"))
    w["segment"] = segment = Segment.objects.create(name=f"Nhóm {MARK}", unit=unit, filters={})
    w["statistic"] = Statistic.objects.create(
        kind=Statistic.Kind.LABOUR_FORCE, year=YEAR, area=area, unit=unit, value=4321, source=f"Niên giám {MARK}"
    )
    job = ImportJob(kind=ImportJob.Kind.PEOPLE, unit=unit, original_name=f"{MARK}.xlsx", sha256="0" * 64)
    job.file.save(f"{MARK}.xlsx", ContentFile(_docx(MARK)), save=False)
    job.created_by = officer_a
    job.save()
    w["import_job"] = job

    # Campaigns are district-wide events every unit reads and joins (activities.selectors.campaign_list):
    # A's campaign is shared, so it carries no marker; A's activities in it are not.
    w["campaign"] = campaign = Campaign.objects.create(
        name="Tháng vận động của xã",
        type=Campaign.Type.THEMATIC,
        start_date=day,
        end_date=day + dt.timedelta(days=20),
        organiser=unit,
        **_named("thang van dong cua xa"),
    )
    w["activity"] = activity = Activity.objects.create(
        title=f"Hội nghị {MARK}",
        kind=Kind.TRAINING,
        channel=Channel.DIRECT,
        status=Activity.Status.DONE,
        start_date=day,
        organiser=unit,
        area=area,
        participants=12,
        cost=Decimal("1500000"),
        campaign=campaign,
        created_by=officer_a,
        **_named(f"hoi nghi {MARK}"),
    )
    evidence = Evidence(activity=activity, original_name=f"{MARK}.png", content_type="image/png", size=len(PNG))
    evidence.file.save(f"{MARK}.png", ContentFile(PNG), save=False)
    evidence.save()
    w["evidence"] = evidence
    w["radio"] = RadioBroadcast.objects.create(
        commune=area,
        unit=unit,
        aired_on=day,
        duration_minutes=15,
        title=f"Phát thanh {MARK}",
        voluntary_bhxh=True,
        **_named(f"phat thanh {MARK}"),
    )
    w["member"] = member = TeamMember.objects.create(
        person=person, role="collaborator", unit=unit, area=area, note=f"Ghi chú {MARK}"
    )
    w["attendance"] = TrainingAttendance.objects.create(activity=activity, member=member, attended=True)

    item = ContentItem(kind=ContentItem.Kind.LEAFLET, title=f"Tờ rơi {MARK}", unit=unit, body=f"Nội dung {MARK}")
    item.file.save(f"{MARK}.pdf", ContentFile(PDF), save=False)
    item.save()  # a draft: not in the shared library
    w["content"] = item

    w["template"] = template = Template.objects.create(name=f"Mẫu {MARK}", unit=unit, body=f"Kính gửi {MARK}")
    w["broadcast"] = broadcast = Broadcast.objects.create(
        title=f"Đợt gửi {MARK}", unit=unit, template=template, segment=segment, body=template.body
    )
    w["reminder"] = Reminder.objects.create(name=f"Nhắc {MARK}", unit=unit, template=template)
    w["gateway"] = gateway = GatewayConfig.objects.create(name=f"Kannel {MARK}", kind="kannel", unit=unit)
    w["message"] = Message.objects.create(
        key=f"x:{MARK}",
        person=person,
        unit=unit,
        broadcast=broadcast,
        gateway=gateway,
        phone=PHONE,
        text=f"Kính gửi {MARK}",
        status=Message.Status.FAILED,
        reason=f"lỗi {MARK}",
        not_before=timezone.now(),
    )
    w["optout"] = OptOut.objects.create(phone=PHONE, source=OptOut.Source.HAND, note=f"gọi {MARK}", unit=unit)
    w["inbound"] = Inbound.objects.create(
        gateway=gateway, gateway_kind="kannel", phone=PHONE, text=f"Hỏi {MARK}", action=Inbound.Action.NONE, people=1
    )

    leader_name = f"Lê Văn {MARK}"
    w["leader"] = leader = Person.objects.create(
        full_name=leader_name, name_key=search_key(leader_name), area=area, unit=unit, birth_year=1970
    )
    StaffPosting.objects.create(person=leader, unit=unit, position=f"Chủ tịch {MARK}", is_leader=True)
    LeaderContact.objects.create(person=leader, email=f"{MARK.lower()}@example.vn")
    w["briefing"] = briefing = Briefing.objects.create(
        date=day, kind=Briefing.Kind.CONFERENCE, title=f"Quán triệt {MARK}", unit=unit, body=f"Nội dung {MARK}"
    )
    briefing.leaders.add(leader)
    unit_plan = UnitPlan(unit=unit, year=YEAR, title=f"Kế hoạch {MARK}", note=f"Ghi chú {MARK}")
    unit_plan.document.save(f"{MARK}.pdf", ContentFile(PDF), save=False)
    unit_plan.save()
    w["unit_plan"] = unit_plan
    w["agreement"] = agreement = Agreement.objects.create(
        title=f"Quy chế {MARK}", signed_on=day, period_start=day, content=f"Nội dung {MARK}"
    )
    agreement.parties.add(unit)
    w["inspection"] = Inspection.objects.create(
        unit=unit, inspecting_unit=unit, date=day, kind=Inspection.Kind.SUPERVISION, findings=f"Kết quả {MARK}"
    )
    w["award"] = Award.objects.create(
        date=day, title=f"Giấy khen {MARK}", awarded_by=unit, person=person, reason=f"Vì {MARK}"
    )

    w["feedback"] = FeedbackItem.objects.create(
        channel="office",
        kind="complaint",
        text=f"Khiếu nại {MARK}",
        received_on=day,
        person=person,
        asker_name=f"Trần Thị {MARK}",
        asker_phone=PHONE,
        area=area,
        unit=unit,
        answer=f"Trả lời {MARK}",
    )

    w["lead"] = Lead.objects.create(
        full_name=f"Nguyễn Văn {MARK}", phone=PHONE, commune=area, unit=unit, due_on=day, outcome_note=MARK
    )

    w["estimate"] = BudgetEstimate.objects.create(unit=unit, year=YEAR, amount=Decimal("43219876"), note=MARK)
    w["line"] = SpendingLine.objects.create(
        unit=unit, year=YEAR, spent_on=day, description=f"Chi {MARK}", amount=Decimal("1234567")
    )

    report_template = ReportTemplate(
        unit=unit, kind=ReportKind.UNIT_ANNUAL, version=1, sha256="1" * 64, note=f"Mẫu {MARK}"
    )
    report_template.file.save(f"{MARK}.docx", ContentFile(_docx(MARK)), save=False)
    report_template.uploaded_by = officer_a
    report_template.save()
    w["report_template"] = report_template
    w["report"] = report = Report.objects.create(
        kind=ReportKind.UNIT_ANNUAL, plan=plan, unit=unit, year=YEAR, results=f"Kết quả {MARK}", created_by=officer_a
    )
    ReportComment.objects.create(report=report, section="results", text=f"Góp ý {MARK}", round=1)
    report_file = ReportFile.objects.create(
        report=report, format=ReportFile.Format.DOCX, status=ReportFile.Status.DONE, filename=f"{MARK}.docx"
    )
    report_file.file.save(f"{MARK}.docx", ContentFile(_docx(MARK)))
    w["report_file"] = report_file
    w["audit"] = AuditLog.objects.create(
        action=AuditLog.Action.UPDATE,
        target_type="audience.person",
        target_id=str(person.pk),
        target_repr=f"Trần Thị {MARK}",
        note=f"{MARK} {CCCD}",
    )
    return w


# Path parameters of each named route (namespace:name), from A's records. Admin routes are filled
# generically (their ModelAdmin's model). A route with parameters that is in neither fails the test.
ROUTES = {
    "geo:detail": lambda w: {"pk": w["area"].pk},
    "geo:hamlet_add": lambda w: {"pk": w["area"].pk},
    "geo:hamlet_import": lambda w: {"pk": w["area"].pk},
    "orgs:detail": lambda w: {"pk": w["unit"].pk},
    "orgs:edit": lambda w: {"pk": w["unit"].pk},
    "orgs:rename": lambda w: {"pk": w["unit"].pk},
    "orgs:close": lambda w: {"pk": w["unit"].pk},
    "orgs:staff_add": lambda w: {"pk": w["unit"].pk},
    "orgs:duty_new": lambda w: {"pk": w["unit"].pk},
    "orgs:duty_edit": lambda w: {"pk": w["unit"].pk, "duty_pk": w["duty"].pk},
    "orgs:move_members": lambda w: {"pk": w["unit"].pk},
    "plans:make_default": lambda w: {"pk": w["plan"].pk},
    "plans:detail": lambda w: {"pk": w["plan"].pk},
    "plans:document": lambda w: {"pk": w["plan"].pk},
    "plans:edit": lambda w: {"pk": w["plan"].pk},
    "plans:sheet": lambda w: {"pk": w["plan"].pk},
    "plans:sheet_import": lambda w: {"pk": w["plan"].pk},
    "plans:copy": lambda w: {"pk": w["plan"].pk},
    "plans:indicator_new": lambda w: {"plan_pk": w["plan"].pk},
    "plans:indicator": lambda w: {"plan_pk": w["plan"].pk, "pk": w["indicator"].pk},
    "plans:indicator_edit": lambda w: {"plan_pk": w["plan"].pk, "pk": w["indicator"].pk},
    "plans:indicator_retire": lambda w: {"plan_pk": w["plan"].pk, "pk": w["indicator"].pk},
    "plans:records": lambda w: {"plan_pk": w["plan"].pk, "pk": w["indicator"].pk, "year": YEAR},
    "plans:target_new": lambda w: {"plan_pk": w["plan"].pk, "indicator_pk": w["indicator"].pk},
    "plans:target_edit": lambda w: {"plan_pk": w["plan"].pk, "indicator_pk": w["indicator"].pk, "pk": w["target"].pk},
    "activities:detail": lambda w: {"pk": w["activity"].pk},
    "activities:edit": lambda w: {"pk": w["activity"].pk},
    "activities:status": lambda w: {"pk": w["activity"].pk},
    "activities:evidence_add": lambda w: {"pk": w["activity"].pk},
    "activities:evidence": lambda w: {"pk": w["activity"].pk, "evidence_pk": w["evidence"].pk},
    "activities:campaign": lambda w: {"pk": w["campaign"].pk},
    "activities:campaign_edit": lambda w: {"pk": w["campaign"].pk},
    "radio:detail": lambda w: {"pk": w["radio"].pk},
    "radio:edit": lambda w: {"pk": w["radio"].pk},
    "radio:delete": lambda w: {"pk": w["radio"].pk},
    "audience:person": lambda w: {"pk": w["person"].pk},
    "audience:edit": lambda w: {"pk": w["person"].pk},
    "audience:consent": lambda w: {"pk": w["person"].pk},
    "audience:anonymise": lambda w: {"pk": w["person"].pk},
    "audience:segment_edit": lambda w: {"pk": w["segment"].pk},
    "audience:household": lambda w: {"pk": w["household"].pk},
    "audience:household_edit": lambda w: {"pk": w["household"].pk},
    "audience:employer": lambda w: {"pk": w["employer"].pk},
    "audience:employer_edit": lambda w: {"pk": w["employer"].pk},
    "audience:activity_reach": lambda w: {"pk": w["activity"].pk},
    "audience:activity_reach_change": lambda w: {"pk": w["activity"].pk},
    "audience:statistic_edit": lambda w: {"pk": w["statistic"].pk},
    "audience:import_sample": lambda w: {"kind": "people"},
    "audience:import_detail": lambda w: {"pk": w["import_job"].pk},
    "audience:import_map": lambda w: {"pk": w["import_job"].pk},
    "audience:import_commit": lambda w: {"pk": w["import_job"].pk},
    "audience:import_cancel": lambda w: {"pk": w["import_job"].pk},
    "audience:import_status": lambda w: {"pk": w["import_job"].pk},
    "audience:import_errors": lambda w: {"pk": w["import_job"].pk},
    "messaging:broadcast": lambda w: {"pk": w["broadcast"].pk},
    "messaging:edit": lambda w: {"pk": w["broadcast"].pk},
    "messaging:progress": lambda w: {"pk": w["broadcast"].pk},
    "messaging:approve": lambda w: {"pk": w["broadcast"].pk},
    "messaging:cancel": lambda w: {"pk": w["broadcast"].pk},
    "messaging:messages": lambda w: {"pk": w["broadcast"].pk},
    "messaging:template_edit": lambda w: {"pk": w["template"].pk},
    "messaging:reminder_edit": lambda w: {"pk": w["reminder"].pk},
    "messaging:optout_remove": lambda w: {"pk": w["optout"].pk},
    "messaging:person": lambda w: {"pk": w["person"].pk},
    # B does not know A's gateway token: a wrong one in the address (the header form takes none).
    "messaging:hook_report": lambda w: {"pk": w["gateway"].pk},
    "messaging:hook_incoming": lambda w: {"pk": w["gateway"].pk},
    "messaging:hook_report_url": lambda w: {"pk": w["gateway"].pk, "token": "guessed-token"},
    "messaging:hook_incoming_url": lambda w: {"pk": w["gateway"].pk, "token": "guessed-token"},
    "content:detail": lambda w: {"pk": w["content"].pk},
    "content:edit": lambda w: {"pk": w["content"].pk},
    "content:submit": lambda w: {"pk": w["content"].pk},
    "content:review": lambda w: {"pk": w["content"].pk},
    "content:file": lambda w: {"pk": w["content"].pk},
    "content:version_file": lambda w: {"pk": w["content"].pk, "number": 1},
    "team:detail": lambda w: {"pk": w["member"].pk},
    "team:edit": lambda w: {"pk": w["member"].pk},
    "team:end": lambda w: {"pk": w["member"].pk},
    "team:person": lambda w: {"person_pk": w["person"].pk},
    "team:trainees": lambda w: {"activity_pk": w["activity"].pk},
    "team:trainees_change": lambda w: {"activity_pk": w["activity"].pk},
    "coordination:briefing": lambda w: {"pk": w["briefing"].pk},
    "coordination:briefing_edit": lambda w: {"pk": w["briefing"].pk},
    "coordination:leader": lambda w: {"pk": w["leader"].pk},
    "coordination:plan": lambda w: {"pk": w["unit_plan"].pk},
    "coordination:plan_edit": lambda w: {"pk": w["unit_plan"].pk},
    "coordination:plan_document": lambda w: {"pk": w["unit_plan"].pk},
    "coordination:plan_action": lambda w: {"pk": w["unit_plan"].pk, "action": "file"},
    "coordination:agreement": lambda w: {"pk": w["agreement"].pk},
    "coordination:agreement_edit": lambda w: {"pk": w["agreement"].pk},
    "coordination:inspection": lambda w: {"pk": w["inspection"].pk},
    "coordination:inspection_edit": lambda w: {"pk": w["inspection"].pk},
    "coordination:award": lambda w: {"pk": w["award"].pk},
    "coordination:award_edit": lambda w: {"pk": w["award"].pk},
    "budget:unit": lambda w: {"unit_id": w["unit"].pk, "year": YEAR},
    "budget:check": lambda w: {"what": "line", "pk": w["line"].pk},
    "budget:estimate_edit": lambda w: {"pk": w["estimate"].pk},
    "budget:line_edit": lambda w: {"pk": w["line"].pk},
    "budget:line_delete": lambda w: {"pk": w["line"].pk},
    "documents:download": lambda w: {"pk": w["report_template"].pk},
    "documents:sample": lambda w: {"pk": w["report_template"].pk},
    "documents:activate": lambda w: {"pk": w["report_template"].pk},
    "reports:detail": lambda w: {"pk": w["report"].pk},
    "reports:submit": lambda w: {"pk": w["report"].pk},
    "reports:accept": lambda w: {"pk": w["report"].pk},
    "reports:return": lambda w: {"pk": w["report"].pk},
    "reports:files": lambda w: {"pk": w["report"].pk},
    "reports:file_new": lambda w: {"pk": w["report"].pk},
    "reports:download": lambda w: {"pk": w["report_file"].pk},
    "admin:auth_user_password_change": lambda w: {"id": str(w["officer_a"].pk)},
    "admin:otp_totp_totpdevice_config": lambda w: {"pk": _totp_device_of(w["officer_a"])},
    "admin:otp_totp_totpdevice_qrcode": lambda w: {"pk": _totp_device_of(w["officer_a"])},
    "feedback:detail": lambda w: {"pk": w["feedback"].pk},
    "feedback:action": lambda w: {"pk": w["feedback"].pk, "action": "accept"},
    "public:content": lambda w: {"pk": w["content"].pk},  # a draft: not on the public site
    "public:lead_detail": lambda w: {"pk": w["lead"].pk},
    "core:section": lambda w: {"key": next((s.key for s in SECTIONS if s.coming), SECTIONS[0].key)},
}


def _totp_device_of(user) -> int:
    """An authenticator of A's officer (its QR code is the secret: the admin's pages of it must refuse)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get_or_create(user=user, name="A", defaults={"confirmed": True})[0].pk


def walk(patterns=None, prefix="", namespace=""):
    """(route, name, pattern) for every URL pattern the resolver knows, included ones too."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace or "") if x)
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(x for x in (namespace, p.name or "") if x) if p.name else ""
            yield prefix + str(p.pattern), name, p


def _admin_kwargs(w, route: str, pattern: URLPattern, params: set[str]) -> dict | None:
    model_admin = getattr(pattern.callback, "model_admin", None)
    values = {}
    for param in params:
        if param in ("object_id", "id") and model_admin is not None:
            values[param] = str(_record_of(w, model_admin.model))
        elif param == "content_type_id":
            values[param] = str(ContentType.objects.get_for_model(Person).pk)
        elif param == "object_id":
            values[param] = str(w["person"].pk)
        elif param == "app_label":
            values[param] = "messaging"
        elif param == "url":
            values[param] = f"messaging/optout/{w['optout'].pk}/change/"
        else:
            return None
    return values


def _record_of(w, model) -> int:
    """A's record of `model`, else any row of it (1 when there is none)."""
    for value in w.values():
        if isinstance(value, model):
            return value.pk
    row = model.objects.order_by("pk").first()
    return row.pk if row is not None else 1


def _path(route: str, name: str, pattern: URLPattern, kwargs: dict) -> str:
    if name:
        return reverse(name, kwargs=kwargs)
    # Unnamed (the admin's catch-all and its object redirect): fill the route by hand.
    path = "/" + route
    for key, value in kwargs.items():
        for form in (f"<path:{key}>", f"<{key}>", f"(?P<{key}>.*)", f"(?P<{key}>[^/]+)"):
            path = path.replace(form, str(value))
    return path.lstrip("^").replace("$", "").replace("^", "")


def _text(response) -> str:
    """Everything the answer carries, as text: the body (streamed or not) and any zip member (XLSX, DOCX)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [body.decode("utf-8", "replace")]
    if body.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        except zipfile.BadZipFile:
            pass
    parts.append(response.get("Content-Disposition", ""))
    return "\n".join(parts)


def _fingerprint(w) -> dict:
    """A's records as stored (what an outsider's request must never change)."""
    rows = {}
    for key, obj in w.items():
        if isinstance(obj, Model) and key not in ("unit", "area", "plan", "indicator", "target", "duty"):
            rows[key] = list(type(obj).objects.filter(pk=obj.pk).values())
    return rows


@pytest.fixture
def world(officer_long_khanh_a, make_user):
    officer_a = make_user(Role.COMMUNE_OFFICER, UNIT_A)
    w = commune_a_world(officer_a)
    w["officer_a"] = officer_a
    w["indicator"] = w["plan"].indicators.order_by("pk").first()
    w["target"] = w["indicator"].targets.order_by("pk").first()
    w["duty"] = UnitDuty.objects.order_by("pk").first()
    return w


def test_an_outsider_and_an_anonymous_visitor_get_nothing_of_commune_a(world, officer_long_khanh_a):
    w = world
    outsider = Client(raise_request_exception=False)
    outsider.force_login(officer_long_khanh_a)
    anonymous = Client(raise_request_exception=False)
    ids = {
        "q": MARK[1:-1].lower(),  # matches A's names and titles; an echo of the query is not A's data
        "unit": w["unit"].pk,
        "organiser": w["unit"].pk,
        "commune": w["area"].pk,
        "area": w["area"].pk,
        "year": YEAR,
        "person": w["person"].pk,
        "segment": w["segment"].pk,
        "activity": w["activity"].pk,
        "member": w["member"].pk,
        "report": w["report"].pk,
        "campaign": w["campaign"].pk,
        "template": w["template"].pk,
        "ids": w["person"].pk,
    }
    query = {**ids, "export": "csv"}
    body = {**ids, "format": "pdf", "status": "accepted", "reason": "Người dân xin nhận lại tin", "text": "TC"}

    problems: list[str] = []
    unfilled: list[str] = []
    before = _fingerprint(w)
    a_records = {(type(o)._meta.label_lower, str(o.pk)) for o in w.values() if isinstance(o, Model)}
    audit_seen = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    requests = 0
    for route, name, pattern in walk():
        params = set(pattern.pattern.regex.groupindex)
        if not params:
            kwargs = {}
        elif name in ROUTES:
            kwargs = ROUTES[name](w)
        elif name.startswith("admin:") or route.startswith("admin/"):
            kwargs = _admin_kwargs(w, route, pattern, params)
        else:
            kwargs = None
        if kwargs is None or set(kwargs) != params:
            unfilled.append(f"{route} ({name or 'no name'})")
            continue
        path = _path(route, name, pattern, kwargs)
        for who, client in (("commune B", outsider), ("anonymous", anonymous)):
            for method, data in (("GET", None), ("GET", ids), ("GET", query), ("POST", body)):
                if who == "commune B" and SESSION_KEY not in client.session:
                    client.force_login(officer_long_khanh_a)  # again: the walk passes the sign-out page
                response = client.get(path, data) if method == "GET" else client.post(path, data)
                requests += 1
                where = f"{who} {method} {path}{' with A ids' if data else ''}"
                if response.status_code >= 500:
                    exc = getattr(response, "exc_info", None)
                    problems.append(f"{where}: {response.status_code} {exc[1]!r}" if exc else f"{where}: 500")
                    continue
                if response.status_code == 200:
                    text = _text(response)
                    found = [s for s in SECRETS if s in text]
                    if found:
                        problems.append(f"{where}: 200 carrying A's data {found}")
                if who == "commune B":
                    # A write in B's name on one of A's records (B's own searches are audited: not that).
                    written = list(
                        AuditLog.objects.filter(pk__gt=audit_seen).values_list("pk", "target_type", "target_id")
                    )
                    if written:
                        audit_seen = max(pk for pk, *_ in written)
                        touched = [f"{t}:{i}" for _pk, t, i in written if (t, i) in a_records]
                        if touched:
                            problems.append(f"{where}: audited a change of A's records {touched}")
                    if method == "POST":
                        after = _fingerprint(w)
                        if after != before:
                            changed = sorted(k for k in after if after[k] != before[k])
                            problems.append(f"{where}: changed A's records {changed}")
                            before = after
    # The detection works: A's own officer sees the marker and the person's number on A's pages.
    insider = Client()
    insider.force_login(w["officer_a"])
    for name, pk in (("activities:detail", w["activity"].pk), ("audience:person", w["person"].pk)):
        assert MARK in insider.get(reverse(name, args=[pk])).content.decode(), name
    assert PHONE in insider.get(reverse("messaging:optouts")).content.decode()

    assert not unfilled, "routes whose parameters tests/test_outsider.py cannot fill (add them to ROUTES):\n" + (
        "\n".join(unfilled)
    )
    assert requests > 2000
    assert not problems, f"{len(problems)} problem(s) in {requests} requests:\n" + "\n".join(problems)
