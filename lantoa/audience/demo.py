"""Demo registry for `load_demo` (issue 4, part 8): a synthetic population of the Hồng Ngự communes with
households, employers, staff lists, denominators and the people the demo activities reached, 2022–2025
and 2026 up to today (on the communes formed on 01/07/2025).

Shaped so the indicators read like a real district's: T3 climbs from about 50% towards the plan's 65%
with some communes short of it, T4 towards 35%, T2 high but not 100% everywhere. By the definitions:
T3 = distinct working-age people reached in the year / labour-force statistic; T4 the same with voluntary
topics; T2 = officials on the staff lists reached on reform topics in the year / officials.

Everything is written with `bulk_create` (no per-row audit: `demo_load` writes one summary row), every
row is marked demo, and `audience_demo_remove` deletes it all. A seeded `random.Random` makes two loads
of the same database identical.
"""

import datetime as dt
import itertools
import random
import unicodedata
from collections import defaultdict

from lantoa.activities.kinds import MEETING_KINDS, Channel, Kind
from lantoa.activities.models import Activity, Audience, Campaign
from lantoa.audience.models import (
    ConsentEvent,
    DataRequest,
    Employer,
    Household,
    InsuranceStatus,
    PaymentMode,
    Person,
    Reach,
    Sex,
    StaffPosting,
    Statistic,
)
from lantoa.core import clock
from lantoa.core.text import normalize_phone, search_key
from lantoa.demo.units import in_force
from lantoa.geo.models import Area
from lantoa.geo.selectors import commune_rollup_map
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic

DEFAULT_PEOPLE = 100_000
DEMO_SOURCE = "Số liệu minh họa (demo)"
# Where the planted duplicates say they came from (see _plant_duplicates).
COPY_SOURCES = ("Danh sách BHXH huyện (demo)", "Danh sách xã sau sáp nhập (demo)")
YEARS = (2022, 2023, 2024, 2025, 2026)
REFORM = dt.date(2025, 7, 1)
# Ages are counted as `year - birth year`, the way the registry filters them.
WORKING_AGE = (15, 60)
# The people counted as reached are chosen well inside any working-age definition (15–60, 15 to the
# retirement age by sex…), so T3/T4 read the same whichever the KPI engine uses.
REACH_AGE = (18, 57)
# Labour-force participation of the working-age population (GSO, Mekong Delta: about 3 in 4).
PARTICIPATION = 0.78

# Legacy communes (until 30/06/2025) with a relative population; a few people are recorded directly on
# the communes in force from 01/07/2025 (new records after the reorganisation).
LEGACY = {
    "29971": 1.45,  # Thị trấn Thường Thới Tiền (the district seat)
    "29956": 1.0,
    "29962": 0.95,
    "29974": 0.85,
    "29977": 1.2,
    "29980": 1.15,
    "29983": 0.9,
    "29992": 1.0,
    "29995": 1.05,
    "29998": 0.95,
}
CURRENT = {"29971": 0.22, "29978": 0.18, "29983": 0.18, "29992": 0.14, "30154": 0.28}
CURRENT_SHARE = 0.05
SEAT = "29971"
NEAR_SEAT = ("29956", "29977", "29962")

# Target fractions of the labour-force statistic reached, per year (district level before the commune
# offsets). T3's plan targets are 50/55/60/65%, T4's 20/25/30/35%: 2023 falls a little short on both.
# 2026 (targets copied from 2025: 65%, 35%): T3 a little short with the year nearly over, T4 met.
T3_BASE = {2022: 0.515, 2023: 0.543, 2024: 0.612, 2025: 0.664, 2026: 0.628}
T4_BASE = {2022: 0.212, 2023: 0.241, 2024: 0.306, 2025: 0.357, 2026: 0.362}
OFFSETS = (-0.075, -0.045, -0.025, -0.01, 0.0, 0.01, 0.02, 0.03, 0.04, 0.055)

GENERAL_TOPICS = (
    "loi-ich",
    "quan-diem-dang",
    "muc-dong-huong",
    "sua-luat-tuoi-huu",
    "luong-huu-mot-lan",
    "vssid",
    "thanh-tuu-dien-hinh",
    "cai-cach-1",
    "cai-cach-2",
    "cai-cach-7",
    "cai-cach-8",
)
VOLUNTARY_TOPICS = ("ho-tro-tu-nguyen", "rui-ro", "tang-so", "muc-dong-huong", "cai-cach-5")
REFORM_TOPICS = tuple(f"cai-cach-{n}" for n in range(1, 12))


def _halves(year: int) -> tuple[int, ...]:
    """The parts of a year by the communes in force: 1 before the reorganisation of 01/07/2025, 2 after."""
    return (1,) if year < REFORM.year else (1, 2) if year == REFORM.year else (2,)


def _nfc(items):
    return tuple((unicodedata.normalize("NFC", s), w) for s, w in items)


def _plain(words: str, weight: float = 1.0):
    return tuple((unicodedata.normalize("NFC", w), weight) for w in words.split(","))


FAMILY = _nfc(
    [
        ("Nguyễn", 30),
        ("Trần", 11),
        ("Lê", 9),
        ("Huỳnh", 7),
        ("Phạm", 6),
        ("Võ", 6),
        ("Phan", 4.5),
        ("Trương", 3),
        ("Đặng", 2),
        ("Bùi", 2),
        ("Hồ", 2),
        ("Đỗ", 1.5),
        ("Ngô", 1.5),
        ("Dương", 1.5),
        ("Lâm", 1.5),
        ("Lý", 1),
        ("Đoàn", 1),
        ("Châu", 1),
        ("Mai", 1),
        ("Cao", 1),
        ("Đinh", 0.8),
        ("Tô", 0.7),
        ("Lương", 0.7),
        ("Thái", 0.6),
        ("Tạ", 0.4),
    ]
)
MIDDLE = {
    ("m", False): _nfc(
        [
            ("Văn", 60),
            ("Minh", 6),
            ("Thanh", 6),
            ("Hữu", 5),
            ("Công", 4),
            ("Quốc", 4),
            ("Tấn", 4),
            ("Phước", 3),
            ("Hoàng", 3),
            ("Ngọc", 3),
            ("Đức", 2),
        ]
    ),
    ("m", True): _nfc(
        [
            ("Văn", 18),
            ("Minh", 14),
            ("Gia", 10),
            ("Hoàng", 8),
            ("Quốc", 8),
            ("Thanh", 8),
            ("Tấn", 6),
            ("Đức", 6),
            ("Bảo", 6),
            ("Anh", 5),
            ("Nhật", 5),
            ("Trọng", 4),
        ]
    ),
    ("f", False): _nfc(
        [("Thị", 70), ("Ngọc", 8), ("Thanh", 5), ("Kim", 5), ("Mỹ", 4), ("Thu", 3), ("Bích", 3), ("Hồng", 2)]
    ),
    ("f", True): _nfc(
        [
            ("Thị", 20),
            ("Ngọc", 15),
            ("Thanh", 8),
            ("Mỹ", 8),
            ("Bảo", 6),
            ("Gia", 6),
            ("Kim", 5),
            ("Khánh", 5),
            ("Thảo", 4),
            ("Quỳnh", 4),
            ("Hoài", 4),
            ("Yến", 3),
        ]
    ),
}
GIVEN = {
    ("m", False): _plain(
        "Hùng,Dũng,Tuấn,Minh,Nam,Phúc,Tài,Lộc,Hải,Sơn,Thành,Trung,Hiếu,Phong,Tâm,Bình,Long,Nhân,Nghĩa,Thắng,"
        "Quang,Vinh,Hòa,Sang,Đạt,Tín,Toàn,Hậu,Lợi,Út,Mến,Chiến,Hưng,Kiệt,Thiện,Phước,Lâm,Hoàng,Cường,Khải"
    ),
    ("m", True): _plain(
        "Huy,Khang,Bảo,Phúc,Khôi,Nam,Thịnh,Kiệt,Khoa,Duy,Tùng,Nhân,Lộc,An,Hào,Quân,Vinh,Thái,Tín,Hiếu,Đăng,"
        "Khánh,Trí,Toàn"
    ),
    ("f", False): _plain(
        "Lan,Hoa,Hương,Mai,Ngọc,Thảo,Trang,Nhung,Hạnh,Yến,Loan,Phượng,Thủy,Diễm,Trinh,Tuyết,Hằng,Hiền,Dung,"
        "Xuân,Thu,Cúc,Hồng,Kiều,Oanh,Nga,Bé,Lệ,Liên,Nguyệt,Sương,Thắm,Tươi,Đào,Gấm"
    ),
    ("f", True): _plain(
        "Hân,Ngân,Vy,Nhi,Trâm,Anh,Như,Quyên,Thư,Yến,Trinh,Linh,Tiên,My,Ngọc,Hương,Thảo,Uyên,Phương,Diệp,Ý,Châu"
    ),
}

