"""The legal time limits and public holidays loaded at install (editable afterwards in the admin).

Checked 12/2026 from secondary sources (DOMAIN.md); rows marked `needs_confirmation` are to be confirmed
against the gazette. Holidays: the days public offices close (Labour Code 2019 Art. 112 and the yearly
Tết / swap notices of the Ministry of Home Affairs).
"""

import datetime as dt

D = dt.date

CLOCK_RULES = [
    # kind, day_count, days, complex, remote, remote_complex, accept, max_ext, ext_days, from, to, basis, confirm
    (
        "question",
        "working",
        10,
        None,
        None,
        None,
        None,
        0,
        0,
        None,
        None,
        "Thời hạn do đơn vị quy định (mặc định 10 ngày làm việc)",
        False,
    ),
    (
        "petition",
        "working",
        10,
        None,
        None,
        None,
        None,
        0,
        0,
        None,
        None,
        "Luật Tiếp công dân 2013; Thông tư 05/2021/TT-TTCP — thời hạn do đơn vị quy định",
        False,
    ),
    ("complaint", "calendar", 30, 45, 45, 60, 10, 0, 0, None, None, "Luật Khiếu nại 2011, Điều 27–28", True),
    ("denunciation", "calendar", 30, None, None, None, None, 2, 30, None, None, "Luật Tố cáo 2018, Điều 30", True),
    (
        "correction",
        "calendar",
        15,
        None,
        None,
        None,
        None,
        0,
        0,
        None,
        D(2026, 8, 31),
        "Luật Tiếp cận thông tin 2016, Điều 22",
        False,
    ),
    (
        "correction",
        "calendar",
        10,
        None,
        None,
        None,
        None,
        0,
        0,
        D(2026, 9, 1),
        None,
        "Luật Tiếp cận thông tin (sửa đổi), hiệu lực 01/09/2026",
        True,
    ),
]

HOLIDAYS = [
    (D(2025, 1, 1), "Tết Dương lịch"),
    *[(D(2025, 1, d), "Tết Nguyên đán Ất Tỵ") for d in (27, 28, 29, 30, 31)],
    (D(2025, 4, 7), "Giỗ Tổ Hùng Vương"),
    (D(2025, 4, 30), "Ngày Giải phóng miền Nam"),
    (D(2025, 5, 1), "Ngày Quốc tế Lao động"),
    (D(2025, 5, 2), "Nghỉ bù (hoán đổi)"),
    (D(2025, 9, 1), "Quốc khánh"),
    (D(2025, 9, 2), "Quốc khánh"),
    (D(2026, 1, 1), "Tết Dương lịch"),
    (D(2026, 1, 2), "Nghỉ bù (hoán đổi)"),
    *[(D(2026, 2, d), "Tết Nguyên đán Bính Ngọ") for d in (16, 17, 18, 19, 20)],
    (D(2026, 4, 27), "Giỗ Tổ Hùng Vương (nghỉ bù)"),
    (D(2026, 4, 30), "Ngày Giải phóng miền Nam"),
    (D(2026, 5, 1), "Ngày Quốc tế Lao động"),
    (D(2026, 9, 1), "Quốc khánh"),
    (D(2026, 9, 2), "Quốc khánh"),
    (D(2027, 1, 1), "Tết Dương lịch"),
    *[(D(2027, 2, d), "Tết Nguyên đán Đinh Mùi") for d in (4, 5, 8, 9, 10)],
    (D(2027, 4, 16), "Giỗ Tổ Hùng Vương"),
    (D(2027, 4, 30), "Ngày Giải phóng miền Nam"),
    (D(2027, 5, 3), "Ngày Quốc tế Lao động (nghỉ bù)"),
    (D(2027, 9, 2), "Quốc khánh"),
    (D(2027, 9, 3), "Quốc khánh"),
]
