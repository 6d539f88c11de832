"""A small Baiyin-shaped register built through the same services the commands use.

Everything personal here is invented: names are changed from the 2018
Workers' Daily article's stories, ID numbers are synthetic (valid check
characters, Baiyin area codes), and dibao lines are illustrative.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from kunnan.domain.idnumber import check_character
from kunnan.schemas import validate
from kunnan.schemas.household import HouseholdCreate, MemberCreate
from kunnan.schemas.org import OrgCreate
from kunnan.schemas.policy import PolicyLineSet
from kunnan.services.households import add_member, register_household
from kunnan.services.orgs import add_org
from kunnan.services.policy import set_line

ORGS: tuple[dict[str, str], ...] = (
    {"code": "baiyin", "name": "白银市总工会", "kind": "city", "area_code": "620400"},
    {"code": "baiyin-qu", "name": "白银区总工会", "kind": "county", "parent": "baiyin", "area_code": "620402"},
    {"code": "pingchuan", "name": "平川区总工会", "kind": "county", "parent": "baiyin", "area_code": "620403"},
    {"code": "jingyuan", "name": "靖远县总工会", "kind": "county", "parent": "baiyin", "area_code": "620421"},
    {"code": "huining", "name": "会宁县总工会", "kind": "county", "parent": "baiyin", "area_code": "620422"},
    {"code": "jingtai", "name": "景泰县总工会", "kind": "county", "parent": "baiyin", "area_code": "620423"},
    {"code": "phosphate", "name": "白银磷肥厂工会", "kind": "grassroots", "parent": "baiyin-qu"},
    {"code": "aluminium", "name": "华鹭铝业工会", "kind": "grassroots", "parent": "baiyin-qu"},
    {"code": "bus", "name": "白银市公交公司工会", "kind": "grassroots", "parent": "baiyin-qu"},
    {"code": "knitting", "name": "白银针织厂工会", "kind": "grassroots", "parent": "baiyin-qu"},
    {"code": "coal", "name": "靖远煤业工会", "kind": "grassroots", "parent": "pingchuan"},
)  # fmt: skip

#: Monthly urban dibao line per person, yuan (illustrative, not official figures).
DIBAO_LINES = {2016: "430", 2017: "480", 2018: "520"}


def synthetic_id(area: str, birth: dt.date, sequence: int) -> str:
    """A well-formed ID number for an invented person (odd sequence: male)."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


