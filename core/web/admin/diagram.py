"""A workflow drawn as an inline SVG, server-side (issue 11 §5): no JavaScript, nothing fetched.

:func:`workflow_svg` stacks one box per step, in order, labelled with the step's title and its time
limit in working days (DB1302 5.4.1), between a "filed" start and a "completed" end. Solid arrows
are the advances: straight down to the next step, or curving round the right side for a branch
(``next``) that skips or goes back; dashed arrows, round the left side, are the returns
(``returns_to``). Presentation attributes only (the site's CSP allows no inline ``style``).
"""
from __future__ import annotations

from markupsafe import Markup, escape

from rongtong.core.i18n import _
from rongtong.core.workflow import ADVANCE, RETURN

BOX_W, BOX_H, GAP = 240, 52, 36  # a step's box and the space between two boxes
TERM_H = 30  # the start and end markers
LANE = 16  # horizontal room per span of a curved arrow
TITLE_ROOM = BOX_W - 24  # pixels a box's title may take (with its number) before it is cut with "…"
MARGIN = 24
SPREAD = 8  # a return leaves this far below the box's middle and arrives this far above


def _width(ch: str) -> float:
    """Roughly how wide a character is drawn, in pixels at the diagram's bold 13px: a CJK character
    is a full em, a Latin one a little more than half of it."""
    return 13.0 if ord(ch) >= 0x2E80 else 7.6


def _cut(text: str) -> str:
    """``text`` cut with "…" so that it fits in a box."""
    if sum(map(_width, text)) <= TITLE_ROOM:
        return text
    out, used = "", _width("…")
    for ch in text:
        used += _width(ch)
        if used > TITLE_ROOM:
            break
        out += ch
    return out.rstrip() + "…"


def edges(workflow) -> tuple[list[tuple[int, int | None]], list[tuple[int, int]]]:
    """``(advances, returns)`` as pairs of step indexes; an advance to ``None`` completes the request."""
    index = {s.key: i for i, s in enumerate(workflow.steps)}
    advances, returns = [], []
    for i, step in enumerate(workflow.steps):
        if ADVANCE in step.outcomes:
            targets = workflow.next_of(step.key)
            advances += [(i, index[t]) for t in targets] or [(i, None)]
        if RETURN in step.outcomes:
            returns += [(i, index[t]) for t in workflow.returns_of(step.key)]
    return advances, returns


def workflow_svg(workflow, lang: str = "zh_Hans_CN", id_prefix: str = "rt-wf") -> Markup:
    """The SVG of ``workflow`` (a :class:`core.workflow.Workflow`), ready to put in a page."""
    id_prefix = str(escape(id_prefix))
    steps = workflow.steps
    advances, returns = edges(workflow)
    end = len(steps)  # the end marker sits where a next box would
    spans = [abs(b - a) for a, b in returns] or [0]
    # a curved advance always goes round the right; its span counts the end marker as a row
    branch_spans = [abs((end if b is None else b) - a) for a, b in advances
                    if (end if b is None else b) != a + 1] or [0]
    left = MARGIN + LANE * (max(spans) + 1)
    width = left + BOX_W + MARGIN + LANE * (max(branch_spans) + 1)
    cx = left + BOX_W / 2

    def top(i: int) -> float:  # top of row i (row -1: the start marker; row len(steps): the end)
        return MARGIN + TERM_H + GAP + i * (BOX_H + GAP)

    def mid(i: int) -> float:
        return top(i) + (TERM_H if i == end else BOX_H) / 2

    height = top(end) + TERM_H + MARGIN
    arrow, back = f"{id_prefix}-arrow", f"{id_prefix}-back"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="rt-diagram" id="{id_prefix}" role="img" '
           f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
           f'font-family="sans-serif" font-size="13">',
           Markup("<title>{}</title>").format(_("Workflow of %(title)s", title=workflow.label(lang))),
           f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#343a40"/></marker>'
           f'<marker id="{back}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b02a37"/></marker></defs>']

    def terminal(y: float, text: str, cls: str) -> None:
        out.append(f'<rect class="{cls}" x="{cx - 60:g}" y="{y:g}" width="120" height="{TERM_H}" rx="15" '
                   f'fill="#e9ecef" stroke="#6c757d"/>')
        out.append(Markup('<text x="{:g}" y="{:g}" text-anchor="middle" dominant-baseline="middle">{}</text>')
                   .format(cx, y + TERM_H / 2, text))

    terminal(MARGIN, _("Request filed"), "rt-start")
    out.append(f'<line x1="{cx:g}" y1="{MARGIN + TERM_H:g}" x2="{cx:g}" y2="{top(0):g}" stroke="#343a40" '
               f'marker-end="url(#{arrow})"/>')
    for i, step in enumerate(steps):
        y = top(i)
        out.append(Markup('<g class="rt-step" data-step="{}">').format(step.key))
        out.append(f'<rect x="{left:g}" y="{y:g}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#ffffff" '
                   f'stroke="#0d6efd" stroke-width="1.5"/>')
        out.append(Markup('<text x="{:g}" y="{:g}" text-anchor="middle" font-weight="bold">{}</text>')
                   .format(cx, y + 21, _cut(f"{i + 1}. {step.label(lang)}")))
        out.append(Markup('<text x="{:g}" y="{:g}" text-anchor="middle" fill="#495057">{}</text>')
                   .format(cx, y + 40, _("%(n)s working days", n=step.time_limit_days)))
        out.append(Markup("</g>"))
    terminal(top(end), _("Completed"), "rt-end")

    right = left + BOX_W
    for a, b in advances:
        target = end if b is None else b
        if target == a + 1:  # straight down
            out.append(f'<line class="rt-advance" x1="{cx:g}" y1="{top(a) + BOX_H:g}" x2="{cx:g}" y2="{top(target):g}" '
                       f'stroke="#343a40" marker-end="url(#{arrow})"/>')
            continue
        x = right if b is not None else cx + 60
        reach = right + LANE * (abs(target - a) + 1)
        out.append(f'<path class="rt-advance rt-branch" d="M{right:g},{mid(a):g} C{reach:g},{mid(a):g} {reach:g},'
                   f'{mid(target):g} {x:g},{mid(target):g}" fill="none" stroke="#343a40" marker-end="url(#{arrow})"/>')
    for a, b in returns:  # leave a box below its middle, arrive above it: the ends never meet
        reach = left - LANE * (abs(a - b) + 1)
        y0, y1 = mid(a) + SPREAD, mid(b) - SPREAD
        out.append(f'<path class="rt-return" d="M{left:g},{y0:g} C{reach:g},{y0:g} {reach:g},{y1:g} '
                   f'{left:g},{y1:g}" fill="none" stroke="#b02a37" stroke-dasharray="5 4" '
                   f'marker-end="url(#{back})"/>')
    out.append("</svg>")
    return Markup("").join(Markup(p) if not isinstance(p, Markup) else p for p in out)
