"""kunnan notice: the masked list posted for a public notice (公示), as HTML, CSV or Excel."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kunnan.commands.options import (
    ForceOption,
    ledger,
    output_file,
    parse_on,
    parse_optional_date,
    state,
    text_option,
    whole_number,
)
from kunnan.domain.enums import Category
from kunnan.domain.errors import InvalidInput
from kunnan.domain.text import SHORT_TEXT_MAX
from kunnan.ui.console import note

if TYPE_CHECKING:
    from kunnan.files import OutputFile
    from kunnan.services.notice import NoticeLine

app = typer.Typer(
    help="Public notices (公示): the masked lists posted on the wall.", no_args_is_help=True
)


class NoticeFormat(StrEnum):
    HTML = "html"
    CSV = "csv"
    XLSX = "xlsx"


def _headers(aid: bool, zh: bool) -> list[str]:
    if zh:
        middle = ["帮扶项目", "金额（元）"] if aid else ["困难类别"]
        return ["序号", "姓名", "所属工会", *middle, "家庭人口", "其中14岁以下", "公示期"]
    middle = ["Programme", "Amount (yuan)"] if aid else ["Category"]
    return ["No.", "Name", "Union", *middle, "People", "Under 14", "Notice period"]


def _cells(number: int, line: NoticeLine, aid: bool, zh: bool) -> list[str]:
    from kunnan.domain.money import format_fen

    if aid:
        middle = [line.program or "", format_fen(line.amount_fen or 0)]
    else:
        category = Category(line.category).label("zh" if zh else "en") if line.category else ""
        middle = [category]
    period = f"{line.notice_from.isoformat()} – {line.notice_until.isoformat()}"
    return [
        str(number),
        line.name,
        line.org,
        *middle,
        str(line.people),
        str(line.children_under_14),
        period,
    ]


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch", help="The notice batch: households whose notice began on this date."
        ),
    ] = None,
    households: Annotated[
        str | None,
        typer.Option(
            "--households", help="Households by code, comma-separated (their latest notice)."
        ),
    ] = None,
    aid: Annotated[
        bool, typer.Option("--aid", help="A notice of aid given (with --program and --year).")
    ] = False,
    program: Annotated[
        str | None, typer.Option("--program", help="With --aid: the programme.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", parser=whole_number(least=1949, most=2200), help="With --aid: the year."
        ),
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", help="With --aid: first day of the notice (default today)."),
    ] = None,
    days: Annotated[
        int,
        typer.Option(
            "--days",
            parser=whole_number(least=1, most=366),
            help="With --aid: notice length in days.",
        ),
    ] = 7,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this union and those under it.")
    ] = None,
    place: Annotated[
        str | None, typer.Option("--place", help="Who posts it (shown under the list).")
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", help="Where to send objections (an office and its phone)."),
    ] = None,
    output_format: Annotated[
        NoticeFormat | None,
        typer.Option("--format", "-f", help="html, csv or xlsx (default: from the file name)."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write the list for a public notice: masked names, union, category (or programme and amount).

    Only whitelisted fields are written: never ID numbers, phones, addresses,
    incomes, illnesses, or children's names (children under 14 are counted).

    Example:

    \b
        kunnan --lang zh notice export --batch 2018-04-09 -o 公示.html --contact "市总工会帮扶中心 0943-8221234"
        kunnan notice export --aid --program golden-autumn --year 2018 --from 2018-09-10 -o 金秋助学公示.xlsx
    """
    from kunnan.files import check
    from kunnan.services.notice import aid_notice, identification_notice
    from kunnan.store.orgs import find_org

    chosen = output_format or _format_of(out)
    target = output_file(ctx, out, force=force)
    check(target)  # before the ledger is read
    zh = state(ctx).lang == "zh"
    place = text_option(place, "--place", max_length=SHORT_TEXT_MAX)
    contact = text_option(contact, "--contact", max_length=SHORT_TEXT_MAX)
    refs = [ref.strip() for ref in (households or "").replace("，", ",").split(",") if ref.strip()]
    if aid and (program is None or year is None):
        raise InvalidInput("--aid needs --program and --year")
    if not aid and (batch is None) == (not refs):
        raise InvalidInput("give either --batch DATE or --households HH,HH (or --aid)")
    with ledger(ctx, write=False) as session:
        scope = find_org(session, org) if org else None
        if aid:
            assert program is not None and year is not None
            start = parse_on(from_, option="--from", allow_future=True)
            lines = aid_notice(
                session, program=program, year=year, start=start, days=days, org=scope
            )
        else:
            day = parse_optional_date(batch, option="--batch")
            lines = identification_notice(session, batch=day, households=refs or None, org=scope)
    if not lines:
        raise InvalidInput("nothing to post: no household matches this notice")
    _write(target, chosen, lines, aid=aid, zh=zh, place=place, contact=contact)
    note(f"wrote a notice of {len(lines)} {'entries' if aid else 'households'} to {out}")


def _format_of(path: Path) -> NoticeFormat:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("htm", "html"):
        return NoticeFormat.HTML
    if suffix in ("csv", "xlsx"):
        return NoticeFormat(suffix)
    raise InvalidInput(f"say --format html, csv or xlsx (cannot tell from '{path.name}')")


def _write(
    out: OutputFile,
    chosen: NoticeFormat,
    lines: list[NoticeLine],
    *,
    aid: bool,
    zh: bool,
    place: str | None,
    contact: str | None,
) -> None:
    from kunnan.files import write_atomically
    from kunnan.sheets.write import csv_file, xlsx_file

    headers = _headers(aid, zh)
    rows = [_cells(number, line, aid, zh) for number, line in enumerate(lines, start=1)]
    if chosen is NoticeFormat.CSV:
        with csv_file(out) as sheet:
            sheet.row(headers)
            for row in rows:
                sheet.row(row)
        return
    if chosen is NoticeFormat.XLSX:
        with xlsx_file(out) as book:
            sheet = book.sheet("公示" if zh else "Notice", text_columns=range(len(headers)))
            sheet.row(headers)
            for row in rows:
                sheet.row(row)
        return
    from kunnan.ui.html import notice_page

    first = min(line.notice_from for line in lines)
    last = max(line.notice_until for line in lines)
    if zh:
        title = "帮扶资金发放公示" if aid else "困难职工建档公示"
        paragraphs = [
            (
                "根据困难职工帮扶有关规定，现将以下帮扶资金发放情况予以公示。"
                if aid
                else "根据困难职工精准识别“一进二看三算四议五评六公示七确认”工作程序，经入户走访、核算、"
                "工会委员会研究和职工代表评议，拟将以下家庭纳入困难职工档案，现予以公示。"
            ),
            f"公示期：{first.isoformat()} 至 {last.isoformat()}。如有异议，请在公示期内向"
            f"{contact or '所属工会'}反映。",
        ]
    else:
        title = "Notice of aid given" if aid else "Notice of households to be archived"
        paragraphs = [
            (
                "The following aid is posted for public notice."
                if aid
                else "After the home visit, inspection, income calculation, the committee's decision and the "
                "workers' representatives' appraisal, the following households are to be archived."
            ),
            f"Notice period: {first.isoformat()} to {last.isoformat()}. Objections during the notice to "
            f"{contact or 'the union'}.",
        ]
    page = notice_page(
        title=title,
        paragraphs=paragraphs,
        headers=headers,
        rows=rows,
        signature=[place or "", last.isoformat()],
        lang="zh" if zh else "en",
    )
    with write_atomically(out) as temporary:
        temporary.write_text(page, encoding="utf-8")
