"""What each option takes, as ``--help`` shows it: ``--on DATE``, ``--amount YUAN``.

A parameter's metavar comes from its name (``on`` takes a date everywhere), or, where one name
takes different things in different commands, from the command and the name. Typer's own
(``<str>``, ``<list[str]>``, ``{household}``) never shows. Each metavar is translated in the
catalog like any other text (``--on 日期``).
"""

from __future__ import annotations

from kunnan.i18n import N_

DATE = N_("DATE")
YUAN = N_("YUAN")
N = N_("N")
TEXT = N_("TEXT")
FILE = N_("FILE")
YEAR = N_("YEAR")
PERSON = N_("PERSON")
UNION = N_("UNION")
ON_OFF = N_("on|off")

#: The metavar of a parameter, by its name.
BY_NAME: dict[str, str] = {
    # records, by code or name
    "household": N_("HOUSEHOLD"),
    "households": N_("HOUSEHOLDS"),
    "member": N_("MEMBER"),
    "fund": N_("FUND"),
    "program": N_("PROGRAMME"),
    "excludes": N_("PROGRAMMES"),
    "org": UNION,
    "parent": UNION,
    "under": UNION,
    "unit": N_("UNIT"),
    "training_class": N_("CLASS"),
    "entry": N_("ENTRY"),
    "loan_ref": N_("LOAN"),
    "case": N_("CASE"),
    "objection": N_("OBJECTION"),
    "key": N_("SETTING"),
    "value": N_("VALUE"),
    "code": N_("CODE"),
    # people
    "contact": PERSON,
    "caseworker": PERSON,
    "visitor": PERSON,
    "by": PERSON,
    "operator": PERSON,
    # days and years
    "on": DATE,
    "as_of": DATE,
    "signed_on": DATE,
    "start": DATE,
    "end": DATE,
    "until": DATE,
    "batch": DATE,
    "from_": DATE,
    "since": YEAR,
    "year": YEAR,
    # money and numbers
    "amount": YUAN,
    "income": YUAN,
    "other_income": YUAN,
    "car_value": YUAN,
    "budget": YUAN,
    "standard": YUAN,
    "cap": YUAN,
    "recovered": YUAN,
    "monthly_wage": YUAN,
    "medical_costs": YUAN,
    "schooling_costs": YUAN,
    "accident_costs": YUAN,
    "limit": N,
    "max_errors": N,
    "max_rows": N,
    "days": N,
    "capacity": N,
    "attendees": N,
    "votes_for": N,
    "votes_against": N,
    "term_months": N_("MONTHS"),
    "target_helped": N,
    "target_exits": N,
    "target_coverage": N_("PERCENT"),
    "rate": N_("PERCENT"),
    "area_m2": N_("M2"),
    "housing_area": N_("M2"),
    "area": N_("AREA"),
    # words
    "reason": TEXT,
    "why": TEXT,
    "override": TEXT,
    "note_": TEXT,
    "note_text": TEXT,
    "minutes": TEXT,
    "text": TEXT,
    "resolved": TEXT,
    "solved": TEXT,
    "purpose": TEXT,
    "place": TEXT,
    "against": N_("NAME"),
    "job": N_("JOB"),
    "employer": N_("EMPLOYER"),
    "address": N_("ADDRESS"),
    "name": N_("NAME"),
    "to": N_("PLACE"),
    "certificate": N_("NUMBER"),
    "ref": N_("VOUCHER"),
    "id_number": N_("ID_NUMBER"),
    "phone": N_("PHONE"),
    "command": TEXT,
    "expect": N_("HASH"),
    "lang": N_("en|zh"),
    "db": N_("LEDGER"),
    "db_": N_("LEDGER"),
    # files and formats
    "file": FILE,
    "source": FILE,
    "target": FILE,
    "out": FILE,
    "rejects": FILE,
    "output": N_("FORMAT"),
    "fmt": N_("FORMAT"),
    "output_format": N_("FORMAT"),
    "encoding": N_("ENCODING"),
    "csv_encoding": N_("ENCODING"),
    "sheet": N_("SHEET"),
    # choices
    "category": N_("CATEGORY"),
    "cause": N_("CAUSE"),
    "secondary": N_("CAUSE"),
    "kind": N_("KIND"),
    "status": N_("STATUS"),
    "level": N_("LEVEL"),
    "outcome": N_("OUTCOME"),
    "grade": N_("GRADE"),
    "decision": N_("DECISION"),
    "via": N_("CHANNEL"),
    "trade": N_("TRADE"),
    "relation": N_("RELATION"),
    "health": N_("HEALTH"),
    "identity": N_("IDENTITY"),
    "schooling": N_("SCHOOLING"),
    "housing": N_("HOUSING"),
    "admitted": N_("LEVEL"),
    "admission": ON_OFF,
    "ceiling": ON_OFF,
    "archived_only": ON_OFF,
    "once_per": N_("PER"),
}

#: Where one name takes something else in one command.
BY_COMMAND: dict[tuple[str, str], str] = {
    ("kunnan identify inspect", "area"): N_("M2"),
    ("kunnan identify confirm", "by"): UNION,
    ("kunnan identify object", "by"): N_("NAME"),
    ("kunnan training list", "by"): N_("GROUP"),
    ("kunnan report training", "by"): N_("GROUP"),
    ("kunnan fund contribute", "from_"): N_("NAME"),
    ("kunnan fund add", "source"): N_("SOURCE"),
    ("kunnan fund list", "source"): N_("SOURCE"),
    ("kunnan audit list", "since"): DATE,
    ("kunnan export households", "output"): FILE,
    ("kunnan export members", "output"): FILE,
    ("kunnan export upstream", "output"): FILE,
    ("kunnan db copy", "source"): N_("SRC"),
    ("kunnan db copy", "target"): N_("DST"),
    ("kunnan export aid", "output"): FILE,
    ("kunnan export exits", "output"): FILE,
}


def metavar(command_path: str, name: str | None, *, is_path: bool = False) -> str | None:
    """The English metavar of a parameter (None: a flag, or a name not in the tables)."""
    if name is None:
        return None
    found = BY_COMMAND.get((command_path, name))
    if found is not None:
        return found
    if is_path:
        return FILE
    return BY_NAME.get(name)