# Occupations of working-age people not on a staff list: (occupation, target group, weight, kind).
# Kind: "farm", "trade", "worker" (linked to an employer), "free", "home", "paused", "public", "ctv".
OCCUPATIONS = tuple(
    (unicodedata.normalize("NFC", o), g, w, k)
    for o, g, w, k in [
        ("Làm ruộng", "tn-1", 30, "farm"),
        ("Nuôi trồng thủy sản", "tn-1", 4, "farm"),
        ("Chăn nuôi", "tn-1", 3, "farm"),
        ("Buôn bán nhỏ tại chợ", "tn-3", 7, "trade"),
        ("Hộ kinh doanh cá thể", "tn-3", 4, "trade"),
        ("Công nhân", "nld-nsdld", 12, "worker"),
        ("Nhân viên văn phòng doanh nghiệp", "nld-nsdld", 2, "worker"),
        ("Thợ hồ", "tn-4", 4, "free"),
        ("Làm thuê theo mùa vụ", "tn-4", 7, "free"),
        ("Thợ may gia công", "tn-2", 2, "free"),
        ("Đan lục bình (làng nghề)", "tn-2", 2, "free"),
        ("Xã viên hợp tác xã", "tn-2", 2, "free"),
        ("Chạy xe ôm, giao hàng", "tn-5", 3, "free"),
        ("Lao động tự do", "tn-5", 6, "free"),
        ("Nội trợ", "", 6, "home"),
        ("Đang hưởng trợ cấp thất nghiệp", "tn-6", 1, "paused"),
        ("Đã nghỉ việc, bảo lưu thời gian đóng BHXH", "tn-6", 2, "paused"),
        ("Giáo viên", "can-bo", 1.5, "public"),
        ("Nhân viên y tế", "can-bo", 0.7, "public"),
        ("Cộng tác viên tuyên truyền BHXH", "ctv-uy-tin", 0.25, "ctv"),
        ("Nhân viên đại lý thu BHXH, BHYT", "ctv-uy-tin", 0.2, "ctv"),
        ("Trưởng ấp", "ctv-uy-tin", 0.3, "ctv"),
    ]
)
# Mobile prefixes of the four networks (09x, 03x, 07x, 08x); checked against `phonenumbers` at first use.
MOBILE_PREFIXES = tuple(
    f"0{n}" for n in (*range(32, 40), 70, *range(76, 80), *range(81, 87), 88, 89, 90, 91, 93, 94, 96, 97, 98)
)
CONSENT_HOW = _plain(
    "Phiếu đồng ý nhận tin (giấy),Đăng ký tại buổi tuyên truyền,Trả lời tin nhắn “TC”,Đăng ký qua Zalo OA BHXH huyện"
)

# Staff lists (base size at 100,000 people), the titles of their posts and where district staff live.
DISTRICT_STAFF = {
    "hn-ubnd-huyen": 24,
    "hn-ldtbxh": 11,
    "hn-bhxh": 19,
    "hn-vhtt": 7,
    "hn-ttvhtt": 14,
    "hn-tckh": 9,
    "hn-noivu": 8,
    "hn-tuphap": 5,
    "hn-gddt": 10,
    "hn-yte": 6,
    "hn-nnptnt": 11,
    "hn-congan": 58,
    "hn-buudien": 16,
    "hn-vksnd": 11,
    "hn-tand": 12,
    "hn-mttq": 8,
    "hn-hoinongdan": 6,
    "hn-hoiphunu": 6,
    "hn-doanthanhnien": 5,
    "hn-ldld": 5,
    "hn-hoiccb": 4,
}
COMMUNE_STAFF = 22
POSITIONS = {
    "peoples_committee": ("Chủ tịch UBND huyện", "Phó Chủ tịch UBND huyện", "Chuyên viên Văn phòng HĐND và UBND"),
    "insurance_office": ("Giám đốc", "Phó Giám đốc", "Viên chức"),
    "radio_centre": ("Giám đốc", "Phó Giám đốc", "Viên chức"),
    "police": ("Trưởng Công an huyện", "Phó Trưởng Công an huyện", "Cán bộ"),
    "post_office": ("Giám đốc", "Phó Giám đốc", "Nhân viên"),
    "procuracy": ("Viện trưởng", "Phó Viện trưởng", "Kiểm sát viên"),
    "court": ("Chánh án", "Phó Chánh án", "Thư ký Tòa án"),
    "fatherland_front": ("Chủ tịch Ủy ban MTTQ", "Phó Chủ tịch Ủy ban MTTQ", "Cán bộ chuyên trách"),
    "association": ("Chủ tịch", "Phó Chủ tịch", "Cán bộ chuyên trách"),
    "commune_committee": ("Chủ tịch UBND", "Phó Chủ tịch UBND", "Công chức"),
}
OFFICE_POSITIONS = ("Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên")
COMMUNICATION_POSITION = {
    "radio_centre": "Phóng viên, biên tập viên",
    "insurance_office": "Viên chức phụ trách truyền thông, phát triển người tham gia",
    "post_office": "Nhân viên thu BHXH, BHYT",
    "commune_committee": "Công chức Văn hóa - Xã hội",
}
COMMUNE_CLERKS = (
    "Công chức Văn phòng - Thống kê",
    "Công chức Tư pháp - Hộ tịch",
    "Công chức Địa chính - Xây dựng",
    "Công chức Tài chính - Kế toán",
    "Chỉ huy trưởng Ban Chỉ huy Quân sự",
    "Phó Chủ tịch Ủy ban MTTQ",
    "Chủ tịch Hội Nông dân",
    "Chủ tịch Hội Liên hiệp Phụ nữ",
    "Bí thư Đoàn Thanh niên",
    "Chủ tịch Hội Cựu chiến binh",
)
EMPLOYER_KINDS = _plain(
    "Công ty TNHH Thủy sản,Công ty TNHH Chế biến lương thực,Công ty Cổ phần Xuất nhập khẩu nông sản,"
    "Doanh nghiệp tư nhân Xay xát lúa gạo,Công ty TNHH May mặc,Công ty TNHH Xây dựng,Hợp tác xã Nông nghiệp,"
    "Công ty TNHH Thức ăn chăn nuôi,Công ty TNHH Vận tải thủy,Doanh nghiệp tư nhân Vật liệu xây dựng"
)
EMPLOYER_NAMES = _plain(
    "Phước Thành,Tân Phát,Hòa Bình,Minh Phú,Thành Công,Hồng Phát,Thuận Thành,Phú Cường,Long Hưng,Vĩnh Phát,"
    "Kim Ngân,Thiên Phúc,Mekong,Sông Tiền,Đồng Tiến,Hưng Thịnh,An Phú,Tấn Lộc,Thịnh Vượng,Bình An"
)


def _picker(items):
    """A fast weighted choice over (value, weight) pairs."""
    values = [v for v, _w in items]
    cum = list(itertools.accumulate(w for _v, w in items))

    def pick(rng):
        return rng.choices(values, cum_weights=cum)[0]

    return pick


class _P:
    """A person while the registry is generated (kept light: 100,000 of them)."""

    __slots__ = (
        "area",
        "hamlet",
        "hh",
        "sex",
        "birth",
        "name",
        "occ",
        "groups",
        "status",
        "employer",
        "kind",
        "pk",
        "official",
    )

    def __init__(self, area, hamlet, hh, sex, birth, name):
        self.area, self.hamlet, self.hh, self.sex, self.birth, self.name = area, hamlet, hh, sex, birth, name
        self.occ, self.groups, self.status, self.employer, self.kind = "", [], InsuranceStatus.NONE, None, ""
        self.pk = None
        self.official = False

    def age(self, year: int) -> int:
        return year - self.birth.year


def _mst_check(digits9: str) -> int | None:
    """The check digit of a Vietnamese tax code (mã số thuế), or None if the nine digits have none."""
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    check = 10 - sum(int(d) * w for d, w in zip(digits9, weights, strict=True)) % 11
    return None if check == 10 else check


