"""Simple bar and line charts as PNG, drawn with Pillow (no matplotlib, no numpy): what a report embeds.

Labels use Noto Sans (fonts-noto-core) or DejaVu Sans (fonts-dejavu-core): both have every Vietnamese
letter. Drawn at twice the size and scaled down, for smooth lines.
"""

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FILES = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93", "#7f8c8d")
SCALE = 2


class ChartError(Exception):
    pass


@dataclass
class Chart:
    """kind "bar" (grouped bars) or "line"; one value per category in each series; None = no value."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    kind: str = "bar"
    unit: str = ""
    width_mm: float = 150
    width_px: int = 1200
    height_px: int = 700
    target: list[float | None] = field(default_factory=list)  # a dashed target line, optional


@cache
def _font_file() -> str:
    for path in FONT_FILES:
        if Path(path).exists():
            return path
    raise ChartError("No Noto Sans or DejaVu Sans font: install fonts-noto-core (scripts/system-deps.sh).")


def _font(size: int):
    return ImageFont.truetype(_font_file(), size * SCALE)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def chart_png(chart: Chart) -> bytes:
    if chart.kind not in ("bar", "line"):
        raise ChartError(f"Unknown chart kind: {chart.kind}")
    n = len(chart.categories)
    for name, values in chart.series:
        if len(values) != n:
            raise ChartError(f"Series {name!r} has {len(values)} values for {n} categories")
    w, h = chart.width_px * SCALE, chart.height_px * SCALE
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    title_font, label_font, small_font = _font(30), _font(22), _font(19)

    draw.text((w // 2, 20 * SCALE), chart.title, fill="black", font=title_font, anchor="ma")
    left, right, top, bottom = 110 * SCALE, w - 40 * SCALE, 90 * SCALE, h - 130 * SCALE
    values = [v for _, vs in chart.series for v in vs if v is not None] + [v for v in chart.target if v is not None]
    top_value = _nice_max(max(values, default=0))

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value / top_value)

    for i in range(6):  # grid and axis labels
        value = top_value * i / 5
        y = y_of(value)
        draw.line([(left, y), (right, y)], fill="#dddddd", width=SCALE)
        draw.text((left - 12 * SCALE, y), _fmt(value), fill="black", font=small_font, anchor="rm")
    if chart.unit:
        draw.text((left, top - 20 * SCALE), chart.unit, fill="black", font=small_font, anchor="lb")
    draw.line([(left, top), (left, bottom), (right, bottom)], fill="black", width=2 * SCALE)

    slot = (right - left) / max(n, 1)
    for i, category in enumerate(chart.categories):
        draw.text((left + slot * (i + 0.5), bottom + 12 * SCALE), category, fill="black", font=label_font, anchor="ma")

    k = max(len(chart.series), 1)
    for s, (_name, series_values) in enumerate(chart.series):
        colour = PALETTE[s % len(PALETTE)]
        if chart.kind == "bar":
            bar = slot * 0.8 / k
            for i, value in enumerate(series_values):
                if value is None:
                    continue
                x0 = left + slot * i + slot * 0.1 + bar * s
                draw.rectangle([x0, y_of(value), x0 + bar * 0.92, bottom], fill=colour)
                draw.text(
                    (x0 + bar * 0.46, y_of(value) - 4 * SCALE), _fmt(value), fill="black", font=small_font, anchor="mb"
                )
        else:
            points = [(left + slot * (i + 0.5), y_of(v)) for i, v in enumerate(series_values) if v is not None]
            if len(points) > 1:
                draw.line(points, fill=colour, width=4 * SCALE, joint="curve")
            for x, y in points:
                draw.ellipse([x - 7 * SCALE, y - 7 * SCALE, x + 7 * SCALE, y + 7 * SCALE], fill=colour)
    target_points = [(left + slot * (i + 0.5), y_of(v)) for i, v in enumerate(chart.target) if v is not None]
    for (x0, y0), (x1, y1) in zip(target_points, target_points[1:], strict=False):
        steps = 12
        for j in range(0, steps, 2):
            a, b = j / steps, (j + 1) / steps
            draw.line(
                [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                fill="black",
                width=2 * SCALE,
            )

    # Legend under the axis labels.
    entries = [(name, PALETTE[s % len(PALETTE)]) for s, (name, _) in enumerate(chart.series)]
    if chart.target:
        entries.append(("Chỉ tiêu", "black"))
    x, y = left, h - 55 * SCALE
    for name, colour in entries:
        draw.rectangle([x, y - 10 * SCALE, x + 24 * SCALE, y + 10 * SCALE], fill=colour)
        draw.text((x + 32 * SCALE, y), name, fill="black", font=label_font, anchor="lm")
        x += 32 * SCALE + draw.textlength(name, font=label_font) + 40 * SCALE

    img = img.resize((chart.width_px, chart.height_px), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()
