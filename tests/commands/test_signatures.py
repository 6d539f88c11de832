"""Every write signed by its operator's key, and every change outside kunnan found by db verify."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.aid_support import sql
from tests.conftest import SEEDED, ledger_fixture
from tests.support import Ledger

CASEWORK = ("household", "contact", "H000001", "--by", "phone", "--outcome", "reached")


def _staff(cli: Ledger) -> None:
    cli.ok("operator", "add", "王丽", "--role", "admin", "--org", "baiyin")
    cli.ok("--operator", "王丽", "operator", "add", "李发明", "--role", "caseworker",
           "--org", "baiyin")  # fmt: skip
    cli.ok("--operator", "李发明", *CASEWORK)


staffed = ledger_fixture(*SEEDED, ("signing-staff", _staff))


def _problems(ledger: Ledger) -> list[tuple[str, str]]:
    """``db verify`` must fail: the (record, problem) rows of the signature check."""
    result = ledger.run("db", "verify", "-f", "json")
    assert result.exit_code == 1, result.stderr
    assert "problem(s) found" in result.stderr
    return [(p["ref"], p["message"]) for p in result.rows() if p["check"] == "signature"]


def _key_file(ledger: Ledger, name: str) -> Path:
    fingerprint = ledger.ok("operator", "show", name, "-f", "json").json()["key"]
    return Path(os.environ["KUNNAN_CONFIG_HOME"]) / "keys" / f"{fingerprint}.pem"


def _allow_editing(ledger: Ledger, table: str) -> None:
    """Remove a table's append-only triggers, as someone editing the file by hand would."""
    if ledger.backend == "postgresql":
        sql(ledger, f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    else:
        sql(ledger, f"DROP TRIGGER {table}_no_update")


def test_a_staffed_ledgers_writes_are_signed_and_verify(staffed: Ledger) -> None:
    staffed.ok("--operator", "李发明", *CASEWORK)
    assert "ledger checks passed" in staffed.ok("db", "verify").stderr
    signatures = sql(staffed, "SELECT o.name, s.rows FROM signature s "
                     "JOIN operator o ON o.id = s.operator_id ORDER BY s.id")  # fmt: skip
    # The baseline (every row, by the first administrator), then one signature per write.
    assert [name for name, _rows in signatures] == ["王丽", "王丽", "李发明", "李发明"]
    assert signatures[0][1] > 10
    assert sql(staffed, "SELECT count(*) FROM row_change") == [(0,)]


def test_rows_inserted_edited_or_deleted_by_hand_are_named(staffed: Ledger) -> None:
    member = sql(staffed, "SELECT id FROM member WHERE household_id = 1")[0][0]
    audit = sql(staffed, "SELECT max(id) FROM audit_log")[0][0]
    sql(staffed, "UPDATE household SET address = '白银区人民路1号' WHERE id = 1")
    sql(staffed, "UPDATE member SET name = '李四' WHERE id = :id", id=member)
    _allow_editing(staffed, "audit_log")
    sql(staffed, "UPDATE audit_log SET operator = '王丽' WHERE id = :id", id=audit)
    contact = sql(staffed, "SELECT max(id) FROM contact_attempt")[0][0]
    sql(staffed, "DELETE FROM contact_attempt WHERE id = :id", id=contact)
    sql(staffed, "INSERT INTO household_cause (household_id, cause, position) "
        "VALUES (1, 'disability', 1)")  # fmt: skip
    sql(staffed, "INSERT INTO policy_line (area_code, year, dibao_line_fen, updated_at) "
        "VALUES ('620402', 2019, 60000, '2019-01-01 00:00:00')")  # fmt: skip
    line = sql(staffed, "SELECT id FROM policy_line WHERE year = 2019")[0][0]
    found = dict(_problems(staffed))
    assert found["household 1"] == "was changed outside kunnan after it was signed"
    assert found[f"member {member}"] == "was changed outside kunnan after it was signed"
    assert found[f"audit_log {audit}"] == "was changed outside kunnan after it was signed"
    assert found[f"contact_attempt {contact}"] == "was deleted outside kunnan after it was signed"
    assert (
        found["household_cause 1/disability"] == "was added outside kunnan: no signature covers it"
    )
    assert found[f"policy_line {line}"] == "was added outside kunnan: no signature covers it"
    assert len(found) == 6, found


def test_a_signature_made_with_a_key_that_is_not_the_operators_is_reported(
    staffed: Ledger,
) -> None:
    last = sql(staffed, "SELECT max(id) FROM signature")[0][0]
    admin = sql(staffed, "SELECT id FROM operator WHERE name = '王丽'")[0][0]
    sql(staffed, "UPDATE signature SET operator_id = :admin WHERE id = :id", admin=admin, id=last)
    ((ref, message),) = _problems(staffed)
    assert ref == f"signature {last}"
    assert message.startswith("made with key ") and message.endswith("which is not 王丽's")


def test_a_signed_digest_rewritten_by_hand_no_longer_verifies(staffed: Ledger) -> None:
    from kunnan.db.location import resolve
    from kunnan.db.session import open_session
    from kunnan.domain.signing import row_digest
    from kunnan.models import Household

    signed = sql(staffed, "SELECT max(id) FROM signed_row WHERE table_name = 'household'")[0][0]
    sql(staffed, "UPDATE household SET address = '白银区人民路1号' WHERE id = 1")
    with open_session(resolve(staffed.url), write=False, operator="x", command="t") as session:
        table = Household.__table__
        row = session.execute(table.select().where(table.c.id == 1)).one()._asdict()
    # The row's digest made to match its new name: the signature over it no longer holds.
    sql(staffed, "UPDATE signed_row SET digest = :d WHERE id = :id",
        d=row_digest("household", "1", row), id=signed)  # fmt: skip
    found = _problems(staffed)
    assert len(found) == 1 and found[0][0].startswith("signature "), found
    assert "what it signed was changed" in found[0][1]


def test_a_key_file_is_the_users_alone(staffed: Ledger) -> None:
    path = _key_file(staffed, "李发明")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_a_passphrase_protects_a_key(staffed: Ledger) -> None:
    good: dict[str, str | None] = {"KUNNAN_PASSPHRASE": "红旗渠2018"}
    staffed.ok("--operator", "李发明", "operator", "key", env=good)
    path = _key_file(staffed, "李发明")
    assert path.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    staffed.ok("--operator", "李发明", *CASEWORK, env=good)
    before = staffed.snapshot()
    wrong = staffed.fails("--operator", "李发明", *CASEWORK, code=9,
                          env={"KUNNAN_PASSPHRASE": "wrong"})  # fmt: skip
    assert "the passphrase for signing key" in wrong.stderr and "is wrong" in wrong.stderr
    none = staffed.fails("--operator", "李发明", *CASEWORK, code=9)
    assert "is protected by a passphrase: set KUNNAN_PASSPHRASE" in none.stderr
    assert staffed.snapshot() == before
    assert "ledger checks passed" in staffed.ok("db", "verify").stderr


def test_a_retired_keys_signatures_still_verify(staffed: Ledger) -> None:
    old = _key_file(staffed, "李发明")
    staffed.ok("--operator", "李发明", "operator", "key")
    new = _key_file(staffed, "李发明")
    assert new != old
    staffed.ok("--operator", "李发明", *CASEWORK)
    assert "ledger checks passed" in staffed.ok("db", "verify").stderr
    shown = staffed.ok("operator", "show", "李发明").stdout
    assert old.stem in shown and new.stem in shown
    used = {row[0] for row in sql(staffed, "SELECT DISTINCT key_fingerprint FROM signature")}
    assert {old.stem, new.stem} <= used


def test_an_operator_without_a_key_on_this_machine_is_refused(
    staffed: Ledger, tmp_path: Path
) -> None:
    elsewhere = Ed25519PrivateKey.generate().public_key()
    pem = tmp_path / "zhang.pub"
    pem.write_bytes(
        elsewhere.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    staffed.ok("--operator", "王丽", "operator", "add", "张敏", "--role", "caseworker",
               "--org", "baiyin", "--public-key", str(pem))  # fmt: skip
    before = staffed.snapshot()
    refused = staffed.fails("--operator", "张敏", *CASEWORK, code=9)
    assert "张敏 has no signing key on this machine" in refused.stderr
    assert "kunnan --operator 张敏 operator key" in refused.stderr
    assert staffed.snapshot() == before
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key")
    wrong = staffed.fails("--operator", "王丽", "operator", "add", "赵六", "--role", "auditor",
                          "--public-key", str(bad), code=3)  # fmt: skip
    assert "holds no Ed25519 public key" in wrong.stderr
    staffed.ok("--operator", "张敏", "operator", "key")
    staffed.ok("--operator", "张敏", *CASEWORK)
    assert "ledger checks passed" in staffed.ok("db", "verify").stderr


def test_a_ledger_without_operators_signs_nothing(cli: Ledger) -> None:
    cli.ok("org", "add", "--code", "baiyin", "--name", "白银市总工会", "--kind", "city",
           "--area", "620400")  # fmt: skip
    counts: list[Any] = sql(cli, "SELECT (SELECT count(*) FROM signature), "
                            "(SELECT count(*) FROM row_change)")  # fmt: skip
    assert [tuple(row) for row in counts] == [(0, 0)]
    assert "ledger checks passed" in cli.ok("db", "verify").stderr
