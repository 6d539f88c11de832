"""Grants: `aid grant` through the service layer against raw inserts of the same rows.

Both sides run in one process each, on copies of the same ledger (the generated
register with five funds), and commit every grant on its own, as a caseworker's
command does (WAL, synchronous=FULL, BEGIN IMMEDIATE).

- kunnan: ``GrantCreate`` validation and ``services.aid.grant`` in a session of its
  own per grant: household and fund locks, the status on the grant's date, the
  programme's rule, what the household already had this year, the fund's balance,
  the hash chain and the audit row.
- raw: sqlite3 inserts the same ledger entry (hashed the same way), moves the
  chain head on and writes an audit row: the least a grant can cost.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.common import PYTHON, Figure, kunnan, run, say
from benchmarks.data import fill_sqlite

GROUP = "grants"
ON = "2019-12-01"
#: Four grants per household, each within its programme's rule.
PROGRAMS = ("mutual-aid", "living-aid", "medical-aid", "send-warmth")

SERVICE = """
import sys
from kunnan.db.location import resolve
from kunnan.db.session import open_session
from kunnan.schemas import validate
from kunnan.schemas.aid import GrantCreate
from kunnan.services.aid.grant import grant
import datetime as dt

db, grants, today = resolve(sys.argv[1]), int(sys.argv[2]), dt.date.today()
programs = sys.argv[3].split(",")
done = 0
number = 0
while done < grants:
    number += 1
    if number % 10 >= 7 or number % 8 == 0:  # only archived households that have not left
        continue
    for program in programs:
        if done == grants:
            break
        data = validate(GrantCreate, {"household": f"H{number:06d}", "program": program,
                                      "fund": "F005", "on_date": sys.argv[4]}, today=today)
        with open_session(db, write=True, operator="bench", command="kunnan aid grant") as session:
            grant(session, data=data)
        done += 1
print(done)
"""

RAW = """
import datetime as dt, json, sqlite3, sys
from kunnan.domain.aid import entry_hash

STANDARD = {"mutual-aid": 300000, "living-aid": 100000, "medical-aid": 500000, "send-warmth": 50000}
db, grants, programs, on = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
done = 0
number = 0
while done < grants:
    number += 1
    if number % 10 >= 7 or number % 8 == 0:
        continue
    for program in programs:
        if done == grants:
            break
        connection = sqlite3.connect(db, isolation_level=None, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("BEGIN IMMEDIATE")
        seq, previous = connection.execute("SELECT seq, hash FROM ledger_head").fetchone()
        now = dt.datetime.now(dt.UTC)
        fields = {"seq": seq + 1, "kind": "grant", "on_date": on, "year": 2019, "fund_id": 5,
                  "household_id": number, "member_id": None, "program": program,
                  "rule_from": "2000-01-01", "amount_fen": STANDARD[program], "reverses_seq": None,
                  "counterparty": None, "ref": None, "reason": None, "override_reason": None,
                  "operator": "bench", "recorded_at": now}
        digest = entry_hash(previous, fields)
        stamp = now.replace(tzinfo=None).isoformat(sep=" ")
        connection.execute(
            "INSERT INTO aid_entry (seq, kind, on_date, year, fund_id, household_id, member_id, "
            "program, rule_from, amount_fen, operator, recorded_at, prev_hash, hash) "
            "VALUES (?, 'grant', ?, 2019, 5, ?, NULL, ?, '2000-01-01', ?, 'bench', ?, ?, ?)",
            (seq + 1, on, number, program, STANDARD[program], stamp, previous, digest))
        connection.execute("UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1",
                           (seq + 1, digest))
        changes = json.dumps({"kind": "grant", "program": program, "amount_fen": STANDARD[program],
                              "on_date": on, "fund": "F005"}, ensure_ascii=False, sort_keys=True)
        connection.execute(
            "INSERT INTO audit_log (at, operator, command, action, entity, entity_ref, "
            "household_id, changes) VALUES (?, 'bench', 'kunnan aid grant', 'create', "
            "'aid_entry', ?, ?, ?)", (stamp, str(seq + 1), number, changes))
        connection.execute("COMMIT")
        connection.close()
        done += 1
print(done)
"""


def bench(work: Path, *, grants: int) -> list[Figure]:
    households = grants  # four grants each to the ~61% archived: enough households
    template = work / "grants-template.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{template}{suffix}").unlink(missing_ok=True)
    kunnan("init", db=template)
    say(f"grants: a register of {households:,} households and five funds")
    fill_sqlite(template, households=households, aid_rows=5)
    results = {}
    for name, script in (("raw", RAW), ("kunnan", SERVICE)):
        db = work / f"grants-{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, db)
        say(f"grants: {grants:,} grants, {name}")
        done = run([PYTHON, "-c", script, str(db), str(grants), ",".join(PROGRAMS), ON],
                   capture=True)  # fmt: skip
        if int(done.stdout.decode().strip()) != grants:
            raise RuntimeError(f"{name} made {done.stdout!r} grants, not {grants}")
        results[name] = grants / done.seconds
    return [
        Figure(GROUP, "aid grant through the service layer", results["kunnan"], "grants/s",
               "raw inserts, a transaction each", results["raw"], better="higher", limit=0.3,
               note=f"{grants:,} grants in one process, each committed"),
    ]  # fmt: skip
