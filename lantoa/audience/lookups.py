"""Reading the names offices type in their sheets: units, forms of activity, target groups, topics.

Sheets say "Hội LHPN huyện", "Đoàn TN huyện", "Hội nghị đối thoại tại doanh nghiệp", "Lao động tự do":
each is matched accent- and case-insensitively to a record, with the abbreviations offices use. A name
that matches nothing, or more than one record, is an error for the row — never a guess.
"""

import re
from functools import cache

from lantoa.activities.kinds import Kind
from lantoa.core.text import search_key
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic

# Abbreviations in unit names, expanded before comparing.
ABBREVIATIONS = {
    "lhpn": "lien hiep phu nu",
    "tn": "thanh nien",
    "tncs": "thanh nien cong san",
    "ld tb xh": "lao dong thuong binh va xa hoi",
    "ld tb&xh": "lao dong thuong binh va xa hoi",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "ubnd": "uy ban nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "mttq": "mat tran to quoc",
    "ldld": "lien doan lao dong",
    "bhxh": "bao hiem xa hoi",
    "vh tt": "van hoa va thong tin",
    "vh&tt": "van hoa va thong tin",
    "tc kh": "tai chinh ke hoach",
    "gd dt": "giao duc va dao tao",
    "gd&dt": "giao duc va dao tao",
    "nn ptnt": "nong nghiep va phat trien nong thon",
    "ccb": "cuu chien binh",
    "tt": "thi tran",
}
# Words that say where, not who: "Hội Nông dân huyện" is the district's Hội Nông dân.
PLACE_WORDS = {"huyen", "hong", "ngu", "xa", "thi", "tran", "phuong", "va"}


def _expand(text: str) -> str:
    key = " " + search_key(text.replace("&", " ")) + " "
    for short, full in ABBREVIATIONS.items():
        key = key.replace(f" {search_key(short)} ", f" {full} ")
    return key.strip()


def _tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in _expand(text).split() if t not in PLACE_WORDS)


def _unit_aliases(unit: Unit) -> list[frozenset[str]]:
    names = [unit.name, unit.short_name]
    if unit.code.endswith("doanthanhnien"):
        names.append("Đoàn Thanh niên")
    return [_tokens(n) for n in names if n]


def match_unit(text: str, units) -> tuple[Unit | None, str]:
    """(unit, "") or (None, why). `units` are the candidates (those in force and in the importer's scope)."""
    wanted = _tokens(text)
    if not wanted:
        return None, "empty"
    exact, partial = [], []
    for unit in units:
        aliases = _unit_aliases(unit)
        # Exact on any of its names first: "Huyện Đoàn" is the unit's own short name, not a partial hit.
        if any(wanted == alias for alias in aliases):
            exact.append(unit)
        elif any(wanted <= alias for alias in aliases):
            partial.append(unit)
    found = exact or partial
    if len(found) == 1:
        return found[0], ""
    return None, "ambiguous" if found else "unknown"


KIND_ALIASES = {
    Kind.CONFERENCE: [
        "hội nghị",
        "hội nghị tuyên truyền",
        "hội nghị cung cấp thông tin",
        "hội nghị tuyên truyền tại cơ sở",
    ],
    Kind.SEMINAR: ["hội thảo", "tọa đàm"],
    Kind.DIALOGUE: ["đối thoại", "hội nghị đối thoại", "hội nghị đối thoại tại doanh nghiệp"],
    Kind.TALK: ["nói chuyện chuyên đề", "nói chuyện"],
    Kind.CONSULTATION: ["tư vấn trực tiếp", "tư vấn"],
    Kind.TRAINING: ["tập huấn", "tập huấn cộng tác viên", "bồi dưỡng", "lớp tập huấn"],
    Kind.SMALL_GROUP: ["tư vấn nhóm nhỏ", "sinh hoạt nhóm", "nhóm nhỏ"],
    Kind.HOUSEHOLD_VISIT: ["thăm hộ gia đình", "đến từng hộ", "tư vấn tại nhà"],
    Kind.PRESS_PIECE: ["bài báo", "phóng sự", "tin bài", "phát thanh", "truyền hình"],
    Kind.VISUAL: [
        "tuyên truyền lưu động",
        "xe loa",
        "phát tờ rơi",
        "tờ rơi",
        "pano",
        "băng rôn",
        "áp phích",
        "trực quan",
    ],
    Kind.GIFT: ["quà tặng", "vật phẩm"],
    Kind.THEATRE: ["sân khấu hóa", "hội thi", "cuộc thi"],
    Kind.SOCIAL_POST: ["mạng xã hội", "bài đăng", "facebook", "zalo", "video ngắn"],
    Kind.CUSTOMER_CARE: ["chăm sóc khách hàng", "gọi điện"],
    Kind.VSSID: ["hướng dẫn cài đặt vssid", "cài đặt vssid", "vssid"],
}


