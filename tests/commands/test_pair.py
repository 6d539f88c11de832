"""结对帮扶 through the command line: pairing archived households, reassigning with history,
contact visits, a caseworker's load, and every refusal."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BAIYIN, ledger_fixture
from tests.support import Ledger, archived_household, make_id

PHONE = "13893005678"
OTHER_PHONE = "13893006789"


def _build_paired(baiyin: Ledger) -> None:
    """Baiyin with one archived household, H000001 (吴新民, 白银磷肥厂工会), paired since 2018-05-02."""
    baiyin.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    archived_household(baiyin, "吴新民", 11, "phosphate")
    baiyin.ok("pair", "assign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明",
              "--phone", PHONE, "--on", "2018-05-02")  # fmt: skip


paired = ledger_fixture(*BAIYIN, ("test_pair.paired", _build_paired))


def test_a_paired_household_shows_its_unit_contact_and_next_visit(paired: Ledger) -> None:
    rows = paired.ok("pair", "list", "-f", "json").rows()
    assert len(rows) == 1
    row = rows[0]
    assert (row["code"], row["unit"], row["unit_code"], row["contact"], row["status"]) == (
        "H000001", "华鹭铝业公司", "aluminium-unit", "李发明", "active",
    )  # fmt: skip
    assert row["contact_phone"] == "138****5678"
    assert (row["started_on"], row["visits"], row["last_visit_on"]) == ("2018-05-02", 0, None)
    assert row["next_visit_due"] == "2018-07-31"  # 90 days after pairing
    assert row["visit_overdue"] is True


def test_visits_are_logged_with_what_was_solved(paired: Ledger) -> None:
    out = paired.ok("pair", "visit", "H000001", "--kind", "入户走访", "--note", "送去米面油",
                    "--solved", "联系学校减免学费", "--on", "2018-06-10")  # fmt: skip
    assert "home visit by 李发明 on 2018-06-10" in out.stderr
    paired.ok("pair", "visit", "H000001", "--by", "王芳", "--kind", "phone", "--note", "电话询问病情",
              "--on", "2018-07-01")  # fmt: skip
    shown = paired.ok("pair", "show", "H000001", "-f", "json").json()
    assert shown["visits"] == [
        {"visited_on": "2018-06-10", "kind": "home", "visitor": "李发明", "contact": "李发明",
         "unit": "华鹭铝业公司", "note": "送去米面油", "solved": "联系学校减免学费"},
        {"visited_on": "2018-07-01", "kind": "phone", "visitor": "王芳", "contact": "李发明",
         "unit": "华鹭铝业公司", "note": "电话询问病情", "solved": None},
    ]  # fmt: skip
    row = paired.ok("pair", "list", "-f", "json").rows()[0]
    assert (row["visits"], row["last_visit_on"], row["next_visit_due"]) == (
        2, "2018-07-01", "2018-09-29",
    )  # fmt: skip
    table = paired.ok("--lang", "zh", "pair", "show", "H000001").stdout
    assert "入户走访" in table and "电话联系" in table and "帮扶中" in table
    csv_lines = paired.ok("pair", "show", "H000001", "-f", "csv").stdout.splitlines()
    assert csv_lines[0] == "visited_on,kind,visitor,contact,unit,note,solved"
    assert len(csv_lines) == 3


def test_reassigning_keeps_the_old_pairing_and_its_visits_as_history(paired: Ledger) -> None:
    paired.ok("pair", "visit", "H000001", "--note", "入户了解情况", "--on", "2018-06-10")
    out = paired.ok("pair", "reassign", "H000001", "--unit", "phosphate", "--contact", "张清满",
                    "--phone", OTHER_PHONE, "--reason", "李发明调离", "--on", "2018-08-01")  # fmt: skip
    assert "李发明's pairing ended on 2018-08-01" in out.stderr
    assert "张清满 (138****6789)" in out.stderr
    current = paired.ok("pair", "list", "-f", "json").rows()
    assert [(r["contact"], r["started_on"]) for r in current] == [("张清满", "2018-08-01")]
    history = paired.ok("pair", "show", "H000001", "-f", "json").json()
    assert [
        (p["contact"], p["status"], p["started_on"], p["ended_on"], p["end_reason"], p["visits"])
        for p in history["pairings"]
    ] == [
        ("李发明", "ended", "2018-05-02", "2018-08-01", "李发明调离", 1),
        ("张清满", "active", "2018-08-01", None, None, 0),
    ]
    assert history["visits"][0]["contact"] == "李发明"
    everything = paired.ok("pair", "list", "--all", "-f", "json").rows()
    assert [r["status"] for r in everything] == ["ended", "active"]
    assert "已结束" in paired.ok("--lang", "zh", "pair", "list", "--all").stdout
    entry = paired.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert (entry["action"], entry["entity"]) == ("reassign", "pairing")
    assert entry["changes"]["phone"] == ["138****5678", "138****6789"]
    assert entry["changes"]["contact"] == ["李发明", "张清满"]


def test_ending_a_pairing_leaves_the_household_unpaired(paired: Ledger) -> None:
    out = paired.ok("pair", "end", "H000001", "--reason", "责任单位撤销", "--on", "2018-09-01")
    assert "pairing with 李发明 ended on 2018-09-01" in out.stderr
    assert paired.ok("pair", "list", "-f", "json").rows() == []
    unpaired = paired.ok("review", "unpaired", "-f", "json").rows()
    assert [(r["code"], r["unpaired_since"], r["last_contact"]) for r in unpaired] == [
        ("H000001", "2018-09-01", "李发明")
    ]
    paired.ok("pair", "assign", "H000001", "--unit", "baiyin-qu", "--contact", "王芳",
              "--phone", OTHER_PHONE, "--on", "2018-09-05")  # fmt: skip
    assert paired.ok("review", "unpaired", "-f", "json").rows() == []


def test_a_contact_person_carries_many_households_and_pair_list_shows_the_load(
    paired: Ledger,
) -> None:
    archived_household(paired, "王志民", 131, "baiyin-qu")
    archived_household(paired, "赵兰英", 132, "phosphate")
    for code in ("H000002", "H000003"):
        paired.ok("pair", "assign", code, "--unit", "aluminium-unit", "--contact", "李发明",
                  "--phone", PHONE, "--on", "2018-05-10")  # fmt: skip
    paired.ok("pair", "reassign", "H000003", "--unit", "phosphate", "--contact", "张清满",
              "--phone", OTHER_PHONE, "--on", "2018-06-01")  # fmt: skip
    paired.ok("pair", "visit", "H000002", "--note", "走访", "--on", "2018-06-02")
    load = paired.ok("pair", "list", "--contact", "李发明", "-f", "json")
    assert [r["code"] for r in load.rows()] == ["H000001", "H000002"]
    assert "李发明 is the contact person of 2 households" in load.stderr
    assert {r["contact_phone"] for r in load.rows()} == {"138****5678"}
    by_unit = paired.ok("pair", "list", "--unit", "phosphate", "-f", "json").rows()
    assert [r["code"] for r in by_unit] == ["H000003"]
    under_county = paired.ok("pair", "list", "--unit", "baiyin-qu", "-f", "json").rows()
    assert len(under_county) == 3  # units under the county union count as its units
    by_union = paired.ok("pair", "list", "--org", "phosphate", "-f", "json").rows()
    assert [r["code"] for r in by_union] == ["H000001", "H000003"]
    csv_text = paired.ok("pair", "list", "--contact", "李发明", "-f", "csv").stdout
    assert csv_text.splitlines()[0].startswith("code,archive_no,head_name,org,unit,unit_code")
    assert PHONE not in csv_text and "138****5678" in csv_text
    table = paired.ok("--lang", "zh", "pair", "list", "--contact", "李发明").stdout
    assert "联系人" in table and "责任单位" in table and PHONE not in table


def test_contact_phones_are_masked_unless_revealed_and_revealing_is_audited(
    paired: Ledger,
) -> None:
    for args in (["pair", "list"], ["pair", "show", "H000001"], ["audit", "list"]):
        for output in ("table", "json", "csv"):
            assert PHONE not in paired.ok(*args, "-f", output).stdout
    assert PHONE not in paired.snapshot()["audit_log"].__repr__()
    revealed = paired.ok("pair", "list", "--reveal", "--why", "核对联系方式", "-f", "json").rows()
    assert revealed[0]["contact_phone"] == PHONE
    entry = paired.ok("audit", "list", "-f", "json", "--limit", "1").rows()[0]
    assert (entry["action"], entry["changes"]) == (
        "reveal", {"contacts": ["李发明"], "why": "核对联系方式"},
    )  # fmt: skip


def test_pairing_a_candidate_is_refused(baiyin: Ledger) -> None:
    baiyin.ok("household", "add", "--name", "王志民", "--id-number", make_id(sequence=131),
              "--org", "baiyin-qu")  # fmt: skip
    before = baiyin.snapshot()
    refused = baiyin.fails("pair", "assign", "H000001", "--unit", "aluminium-unit",
                           "--contact", "李发明", "--phone", PHONE, code=6)  # fmt: skip
    assert "H000001 is candidate (候选); only archived households are paired" in refused.stderr
    assert "kunnan identify status H000001" in refused.stderr
    assert baiyin.snapshot() == before


def test_a_second_pairing_is_refused_with_a_pointer_to_reassign(paired: Ledger) -> None:
    before = paired.snapshot()
    refused = paired.fails("pair", "assign", "H000001", "--unit", "phosphate", "--contact",
                           "张清满", "--phone", OTHER_PHONE, code=5)  # fmt: skip
    assert "H000001 is already paired with 华鹭铝业公司 (李发明) since 2018-05-02" in refused.stderr
    assert "kunnan pair reassign H000001" in refused.stderr
    assert paired.snapshot() == before


def test_a_visit_to_an_unpaired_household_is_refused(baiyin: Ledger) -> None:
    baiyin.ok("policy", "set-line", "--area", "620402", "--year", "2018", "--amount", "520")
    archived_household(baiyin, "吴新民", 11, "phosphate")
    before = baiyin.snapshot()
    refused = baiyin.fails("pair", "visit", "H000001", "--note", "走访", code=6)
    assert "H000001 is not paired" in refused.stderr
    assert "kunnan pair assign H000001" in refused.stderr
    assert baiyin.snapshot() == before


@pytest.mark.parametrize(
    ("attempt", "code", "message"),
    [
        (["pair", "visit", "H000001", "--note", "走访", "--on", "2018-05-01"], 6,
         "H000001 was not paired on 2018-05-01"),
        (["pair", "visit", "H000001", "--note", "  "], 3, "--note: note must not be empty"),
        (["pair", "visit", "H000001", "--note", "x", "--kind", "letter"], 3, "unknown visit kind 'letter'"),
        (["pair", "visit", "H000001", "--note", "x", "--on", "2099-01-01"], 3, "in the future"),
        (["pair", "reassign", "H000001", "--unit", "phosphate", "--contact", "张清满", "--phone",
          OTHER_PHONE, "--on", "2018-05-01"], 6, "paired since 2018-05-02; a reassignment on 2018-05-01"),
        (["pair", "reassign", "H000001", "--unit", "aluminium-unit", "--contact", "李发明", "--phone",
          PHONE], 3, "nothing to change"),
        (["pair", "end", "H000001", "--reason", "x", "--on", "2018-05-01"], 6, "ending it on 2018-05-01"),
        (["pair", "end", "H000001", "--reason", " "], 3, "--reason must not be empty"),
        (["pair", "end", "H000002", "--reason", "x"], 4, "no household H000002"),
        (["pair", "reassign", "H000001", "--unit", "nowhere", "--contact", "张清满", "--phone",
          OTHER_PHONE], 4, "no organisation 'nowhere'"),
        (["pair", "reassign", "H000001", "--unit", "phosphate", "--contact", "张清满", "--phone",
          "12345"], 3, "--phone: '12345' is not a mobile number"),
        (["pair", "reassign", "H000001", "--unit", "phosphate", "--contact", "张3", "--phone",
          OTHER_PHONE], 3, "--contact: name '张3' contains '3'"),
    ],
)  # fmt: skip
def test_each_pairing_refusal_says_why_and_writes_nothing(
    paired: Ledger, attempt: list[str], code: int, message: str
) -> None:
    before = paired.snapshot()
    refused = paired.fails(*attempt, code=code)
    assert message in refused.stderr
    assert paired.snapshot() == before


def test_pairings_cannot_be_dated_before_archiving_or_overlap_the_last_one(paired: Ledger) -> None:
    paired.ok("pair", "visit", "H000001", "--note", "走访", "--on", "2018-06-10")
    before = paired.snapshot()
    late = paired.fails("pair", "end", "H000001", "--reason", "x", "--on", "2018-06-01", code=6)
    assert "李发明 visited H000001 on 2018-06-10" in late.stderr
    assert paired.snapshot() == before
    paired.ok("pair", "end", "H000001", "--reason", "撤销", "--on", "2018-07-01")
    before = paired.snapshot()
    overlap = paired.fails("pair", "assign", "H000001", "--unit", "phosphate", "--contact",
                           "张清满", "--phone", OTHER_PHONE, "--on", "2018-06-20", code=6)  # fmt: skip
    assert "H000001 was paired until 2018-07-01" in overlap.stderr
    early = paired.fails("pair", "assign", "H000001", "--unit", "phosphate", "--contact",
                         "张清满", "--phone", OTHER_PHONE, "--on", "2018-04-15", code=6)  # fmt: skip
    assert "archived on 2018-04-16" in early.stderr
    unpaired_end = paired.fails("pair", "end", "H000001", "--reason", "x", code=6)
    assert "H000001 is not paired, so there is no pairing to end" in unpaired_end.stderr
    unpaired_move = paired.fails("pair", "reassign", "H000001", "--unit", "phosphate",
                                 "--contact", "张清满", "--phone", OTHER_PHONE, code=6)  # fmt: skip
    assert "nothing to reassign" in unpaired_move.stderr
    assert paired.snapshot() == before


def test_every_pairing_change_is_in_the_audit_log(paired: Ledger) -> None:
    paired.ok("pair", "visit", "H000001", "--note", "走访", "--on", "2018-06-10")
    paired.ok("pair", "end", "H000001", "--reason", "撤销", "--on", "2018-07-01")
    entries = paired.ok("audit", "list", "--household", "H000001", "-f", "json").rows()
    pairing_entries = [e for e in entries if e["entity"] in ("pairing", "pair_visit")]
    assert [(e["entity"], e["action"]) for e in reversed(pairing_entries)] == [
        ("pairing", "create"), ("pair_visit", "create"), ("pairing", "end"),
    ]  # fmt: skip
    created = pairing_entries[-1]["changes"]
    assert created == {"unit": "aluminium-unit", "contact": "李发明", "phone": "138****5678",
                       "on": "2018-05-02"}  # fmt: skip
    assert json.dumps(entries, ensure_ascii=False).count(PHONE) == 0
