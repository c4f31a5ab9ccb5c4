"""Demo content library for 2022–2026 (the lead wires it into `load_demo`): radio scripts, leaflets,
articles, slides, a video and an SMS template of the district offices, reviewed and approved, linked to
the demo activities (`Activity.is_demo`), the demo radio log (`radio.demo.DEMO_NOTE`) and the demo
message template. A few went into use before they were approved (2022, 2023, 2024, 2026), so T5 is not
always 100 %; 2025 is clean."""

import datetime as dt
import random

from django.utils import timezone

from lantoa.content.models import ContentItem, ContentReview, ContentVersion
from lantoa.core.text import search_key
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic


def _d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


# (kind, title, owner unit, reform contents, in use from, approved on, rejected first with this reason)
ITEMS = [
    (
        "radio_script",
        "Kịch bản phát thanh: BHXH tự nguyện — lương hưu khi về già",
        "hn-bhxh",
        [1, 5],
        "01/01/2022",
        "20/12/2021",
        "",
    ),
    (
        "radio_script",
        "Kịch bản phát thanh: Nhà nước hỗ trợ tiền đóng BHXH tự nguyện",
        "hn-ttvhtt",
        [3, 5],
        "03/01/2022",
        "15/03/2022",
        "",
    ),
    (
        "radio_script",
        "Kịch bản phát thanh: lộ trình tăng tuổi nghỉ hưu theo Bộ luật Lao động 2019",
        "hn-ttvhtt",
        [7],
        "01/03/2023",
        "20/02/2023",
        "Cần ghi rõ mốc tuổi năm 2023 cho nam và nữ.",
    ),
    (
        "radio_script",
        "Kịch bản phát thanh: Luật BHXH năm 2024 — những điểm mới",
        "hn-bhxh",
        [2, 6, 8],
        "01/07/2024",
        "02/09/2024",
        "",
    ),
    (
        "radio_script",
        "Kịch bản phát thanh: chính sách BHXH tự nguyện từ 01/7/2025",
        "hn-bhxh",
        [1, 3],
        "01/07/2025",
        "20/06/2025",
        "",
    ),
    ("leaflet", "Tờ rơi: 7 nhóm đối tượng nên tham gia BHXH tự nguyện", "hn-bhxh", [5], "01/01/2022", "10/12/2021", ""),
    ("leaflet", "Tờ rơi: hưởng lương hưu hay rút BHXH một lần?", "hn-bhxh", [6], "15/02/2023", "10/04/2023", ""),
    (
        "article",
        "Bài viết: hệ thống BHXH đa tầng và trợ cấp hưu trí xã hội",
        "hn-vhtt",
        [1],
        "01/06/2022",
        "25/05/2022",
        "",
    ),
    (
        "slides",
        "Bài giảng: 11 nội dung cải cách chính sách BHXH theo Nghị quyết 28-NQ/TW",
        "hn-ldtbxh",
        list(range(1, 12)),
        "01/03/2022",
        "20/02/2022",
        "Bổ sung nội dung 10 và 11 (đang chờ xác nhận).",
    ),
    ("video", "Video: hướng dẫn cài đặt và đăng nhập VssID", "hn-bhxh", [4], "01/05/2023", "25/04/2023", ""),
    (
        "leaflet",
        "Tờ rơi: mức đóng, mức hỗ trợ BHXH tự nguyện từ 01/7/2025",
        "hn-bhxh",
        [3, 8],
        "01/07/2025",
        "25/06/2025",
        "",
    ),
    (
        "radio_script",
        "Kịch bản phát thanh: BHXH tự nguyện ở xã, phường mới năm 2026",
        "hn-bhxh",
        [5],
        "05/01/2026",
        "12/01/2026",
        "",
    ),
]
SMS_ITEM = ("sms", "Mẫu SMS: mời tham gia BHXH tự nguyện", "hn-bhxh", [5], "01/05/2023", "10/01/2023", "")


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _create(kind, title, unit, reforms, in_use, approved, rejected_reason, units, topics) -> ContentItem:
    approved_day = _d(approved)
    body = f"{title}. Nội dung tuyên truyền mẫu của thư viện (dữ liệu minh họa)."
    if kind == "sms":
        body = "BHXH huyện Hồng Ngự kính gửi {ho_ten}: tham gia BHXH tự nguyện để có lương hưu khi về già."
    item = ContentItem.objects.create(
        kind=kind,
        title=title,
        unit=units[unit],
        summary="Tài liệu tuyên truyền minh họa (demo).",
        body=body,
        link="https://www.youtube.com/watch?v=demo-vssid" if kind == "video" else "",
        status=ContentItem.Status.APPROVED,
        version_number=2 if rejected_reason else 1,
        submitted_at=_aware(approved_day - dt.timedelta(days=5)),
        reviewed_at=_aware(approved_day),
        approved_at=_aware(approved_day),
        is_demo=True,
        search_key=search_key(f"{title} {body}")[:600],
    )
    item.topics.set([topics[n] for n in reforms if n in topics])
    first = ContentVersion.objects.create(item=item, number=1, body=body, link=item.link, note="bản đầu")
    version = first
    if rejected_reason:
        rejected_on = approved_day - dt.timedelta(days=10)
        ContentReview.objects.create(
            item=item, version=first, decision="rejected", reason=rejected_reason, at=_aware(rejected_on)
        )
        version = ContentVersion.objects.create(item=item, number=2, body=body, link=item.link, note="sửa theo góp ý")
    ContentReview.objects.create(item=item, version=version, decision="approved", at=_aware(approved_day))
    item.in_use_from = _d(in_use)
    return item