@cache
def _kind_index() -> dict[str, str]:
    index = {}
    for kind, aliases in KIND_ALIASES.items():
        for alias in [*aliases, str(kind.label), kind.value]:
            index[search_key(alias)] = kind.value
    return index


def match_kind(text: str) -> str | None:
    key = search_key(text)
    index = _kind_index()
    if key in index:
        return index[key]
    # The longest alias contained in the text: "Hội nghị đối thoại tại DN Sa Rài" → dialogue.
    hits = sorted((alias for alias in index if alias and re.search(rf"\b{re.escape(alias)}\b", key)), key=len)
    return index[hits[-1]] if hits else None


GROUP_ALIASES = {
    "can-bo": ["cán bộ công chức", "cán bộ, công chức, viên chức", "công chức", "viên chức", "cbccvc"],
    "lanh-dao": ["cán bộ lãnh đạo, quản lý", "lãnh đạo", "lãnh đạo quản lý"],
    "nld-nsdld": [
        "người lao động, người sử dụng lao động",
        "người lao động",
        "người sử dụng lao động",
        "doanh nghiệp",
        "công nhân",
        "công nhân lao động",
    ],
    "sinh-vien": ["học sinh", "sinh viên", "học sinh, sinh viên"],
    "ctv-uy-tin": ["cộng tác viên", "cộng tác viên tuyên truyền", "người có uy tín", "trưởng ấp", "chức sắc tôn giáo"],
    "tn-1": ["hộ gia đình nông dân", "nông dân", "hội viên nông dân"],
    "tn-2": ["làng nghề", "hợp tác xã", "lao động làng nghề"],
    "tn-3": ["tiểu thương", "tiểu thương chợ truyền thống", "hộ kinh doanh"],
    "tn-4": ["lao động tự do", "người lao động tự do", "lao động thời vụ", "thợ thủ công"],
    "tn-5": ["tự tạo việc làm", "lao động tự tạo việc làm"],
    "tn-6": ["dừng đóng bhxh", "hưởng trợ cấp thất nghiệp", "bảo lưu"],
    "nguoi-dan": [
        "người dân",
        "nhân dân",
        "quần chúng nhân dân",
        "hội viên phụ nữ",
        "đoàn viên thanh niên",
        "hội viên",
    ],
}


def match_group(text: str) -> TargetGroup | None:
    key = search_key(text)
    if not key:
        return None
    groups = {g.code: g for g in TargetGroup.objects.filter(active=True, computed=False)}
    for code, group in groups.items():
        if key in (search_key(group.name), search_key(code)):
            return group
    for code, aliases in GROUP_ALIASES.items():
        if code in groups and key in {search_key(a) for a in aliases}:
            return groups[code]
    return None


TOPIC_HINTS = {
    # The voluntary-BHXH topic itself, not a reform content that is also about it (T2 counts reform contents).
    "bhxh tu nguyen": lambda t: t.voluntary_bhxh and t.reform_number is None,
    "28 nq tw": lambda t: t.reform_number is not None,
}


def match_topics(text: str) -> tuple[list[Topic], list[str]]:
    """Topics named in a cell ("Chính sách BHXH tự nguyện; NQ 28-NQ/TW"): (matched, names not understood).
    A name matches a topic by its name, or "…BHXH tự nguyện…" the first voluntary-BHXH topic and
    "…28-NQ/TW…" the first reform content."""
    topics = list(Topic.objects.filter(active=True))
    found: list[Topic] = []
    unknown = []
    for part in re.split(r"[;\n]", text or ""):
        key = search_key(part)
        if not key:
            continue
        hit = next((t for t in topics if search_key(t.name) == key or t.code == key), None)
        if hit is None:
            # Every word of the cell in the topic's name: "Chính sách BHXH tự nguyện" → "… (chung)".
            words = set(key.split())
            within = [t for t in topics if words <= set(search_key(t.name).split())]
            hit = min(within, key=lambda t: len(t.name)) if within else None
        if hit is None:
            for hint, test in TOPIC_HINTS.items():
                if hint in key:
                    hit = next((t for t in topics if test(t)), None)
                    break
        if hit is None:
            unknown.append(part.strip())
        elif hit not in found:
            found.append(hit)
    return found, unknown