HOUSEHOLDS: tuple[dict[str, Any], ...] = (
    {
        "org": "phosphate", "cause": "unemployment", "housing": "owned", "area": "44",
        "address": "白银区人民路18号",
        "head": ("吴新明", dt.date(1968, 4, 12), 11, "laid_off", "1000", "白银磷肥厂"),
        "members": [("李秀英", "spouse", dt.date(1970, 9, 3), 22, "chronic", "none", "1050")],
    },
    {
        "org": "aluminium", "cause": "education", "housing": "owned", "area": "52",
        "address": "白银区北京路6号",
        "head": ("张瑞和", dt.date(1971, 2, 20), 31, "laid_off", "0", "华鹭铝业"),
        "members": [
            ("赵桂兰", "spouse", dt.date(1973, 6, 1), 42, "serious", "none", "0"),
            ("张晓雯", "child", dt.date(1998, 8, 15), 62, "healthy", "undergraduate", "0"),
        ],
    },
    {
        "org": "baiyin-qu", "cause": "illness", "housing": "private_rental", "area": "38.5",
        "address": "白银区四龙路3号",
        "head": ("龙刚", dt.date(1966, 11, 5), 51, "sick_leave", "800", "白银有色集团"),
        "members": [
            ("孙丽", "spouse", dt.date(1968, 1, 30), 82, "serious", "none", "0"),
            ("龙浩", "child", dt.date(2000, 5, 9), 71, "healthy", "senior_high", "0"),
        ],
    },
    {
        "org": "bus", "cause": "illness", "housing": "owned", "area": "60",
        "address": "白银区公园路21号",
        "head": ("刘菊芳", dt.date(1972, 3, 8), 102, "employed", "2100", "白银市公交公司"),
        "members": [("陈建军", "spouse", dt.date(1970, 7, 17), 91, "healthy", "none", "900")],
    },
    {
        "org": "knitting", "cause": "low_income", "housing": "shanty", "area": "28",
        "address": "白银区针织厂家属院2栋",
        "head": ("王德魁", dt.date(1962, 10, 2), 111, "retired", "1300", "白银针织厂"),
        "members": [("马玉兰", "spouse", dt.date(1964, 12, 24), 122, "chronic", "none", "0")],
    },
    {
        "org": "baiyin-qu", "cause": "unemployment", "housing": "with_relatives", "area": "20",
        "address": "白银区工农路(具体门牌待核)",
        "head": ("王治民", dt.date(1969, 5, 27), 131, "unemployed", "0", "白银有色集团"),
        "members": [],
    },
    {
        "org": "coal", "cause": "accident", "housing": "owned", "area": "56",
        "address": "平川区长征街9号",
        "head": ("杨建平", dt.date(1975, 8, 19), 141, "sick_leave", "1500", "靖远煤业"),
        "members": [
            ("周小红", "spouse", dt.date(1977, 4, 4), 152, "healthy", "none", "1200"),
            ("杨帆", "child", dt.date(2009, 9, 1), 161, "healthy", "primary", "0"),
        ],
    },
    {
        "org": "huining", "cause": "education", "housing": "owned", "area": "72",
        "address": "会宁县会师镇西关村",
        "head": ("马福祥", dt.date(1970, 1, 15), 171, "migrant", "1800", "会宁县建筑公司"),
        "members": [
            ("白秀珍", "spouse", dt.date(1972, 2, 2), 182, "healthy", "none", "600"),
            ("马小军", "child", dt.date(1999, 10, 10), 191, "healthy", "junior_college", "0"),
            ("马小燕", "child", dt.date(2001, 3, 3), 202, "healthy", "senior_high", "0"),
        ],
    },
)  # fmt: skip


def build_demo(session: Session, *, today: dt.date) -> int:
    """Build the sample register in an empty ledger; return the number of households."""
    for org in ORGS:
        add_org(session, data=validate(OrgCreate, org, today=today))
    for area in ("620402", "620403", "620421", "620422", "620423"):
        for year, amount in DIBAO_LINES.items():
            line = {"area_code": area, "year": year, "dibao_line_fen": amount}
            set_line(session, data=validate(PolicyLineSet, line, today=today))
    registered = dt.date(2018, 3, 1)
    for index, spec in enumerate(HOUSEHOLDS):
        name, birth, sequence, identity, income, employer = spec["head"]
        area = (
            "620403"
            if spec["org"] == "coal"
            else "620422"
            if spec["org"] == "huining"
            else "620402"
        )
        data = {
            "head": {
                "name": name,
                "id_number": synthetic_id(area, birth, sequence),
                "identity": identity,
                "monthly_income_fen": income,
                "employer": employer,
                "phone": f"1389300{1000 + index * 37:04d}",
            },
            "org": spec["org"],
            "area_code": area,
            "address": spec["address"],
            "housing_type": spec["housing"],
            "housing_area_m2": spec["area"],
            "main_cause": spec["cause"],
            "registered_on": registered + dt.timedelta(days=index * 9),
        }
        household = register_household(
            session, data=validate(HouseholdCreate, data, today=today), today=today
        )
        for m_name, relation, m_birth, m_sequence, health, schooling, m_income in spec["members"]:
            member = {
                "name": m_name,
                "relation": relation,
                "id_number": synthetic_id(area, m_birth, m_sequence),
                "health": health,
                "schooling": schooling,
                "monthly_income_fen": m_income,
            }
            add_member(session, household, data=validate(MemberCreate, member, today=today))
    return len(HOUSEHOLDS)
