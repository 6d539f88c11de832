"""The event log: every change an event, signed checkpoints, inclusion proofs checked offline,
and the level above as witness refusing a rollback or a fork (kunnan ledger, kunnan witness)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from kunnan.domain.merkle import inclusion_holds, leaf_hash
from kunnan.domain.note import open_note, parse_checkpoint, parse_verifier_key
from tests.aid_support import sql
from tests.conftest import SEEDED, ledger_fixture
from tests.support import Ledger

seeded_log = ledger_fixture(*SEEDED)


@pytest.fixture
def upper(empty_database: Ledger) -> Ledger:
    """Another ledger beside the test's: the union above, as witness."""
    empty_database.ok("init")
    return empty_database


def _keyed(ledger: Ledger, origin: str = "kunnan/白银市总工会") -> str:
    """Give the ledger its checkpoint key; its verifier key."""
    return ledger.ok("ledger", "key", "--origin", origin).stdout.strip()


def _checkpoint(ledger: Ledger) -> dict[str, object]:
    return dict(ledger.ok("ledger", "checkpoint", "-f", "json").json())


def _household(ledger: Ledger, name: str, sequence: int) -> None:
    from tests.support import make_id

    ledger.ok("household", "add", "--name", name, "--id-number", make_id(sequence=sequence),
              "--org", "phosphate", "--cause", "illness", "--on", "2018-02-01")  # fmt: skip


def _drop_log_guard(ledger: Ledger) -> None:
    if ledger.backend == "postgresql":
        sql(ledger, "ALTER TABLE log_entry DISABLE TRIGGER log_entry_append_only")
    else:
        sql(ledger, "DROP TRIGGER log_entry_no_update")
        sql(ledger, "DROP TRIGGER log_entry_no_delete")


def _log_problems(ledger: Ledger) -> list[tuple[str, str]]:
    result = ledger.run("db", "verify", "-f", "json")
    assert result.exit_code == 1, result.stderr
    return [(p["ref"], p["message"]) for p in result.rows() if p["check"] == "log"]


# --- the log -------------------------------------------------------------------------------


def test_every_write_is_logged_and_the_log_verifies(seeded_log: Ledger) -> None:
    before = seeded_log.ok("ledger", "show", "-f", "json").json()["size"]
    assert before > 0  # the seeded ledger's rows, logged at its first write
    _household(seeded_log, "李四", 12)
    after = seeded_log.ok("ledger", "show", "-f", "json").json()["size"]
    # the household, its head member, its cause, its status and the audit row at least
    assert after >= before + 4
    events = sql(
        seeded_log,
        "SELECT table_name FROM log_entry WHERE leaf_index >= :n ORDER BY leaf_index",
        n=before,
    )
    assert {"household", "member", "audit_log"} <= {row[0] for row in events}
    indices = [row[0] for row in sql(seeded_log, "SELECT leaf_index FROM log_entry ORDER BY 1")]
    assert indices == list(range(after))
    assert "ledger checks passed" in seeded_log.ok("db", "verify").stderr


def test_the_log_carries_no_personal_data(seeded_log: Ledger) -> None:
    _household(seeded_log, "李四", 12)
    rows = sql(seeded_log, "SELECT table_name, row_key FROM log_entry")
    text = json.dumps([list(row) for row in rows], ensure_ascii=False)
    assert "李四" not in text and "张三" not in text


def test_a_row_changed_or_an_event_rewritten_outside_kunnan_is_named(seeded_log: Ledger) -> None:
    sql(seeded_log, "UPDATE org SET name = '假工会' WHERE code = 'phosphate'")
    org_id = sql(seeded_log, "SELECT id FROM org WHERE code = 'phosphate'")[0][0]
    problems = _log_problems(seeded_log)
    assert (f"org {org_id}", "was changed outside kunnan: it is not as its latest event "
            "records it") in problems  # fmt: skip
    _drop_log_guard(seeded_log)
    sql(seeded_log, "UPDATE log_entry SET row_key = '999' WHERE leaf_index = 0")
    assert any(
        ref == "event 0" and "no longer hashes to its leaf" in message
        for ref, message in _log_problems(seeded_log)
    )


