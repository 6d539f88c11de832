"""Plausible data for the benchmarks, made here, deterministically, fast.

Households of one to four people under Baiyin's county unions, with valid ID
numbers (unique: person n is born on day n mod 25,000 after 1940-01-01 with
sequence number n div 25,000), Chinese names, incomes, candidates and
archived households, status histories, identification cases and their steps,
pairings with responsible units and their visits, exits, and aid entries
(grants, and a few reversed). Training and the other service aid are left
empty: those tables hold thousands of rows where the register holds millions.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kunnan.domain.idnumber import check_character

AREA = "620402"
FIRST_BIRTH = dt.date(1940, 1, 1)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "建国",
    "桂芳",
    "秀英",
    "永福",
    "小梅",
    "志强",
    "海燕",
    "文军",
    "玉兰",
    "晓雯",
    "发明",
    "清满",
]
EMPLOYERS = ["白银有色集团", "银光公司", "靖远煤电", "白银区环卫所", ""]
IDENTITIES = ["laid_off", "employed", "retired", "unemployed", "sick_leave", "migrant"]
CATEGORIES = ["dibao", "marginal", "marginal", "accident"]
CAUSES = ["illness", "education", "low_income", "low_income", "disability", "unemployment"]
HOUSING = ["owned", "public_rental", "shanty", "private_rental"]
MEMBER_RELATIONS = ["spouse", "child", "parent"]
#: People per household, in turn: two on average.
SIZES = (1, 2, 3, 2)
#: Unions of the generated register: (code, name, kind, parent code, area code).
UNIONS = (
    ("baiyin", "白银市总工会", "city", None, "620400"),
    ("baiyin-qu", "白银区总工会", "county", "baiyin", "620402"),
    ("pingchuan", "平川区总工会", "county", "baiyin", "620403"),
    ("jingyuan", "靖远县总工会", "county", "baiyin", "620421"),
    ("huining", "会宁县总工会", "county", "baiyin", "620422"),
)
COUNTY_AREAS = [area for _, _, kind, _, area in UNIONS if kind == "county"]
#: Responsible units (责任单位) pairing with households, two under each county union.
UNITS = tuple(
    (f"unit-{n}", f"{employer}第{n}帮扶小组", 2 + n % 4)
    for n, employer in enumerate(["白银有色集团", "银光公司", "靖远煤电", "白银供电公司"] * 2, 1)
)


#: Birth dates by day number (person mod 25,000), as ISO text.
BIRTHS = [(FIRST_BIRTH + dt.timedelta(days=day)).isoformat() for day in range(25_000)]
_BIRTH_DIGITS = [day.replace("-", "") for day in BIRTHS]


def id_number(person: int, area: str = AREA) -> str:
    first17 = f"{area}{_BIRTH_DIGITS[person % 25_000]}{person // 25_000:03d}"
    return first17 + check_character(first17)


def name(person: int) -> str:
    return SURNAMES[person % len(SURNAMES)] + GIVEN[(person // 7) % len(GIVEN)]


HOUSEHOLD_HEADER = [
    "household",
    "archive_no",
    "status",
    "category",
    "main_cause",
    "secondary_causes",
    "org",
    "area_code",
    "address",
    "housing_type",
    "housing_area_m2",
    "registered_on",
    "archived_on",
    "relation",
    "name",
    "id_number",
    "phone",
    "employer",
    "identity",
    "health",
    "schooling",
    "monthly_income_fen",
]


def household_rows(households: int, *, first_person: int = 0) -> Iterator[list[str]]:
    """The households file `export households` writes: one row per person, household
    columns repeated on every row; three in ten households archived."""
    person = first_person
    for number in range(1, households + 1):
        archived = number % 10 < 3
        registered = dt.date(2015, 1, 1) + dt.timedelta(days=number % 1400)
        household = [
            f"B{number:07d}",
            f"{AREA}-{registered.year}-{number:07d}" if archived else "",
            "archived" if archived else "candidate",
            CATEGORIES[number % 4] if archived else "",
            CAUSES[number % 6] if archived or number % 3 else "",
            "education;low_income" if number % 5 == 0 else "",
            UNIONS[1 + number % 4][0],
            "",
            f"白银区人民路{number % 500}号",
            HOUSING[number % 4],
            f"{30 + number % 60}.5",
            registered.isoformat(),
            (registered + dt.timedelta(days=40)).isoformat() if archived else "",
        ]
        for position in range(SIZES[number % 4]):
            head = position == 0
            yield [
                *household,
                "head" if head else MEMBER_RELATIONS[(number + position) % 3],
                name(person),
                id_number(person),
                f"138{person % 100_000_000:08d}" if head else "",
                EMPLOYERS[person % 5] if head else "",
                IDENTITIES[person % 6] if head else "",
                "chronic" if person % 7 == 0 else "healthy",
                "undergraduate" if not head and person % 11 == 0 else "none",
                str((person % 25) * 10_000),
            ]
            person += 1


def write_households_csv(path: Path, households: int) -> int:
    """Write the households file; return the number of rows (people)."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HOUSEHOLD_HEADER)
        for row in household_rows(households):
            writer.writerow(row)
            rows += 1
    return rows


