"""HTML pages: the dashboard, and public notices; self-contained, inline CSS and SVG, no script.

Everything a page shows comes in already computed (the dashboard as the
model ``kunnan.ui.dashboard`` shows in the terminal too); this module only
lays it out. Text is escaped; nothing is fetched when the page is opened, so
it works offline and can be mailed or printed (A4) as it is.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kunnan.i18n import CATALOGS, translate
from kunnan.ui.checkpoint import Pinned, notice_line, qr_svg, report_line, scan_line
from kunnan.ui.columns import Column, page_value
from kunnan.ui.dashboard import Dashboard
from kunnan.ui.reports import with_total_label

PALETTE = ("#b83b3b", "#d98b3a", "#4f7cac", "#5b9a68", "#8a6fb0", "#c4687f", "#6d8f9c", "#a3a35a")

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
       "PingFang SC", sans-serif; color: #222; margin: 0; background: #f5f3ef; }
main { max-width: 190mm; margin: 0 auto; padding: 10mm 6mm; background: #fff; }
header { border-bottom: 3px solid #b83b3b; padding-bottom: 4mm; margin-bottom: 6mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; color: #8f2424; }
.sub { color: #555; font-size: 10pt; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 4mm; margin-bottom: 6mm; }
svg { width: 100%; height: auto; display: block; margin-bottom: 2mm; }
.card { border: 1px solid #e3d8cc; border-radius: 3mm; padding: 3mm 4mm; background: #fffaf3; }
.card .label { font-size: 9pt; color: #6b5a4a; }
.card .value { font-size: 18pt; font-weight: 700; color: #8f2424; margin-top: 1mm; }
.card .note { font-size: 8pt; color: #7a7a7a; }
section { break-inside: avoid; margin-bottom: 6mm; }
h2 { font-size: 12pt; margin: 0 0 2mm; color: #333; border-left: 4px solid #d98b3a; padding-left: 2mm; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 6mm; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { padding: 1.2mm 2mm; border-bottom: 1px solid #eee; text-align: left; }
th { background: #f3ede6; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; border-top: 1.5px solid #999; }
svg text { font-size: 11px; fill: #333; }
footer { margin-top: 8mm; font-size: 8pt; color: #777; border-top: 1px solid #ddd; padding-top: 2mm; }
footer code { font-size: 7.5pt; word-break: break-all; }
footer .checkpoint { margin-top: 3mm; }
@media print { body { background: #fff; } main { padding: 0; max-width: none; } }
"""


#: The checkpoint block at the foot of either page: the QR code beside its sentence.
CHECKPOINT_CSS = """
.checkpoint { display: flex; gap: 4mm; align-items: center; break-inside: avoid; }
.checkpoint svg.qr { width: 40mm; height: 40mm; flex: none; margin: 0; shape-rendering: crispEdges; }
.checkpoint p { font-size: 9pt; line-height: 1.6; text-indent: 0; margin: 0; word-break: break-all; }
"""


def _page_language(lang: str) -> str:
    """The page's ``lang`` attribute: the language's locale as HTML spells it (``zh-CN``)."""
    return CATALOGS.get(lang, lang).replace("_", "-")


def table(
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
    total: Mapping[str, Any] | None,
    *,
    lang: str,
) -> str:
    """A table with its header, and its total row (bold, ruled) when there is one."""
    head = "".join(
        f'<th class="{"n" if c.numeric else ""}">{html.escape(c.header(lang))}</th>'
        for c in columns
    )
    body = [f"<tr>{_cells(columns, row, lang)}</tr>" for row in rows]
    if total:
        body.append(f'<tr class="total">{_cells(columns, total, lang)}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cells(columns: Sequence[Column], row: Mapping[str, Any], lang: str) -> str:
    return "".join(
        f'<td class="{"n" if c.numeric else ""}">'
        f"{html.escape(page_value(c, row.get(c.key), lang=lang))}</td>"
        for c in columns
    )


def bar_chart(items: Sequence[tuple[str, int, str]], *, width: int = 340) -> str:
    """A horizontal bar chart as inline SVG: (label, value, value as shown) per bar."""
    row_height, label_width, value_width = 22, 110, 90
    bar_space = width - label_width - value_width
    largest = max((value for _, value, _ in items), default=0)
    height = row_height * len(items) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
    ]
    for index, (label, value, shown) in enumerate(items):
        y = 3 + index * row_height
        length = 0 if largest <= 0 else max(round(bar_space * value / largest), 1 if value else 0)
        color = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row_height - 8}" '
            f'rx="2" fill="{color}"/>'
            f'<text x="{label_width + length + 4}" y="{y + 15}">{html.escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str = ""