def test_deleted_events_are_a_gap(seeded_log: Ledger) -> None:
    _drop_log_guard(seeded_log)
    sql(seeded_log, "DELETE FROM log_entry WHERE leaf_index IN (1, 2)")
    problems = _log_problems(seeded_log)
    assert any(ref == "event 3" and "events 1 to 2 were deleted" in m for ref, m in problems)


# --- checkpoints and proofs ----------------------------------------------------------------


def test_a_checkpoint_is_a_signed_note_in_the_c2sp_format(seeded_log: Ledger) -> None:
    verifier = _keyed(seeded_log)
    name, public = parse_verifier_key(verifier)
    assert name == "kunnan/白银市总工会"
    made = _checkpoint(seeded_log)
    note = str(made["note"])
    body = open_note(note, name, public)
    lines = body.split("\n")
    assert lines[0] == "kunnan/白银市总工会"
    assert int(lines[1]) == made["size"]
    assert base64.b64decode(lines[2]) == base64.b64decode(str(made["root"]))
    assert note.startswith(body + "\n— kunnan/白银市总工会 ")
    assert parse_checkpoint(body).size == made["size"]
    # nothing written since: the same checkpoint again
    again = _checkpoint(seeded_log)
    assert again["note"] == note and again["new"] is False
    assert "ledger checks passed" in seeded_log.ok("db", "verify").stderr


def test_a_checkpoint_needs_the_ledgers_key(seeded_log: Ledger) -> None:
    before = seeded_log.snapshot()
    result = seeded_log.fails("ledger", "checkpoint", code=6)
    assert "kunnan ledger key" in result.stderr
    seeded_log.fails("ledger", "key", "--origin", "有 空格", code=3)
    assert seeded_log.snapshot() == before


def test_a_proof_is_checked_offline_with_the_verifier_key_alone(
    seeded_log: Ledger, tmp_path: Path
) -> None:
    verifier = _keyed(seeded_log)
    seeded_log.ok("household", "edit", "H000001", "--address", "白银区人民路12号")
    made = _checkpoint(seeded_log)
    proof = tmp_path / "proof.json"
    seeded_log.ok("ledger", "prove", "H000001", "-o", str(proof))
    document = json.loads(proof.read_text())
    assert len(document["events"]) >= 2  # registered, then edited
    assert "张三" not in proof.read_text() and "人民路" not in proof.read_text()
    for event in document["events"]:  # an independent RFC 6962 check of each path
        data = base64.b64decode(event["data"])
        path = [base64.b64decode(h) for h in event["proof"]]
        root = base64.b64decode(str(made["root"]))
        assert inclusion_holds(event["index"], int(str(made["size"])), leaf_hash(data), path, root)
    checked = seeded_log.ok("ledger", "check-proof", str(proof), "--key", verifier, "-f", "json")
    assert checked.json()["ok"] is True
    assert "are in ledger kunnan/白银市总工会" in checked.stderr
    # a changed path, another key, another record's events: all refused
    event = document["events"][0]
    event["proof"][0] = base64.b64encode(bytes(32)).decode()
    proof.write_text(json.dumps(document))
    bad = seeded_log.run("ledger", "check-proof", str(proof), "--key", verifier)
    assert bad.exit_code == 1 and "DOES NOT HOLD" in bad.stdout
    other = parse_verifier_key(verifier)[0]
    seeded_log.fails("ledger", "check-proof", str(proof), "--key", f"{other}+00000000+AAAA", code=3)


def test_a_record_written_after_the_checkpoint_waits_for_the_next(seeded_log: Ledger) -> None:
    _keyed(seeded_log)
    _checkpoint(seeded_log)
    _household(seeded_log, "李四", 12)
    seeded_log.fails("ledger", "prove", "H000002", code=4)
    _checkpoint(seeded_log)
    seeded_log.ok("ledger", "prove", "H000002")
    seeded_log.fails("ledger", "prove", "X1", code=3)


def test_a_log_rewritten_under_a_checkpoint_is_reported(seeded_log: Ledger) -> None:
    _keyed(seeded_log)
    made = _checkpoint(seeded_log)
    _drop_log_guard(seeded_log)
    size = int(str(made["size"]))
    sql(seeded_log, "DELETE FROM log_entry WHERE leaf_index >= :n", n=size - 2)
    problems = _log_problems(seeded_log)
    assert any(ref == f"checkpoint {size}" and "were deleted" in m for ref, m in problems)


