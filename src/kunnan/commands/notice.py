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
from kunnan.i18n import _, p_
from kunnan.ui.console import note

if TYPE_CHECKING:
    from kunnan.files import OutputFile
    from kunnan.services.log import PostedCheckpoint
    from kunnan.services.notice import NoticeLine

app = typer.Typer(
    help="Public notices (公示): the masked lists posted on the wall.", no_args_is_help=True
)


class NoticeFormat(StrEnum):
    HTML = "html"
    CSV = "csv"
    XLSX = "xlsx"


def _headers(aid: bool) -> list[str]:
    """The list's headers, in the language of the notice."""
    if aid:
        middle = [p_("notice", "Programme"), p_("notice", "Amount (yuan)")]
    else:
        middle = [p_("notice", "Category")]
    return [
        p_("notice", "No."),
        p_("notice", "Name"),
        p_("notice", "Union"),
        *middle,
        p_("notice", "People"),
        p_("notice", "Under 14"),
        p_("notice", "Notice period"),
    ]


def _cells(number: int, line: NoticeLine, aid: bool, lang: str) -> list[str]:
    from kunnan.domain.money import format_fen

    if aid:
        middle = [line.program or "", format_fen(line.amount_fen or 0)]
    else:
        category = Category(line.category).label(lang) if line.category else ""
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
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="CSV files: utf-8-sig (the default: UTF-8 with a byte-order mark, as Excel "
            "wants it), gb18030 (older Chinese Excel) or utf-8 (for programs).",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write the list for a public notice: masked names, union, category (or programme and amount).

    Only whitelisted fields are written: never ID numbers, phones, addresses,
    incomes, illnesses, or children's names (children under 14 are counted).
    Under the list: the ledger's latest checkpoint, with its QR code on a page.

    Example:

    \b
        kunnan --lang zh notice export --batch 2018-04-09 -o 公示.html --contact "市总工会帮扶中心 0943-8221234"
        kunnan notice export --aid --program golden-autumn --year 2018 --from 2018-09-10 -o 金秋助学公示.xlsx
    """
    from kunnan.files import check
    from kunnan.services.log import posted_checkpoint
    from kunnan.services.notice import aid_notice, identification_notice
    from kunnan.store.operators import scoped_org
    from kunnan.ui.checkpoint import since_note

    chosen = output_format or _format_of(out)
    from kunnan.sheets.write import file_encoding

    written = file_encoding(encoding, chosen.value)
    target = output_file(ctx, out, force=force)
    check(target)  # before the ledger is read
    place = text_option(place, "--place", max_length=SHORT_TEXT_MAX)
    contact = text_option(contact, "--contact", max_length=SHORT_TEXT_MAX)
    refs = [ref.strip() for ref in (households or "").replace("，", ",").split(",") if ref.strip()]
    if aid and (program is None or year is None):
        raise InvalidInput(_("--aid needs --program and --year"))
    if not aid and (batch is None) == (not refs):
        raise InvalidInput(_("give either --batch DATE or --households HH,HH (or --aid)"))
    with ledger(ctx, write=False) as session:
        scope = scoped_org(session, org)
        if aid:
            assert program is not None and year is not None
            start = parse_on(from_, option="--from", allow_future=True)
            lines = aid_notice(
                session, program=program, year=year, start=start, days=days, org=scope
            )
        else:
            day = parse_optional_date(batch, option="--batch")
            lines = identification_notice(session, batch=day, households=refs or None, org=scope)
        pinned = posted_checkpoint(session)
    if not lines:
        raise InvalidInput(_("nothing to post: no household matches this notice"))
    _write(
        target,
        chosen,
        lines,
        aid=aid,
        lang=state(ctx).lang,
        place=place,
        contact=contact,
        encoding=written,
        pinned=pinned,
    )
    if aid:
        written = _("wrote a notice of {n} entries to {path}", n=len(lines), path=out)
    else:
        written = _("wrote a notice of {n} households to {path}", n=len(lines), path=out)
    note(written)
    unsigned = since_note(pinned) if pinned is not None else None
    if unsigned is not None:
        note(unsigned)


def _checkpoint_rows(pinned: PostedCheckpoint, lang: str) -> list[list[str]]:
    """A notice file's last rows: a blank one, the sentence naming the checkpoint, and the
    signed note whole in the cell after its label."""
    from kunnan.ui.checkpoint import note_label, notice_line

    return [[], [notice_line(pinned, lang)], [note_label(lang), pinned.note]]


def _format_of(path: Path) -> NoticeFormat:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("htm", "html"):
        return NoticeFormat.HTML
    if suffix in ("csv", "xlsx"):
        return NoticeFormat(suffix)
    raise InvalidInput(
        _("say --format html, csv or xlsx (cannot tell from '{name}')", name=path.name)
    )


def _write(
    out: OutputFile,
    chosen: NoticeFormat,
    lines: list[NoticeLine],
    *,
    aid: bool,
    lang: str,
    place: str | None,
    contact: str | None,
    encoding: str,
    pinned: PostedCheckpoint | None,
) -> None:
    from kunnan.files import write_atomically
    from kunnan.sheets.write import TEXT_FORMAT, csv_file, fitted, xlsx_file

    headers = _headers(aid)
    rows = [_cells(number, line, aid, lang) for number, line in enumerate(lines, start=1)]
    # Under the list, as text: the checkpoint it was made from, then its whole signed note in
    # one cell, to copy. The columns are fitted to the list, not to these.
    footer = _checkpoint_rows(pinned, lang) if pinned is not None else []
    if chosen is NoticeFormat.CSV:
        with csv_file(out, encoding=encoding) as sheet:
            sheet.row(headers)
            for row in [*rows, *footer]:
                sheet.row(row)
        return
    if chosen is NoticeFormat.XLSX:
        with xlsx_file(out) as book:
            layout = fitted(headers, rows, [TEXT_FORMAT] * len(headers))
            sheet = book.sheet(p_("sheet", "Notice"), layout)
            for row in [*rows, *footer]:
                sheet.row(row)
        return
    from kunnan.ui.html import notice_page

    first = min(line.notice_from for line in lines)
    last = max(line.notice_until for line in lines)
    if aid:
        title = _("Notice of aid given")
        purpose = _("The following aid is posted for public notice.")
    else:
        title = _("Notice of households to be archived")
        purpose = _(
            "After the home visit, inspection, income calculation, the committee's decision and "
            "the workers' representatives' appraisal, the following households are to be archived."
        )
    period = _(
        "Notice period: {first} to {last}. Objections during the notice to {contact}.",
        first=first.isoformat(),
        last=last.isoformat(),
        contact=contact or _("the union"),
    )
    paragraphs = [purpose, period]
    page = notice_page(
        title=title,
        paragraphs=paragraphs,
        headers=headers,
        rows=rows,
        signature=[place or "", last.isoformat()],
        lang=lang,
        pinned=pinned,
    )
    with write_atomically(out) as temporary:
        temporary.write_text(page, encoding="utf-8")