def content_demo_load(*, seed: int = 2022) -> dict:
    if ContentItem.objects.filter(is_demo=True).exists():
        return {"content_items": 0, "content_links": 0}
    from lantoa.activities.models import Activity
    from lantoa.messaging.models import Template
    from lantoa.radio.demo import DEMO_NOTE
    from lantoa.radio.models import Broadcast

    units = {u.code: u for u in Unit.objects.filter(code__in={row[2] for row in [*ITEMS, SMS_ITEM]})}
    if len(units) < len({row[2] for row in [*ITEMS, SMS_ITEM]}):
        return {"content_items": 0, "content_links": 0}
    topics = {t.reform_number: t for t in Topic.objects.filter(reform_number__isnull=False)}
    rng = random.Random(seed)
    items = [_create(*row, units, topics) for row in ITEMS]
    sms = _create(*SMS_ITEM, units, topics)

    scripts = [i for i in items if i.kind == ContentItem.Kind.RADIO_SCRIPT]
    others = [i for i in items if i.kind != ContentItem.Kind.RADIO_SCRIPT]

    def pick(pool, day):
        ready = [i for i in pool if i.in_use_from <= day]
        return rng.choice(ready) if ready else None

    links = 0
    through = Broadcast.content_used.through
    rows = []
    for pk, day in Broadcast.objects.filter(note=DEMO_NOTE).values_list("pk", "aired_on").iterator():
        chosen = pick(scripts, day)
        if chosen is not None and rng.random() < 0.6:
            rows.append(through(broadcast_id=pk, contentitem_id=chosen.pk))
    through.objects.bulk_create(rows, batch_size=1000)
    links += len(rows)

    through = Activity.content_used.through
    rows = []
    activities = Activity.objects.filter(is_demo=True, status=Activity.Status.DONE).values_list("pk", "start_date")
    for pk, day in activities.iterator():
        chosen = pick(others, day)
        if chosen is not None and rng.random() < 0.5:
            rows.append(through(activity_id=pk, contentitem_id=chosen.pk))
    through.objects.bulk_create(rows, batch_size=1000)
    links += len(rows)

    links += Template.objects.filter(is_demo=True, content__isnull=True).update(content=sms)
    return {"content_items": len(items) + 1, "content_links": links}


def content_demo_remove() -> dict:
    """The demo items and their links (the links go with them; a template keeps its text)."""
    removed = ContentItem.objects.filter(is_demo=True).delete()[1].get("content.ContentItem", 0)
    return {"content_items": removed}