# --- the witness ---------------------------------------------------------------------------


def _bundle(lower: Ledger, since: int, path: Path) -> Path:
    lower.ok("ledger", "checkpoint", "--since", str(since), "-o", str(path), "--force")
    return path


def test_a_witness_holds_checkpoints_that_extend_and_refuses_a_rollback(
    seeded_log: Ledger, upper: Ledger, tmp_path: Path
) -> None:
    lower = seeded_log
    verifier = _keyed(lower, "kunnan/白银区总工会")
    upper.ok("witness", "add", verifier)
    upper.fails("witness", "add", verifier, code=5)
    first = _bundle(lower, 0, tmp_path / "first.json")
    upper.ok("witness", "update", str(first))
    held = upper.ok("witness", "show", "-f", "json").json()["rows"][0]
    size = held["size"]
    _household(lower, "李四", 12)
    second = _bundle(lower, size, tmp_path / "second.json")
    assert "checkpoint held" in upper.ok("witness", "update", str(second)).stderr
    now = upper.ok("witness", "show", "-f", "json").json()["rows"][0]
    assert now["size"] > size and now["evidence"] == 0
    # the old checkpoint again: a rollback, refused and kept as evidence
    refused = upper.fails("witness", "update", str(first), code=5)
    assert "went back" in refused.stderr
    evidence = upper.ok("witness", "show", "kunnan/白银区总工会", "-f", "json").json()["rows"]
    assert [(e["kind"], e["held_size"], e["offered_size"]) for e in evidence] == [
        ("rollback", now["size"], size)
    ]
    assert "ledger checks passed" in upper.ok("db", "verify").stderr


def test_a_rewritten_log_with_a_fresh_tree_is_a_fork_to_the_witness(
    seeded_log: Ledger, upper: Ledger, tmp_path: Path
) -> None:
    lower = seeded_log
    upper.ok("witness", "add", _keyed(lower, "kunnan/白银区总工会"))
    upper.ok("witness", "update", str(_bundle(lower, 0, tmp_path / "b.json")))
    held = upper.ok("witness", "show", "-f", "json").json()["rows"][0]["size"]
    # someone with the database and the ledger's key rewrites the last events and signs a
    # fresh, self-consistent tree over the new history
    _drop_log_guard(lower)
    sql(lower, "DELETE FROM log_entry WHERE leaf_index >= :n", n=held - 3)
    _household(lower, "王五", 13)
    _household(lower, "赵六", 14)
    new = int(str(_checkpoint(lower)["size"]))
    assert new > held
    refused = upper.fails("witness", "update", str(_bundle(lower, held, tmp_path / "f.json")),
                          code=5)  # fmt: skip
    assert "forked" in refused.stderr
    kinds = upper.ok("witness", "show", "kunnan/白银区总工会", "-f", "json").json()["rows"]
    assert [k["kind"] for k in kinds] == ["fork"]


def test_a_checkpoint_from_another_key_is_refused_without_evidence(
    seeded_log: Ledger, upper: Ledger, tmp_path: Path
) -> None:
    lower = seeded_log
    upper.ok("witness", "add", _keyed(lower, "kunnan/白银区总工会"))
    _keyed(lower, "kunnan/白银区总工会")  # a new key the witness was not given
    bundle = _bundle(lower, 0, tmp_path / "b.json")
    before = upper.snapshot()
    upper.fails("witness", "update", str(bundle), code=3)
    assert upper.snapshot() == before


def test_the_return_sent_up_carries_the_checkpoint_the_witness_holds(
    seeded_log: Ledger, upper: Ledger, tmp_path: Path
) -> None:
    lower = seeded_log
    early = tmp_path / "没有检查点.xlsx"
    lower.ok("--lang", "zh", "export", "upstream", "--year", "2018", "-o", str(early))
    upper.ok("witness", "add", _keyed(lower, "kunnan/白银区总工会"))
    upper.fails("witness", "update", str(early), code=3)
    first = _checkpoint(lower)
    january = tmp_path / "一月.xlsx"
    lower.ok("--lang", "zh", "export", "upstream", "--year", "2018", "-o", str(january))
    upper.ok("witness", "update", str(january))
    _household(lower, "李四", 12)
    _checkpoint(lower)
    _household(lower, "王五", 13)
    latest = _checkpoint(lower)
    february = tmp_path / "return.xlsx"
    lower.ok("export", "upstream", "--year", "2018", "-o", str(february))  # in English
    assert "checkpoint held" in upper.ok("witness", "update", str(february)).stderr
    held = upper.ok("witness", "show", "-f", "json").json()["rows"][0]
    assert held["size"] == latest["size"] > int(str(first["size"]))
    # the January return again is a rollback now
    assert "went back" in upper.fails("witness", "update", str(january), code=5).stderr


