"""The language: chosen from --lang, KUNNAN_LANG or the locale, and spoken everywhere."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from kunnan.cli import app, commands_of
from kunnan.i18n import UnknownLanguage, choose, normalise
from kunnan.ui.wrap import wrap_cells
from tests.catalog import english_words
from tests.support import Ledger, invoke

#: The language's places, one after the other (None: unset).
PLAIN = {"KUNNAN_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        (None, {}, "en"),
        ("zh", {}, "zh"),
        ("en", {"KUNNAN_LANG": "zh"}, "en"),
        (None, {"KUNNAN_LANG": "zh_CN"}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
        (None, {"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),
        (None, {"KUNNAN_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    ],
)
def test_the_language_comes_from_the_option_then_kunnan_lang_then_the_locale(
    option: str | None, environ: dict[str, str], expected: str
) -> None:
    assert choose(option, environ) == expected


def test_a_language_kunnan_does_not_speak_is_refused() -> None:
    assert normalise("zh-Hans") == normalise("中文") == "zh"
    with pytest.raises(UnknownLanguage):
        normalise("fr")


def test_the_locale_makes_the_whole_command_line_chinese(cli: Ledger) -> None:
    english = cli.fails("household", "show", "H999999", code=4, env=PLAIN)
    chinese = cli.fails("household", "show", "H999999", code=4, env=PLAIN | {"LANG": "zh_CN.UTF-8"})
    assert english.stderr.startswith("error: ")
    assert chinese.stderr.startswith("错误：") and "H999999" in chinese.stderr
    assert english_words(chinese.stderr) == []
    assert "用法：" in invoke(["household", "--help"], env=PLAIN | {"KUNNAN_LANG": "zh"}).stdout
    assert "Usage:" in invoke(["--lang", "en", "household", "--help"], env=PLAIN).stdout


def test_a_bad_language_is_one_line_and_exit_3() -> None:
    result = invoke(["--lang", "fr", "household", "list"], env=PLAIN)
    assert result.exit_code == 3
    assert result.stderr == "error: --lang must be en or zh, not 'fr'\n"
    result = invoke(["household", "list"], env=PLAIN | {"KUNNAN_LANG": "klingon"})
    assert result.exit_code == 3 and "klingon" in result.stderr


def test_usage_errors_speak_chinese() -> None:
    cases = [
        (["household", "show"], "缺少参数"),
        (["household", "list", "--nope"], "没有这个选项"),
        (["household", "nope1"], "没有"),
        (["household", "list", "--limit", "x"], "的值不对"),
    ]
    for args, words in cases:
        result = invoke(["--lang", "zh", *args], env=PLAIN)
        assert result.exit_code == 2, result.stderr
        assert words in result.stderr and result.stderr.startswith("错误：")
        assert english_words(result.stderr) == [], result.stderr


def all_commands() -> list[str]:
    return [path for path, _ in commands_of(app)]


def test_every_option_says_what_it_takes_in_both_languages() -> None:
    for language in ("en", "zh"):
        for path in all_commands():
            shown = invoke(["--lang", language, *path.split()[1:], "--help"], env=PLAIN)
            for line in shown.stdout.splitlines():
                assert "<str>" not in line and "<int>" not in line and "<list" not in line, line
            usage = shown.stdout.splitlines()[0]
            assert "{" not in usage, usage


def test_chinese_is_wrapped_between_characters_never_inside_a_word() -> None:
    text = "按七步识别家庭：一进、二看、三算、四议、五评、六公示、七确认，用 --program golden-autumn 选项目。"
    lines = wrap_cells(text, 20)
    assert all(cell_len(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert any("golden-autumn" in line for line in lines)
    assert not any(line.startswith(("，", "。", "、")) for line in lines)


def test_a_closing_sign_takes_the_word_before_it_to_the_next_line() -> None:
    assert wrap_cells("甲乙丙丁戊己庚辛壬癸、子丑", 20) == ["甲乙丙丁戊己庚辛壬", "癸、子丑"]
    lines = wrap_cells("失业：unemployed（失业）、retired（退休）", 24)
    assert lines == ["失业：unemployed（失", "业）、retired（退休）"]
    assert wrap_cells("、、、、、、", 4) == ["、、、、、、"]  # nothing to carry: it hangs over


def test_an_opening_sign_goes_to_the_next_line_with_what_it_opens() -> None:
    assert wrap_cells("registered as marginal (低保边缘户)", 24) == [
        "registered as marginal",
        "(低保边缘户)",
    ]


def test_two_arguments_in_a_chinese_usage_line_stay_apart() -> None:
    shown = invoke(["--lang", "zh", "aid", "repay", "--help"], env=PLAIN)
    assert shown.stdout.splitlines()[0] == "用法：kunnan aid repay [选项] 借款编号 元"


def test_every_help_page_speaks_chinese_and_fits_80_columns() -> None:
    """The whole command tree under zh: no English left but codes, slugs and options, no line
    wider than the terminal, and every option saying what it takes."""
    untranslated: dict[str, list[str]] = {}
    wide: dict[str, str] = {}
    for path in all_commands():
        args = path.split()[1:]
        shown = invoke(["--lang", "zh", *args, "--help"], env=PLAIN | {"COLUMNS": "80"})
        assert shown.exit_code == 0, (path, shown.stderr)
        page = shown.stdout
        prose = "\n".join(
            line for line in page.splitlines() if not line.strip().startswith("kunnan ")
        )
        words = english_words(prose)
        if words:
            untranslated[path] = words
        for line in page.splitlines():
            if cell_len(line) > 80 and not line.strip().startswith("kunnan "):
                wide[path] = line
        assert "<str>" not in page and "<list" not in page and "{" not in page.split("\n")[0]
    assert untranslated == {}
    assert wide == {}
    assert len(all_commands()) > 120  # the whole tree was walked
