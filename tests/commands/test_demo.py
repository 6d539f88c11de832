"""kunnan demo: a sample ledger a new user can look at straight away."""

from __future__ import annotations

from pathlib import Path

from tests.support import invoke


def test_demo_builds_a_register_and_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    first = invoke(["demo", "--db", str(path)])
    assert first.exit_code == 0, first.stderr
    assert "吴新明" in first.stdout and "白银磷肥厂工会" in first.stdout
    assert f"built a sample ledger with 8 households at {path}" in first.stderr
    again = invoke(["demo", "--db", str(path)])
    assert again.exit_code == 5
    assert "--force" in again.stderr
    forced = invoke(["demo", "--db", str(path), "--force"])
    assert forced.exit_code == 0
    households = invoke(["--db", str(path), "household", "list", "-f", "json"]).json()
    assert len(households) == 8
    assert {h["status"] for h in households} == {"candidate"}
    members = invoke(["--db", str(path), "household", "show", "H000008", "-f", "json"]).json()
    assert [m["relation"] for m in members["members"]] == ["head", "spouse", "child", "child"]


def test_demo_zh_titles_the_register_in_chinese(tmp_path: Path) -> None:
    result = invoke(["--lang", "zh", "demo", "--db", str(tmp_path / "d.sqlite")])
    assert "白银市困难职工登记" in result.stdout
    assert "候选" in result.stdout