class _Loader:
    def __init__(self, seed: int, people: int):
        self.rng = random.Random(f"audience-demo-{seed}")
        self.n = people
        self.scale = people / DEFAULT_PEOPLE
        self.today = clock.today()
        self.ref = dt.date(2025, 7, 1)
        communes = Area.objects.filter(level=Area.Level.COMMUNE)
        self.legacy = {a.code: a for a in communes if a.valid_from is None and a.code in LEGACY}
        self.current = {a.code: a for a in communes if a.valid_from == REFORM and a.code in CURRENT}
        self.areas = {a.id: a for a in [*self.legacy.values(), *self.current.values()]}
        self.rollup = commune_rollup_map(dt.date(2025, 12, 31), self.areas)
        self.units = {u.code: u for u in Unit.objects.all()}
        self.committee = {u.area_id: u for u in Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE).order_by("code")}
        self.groups = {g.code: g for g in TargetGroup.objects.all()}
        self.topics = {t.code: t for t in Topic.objects.all()}
        self.people: list[_P] = []
        self.households: list[tuple] = []  # (area id, hamlet, head index, code)
        self.hamlets: dict[int, int] = {}
        self.pick_family = _picker(FAMILY)
        self.pick_middle = {k: _picker(v) for k, v in MIDDLE.items()}
        self.pick_given = {k: _picker(v) for k, v in GIVEN.items()}
        self.pick_occ = _picker([(o, w) for o in OCCUPATIONS for w in [o[2]]])
        self.prefixes = [p for p in MOBILE_PREFIXES if self._valid_phone(f"+84{p[1:]}1234567")]
        self.postings: list[StaffPosting] = []
        self.counts: dict[str, int] = {}
        self.groups_by_id = {g.id: c for c, g in self.groups.items()}

    # ----- people ---------------------------------------------------------------------------------------

    @staticmethod
    def _valid_phone(e164: str) -> bool:
        try:
            return normalize_phone(e164) == e164
        except ValueError:
            return False

    def _name(self, sex: str, birth_year: int, family: str | None = None) -> str:
        rng = self.rng
        young = birth_year >= 1990
        family = family or self.pick_family(rng)
        middle = self.pick_middle[(sex, young)](rng)
        given = self.pick_given[(sex, young)](rng)
        if sex == "f" and middle == "Thị" and rng.random() < 0.15:
            middle = f"Thị {self.pick_middle[('f', True)](rng)}"
        if middle.endswith(given):
            given = self.pick_given[(sex, young)](rng)
        return f"{family} {middle} {given}"

    def _birth(self, age: int) -> dt.date:
        age = max(0, min(age, 95))
        day = self.ref - dt.timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))
        return min(day, self.today)

    def _household(self, area_id: int, hamlet: int) -> None:
        """One household of 3–5: a couple with children, three generations, or old parents with a child's
        family. The mix gives a rural age pyramid: about 70% of working age, a sixth children."""
        rng = self.rng
        size = rng.choices((3, 4, 5), weights=(35, 40, 25))[0]
        kind = rng.random()
        members: list[tuple[str, int, str]] = []  # (sex, age, family rule)
        if kind < 0.55:
            head = rng.randint(22, 66)
            members += [("m", head, "head"), ("f", max(20, head - rng.randint(-2, 7)), "spouse")]
            first = rng.randint(19, 30)
            age = head - first
            for _k in range(size - 2):
                if age < 0:
                    break
                members.append((rng.choice("mf"), age, "child"))
                age -= rng.randint(2, 6)
        elif kind < 0.9:
            head = rng.randint(24, 52)
            spouse = max(22, head - rng.randint(-2, 7))
            members += [("m", head, "head"), ("f", spouse, "spouse")]
            elders = 2 if size == 5 else 1
            for k in range(elders):
                members.append(
                    ("m" if k == 0 and elders == 2 else rng.choice("mf"), head + rng.randint(22, 34), "elder")
                )
            age = spouse - rng.randint(19, 29)
            while len(members) < size and age >= 0:
                members.append((rng.choice("mf"), age, "child"))
                age -= rng.randint(2, 6)
        else:
            head = rng.randint(60, 82)
            members += [("m", head, "head"), ("f", head - rng.randint(0, 6), "spouse")]
            child = head - rng.randint(24, 34)
            members.append((rng.choice("mf"), child, "child"))
            if size >= 4:
                members.append((rng.choice("mf"), max(0, child - rng.randint(20, 30)), "grandchild"))
        if rng.random() < 0.25:  # the wife heads the household
            members[0], members[1] = (members[1][0], members[1][1], "head"), (members[0][0], members[0][1], "spouse")
        members = [m for m in members if m[1] >= 0][:size]
        while len(members) < 3:  # a young couple: a baby
            members.append((rng.choice("mf"), rng.randint(0, 2), "child"))
        hh = len(self.households)
        husband_family = self.pick_family(self.rng)
        head_index = len(self.people)
        for sex, age, rule in members:
            birth = self._birth(age)
            # Children take the father's family name; wives and their parents keep their own.
            own = rule in ("child", "grandchild") or sex == "m" and rule in ("head", "spouse", "elder")
            family = husband_family if own else None
            self.people.append(_P(area_id, hamlet, hh, sex, birth, self._name(sex, birth.year, family)))
        self.households.append((area_id, hamlet, head_index))

    def generate_people(self) -> None:
        rng = self.rng
        direct = round(self.n * CURRENT_SHARE)
        targets: dict[int, int] = {}
        total = sum(LEGACY.values())
        for code, w in LEGACY.items():
            if code in self.legacy:
                targets[self.legacy[code].id] = round((self.n - direct) * w / total)
        for code, w in CURRENT.items():
            if code in self.current:
                targets[self.current[code].id] = round(direct * w)
        if targets:  # rounding: the largest commune takes the difference, so the total is exact
            biggest = max(targets, key=targets.get)
            targets[biggest] += self.n - sum(targets.values())
        for area_id in sorted(targets):
            self.hamlets[area_id] = rng.randint(4, 7)
            start = len(self.people)
            while len(self.people) - start < targets[area_id]:
                self._household(area_id, rng.randint(1, self.hamlets[area_id]))
            # Trim the last household to the commune's size; leftovers under 3 are people on their own.
            extra = len(self.people) - start - targets[area_id]
            if extra:
                del self.people[len(self.people) - extra :]
                last = self.households[-1]
                if len(self.people) - last[2] < 3:
                    # Too few left for a household of their own: relatives living with another one.
                    self.households.pop()
                    self._lodge(self.people[last[2] :], area_id, start)

    def _lodge(self, people: list[_P], area_id: int, start: int) -> None:
        sizes = defaultdict(int)
        for p in self.people[start:]:
            if p.hh is not None:
                sizes[p.hh] += 1
        for p in people:
            p.hh = None
            room = [hh for hh, n in sizes.items() if n < 5 and hh < len(self.households)]
            if room:
                p.hh = room[-1]
                p.hamlet = self.households[p.hh][1]
                sizes[p.hh] += 1

    def assign_occupations(self) -> None:
        rng = self.rng
        for p in self.people:
            age = p.age(2025)
            if age < 6:
                continue
            if age < 15:
                p.occ = "Học sinh"
                continue
            if age <= 22 and rng.random() < (0.85 if age < 18 else 0.35):
                p.occ, p.groups = ("Học sinh" if age < 18 else "Sinh viên"), ["sinh-vien"]
                continue
            if age > 60:
                r = rng.random()
                if r < 0.2:
                    p.occ, p.status = "Hưu trí", InsuranceStatus.PENSION
                    p.groups = ["nguoi-dan"]
                elif r < 0.45:
                    p.occ, p.groups = "Làm ruộng", ["tn-1"]
                elif r < 0.5:
                    p.occ, p.groups = "Buôn bán nhỏ tại chợ", ["tn-3"]
                elif r < 0.505:
                    p.occ, p.groups = "Người có uy tín trong cộng đồng", ["ctv-uy-tin"]
                else:
                    p.occ, p.groups = "Ở nhà", ["nguoi-dan"]
                continue
            occ, group, _w, kind = self.pick_occ(rng)
            p.occ, p.kind = occ, kind
            p.groups = [group] if group else ["nguoi-dan"]
            if kind == "public":
                p.status = InsuranceStatus.COMPULSORY
            elif kind == "paused":
                p.status = InsuranceStatus.PAUSED
            elif kind == "worker":
                p.status = InsuranceStatus.COMPULSORY if rng.random() < 0.85 else InsuranceStatus.NONE
            elif age >= 18 and rng.random() < 0.15:
                p.status = InsuranceStatus.VOLUNTARY
            elif age >= 30 and rng.random() < 0.03:
                p.status = InsuranceStatus.PAUSED

    # ----- staff lists ----------------------------------------------------------------------------------

    def _eligible(self, area_ids: list[int]) -> list[int]:
        """Adults of working age with an occupation (not students), 24–54 in 2022 so still under 58 in 2025."""
        return [
            i
            for area_id in area_ids
            for i in self.by_area.get(area_id, ())
            if 24 <= self.people[i].age(2022) <= 54 and not self.people[i].official and self.people[i].kind != ""
        ]

    def _take(self, eligible: list[list[int]]) -> int | None:
        """Someone from the first pool that has anyone left (70%: the pools in the given order)."""
        order = eligible if self.rng.random() < 0.7 else eligible[1:] + eligible[:1]
        for cands in order:
            while cands:
                i = cands.pop(self.rng.randrange(len(cands)))
                if not self.people[i].official:
                    return i
        return None

    def _make_official(self, i: int, unit: Unit, leader: bool) -> None:
        p = self.people[i]
        p.official = True
        p.kind = "official"
        p.status = InsuranceStatus.COMPULSORY
        if unit.kind == Unit.Kind.POST_OFFICE:
            p.occ, p.groups = "Nhân viên bưu điện", ["nld-nsdld"]
            p.status = InsuranceStatus.COMPULSORY
        else:
            p.occ = (
                "Viên chức"
                if unit.kind in (Unit.Kind.INSURANCE_OFFICE, Unit.Kind.RADIO_CENTRE)
                else "Cán bộ, công chức"
            )
            if unit.kind == Unit.Kind.POLICE:
                p.occ = "Cán bộ Công an"
            p.groups = ["can-bo", "lanh-dao"] if leader else ["can-bo"]
        p.employer = None

    def _positions(self, unit: Unit, size: int):
        """(position, leader, communication) for each slot of a unit's list."""
        head, deputy, staff = POSITIONS.get(unit.kind, OFFICE_POSITIONS)
        if unit.code == "hn-doanthanhnien":
            head, deputy = "Bí thư Huyện Đoàn", "Phó Bí thư Huyện Đoàn"
        if unit.kind == Unit.Kind.COMMUNE_COMMITTEE:
            kind = (unit.area.division_type or "xã") if unit.area_id else "xã"
            head, deputy = f"{head} {kind}", f"{deputy} {kind}"
        deputies = 0 if size < 3 else 1 if size < 8 else 2
        communication = max(1, round(size * (0.4 if unit.kind == Unit.Kind.RADIO_CENTRE else 0.08)))
        comm_title = COMMUNICATION_POSITION.get(unit.kind, "Chuyên viên phụ trách tuyên truyền")
        slots = [(head, True, False)] + [(deputy, True, False)] * min(deputies, size - 1)
        while len(slots) < size and communication:
            slots.append((comm_title, False, True))
            communication -= 1
        clerks = itertools.cycle(COMMUNE_CLERKS if unit.kind == Unit.Kind.COMMUNE_COMMITTEE else (staff,))
        while len(slots) < size:
            slots.append((next(clerks), False, False))
        return slots

    def _staff_unit(self, unit: Unit, size: int, eligible: list[list[int]], start: dt.date, end: dt.date | None):
        """Fill a unit's list from `eligible` (lists of people, tried in turn, shared between units). Some
        posts change holder during 2022–2024, so a few officials joined after the year's conference."""
        rng = self.rng
        holders = []
        for position, leader, comm in self._positions(unit, size):
            chosen = self._take(eligible)
            if chosen is None:
                continue
            self._make_official(chosen, unit, leader)
            since = start if start >= REFORM else start - dt.timedelta(days=rng.randint(0, 3650))
            turnover = start < REFORM and (end is None or end > dt.date(2024, 12, 31))
            if turnover and not leader and rng.random() < 0.1:
                successor = self._take(eligible)
                if successor is not None:
                    change = dt.date(2022, 3, 1) + dt.timedelta(days=rng.randint(0, 1000))
                    self._make_official(successor, unit, leader)
                    self._post(chosen, unit, position, leader, comm, since, change - dt.timedelta(days=1))
                    chosen, since = successor, change
            self._post(chosen, unit, position, leader, comm, since, end)
            holders.append((chosen, position, leader, comm))
        return holders

    def _post(self, i, unit, position, leader, comm, since, until):
        self.postings.append(
            StaffPosting(
                person_id=None,
                unit=unit,
                position=position,
                is_leader=leader,
                is_official=unit.kind != Unit.Kind.POST_OFFICE,
                communication=comm,
                valid_from=since,
                valid_to=until,
            )
        )
        self.posting_people.append(i)

    def generate_staff(self) -> None:
        rng = self.rng
        self.posting_people: list[int] = []
        self.by_area: dict[int, list[int]] = defaultdict(list)
        for i, p in enumerate(self.people):
            self.by_area[p.area].append(i)
        seat = self.legacy.get(SEAT)
        near = [self.legacy[c].id for c in NEAR_SEAT if c in self.legacy]
        legacy_ids = [a.id for a in self.legacy.values()]
        start = dt.date(2021, 12, 20)
        district_holders = {}
        # District staff live mostly in the district seat, some in the communes around it.
        pools = [self._eligible([seat.id] if seat else []), self._eligible(near), self._eligible(legacy_ids)]
        for code, base in DISTRICT_STAFF.items():
            unit = self.units.get(code)
            if unit is None:
                continue
            size = max(2, round(base * self.scale))
            district_holders[code] = self._staff_unit(unit, size, pools, start, unit.valid_to)
        kept_by_new: dict[int, list] = defaultdict(list)
        for area in self.legacy.values():
            unit = self.committee.get(area.id)
            if unit is None:
                continue
            size = max(2, round(rng.randint(COMMUNE_STAFF - 3, COMMUNE_STAFF + 2) * self.scale))
            end = unit.valid_to or REFORM - dt.timedelta(days=1)
            holders = self._staff_unit(unit, size, [self._eligible([area.id])], start, end)
            new_id = self.rollup.get(area.id)
            kept_by_new[new_id] += [h for h in holders if rng.random() < 0.8]
        # The district People's Committee closed on 30/06/2025: most of its staff went to the new communes.
        for i, position, leader, comm in district_holders.get("hn-ubnd-huyen", []):
            if rng.random() < 0.6:
                kept_by_new[self.rollup.get(self.people[i].area)].append((i, position, leader, comm))
        for area in self.current.values():
            unit = self.committee.get(area.id)
            if unit is None:
                continue
            holders = kept_by_new.get(area.id, [])
            if holders:
                rng.shuffle(holders)
                holders.sort(key=lambda h: not h[2])
                division = area.division_type or "xã"
                for k, (i, _position, leader, comm) in enumerate(holders):
                    lead = k < 3 and leader
                    title = (
                        f"Chủ tịch UBND {division}"
                        if k == 0
                        else f"Phó Chủ tịch UBND {division}"
                        if lead
                        else COMMUNICATION_POSITION["commune_committee"]
                        if comm
                        else rng.choice(COMMUNE_CLERKS)
                    )
                    self._make_official(i, unit, lead)
                    self._post(i, unit, title, lead, comm, REFORM, None)
            else:
                size = max(2, round(18 * self.scale))
                self._staff_unit(unit, size, [self._eligible([area.id])], REFORM, None)

    # ----- employers ------------------------------------------------------------------------------------

    def generate_employers(self) -> list[Employer]:
        rng = self.rng
        taken = set(Employer.objects.exclude(tax_code="").values_list("tax_code", flat=True))
        names = [f"{k} {n}" for k, _w in EMPLOYER_KINDS for n, _v in EMPLOYER_NAMES]
        rng.shuffle(names)
        count = max(3, min(len(names), self.n // 1500))
        legacy = list(self.legacy.values())
        weights = [LEGACY[a.code] * (2 if a.code == SEAT else 1) for a in legacy]
        employers = []
        for k in range(count):
            while True:
                nine = "14" + f"{rng.randrange(10**7):07d}"
                check = _mst_check(nine)
                if check is not None and f"{nine}{check}" not in taken:
                    break
            tax_code = f"{nine}{check}"
            taken.add(tax_code)
            area = rng.choices(legacy, weights=weights)[0]
            name = names[k]
            address = f"Ấp {rng.randint(1, 5)}, {area.name}, tỉnh Đồng Tháp"
            employers.append(
                Employer(
                    name=name,
                    tax_code=tax_code,
                    address=address,
                    area=area,
                    unit=self.units["hn-bhxh"],
                    search_key=search_key(f"{name} {tax_code} {address}"),
                    is_demo=True,
                )
            )
        Employer.objects.bulk_create(employers, batch_size=500)
        by_area = defaultdict(list)
        for e in employers:
            by_area[e.area_id].append(e)
        for p in self.people:
            if p.kind != "worker":
                continue
            local = by_area.get(p.area) or by_area.get(self._legacy_of(p.area))
            p.employer = rng.choice(local) if local and rng.random() < 0.7 else rng.choice(employers)
        return employers

    def _legacy_of(self, area_id: int) -> int | None:
        """For a person on a current commune: one of the legacy communes it was made of."""
        for legacy in self.legacy.values():
            if self.rollup.get(legacy.id) == area_id:
                return legacy.id
        return None

    # ----- writing the registry -------------------------------------------------------------------------

    def _address(self, area: Area, hamlet: int) -> str:
        word = "Khóm" if (area.division_type or "") in ("thị trấn", "phường") else "Ấp"
        return f"{word} {hamlet}, {area.name}"

    def write_households(self) -> None:
        taken = set(
            Household.objects.filter(area_id__in=list(self.areas)).exclude(code="").values_list("area_id", "code")
        )
        rows = []
        serial = self.rng.randrange(10**6)
        for area_id, hamlet, head in self.households:
            area = self.areas[area_id]
            serial += 1
            code = f"87{serial:08d}"
            while (area_id, code) in taken:
                serial += 1
                code = f"87{serial:08d}"
            address = f"Số {self.rng.randint(1, 250)}, {self._address(area, hamlet).lower()}"
            address = address[0].upper() + address[1:]
            address = address.replace(area.name.lower(), area.name)
            head_name = self.people[head].name
            rows.append(
                Household(
                    code=code,
                    head_name=head_name,
                    address=address,
                    area_id=area_id,
                    unit=self.committee.get(area_id) or self.units["hn-bhxh"],
                    search_key=search_key(f"{head_name} {code} {address}"),
                    is_demo=True,
                )
            )
        Household.objects.bulk_create(rows, batch_size=2000)
        self.household_rows = rows

    def write_people(self, employers) -> None:
        rng = self.rng
        taken_cccd = set(Person.objects.filter(cccd__startswith="087").values_list("cccd", flat=True))
        taken_bhxh = set(Person.objects.filter(bhxh_number__startswith="87").values_list("bhxh_number", flat=True))
        taken_phone = set(Person.objects.exclude(phone="").values_list("phone", flat=True))
        key_cache: dict[str, str] = {}
        bhxh = self.units["hn-bhxh"]
        today = self.today
        consent_rows: list[tuple[int, ConsentEvent]] = []
        withdrawals: list[tuple[int, dt.date]] = []
        through = Person.groups.through
        group_ids = {c: g.id for c, g in self.groups.items()}
        batch: list[Person] = []
        batch_idx: list[int] = []

        def flush():
            Person.objects.bulk_create(batch, batch_size=1000)
            links = []
            for person, i in zip(batch, batch_idx, strict=True):
                self.people[i].pk = person.pk
                links += [through(person_id=person.pk, targetgroup_id=group_ids[c]) for c in self.people[i].groups]
            through.objects.bulk_create(links, batch_size=5000)
            batch.clear()
            batch_idx.clear()

        def phone():
            while True:
                number = f"+84{rng.choice(self.prefixes)[1:]}{rng.randrange(10**7):07d}"
                if number not in taken_phone:
                    taken_phone.add(number)
                    return number

        for i, p in enumerate(self.people):
            area = self.areas[p.area]
            age = p.age(2025)
            century = (0 if p.birth.year < 2000 else 2) + (1 if p.sex == "f" else 0)
            cccd = ""
            if age >= 14 and rng.random() < 0.97 or age < 14 and rng.random() < 0.25:
                while True:
                    cccd = f"087{century}{p.birth.year % 100:02d}{rng.randrange(10**6):06d}"
                    if cccd not in taken_cccd:
                        taken_cccd.add(cccd)
                        break
            insured = p.status != InsuranceStatus.NONE or rng.random() < 0.4
            number = ""
            if insured:
                while True:
                    number = f"87{rng.randrange(10**8):08d}"
                    if number not in taken_bhxh:
                        taken_bhxh.add(number)
                        break
            has_phone = rng.random() < (0.88 if 18 <= age <= 70 else 0.5 if 15 <= age < 18 else 0.35 if age > 70 else 0)
            mobile = phone() if has_phone else ""
            mobile2 = phone() if has_phone and rng.random() < 0.06 else ""
            mode, due, income = "", None, None
            if p.status == InsuranceStatus.VOLUNTARY:
                mode = rng.choices([m.value for m in PaymentMode], weights=(30, 20, 15, 25, 6, 4))[0]
                span = {"1m": 31, "3m": 92, "6m": 183, "12m": 365, "ahead": 1095}.get(mode)
                if span:
                    due = today + dt.timedelta(days=rng.randint(-45 if rng.random() < 0.08 else 1, span))
                income = rng.choices(
                    (1_500_000, 2_000_000, 3_000_000, 4_500_000, 6_000_000), weights=(50, 20, 15, 10, 5)
                )[0]
            parts = p.name.split(" ")
            name_key = " ".join(key_cache.get(w) or key_cache.setdefault(w, search_key(w)) for w in parts)
            unit = self.committee.get(p.area) or bhxh
            if p.status in (InsuranceStatus.COMPULSORY, InsuranceStatus.PENSION) and rng.random() < 0.3:
                unit = bhxh
            source = (
                "Dữ liệu minh họa (demo): danh sách người tham gia BHXH huyện"
                if unit == bhxh
                else "Dữ liệu minh họa (demo): cập nhật sau sắp xếp đơn vị hành chính"
                if area.valid_from
                else "Dữ liệu minh họa (demo): danh sách hộ gia đình của xã"
            )
            consent = consent_day = None
            channel = ""
            if mobile and rng.random() < 0.75:
                consent = True
                consent_day = dt.date(2022, 1, 3) + dt.timedelta(days=rng.randint(0, 1450))
                consent_day = min(consent_day, today)
                if area.valid_from and consent_day < REFORM:
                    consent_day = REFORM + dt.timedelta(days=rng.randint(0, 150))
                    consent_day = min(consent_day, today)
                channel = rng.choices(("all", "zalo", "sms"), weights=(55, 30, 15))[0]
            person = Person(
                full_name=p.name,
                name_key=name_key,
                birth_date=p.birth,
                birth_year=p.birth.year,
                sex=Sex.MALE if p.sex == "m" else Sex.FEMALE,
                cccd=cccd,
                bhxh_number=number,
                phone=mobile,
                phone2=mobile2,
                address=self._address(area, p.hamlet),
                area_id=p.area,
                unit=unit,
                household=self.household_rows[p.hh] if p.hh is not None else None,
                employer=p.employer,
                occupation=p.occ,
                insurance_status=p.status,
                payment_mode=mode,
                next_due_date=due,
                declared_income=income,
                consent=bool(consent),
                consent_date=consent_day,
                consent_channel=channel,
                source=source,
                is_demo=True,
            )
            if consent:
                how = rng.choice(CONSENT_HOW)[0]
                consent_rows.append((i, ConsentEvent(given=True, channel=channel, date=consent_day, how=how)))
                if rng.random() < 0.04 and consent_day < today - dt.timedelta(days=30):
                    withdrawn = consent_day + dt.timedelta(days=rng.randint(30, max(30, (today - consent_day).days)))
                    withdrawn = min(withdrawn, today)
                    consent_rows.append(
                        (i, ConsentEvent(given=False, channel=channel, date=withdrawn, how="Nhắn “TC HUY”"))
                    )
                    withdrawals.append((i, withdrawn))
                    person.consent, person.consent_date, person.consent_channel = False, withdrawn, ""
            batch.append(person)
            batch_idx.append(i)
            if len(batch) >= 5000:
                flush()
        if batch:
            flush()
        events = []
        for i, event in consent_rows:
            event.person_id = self.people[i].pk
            events.append(event)
        ConsentEvent.objects.bulk_create(events, batch_size=5000)
        DataRequest.objects.bulk_create(
            [
                DataRequest(
                    person_id=self.people[i].pk, kind=DataRequest.Kind.WITHDRAWAL, received=day, note="Nhắn “TC HUY”"
                )
                for i, day in withdrawals
            ],
            batch_size=2000,
        )
        for posting, i in zip(self.postings, self.posting_people, strict=True):
            posting.person_id = self.people[i].pk
        StaffPosting.objects.bulk_create(self.postings, batch_size=2000)
        # Employers: head-counts from the people linked (plus those living outside the district).
        linked = defaultdict(lambda: [0, 0])
        for p in self.people:
            if p.employer is not None:
                linked[p.employer.pk][0] += 1
                linked[p.employer.pk][1] += p.status == InsuranceStatus.COMPULSORY
        for e in employers:
            total, insured = linked[e.pk]
            outside = rng.randint(0, 40)
            e.employees = total + outside
            e.insured_employees = insured + round(outside * rng.uniform(0.6, 1.0))
            missing = e.employees - e.insured_employees
            if missing > 0 and rng.random() < 0.5:
                e.compliance_note = f"Chưa đóng BHXH bắt buộc cho {missing} lao động; đã nhắc nhở (minh họa)."
            elif rng.random() < 0.15:
                e.compliance_note = f"Chậm đóng BHXH bắt buộc {rng.randint(2, 5)} tháng (minh họa)."
        Employer.objects.bulk_update(employers, ["employees", "insured_employees", "compliance_note"], batch_size=500)
        self.counts.update(
            people=len(self.people),
            households=len(self.household_rows),
            employers=len(employers),
            consent_events=len(events),
            staff_postings=len(self.postings),
        )

    # ----- statistics -----------------------------------------------------------------------------------

    def _pools(self, year: int, half: int) -> dict[int, list[int]]:
        """{commune id: people living there} for the communes in force in `year` (half 2: after the reform)."""
        pools: dict[int, list[int]] = defaultdict(list)
        after = half == 2
        for i, p in enumerate(self.people):
            area = self.areas[p.area]
            if after:
                pools[self.rollup.get(p.area, p.area)].append(i)
            elif area.valid_from is None:
                pools[p.area].append(i)
        return pools

    def write_statistics(self) -> None:
        rng = self.rng
        coverage = {a.id: rng.uniform(0.8, 0.92) for a in self.legacy.values()}
        for a in self.current.values():
            parts = [c for lid, c in coverage.items() if self.rollup.get(lid) == a.id]
            coverage[a.id] = sum(parts) / len(parts) if parts else rng.uniform(0.8, 0.92)
        rows = []
        self.labour: dict[tuple[int, int], int] = {}
        for year in YEARS:
            pools = self._pools(year, _halves(year)[-1])
            for area_id, members in sorted(pools.items()):
                working = sum(1 for i in members if WORKING_AGE[0] <= self.people[i].age(year) <= WORKING_AGE[1])
                value = max(1, round(working * PARTICIPATION / coverage[area_id]))
                self.labour[(year, area_id)] = value
                rows.append(
                    Statistic(
                        kind=Statistic.Kind.LABOUR_FORCE,
                        year=year,
                        area_id=area_id,
                        value=value,
                        source=DEMO_SOURCE,
                        source_date=dt.date(year, 1, 1),
                        is_demo=True,
                    )
                )
        # Officials and communication staff per unit: the staff list at the end of the year.
        for year in YEARS:
            day = dt.date(year, 12, 31)
            officials, comm = defaultdict(int), defaultdict(int)
            for posting in self.postings:
                if posting.is_valid_on(day):
                    officials[posting.unit_id] += posting.is_official
                    comm[posting.unit_id] += posting.communication
            for unit in self.units.values():
                if not unit.is_valid_on(day) or unit.id not in officials:
                    continue
                for kind, values in ((Statistic.Kind.OFFICIALS, officials), (Statistic.Kind.COMM_STAFF, comm)):
                    rows.append(
                        Statistic(
                            kind=kind,
                            year=year,
                            unit=unit,
                            value=values[unit.id],
                            source=DEMO_SOURCE,
                            source_date=day,
                            is_demo=True,
                        )
                    )
        Statistic.objects.bulk_create(rows, batch_size=1000)
        self.counts["statistics"] = len(rows)


class _Reach:
    """The people each demo activity reached, planned year by year."""

    def __init__(self, loader: _Loader):
        self.reg = loader
        self.rng = loader.rng
        self.today = loader.today
        self.specs: list[dict] = []  # new activities: fields, topics, people
        self.existing: dict[int, tuple[dt.date, set[int], bool, bool]] = {}  # activity id → people reached
        self.reached: dict[int, set[int]] = defaultdict(set)
        self.voluntary: dict[int, set[int]] = defaultdict(set)
        self.reform: dict[int, set[int]] = defaultdict(set)
        self.units = loader.units
        self.may = {c.start_date.year: c for c in Campaign.objects.filter(is_demo=True, type=Campaign.Type.MAY)}
        self.associations = [u for u in Unit.objects.filter(kind=Unit.Kind.ASSOCIATION).order_by("code")]
        self.flags = {t.code: (bool(t.voluntary_bhxh), t.reform_number is not None) for t in loader.topics.values()}
        self.hh_members: dict[int, list[int]] = defaultdict(list)
        for i, p in enumerate(loader.people):
            if p.hh is not None:
                self.hh_members[p.hh].append(i)

    def _day(self, start: dt.date, end: dt.date) -> dt.date | None:
        end = min(end, self.today)
        if end < start:
            return None
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def _note(self, year: int, people: set[int], voluntary: bool, reform: bool) -> None:
        self.reached[year] |= people
        if voluntary:
            self.voluntary[year] |= people
        if reform:
            self.reform[year] |= people

    def _spec(self, *, title, kind, unit, area, day, topics, people, groups=None, signups=0):
        people = list(dict.fromkeys(people))
        if not people or day is None:
            return
        voluntary = any(self.flags[t][0] for t in topics if t in self.flags)
        reform = any(self.flags[t][1] for t in topics if t in self.flags)
        if groups is None:
            groups = defaultdict(int)
            for i in people:
                code = (self.reg.people[i].groups or ["nguoi-dan"])[0]
                if kind in MEETING_KINDS and code in ("nld-nsdld", "ctv-uy-tin"):
                    code = "nguoi-dan"  # M4/M6 count only the meetings organised for those groups
                groups[code] += 1
        campaign = self.may.get(day.year) if day.month == 5 and self.rng.random() < 0.7 else None
        self.specs.append(
            {
                "activity": Activity(
                    title=title,
                    kind=kind,
                    channel=Channel.DIRECT,
                    modern=False,
                    status=Activity.Status.DONE,
                    start_date=day,
                    organiser=unit,
                    area=area,
                    campaign=campaign,
                    participants=len(people),
                    signups=signups,
                    search_key=search_key(f"{title} {area.name} {unit.name}"),
                    is_demo=True,
                ),
                "topics": [t for t in topics if t in self.reg.topics],
                "groups": dict(groups),
                "people": people,
                "voluntary": voluntary,
                "reform": reform,
            }
        )
        self._note(day.year, set(people), voluntary, reform)

    # -- T2: officials on reform topics ----------------------------------------------------------------

    def officials(self, year: int) -> None:
        reg, rng = self.reg, self.rng
        halves = [(_halves(year)[0], dt.date(year, 3, 1), dt.date(year, 6, 20))]
        if year == REFORM.year:
            halves.append((2, dt.date(2025, 8, 15), dt.date(2025, 11, 15)))
        for half, start, end in halves:
            day = self._day(start, end)
            if day is None:
                continue
            rate: dict[int, float] = {}
            by_pool: dict[int, list[int]] = defaultdict(list)
            leaders = set()
            for posting, i in zip(reg.postings, reg.posting_people, strict=True):
                if not posting.is_official or not posting.is_valid_on(day):
                    continue
                if half == 2 and i in self.reform[year]:
                    continue
                if posting.unit_id not in rate:
                    rate[posting.unit_id] = (
                        1.0 if rng.random() < 0.45 else rng.uniform(0.82 + (year - 2022) * 0.02, 0.99)
                    )
                if rng.random() >= rate[posting.unit_id]:
                    continue
                area_id = reg.people[i].area
                pool = reg.rollup.get(area_id, area_id) if half == 2 else area_id
                by_pool[pool].append(i)
                if posting.is_leader:
                    leaders.add(i)
            for pool_id, people in sorted(by_pool.items()):
                area = reg.areas[pool_id]
                people = list(dict.fromkeys(people))
                n_lead = sum(1 for i in people if i in leaders)
                groups = {"can-bo": len(people) - n_lead, "lanh-dao": n_lead}
                topics = rng.sample(REFORM_TOPICS[:4] + REFORM_TOPICS[5:], 3) + ["quan-diem-dang"]
                if rng.random() < 0.3:
                    topics.append("cai-cach-5")
                if half == 2 and year == REFORM.year:
                    title = (
                        "Hội nghị triển khai Luật BHXH năm 2024 (hiệu lực từ 01/7/2025) "
                        f"cho cán bộ, công chức {area.name}"
                    )
                elif area.code == SEAT and half == 1:  # the district seat, while there was a district
                    title = (
                        "Hội nghị tuyên truyền 11 nội dung cải cách chính sách BHXH cho cán bộ, công chức, viên chức "
                        f"các cơ quan, đơn vị huyện và {area.name} năm {year}"
                    )
                else:
                    title = (
                        f"Hội nghị tuyên truyền 11 nội dung cải cách chính sách BHXH cho cán bộ, công chức, viên chức "
                        f"trên địa bàn {area.name} năm {year}"
                    )
                self._spec(
                    title=title,
                    kind=Kind.CONFERENCE,
                    unit=in_force(self.units["hn-bhxh"], day) or reg.committee.get(area.id) or self.units["hn-bhxh"],
                    area=area,
                    day=day,
                    topics=topics,
                    people=people,
                    groups={k: v for k, v in groups.items() if v},
                )

    # -- the demo activities with a head-count: name that many people ------------------------------------

    def load_existing(self) -> list[dict]:
        kinds = [*MEETING_KINDS, Kind.TRAINING, Kind.HOUSEHOLD_VISIT]
        acts = list(
            Activity.objects.filter(is_demo=True, status=Activity.Status.DONE, kind__in=kinds)
            .order_by("id")
            .values("id", "area_id", "start_date", "kind")
        )
        audiences = defaultdict(list)
        for a in Audience.objects.filter(activity_id__in=[a["id"] for a in acts]).order_by("id"):
            audiences[a.activity_id].append((self.reg.groups_by_id.get(a.group_id, ""), a.headcount))
        flags = defaultdict(lambda: [False, False])
        for row in Activity.topics.through.objects.filter(activity_id__in=[a["id"] for a in acts]).values(
            "activity_id", "topic__voluntary_bhxh", "topic__reform_number"
        ):
            f = flags[row["activity_id"]]
            f[0] |= bool(row["topic__voluntary_bhxh"])
            f[1] |= row["topic__reform_number"] is not None
        for a in acts:
            a["audiences"] = audiences.get(a["id"], [])
            a["voluntary"], a["reform"] = flags[a["id"]]
        return acts

    def existing_year(self, acts: list[dict], year: int, pools: dict) -> None:
        """About four in five meetings and visits kept an attendance list; the rest stay estimated only."""
        rng = self.rng
        cache: dict[tuple, list[int]] = {}
        for a in acts:
            day = a["start_date"]
            if day.year != year or not a["audiences"] or rng.random() < 0.2:
                continue
            half = 2 if day >= REFORM else 1
            pool = pools[half].get(a["area_id"], [])
            if not pool:
                continue
            people: list[int] = []
            if a["kind"] == Kind.HOUSEHOLD_VISIT:
                want = sum(n for _g, n in a["audiences"])
                households = [
                    p for p in {self.reg.people[i].hh for i in rng.sample(pool, min(8, len(pool)))} if p is not None
                ]
                for hh in households:
                    adults = [i for i in self.hh_members[hh] if self.reg.people[i].age(year) >= 18]
                    people += adults[: want - len(people)]
                    if len(people) >= want:
                        break
            else:
                for group, n in a["audiences"]:
                    key = (half, a["area_id"], group)
                    if key not in cache:
                        cache[key] = [
                            i for i in pool if group in self.reg.people[i].groups and self.reg.people[i].age(year) >= 15
                        ]
                    cands = cache[key]
                    if len(cands) < n:
                        adults_key = (half, a["area_id"], "")
                        if adults_key not in cache:
                            cache[adults_key] = [i for i in pool if 18 <= self.reg.people[i].age(year) <= 70]
                        cands = cands + rng.sample(cache[adults_key], min(len(cache[adults_key]), n))
                    people += rng.sample(cands, min(n, len(cands)))
            people = list(dict.fromkeys(people))
            if people:
                self.existing[a["id"]] = (day, people, a["voluntary"], a["reform"])
                self._note(year, set(people), a["voluntary"], a["reform"])

    # -- T3/T4: household-visit rounds and hamlet meetings ---------------------------------------------

    def fill(self, year: int, half: int, pools: dict[int, list[int]], offsets: dict[int, tuple[float, float]]):
        reg, rng = self.reg, self.rng
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if year == 2025:
            start, end = (dt.date(2025, 1, 2), dt.date(2025, 6, 30)) if half == 1 else (REFORM, end)
        for area_id, members in sorted(pools.items()):
            area = reg.areas[area_id]
            unit = reg.committee.get(area_id) or self.units["hn-bhxh"]
            core = [i for i in members if REACH_AGE[0] <= reg.people[i].age(year) <= REACH_AGE[1]]
            if not core:
                continue
            o3, o4 = offsets.get(area_id, (0.0, 0.0))
            if year == 2025 and half == 1:
                current = reg.rollup.get(area_id, area_id)
                labour = self._labour_share(current, area_id)
                share = 0.55  # about half the year's reach happened before the reorganisation
            else:
                labour = reg.labour.get((year, area_id), len(core))
                share = 1.0
            k3 = min(round((T3_BASE[year] + o3 + rng.uniform(-0.012, 0.012)) * labour * share), round(len(core) * 0.97))
            k4 = min(round((T4_BASE[year] + o4 + rng.uniform(-0.01, 0.01)) * labour * share), k3)
            reached, voluntary = self.reached[year], self.voluntary[year]
            have4 = sum(1 for i in core if i in voluntary)
            need4 = max(0, k4 - have4)
            # Voluntary BHXH: door-to-door rounds, household by household, those not insured first.
            visited: list[int] = []
            seen: set[int] = set()
            if need4:
                core_set = set(core)
                households = sorted(
                    {reg.people[i].hh for i in core if reg.people[i].hh is not None and i not in voluntary}
                )
                rng.shuffle(households)
                households.sort(
                    key=lambda h: any(reg.people[i].status == InsuranceStatus.COMPULSORY for i in self.hh_members[h])
                )
                for hh in households:
                    for i in self.hh_members[hh]:
                        if i in core_set and i not in voluntary and i not in seen and rng.random() < 0.85:
                            visited.append(i)
                            seen.add(i)
                    if len(visited) >= need4:
                        break
                visited = visited[:need4]
                seen = set(visited)
            have3 = sum(1 for i in core if i in reached or i in seen)
            need3 = max(0, k3 - have3)
            fresh = [i for i in core if i not in reached and i not in seen]
            general = rng.sample(fresh, min(need3, len(fresh)))
            # People come more than once; the old come to meetings too (neither changes the distinct count).
            if visited:
                general += rng.sample(visited, len(visited) // 5)
            if general:
                general += rng.sample(general, len(general) // 10)
            old = [i for i in members if 61 <= reg.people[i].age(year) <= 85]
            general += rng.sample(old, min(len(old), k3 // 30))
            self._rounds(year, area, unit, start, end, visited)
            self._meetings(year, area, start, end, general)

    def _labour_share(self, current_id: int, legacy_id: int) -> float:
        """The part of a current commune's 2025 labour force living in one of its legacy communes."""
        reg = self.reg
        if not hasattr(self, "_area_sizes"):
            self._area_sizes = defaultdict(int)
            for p in reg.people:
                self._area_sizes[p.area] += 1
        pool = sum(n for a, n in self._area_sizes.items() if reg.rollup.get(a) == current_id)
        part = self._area_sizes.get(legacy_id, 0)
        return reg.labour.get((2025, current_id), 0) * part / pool if pool else 0

    def _by_hamlet(self, people: list[int]) -> dict[int, list[int]]:
        out = defaultdict(list)
        for i in people:
            out[self.reg.people[i].hamlet].append(i)
        return out

    def _rounds(self, year, area, unit, start, end, people):
        rng = self.rng
        word = "khóm" if (area.division_type or "") in ("thị trấn", "phường") else "ấp"
        for hamlet, members in sorted(self._by_hamlet(people).items()):
            while members:
                size = rng.randint(60, 220)
                chunk, members = members[:size], members[size:]
                day = self._day(start, end)
                if day is None:
                    return
                topics = ["bhxh-tu-nguyen", rng.choice(VOLUNTARY_TOPICS)]
                self._spec(
                    title=f"Thăm hộ gia đình, vận động tham gia BHXH tự nguyện tại {word} {hamlet} "
                    f"(đợt tháng {day.month}/{day.year})",
                    kind=Kind.HOUSEHOLD_VISIT,
                    unit=unit,
                    area=area,
                    day=day,
                    topics=topics,
                    people=chunk,
                    signups=sum(1 for _i in chunk if rng.random() < 0.025),
                )

    def _meetings(self, year, area, start, end, people):
        rng = self.rng
        word = "khóm" if (area.division_type or "") in ("thị trấn", "phường") else "ấp"
        rng.shuffle(people)
        for hamlet, members in sorted(self._by_hamlet(people).items()):
            while members:
                size = rng.randint(40, 150)
                chunk, members = members[:size], members[size:]
                day = self._day(start, end)
                if day is None:
                    return
                # Associations in force that day (district ones may close after 2025), else the commune.
                open_ = [a for a in self.associations if a.is_valid_on(day)]
                association = rng.choice(open_) if open_ else self.reg.committee.get(area.id) or self.units["hn-bhxh"]
                topics = rng.sample(GENERAL_TOPICS, 2)
                self._spec(
                    title=f"Sinh hoạt chi hội {word} {hamlet} lồng ghép tuyên truyền chính sách BHXH "
                    f"({association.short_name or association.name})",
                    kind=Kind.SMALL_GROUP,
                    unit=association,
                    area=area,
                    day=day,
                    topics=topics,
                    people=chunk,
                )

    # -- writing -----------------------------------------------------------------------------------------

    def write(self) -> None:
        reg = self.reg
        activities = [s["activity"] for s in self.specs]
        Activity.objects.bulk_create(activities, batch_size=500)
        Audience.objects.bulk_create(
            [
                Audience(activity=s["activity"], group=reg.groups[code], headcount=n)
                for s in self.specs
                for code, n in s["groups"].items()
                if code in reg.groups
            ],
            batch_size=2000,
        )
        through = Activity.topics.through
        through.objects.bulk_create(
            [
                through(activity_id=s["activity"].pk, topic_id=reg.topics[code].pk)
                for s in self.specs
                for code in dict.fromkeys(s["topics"])
            ],
            batch_size=2000,
        )
        rows = 0
        batch: list[Reach] = []

        def add(activity_id, day, people, voluntary, reform):
            nonlocal rows
            key = f"a:{activity_id}"
            for i in people:
                batch.append(
                    Reach(
                        person_id=reg.people[i].pk,
                        date=day,
                        source=Reach.Source.ACTIVITY,
                        source_key=key,
                        activity_id=activity_id,
                        voluntary=voluntary,
                        reform=reform,
                        is_demo=True,
                    )
                )
            if len(batch) >= 20000:
                Reach.objects.bulk_create(batch, batch_size=2000)
                rows += len(batch)
                batch.clear()

        for activity_id, (day, people, voluntary, reform) in sorted(self.existing.items()):
            add(activity_id, day, people, voluntary, reform)
        for s in self.specs:
            add(s["activity"].pk, s["activity"].start_date, s["people"], s["voluntary"], s["reform"])
        Reach.objects.bulk_create(batch, batch_size=2000)
        rows += len(batch)
        reg.counts.update(reach=rows, reach_activities=len(activities), activities_named=len(self.existing))


def audience_demo_load(*, seed: int = 2022, people: int = DEFAULT_PEOPLE) -> dict:
    """Write the demo registry and its reach. Runs inside `demo_load`'s transaction, after the demo
    activities exist (their head-counts are named from the registry). Refuses to run twice."""
    if Person.objects.filter(is_demo=True).exists():
        return {"people": 0, "already": True}
    loader = _Loader(seed, max(1, people))
    if not loader.legacy:
        return {"people": 0}
    loader.generate_people()
    loader.assign_occupations()
    loader.generate_staff()
    employers = loader.generate_employers()
    loader.write_households()
    loader.write_people(employers)
    loader.write_statistics()

    reach = _Reach(loader)
    existing = reach.load_existing()
    rng = loader.rng
    legacy_ids = [a.id for a in loader.legacy.values()]
    shuffled = list(OFFSETS)
    rng.shuffle(shuffled)
    o3 = {area_id: shuffled[k % len(shuffled)] for k, area_id in enumerate(sorted(legacy_ids))}
    rng.shuffle(shuffled)
    o4 = {area_id: shuffled[k % len(shuffled)] / 2 for k, area_id in enumerate(sorted(legacy_ids))}
    offsets = {a: (o3[a], o4[a]) for a in legacy_ids}
    for current in loader.current.values():
        parts = [a for a in legacy_ids if loader.rollup.get(a) == current.id]
        if parts:
            offsets[current.id] = (sum(o3[a] for a in parts) / len(parts), sum(o4[a] for a in parts) / len(parts))
        else:
            offsets[current.id] = (rng.choice(OFFSETS), rng.choice(OFFSETS) / 2)
    for year in YEARS:
        if year > loader.today.year:
            break
        halves = _halves(year)
        pools = {half: loader._pools(year, half) if half in halves else {} for half in (1, 2)}
        reach.officials(year)
        reach.existing_year(existing, year, pools)
        for half in halves:
            reach.fill(year, half, pools[half], offsets)
    reach.write()
    loader.counts["duplicates"] = _plant_duplicates(loader)
    return dict(loader.counts)


def _plant_duplicates(loader) -> int:
    """A few people recorded twice, the way it happens between offices, so the duplicate finder has work:
    the insurance office's list without diacritics (same CCCD), the new commune's list after July 2025
    (same name and birth date), a second record sharing the phone."""
    # Its own generator over a stable order: the same seed plants the same copies whatever the ids are.
    ids = list(
        Person.objects.filter(is_demo=True, birth_date__isnull=False)
        .exclude(cccd="")
        .exclude(phone="")
        .order_by("cccd")
        .values_list("id", flat=True)
    )
    rng = random.Random(len(ids))
    chosen = Person.objects.filter(id__in=rng.sample(ids, min(len(ids), max(3, len(ids) // 2000))))
    copies = []
    for n, original in enumerate(chosen.order_by("id")):
        copy = Person(
            full_name=original.full_name,
            name_key=original.name_key,
            birth_date=original.birth_date,
            birth_year=original.birth_year,
            sex=original.sex,
            area_id=original.area_id,
            unit=loader.units["hn-bhxh"],
            occupation=original.occupation,
            insurance_status=original.insurance_status,
            source=COPY_SOURCES[0],
            is_demo=True,
        )
        if n % 3 == 0:
            copy.cccd, copy.full_name = original.cccd, search_key(original.full_name).title()
        elif n % 3 == 1:
            copy.area_id = loader.rollup.get(original.area_id, original.area_id)
            copy.source = COPY_SOURCES[1]
        else:
            copy.phone, copy.birth_date = original.phone, None
        copies.append(copy)
    Person.objects.bulk_create(copies)
    return len(copies)


def audience_demo_remove() -> dict:
    """Delete the demo registry: people (with their reach, consent records, staff postings and requests),
    households, employers and statistics. Large dependents go first in one statement each."""
    demo_people = Person.objects.filter(is_demo=True)
    counts = {
        "reach": Reach.objects.filter(is_demo=True).delete()[0]
        + Reach.objects.filter(person__is_demo=True).delete()[0],
        "consent_events": ConsentEvent.objects.filter(person__is_demo=True).delete()[0],
        "staff_postings": StaffPosting.objects.filter(person__is_demo=True).delete()[0],
    }
    DataRequest.objects.filter(person__is_demo=True).delete()
    Person.groups.through.objects.filter(person__is_demo=True).delete()
    people = 0
    while ids := list(demo_people.values_list("pk", flat=True)[:5000]):
        people += Person.objects.filter(pk__in=ids).delete()[1].get(Person._meta.label, 0)
    counts["people"] = people
    counts["households"] = Household.objects.filter(is_demo=True).delete()[0]
    counts["employers"] = Employer.objects.filter(is_demo=True).delete()[0]
    counts["statistics"] = Statistic.objects.filter(is_demo=True).delete()[0]
    return counts