# --- a big ledger for the reports ---------------------------------------------------------

#: Bump when the generated rows change, so that a kept ledger is made again.
GENERATOR_VERSION = 2
EXIT_KINDS = ["stable", "stable", "stable", "safety_net", "moved", "deceased", "ineligible"]
PROGRAMS = ["golden-autumn", "medical-aid", "mutual-aid", "living-aid", "send-warmth",
            "insurance", "temporary-aid"]  # fmt: skip
NOW = "2020-01-01 00:00:00.000000"


#: The columns the generated rows fill, per table, in the rows' order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "org": ("id", "code", "name", "kind", "parent_id", "path", "area_code", "created_at"),
    "household": ("id", "org_id", "status", "category", "main_cause", "archive_no", "area_code",
                  "address", "housing_type", "housing_area_m2", "registered_on", "created_at",
                  "updated_at", "archived_on"),
    "member": ("id", "household_id", "relation", "name", "id_number", "birth_date", "sex", "phone",
               "employer", "identity", "health", "schooling", "monthly_income_fen"),
    "household_status_change": ("id", "household_id", "changed_on", "status", "category",
                                "reason", "recorded_at"),
    "household_exit": ("id", "household_id", "kind", "exited_on", "reason", "details",
                       "recorded_at"),
    "identification_case": ("id", "household_id", "round", "status", "started_on", "closed_on"),
    "identification_step": ("id", "case_id", "step", "done_on", "operators", "note", "details",
                            "recorded_at"),
    "pairing": ("id", "household_id", "unit_id", "contact_name", "contact_phone", "started_on",
                "ended_on", "end_reason", "created_at"),
    "pair_visit": ("id", "pairing_id", "household_id", "visited_on", "visitor", "kind", "note",
                   "recorded_at"),
    "fund": ("id", "name", "source", "year", "budget_fen", "created_at"),
    "aid_entry": ("seq", "kind", "on_date", "year", "fund_id", "household_id", "member_id",
                  "program", "rule_from", "amount_fen", "reverses_seq", "reason",
                  "counterparty", "operator", "recorded_at", "prev_hash", "hash"),
}  # fmt: skip
YEARS = range(2015, 2020)


