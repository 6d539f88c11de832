"""Shell completion: the script for each shell, and codes completed from the ledger."""

from __future__ import annotations

from pathlib import Path

from tests.support import Ledger, invoke, make_id


def complete(ledger: Ledger | None, words: str) -> list[str]:
    """What zsh is offered for the last word of ``words`` (completed by the real CLI)."""
    db = f"--db {ledger.url} " if ledger is not None else ""
    result = invoke(
        [],
        env={"_KUNNAN_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": f"kunnan {db}{words}"},
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if "((" not in out:
        return []
    inside = out[out.index("((") + 2 : out.rindex("))")]
    return [part.strip().strip('"').split(":")[0] for part in inside.split("\n") if part.strip()]


def test_household_fund_and_union_codes_come_from_the_ledger(cli: Ledger) -> None:
    cli.ok(
        "org",
        "add",
        "--code",
        "baiyin",
        "--name",
        "白银市总工会",
        "--kind",
        "city",
        "--area",
        "620400",
    )
    cli.ok("org", "add", "--code", "baiyin-qu", "--name", "白银区总工会", "--kind", "county",
           "--parent", "baiyin", "--area", "620402")  # fmt: skip
    for number, name in enumerate("赵钱孙李周吴郑王冯陈褚卫", start=1):
        cli.ok("household", "add", "--name", f"{name}建国", "--org", "baiyin-qu",
               "--id-number", make_id(sequence=number), "--on", "2018-01-02")  # fmt: skip
    cli.ok("fund", "add", "--name", "金秋助学资金", "--source", "donation", "--year", "2018")
    assert complete(cli, "household show H00001") == ["H000010", "H000011", "H000012"]
    assert complete(cli, "household show H0000") == [f"H{n:06d}" for n in range(1, 13)]
    assert complete(cli, "household show H000009") == ["H000009"]
    assert complete(cli, "household show X") == []
    assert complete(cli, "aid grant H000001 --fund F") == ["F001"]
    assert complete(cli, "household list --org baiyin-") == ["baiyin-qu"]
    assert "golden-autumn" in complete(cli, "aid grant H000001 --program gol")


def test_choices_complete_without_a_ledger_and_a_missing_ledger_offers_nothing() -> None:
    assert complete(None, "household list --category m") == ["marginal"]
    assert complete(None, "household add --cause ill") == ["illness"]
    result = invoke([], env={"_KUNNAN_COMPLETE": "complete_zsh",
                             "_TYPER_COMPLETE_ARGS": "kunnan --db /nonexistent/x.db household show H0"})  # fmt: skip
    assert result.exit_code == 0 and result.stderr == "" and "H0" not in result.stdout


def test_the_completion_script_is_shown_for_the_shell() -> None:
    result = invoke(["--show-completion"])
    assert result.exit_code == 0, result.stderr
    assert "_KUNNAN_COMPLETE" in result.stdout and "kunnan" in result.stdout


def test_completion_is_installed_for_bash_and_says_so_in_chinese(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = invoke(["--lang", "zh", "--install-completion", "bash"], env=env)
    assert result.exit_code == 0, result.stderr
    script = tmp_path / ".bash_completions" / "kunnan.sh"
    assert "_KUNNAN_COMPLETE" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()
    assert result.stdout.splitlines() == [f"已为 bash 安装命令补全：{script}", "重新打开终端后生效"]
