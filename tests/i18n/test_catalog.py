"""The Chinese catalog: complete, used, faithful to its placeholders, and Chinese."""

from __future__ import annotations

import gettext
import io
import string
from pathlib import Path

import pytest

from kunnan.i18n import catalog, translate
from kunnan.i18n.po import Entry, catalog_path, compile_mo, read_po, write_po
from tests.catalog import english_words, messages

ENTRIES = read_po(catalog_path("zh_CN"))
MESSAGES = [entry for entry in ENTRIES if entry.msgid]


def fields(text: str) -> list[str]:
    return sorted(
        f"{name}!{conversion or ''}:{spec or ''}"
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def translation(entry: Entry) -> str:
    return entry.msgstr or entry.msgstr_plural.get(0, "")


def test_the_catalog_is_written_as_its_writer_writes_it() -> None:
    path = catalog_path("zh_CN")
    assert write_po(ENTRIES) == path.read_text(encoding="utf-8"), "run make catalog"
    header = ENTRIES[0]
    assert header.msgid == "" and "charset=UTF-8" in header.msgstr
    assert "nplurals=1" in header.msgstr


def test_no_message_is_in_the_catalog_twice() -> None:
    keys = [entry.key for entry in ENTRIES]
    assert sorted({key for key in keys if keys.count(key) > 1}) == []


def test_every_entry_is_translated_and_used() -> None:
    used = messages()
    assert [entry.msgid for entry in MESSAGES if not entry.translated] == []
    assert [entry.msgid for entry in MESSAGES if entry.key not in used] == []
    assert len(MESSAGES) > 1500


def test_translations_keep_every_placeholder() -> None:
    """A translation fills in what its message fills in (it may leave out what Chinese does not
    say, as "visit (一进)" becomes "一进"), and nothing else."""
    wrong = [
        (entry.msgid, entry.msgstr)
        for entry in MESSAGES
        if not set(fields(translation(entry))) <= set(fields(entry.msgid))
    ]
    assert wrong == []


def test_translations_are_chinese() -> None:
    """A translation has Chinese in it (unless its message has no words: ``{code}: {detail}``)
    and no English words but codes, slugs, options and names of formats."""
    english = {
        entry.msgid: english_words(translation(entry))
        for entry in MESSAGES
        if english_words(translation(entry))
    }
    assert english == {}
    wordless = [
        entry.msgid
        for entry in MESSAGES
        if not any("\u4e00" <= ch <= "\u9fff" for ch in translation(entry))
        and len(english_words(entry.msgid)) > 1
    ]
    assert wordless == []


def test_the_checker_finds_english_left_in_chinese() -> None:
    assert english_words("household not found") == ["not", "found"]
    assert english_words("家庭 {code} 不存在") == []
    assert english_words("用 kunnan household add --name 张三 添加；类别 dibao（低保户）") == []
    assert english_words("金额 golden-autumn 的标准") == []
    assert english_words("资金 is overdrawn") == ["is", "overdrawn"]


def test_a_compiled_catalog_is_read_by_gettext() -> None:
    entries = [
        ENTRIES[0],
        Entry(msgid="Code", msgstr="编号"),
        Entry(msgid="dibao", msgstr="低保户", msgctxt="category"),
        Entry(msgid="{n} row", msgid_plural="{n} rows", msgstr_plural={0: "{n} 行"}),
        Entry(msgid="untranslated"),
    ]
    found = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
    assert found.gettext("Code") == "编号"
    assert found.pgettext("category", "dibao") == "低保户"
    assert found.gettext("dibao") == "dibao"
    assert found.ngettext("{n} row", "{n} rows", 5) == "{n} 行"
    assert found.gettext("untranslated") == "untranslated"


def test_a_po_file_survives_reading_and_writing(tmp_path: Path) -> None:
    entries = [
        Entry(msgid="", msgstr="Content-Type: text/plain; charset=UTF-8\n"),
        Entry(msgid='say "hi"\\now', msgstr="说「你好」", comments=["a note"]),
        Entry(msgid="two\nlines\n", msgstr="两\n行\n", msgctxt="ctx"),
        Entry(msgid="{n} row", msgid_plural="{n} rows", msgstr_plural={0: "{n} 行"}),
    ]
    text = write_po(entries)
    path = tmp_path / "x.po"
    path.write_text(text, encoding="utf-8")
    again = read_po(path)
    assert [(e.key, e.msgstr, e.msgid_plural, e.msgstr_plural) for e in again] == [
        (e.key, e.msgstr, e.msgid_plural, e.msgstr_plural) for e in entries
    ]


def test_a_broken_po_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr unquoted\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.po line 5"):
        read_po(path)


def test_labels_and_headers_come_from_the_catalog() -> None:
    from kunnan.domain.enums import Category, PipelineStage, Step
    from kunnan.ui.columns import HOUSEHOLD_CODE

    assert Category.MARGINAL.label("zh") == "低保边缘户" == Category.parse("低保边缘户").zh
    assert Category.MARGINAL.label("en") == "marginal"
    assert PipelineStage.VISIT.label("zh") == Step.VISIT.zh == "一进"
    assert HOUSEHOLD_CODE.header("zh") != HOUSEHOLD_CODE.header("en")
    assert translate("Code", "zh") == catalog("zh").gettext("Code")


def test_every_message_kunnan_shows_is_in_the_catalog() -> None:
    known = {entry.key for entry in ENTRIES}
    missing = sorted(
        f"{found.key[1][:60]!r} ({found.where[0]})"
        for key, found in messages().items()
        if key not in known
    )
    assert missing == [], "run make catalog and translate the new entries"