def ledger_rows(households: int, aid_rows: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every row of the generated ledger as (table, row), parents before children; dates ISO."""
    for org_id, (code, org_name, kind, parent, area) in enumerate(UNIONS, start=1):
        parent_id = 1 if parent else None
        path_text = f"/{org_id}/" if parent_id is None else f"/{parent_id}/{org_id}/"
        yield "org", (org_id, code, org_name, kind, parent_id, path_text, area, NOW)
    for unit_id, (code, unit_name, parent_id) in enumerate(UNITS, start=len(UNIONS) + 1):
        path_text = f"/1/{parent_id}/{unit_id}/"
        yield "org", (unit_id, code, unit_name, "unit", parent_id, path_text, None, NOW)
    people: list[int] = []
    yield from _register(households, people)
    yield from _aid(people, aid_rows)


STEPS = ("visit", "inspect", "calculate", "deliberate", "appraise", "publicize", "confirm")


def _register(households: int, people: list[int]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    person = change = exit_id = case_id = step_id = pairing_id = visit_id = 0
    for number in range(1, households + 1):
        registered = dt.date(2015, 1, 1) + dt.timedelta(days=number % 1400)
        # Seven in ten are archived some weeks after registering, and one in eight of those
        # has left the register since; of the rest, one is in identification, two candidates.
        fate = number % 10
        archived_on = registered + dt.timedelta(days=30 + number % 200) if fate < 7 else None
        exited_on = (
            archived_on + dt.timedelta(days=200 + number % 700)
            if archived_on is not None and number % 8 == 0
            else None
        )
        status = (
            "exited" if exited_on else "archived" if archived_on
            else "identifying" if fate == 7 else "candidate"
        )  # fmt: skip
        category = CATEGORIES[number % 4] if archived_on else None
        area = COUNTY_AREAS[number % 4]
        yield "household", (
            number, 2 + number % 4, status, category, CAUSES[number % 6] if archived_on else None,
            f"{area}-{registered.year}-{number:07d}" if archived_on else None, area,
            f"人民路{number % 500}号", HOUSING[number % 4], f"{30 + number % 60}.50",
            registered.isoformat(), NOW, NOW, archived_on.isoformat() if archived_on else None,
        )  # fmt: skip
        size = SIZES[number % 4] + (1 if number % 3 == 0 else 0)
        people.append(size)
        for position in range(size):
            person += 1
            yield "member", (
                person, number, "head" if position == 0 else MEMBER_RELATIONS[position % 3],
                name(person), id_number(person), BIRTHS[person % 25_000],
                "male" if (person // 25_000) % 2 else "female", None, None,
                IDENTITIES[person % 6] if position == 0 else None, "healthy", "none",
                (person % 25) * 10_000,
            )  # fmt: skip
        history: list[tuple[dt.date, str, str | None, str]] = [
            (registered, "candidate", None, "registered")
        ]
        # The home visit opens a case and makes the household identifying; the steps follow
        # three days apart, the seventh (confirm) archiving it. Those still identifying have
        # done one to six steps.
        visited = (
            registered + dt.timedelta(days=10) if fate == 7
            else archived_on - dt.timedelta(days=18) if archived_on is not None
            else None
        )  # fmt: skip
        if visited is not None:
            history.append((visited, "identifying", None, "home visit"))
            case_id += 1
            done = 7 if archived_on is not None else 1 + number % 6
            yield "identification_case", (
                case_id, number, 1, "archived" if archived_on else "open", visited.isoformat(),
                archived_on.isoformat() if archived_on else None,
            )  # fmt: skip
            for index in range(done):
                step_id += 1
                day = (visited + dt.timedelta(days=3 * index)).isoformat()
                yield (
                    "identification_step",
                    (step_id, case_id, STEPS[index], day, '["bench"]', "", "{}", NOW),
                )
        if archived_on is not None:
            history.append((archived_on, "archived", category, "confirmed"))
            # Six in seven are paired a fortnight after archiving, until they exit; visited
            # twenty days into the pairing and again some months later.
            if number % 7 != 3:
                pairing_id += 1
                started = archived_on + dt.timedelta(days=15)
                ended = exited_on if exited_on is not None and exited_on >= started else None
                yield "pairing", (
                    pairing_id, number, len(UNIONS) + 1 + number % len(UNITS), name(number),
                    f"139{number % 100_000_000:08d}", started.isoformat(),
                    ended.isoformat() if ended else None, "exit" if ended else None, NOW,
                )  # fmt: skip
                for offset in (20, 20 + 60 * (1 + number % 5)):
                    day = started + dt.timedelta(days=offset)
                    if ended is not None and day >= ended:
                        break
                    visit_id += 1
                    yield "pair_visit", (
                        visit_id, pairing_id, number, day.isoformat(), name(number),
                        "home" if number % 2 else "phone", "走访", NOW,
                    )  # fmt: skip
        if exited_on is not None:
            history.append((exited_on, "exited", category, "exit"))
            exit_id += 1
            kind = EXIT_KINDS[number % len(EXIT_KINDS)]
            yield (
                "household_exit",
                (exit_id, number, kind, exited_on.isoformat(), f"exit {number}", "{}", NOW),
            )
        for day, to, cat, reason in history:
            change += 1
            yield "household_status_change", (change, number, day.isoformat(), to, cat, reason, NOW)


def _aid(people: list[int], aid_rows: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """A fund a year with one contribution each, then grants across households and programmes;
    one grant in 500 is reversed thirty days on (some across the year's end)."""
    for fund_id, year in enumerate(YEARS, start=1):
        yield "fund", (fund_id, f"{year}年帮扶资金", "union", year, None, NOW)
    households = len(people)
    first_member = [0] * (households + 1)
    running = 0
    for number, size in enumerate(people, start=1):
        first_member[number] = running + 1
        running += size
    previous = "0" * 64
    seq = 0
    days = {(y, m, d): dt.date(y, m, d).isoformat() for y in YEARS for m in range(1, 13)
            for d in range(1, 29)}  # fmt: skip
    for fund_id, year in enumerate(YEARS, start=1):
        seq += 1
        digest = f"{seq:064x}"
        yield "aid_entry", (seq, "contribution", f"{year}-01-02", year, fund_id, None, None,
                            None, None, 10**14, None, None, "白银市总工会", "bench", NOW, previous,
                            digest)  # fmt: skip
        previous = digest
    index = 0
    while seq < aid_rows:
        seq += 1
        number = 1 + (index * 7919) % households
        program = PROGRAMS[index % len(PROGRAMS)]
        year = YEARS[index % len(YEARS)]
        member = first_member[number] + index % people[number - 1]
        on_date = days[year, 1 + index % 12, 1 + index % 28]
        digest = f"{seq:064x}"
        grant = (
            seq, "grant", on_date, year, 1 + year - YEARS[0], number,
            member if program in ("golden-autumn", "insurance") else None, program,
            "2000-01-01", 10_000 * (1 + index % 50), None, None, None, "bench", NOW, previous,
            digest,
        )  # fmt: skip
        yield "aid_entry", grant
        previous = digest
        if index % 500 == 499 and seq < aid_rows:
            seq += 1
            digest = f"{seq:064x}"
            day = (dt.date.fromisoformat(on_date) + dt.timedelta(days=30)).isoformat()
            yield "aid_entry", (
                seq, "grant", day, *grant[3:9], -grant[9], grant[0], "paid twice", None,
                "bench", NOW, previous, digest,
            )  # fmt: skip
            previous = digest
        index += 1


def _indexes(connection: sqlite3.Connection, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    marks = ",".join("?" * len(tables))
    query = (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})"
    )
    return list(connection.execute(query, tables))


def fill_sqlite(path: Path, *, households: int, aid_rows: int) -> dict[str, int]:
    """Fill a fresh SQLite ledger (``kunnan init`` done) with the generated rows.

    Raw inserts with the indexes dropped and made again afterwards, as a bulk
    load does. The aid entries' hashes are unique placeholders, not a chain
    (``ledger verify`` is no part of these benchmarks).
    """
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -400000")
    indexes = _indexes(connection, tuple(COLUMNS))
    connection.execute("BEGIN")
    for index, _ in indexes:
        connection.execute(f'DROP INDEX "{index}"')
    statements = {
        table: f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
        for table, columns in COLUMNS.items()
    }
    counts = dict.fromkeys(COLUMNS, 0)
    batches: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
    last = ("0", "0" * 64)
    for table, row in ledger_rows(households, aid_rows):
        batch = batches[table]
        batch.append(row)
        if len(batch) >= 20_000:
            connection.executemany(statements[table], batch)
            counts[table] += len(batch)
            batch.clear()
        if table == "aid_entry":
            last = (row[0], row[-1])
    for table in COLUMNS:  # parents first
        connection.executemany(statements[table], batches[table])
        counts[table] += len(batches[table])
    connection.execute("UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1", last)
    for _, sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()
    return counts
