"""Server-rendered horizontal bar charts as inline SVG (no script, no CDN, no inline styles, so
the site's Content-Security-Policy holds). Labels are escaped."""
from __future__ import annotations

from markupsafe import Markup, escape

from rongtong.core.plugin import format_number

ROW = 22
LABEL_W = 180
BAR_W = 320
VALUE_W = 80


def bars(items: list[tuple[str, float | None]], *, maximum: float | None = None, percent: bool = False,
         title: str = "") -> Markup:
    """``items``: (label, value) pairs; None values are drawn as "–". ``percent``: values are
    0–1 rates shown as percentages."""
    values = [v for _, v in items if v is not None]
    top = maximum if maximum is not None else (max(values) if values else 0) or 1
    height = ROW * max(len(items), 1) + 8
    width = LABEL_W + BAR_W + VALUE_W
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="rt-chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">', f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(items):
        y = 4 + i * ROW
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(str(label))[:40]}</text>')
        if value is None:
            shown, w = "–", 0
        else:
            w = round(BAR_W * max(0.0, min(float(value) / top, 1.0)))
            shown = f"{float(value) * 100:.1f}%" if percent else format_number(value)
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{w}" height="{ROW - 8}" fill="#3b7ddd"/>')
        parts.append(f'<text x="{LABEL_W + w + 4}" y="{y + 15}" font-size="12">{escape(shown)}</text>')
    if not items:
        parts.append(f'<text x="{LABEL_W}" y="18" font-size="12">–</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