def test_ledger_verify_checks_the_log_too(seeded_log: Ledger) -> None:
    assert seeded_log.ok("ledger", "verify").exit_code == 0
    sql(seeded_log, "UPDATE org SET name = '假工会' WHERE code = 'phosphate'")
    result = seeded_log.run("ledger", "verify")
    assert result.exit_code == 1
    assert "was changed outside kunnan: it is not as its latest event records it" in result.stdout


def test_personal_data_enters_the_log_only_as_keyed_digests(seeded_log: Ledger) -> None:
    from sqlalchemy import create_engine, select, text

    from kunnan.domain.signing import row_digest
    from kunnan.models import Base

    url = seeded_log.url if "://" in seeded_log.url else f"sqlite:///{seeded_log.url}"
    from tests.support import pg_admin_url

    engine = create_engine(pg_admin_url(url))
    try:
        with engine.connect() as connection:
            table = Base.metadata.tables["member"]  # typed, as kunnan reads it
            member = dict(connection.execute(select(table)).mappings().one())
            (secret,) = connection.execute(text("SELECT secret FROM ledger_secret")).one()
            (digest,) = connection.execute(
                text(
                    "SELECT digest FROM log_entry WHERE table_name = 'member' "
                    "ORDER BY leaf_index DESC"
                )
            ).first() or (None,)
    finally:
        engine.dispose()
    key = str(member["id"])
    # guessing the ID number against the event's digest needs the ledger's own secret
    assert bytes(digest) != row_digest("member", key, member)
    assert bytes(digest) == row_digest("member", key, member, secret=bytes(secret))
    other = {**member, "id_number": "620402197803150021"}
    assert row_digest("member", key, other, secret=bytes(secret)) != bytes(digest)
    # a secret changed by hand shows as every personal row changed
    sql(seeded_log, "UPDATE ledger_secret SET secret = :zero", zero=bytes(32))
    assert (f"member {key}", "was changed outside kunnan: it is not as its latest event "
            "records it") in _log_problems(seeded_log)  # fmt: skip


def test_check_proof_refuses_a_truncated_checkpoint_and_a_proof_for_another_size(
    seeded_log: Ledger, tmp_path: Path
) -> None:
    verifier = _keyed(seeded_log)
    _checkpoint(seeded_log)
    proof = tmp_path / "proof.json"
    seeded_log.ok("ledger", "prove", "H000001", "-o", str(proof))
    good = json.loads(proof.read_text())

    def checked(document: dict[str, object], code: int) -> str:
        proof.write_text(json.dumps(document))
        result = seeded_log.run("ledger", "check-proof", str(proof), "--key", verifier)
        assert result.exit_code == code, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
        return result.stdout + result.stderr

    note = str(good["checkpoint"])
    checked({**good, "checkpoint": note[: len(note) // 2]}, 3)  # a truncated checkpoint
    checked({**good, "checkpoint": note.replace("\n", "\n\n", 1)}, 3)  # malformed
    # the same path claimed for another tree size: the note's size is signed, so say the
    # event is elsewhere instead
    moved = json.loads(json.dumps(good))
    moved["events"][0]["index"] += 1
    assert "DOES NOT HOLD" in checked(moved, 1)
    short = json.loads(json.dumps(good))
    short["events"][0]["proof"] = short["events"][0]["proof"][:-1]
    assert "DOES NOT HOLD" in checked(short, 1)
    checked({**good, "events": "nothing"}, 3)
    checked({**good, "format": "kunnan-proof/9"}, 3)
    proof.write_text("{")
    seeded_log.fails("ledger", "check-proof", str(proof), "--key", verifier, code=3)