def page(
    *,
    title: str,
    subtitle: str,
    cards: Sequence[Card],
    sections: Sequence[tuple[str, str]],
    footer: str,
    lang: str,
) -> str:
    """The whole document; ``sections`` are (heading, inner HTML) pairs laid out two by two."""
    card_html = "".join(
        f'<div class="card"><div class="label">{html.escape(c.label)}</div>'
        f'<div class="value">{html.escape(c.value)}</div>'
        f'<div class="note">{html.escape(c.note)}</div></div>'
        for c in cards
    )
    blocks = [f"<section><h2>{html.escape(h)}</h2>{inner}</section>" for h, inner in sections]
    pairs = [
        f'<div class="pair">{"".join(blocks[i : i + 2])}</div>' for i in range(0, len(blocks), 2)
    ]
    return (
        f'<!DOCTYPE html><html lang="{_page_language(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}{CHECKPOINT_CSS}</style></head><body><main>"
        f'<header><h1>{html.escape(title)}</h1><div class="sub">{html.escape(subtitle)}</div></header>'
        f'<div class="cards">{card_html}</div>{"".join(pairs)}'
        f"<footer>{footer}</footer></main></body></html>\n"
    )


def checkpoint_block(line: str, pinned: Pinned, lang: str) -> str:
    """The checkpoint a page pins: the QR code of its signed note, and beside it ``line``
    (which names it) and what the code is for."""
    return (
        f'<div class="checkpoint">{qr_svg(pinned.note)}'
        f"<p>{html.escape(line)}<br>{html.escape(scan_line(lang))}</p></div>"
    )


def dashboard_page(dashboard: Dashboard) -> str:
    """The dashboard as one page: the cards, then the sections two by two, each a chart over
    its table, and at the foot when it was made, the aid ledger's head and the latest
    checkpoint of the ledger's log (with its QR code), when it has one."""
    import datetime as dt

    lang = dashboard.lang
    sections = []
    for section in dashboard.sections:
        layout = section.page
        if layout is None:
            continue
        total = section.total
        chart = bar_chart(layout.bars) if layout.bars is not None else ""
        shown_total = None if total is None else with_total_label(total, layout.columns, lang)
        sections.append(
            (layout.title, chart + table(layout.columns, section.rows, shown_total, lang=lang))
        )
    generated = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    count, chain_hash = dashboard.chain
    made = html.escape(
        translate(
            "Generated by kunnan on {generated}. Aid ledger head: entry {count}, hash {hash}", lang
        )
    ).format(generated=generated, count=count, hash=f"<code>{html.escape(chain_hash)}</code>")
    pinned = dashboard.checkpoint
    if pinned is not None:
        made += checkpoint_block(report_line(pinned, lang), pinned, lang)
    return page(
        title=dashboard.page_title,
        subtitle=dashboard.subtitle,
        cards=[
            Card(card.page, card.value, card.note)
            for card in dashboard.cards
            if card.page is not None
        ],
        sections=sections,
        footer=made,
        lang=lang,
    )


NOTICE_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
       "PingFang SC", sans-serif; color: #111; margin: 0 auto; max-width: 182mm; padding: 8mm 0; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.2em; margin: 0 0 6mm; }
p { font-size: 11pt; line-height: 1.7; text-indent: 2em; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; margin: 4mm 0 6mm; }
th, td { border: 1px solid #333; padding: 1.6mm 2mm; text-align: center; }
th { background: #f0f0f0; }
.sign { text-align: right; margin-top: 10mm; line-height: 1.9; }
.checkpoint { margin-top: 10mm; border-top: 1px solid #999; padding-top: 3mm; color: #333; }
"""


def notice_page(
    *,
    title: str,
    paragraphs: Sequence[str],
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    signature: Sequence[str],
    lang: str,
    pinned: Pinned | None = None,
) -> str:
    """A public notice to print and post: a title, the text, the list, who posts it, and
    under them the ledger's checkpoint it was made from (with its QR code), when given."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    sign = "<br>".join(html.escape(line) for line in signature)
    foot = "" if pinned is None else checkpoint_block(notice_line(pinned, lang), pinned, lang)
    return (
        f'<!DOCTYPE html><html lang="{_page_language(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{NOTICE_CSS}{CHECKPOINT_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{text}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        f'</table><div class="sign">{sign}</div>{foot}</body></html>\n'
    )  # fmt: skip
