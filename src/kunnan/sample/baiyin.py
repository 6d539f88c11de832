"""The Baiyin sample: a register shaped like the Baiyin city union's in December 2018.

Real: the published totals this plan reproduces (工人日报, 2018-12-24):
3,195 archived households (435 低保户, 2,461 低保边缘户, 299 意外致困户;
593 因病, 1,100 因学, 1,502 收入低), 1,700-odd stable exits since 2017
(here exactly STABLE_EXITS), medical aid of 3,377,000 yuan to 2,103 workers and
golden-autumn grants of 4,758,000 yuan to 3,094 students since 2016, 656,700
yuan of insurance premiums for 9,000-odd workers over five years, and the
union's programmes and stories. Invented: everything personal — names, ID
numbers, addresses, incomes, dates — and the local dibao lines.

``plan()`` is pure and deterministic (seeded): the same plan every time. It
holds what a union would type or import, not database rows; the demo builds
it through kunnan's services (services/demo.py).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kunnan.domain.enums import (
    AdmissionLevel,
    Category,
    Cause,
    ExitKind,
    Health,
    HousingType,
    Labelled,
    Relation,
    Role,
    Schooling,
    WorkerIdentity,
)
from kunnan.domain.idnumber import check_character
from kunnan.domain.income import IncomeFacts, assess
from kunnan.domain.signing import key_from_seed

SEED = 20181224
AS_OF = dt.date(2018, 12, 24)

# The published figures -------------------------------------------------------------------

ARCHIVED_BY_CATEGORY = {Category.DIBAO: 435, Category.MARGINAL: 2461, Category.ACCIDENT: 299}
ARCHIVED_BY_CAUSE = {Cause.ILLNESS: 593, Cause.EDUCATION: 1100, Cause.LOW_INCOME: 1502}
#: Category × main cause of the households archived on AS_OF (rows and columns add up to the above).
ARCHIVED_JOINT = {
    (Category.DIBAO, Cause.ILLNESS): 150,
    (Category.DIBAO, Cause.EDUCATION): 85,
    (Category.DIBAO, Cause.LOW_INCOME): 200,
    (Category.MARGINAL, Cause.ILLNESS): 243,
    (Category.MARGINAL, Cause.EDUCATION): 1015,
    (Category.MARGINAL, Cause.LOW_INCOME): 1203,
    (Category.ACCIDENT, Cause.ILLNESS): 200,
    (Category.ACCIDENT, Cause.LOW_INCOME): 99,
}
#: "1700多户" stable exits since 2017: this sample's exact number, by year.
STABLE_EXITS = {2017: 803, 2018: 909}
OTHER_EXITS = {
    ExitKind.SAFETY_NET: 46,
    ExitKind.MOVED: 31,
    ExitKind.DECEASED: 24,
    ExitKind.INELIGIBLE: 19,
    ExitKind.WITHDREW: 12,
}
MEDICAL_AID = (2103, 3_377_000)  # workers, yuan, since 2016
GOLDEN_AUTUMN = (3094, 4_758_000)  # students admitted to undergraduate study, yuan, since 2016
INSURANCE = (9050, 656_700)  # workers insured, yuan, 2014–2018
LOAN_FUND_YUAN = 2_000_000
TRAINING = (38, 3647, 260)  # classes, trainees, placed through job fairs, since 2016

# Places and unions ------------------------------------------------------------------------

AREAS = {
    "620402": ("白银区", "baiyin-qu"),
    "620403": ("平川区", "pingchuan"),
    "620421": ("靖远县", "jingyuan"),
    "620422": ("会宁县", "huining"),
    "620423": ("景泰县", "jingtai"),
}
#: Share of the register each area holds (the districts hold the old enterprises).
AREA_WEIGHTS = {"620402": 44, "620403": 22, "620421": 13, "620422": 12, "620423": 9}
#: Grassroots unions: code, name, area, the kind of enterprise (employer names follow it).
ENTERPRISES = (
    ("nonferrous", "白银有色集团公司工会", "620402", "白银有色集团公司"),
    ("phosphate", "白银磷肥厂工会", "620402", "白银磷肥厂"),
    ("aluminium", "华鹭铝业工会", "620402", "华鹭铝业公司"),
    ("knitting", "白银针织厂工会", "620402", "白银针织厂"),
    ("bus", "白银市公交公司工会", "620402", "白银市公交公司"),
    ("chemical", "银光化学工业集团工会", "620402", "银光化学工业集团"),
    ("coal", "靖远煤业工会", "620403", "靖远煤业集团"),
    ("ceramics", "平川陶瓷厂工会", "620403", "平川陶瓷厂"),
    ("wangjiashan", "王家山煤矿工会", "620403", "王家山煤矿"),
    ("jy-building", "靖远县建筑公司工会", "620421", "靖远县建筑公司"),
    ("jy-power", "靖远电厂工会", "620421", "靖远电厂"),
    ("hn-supply", "会宁县供销社工会", "620422", "会宁县供销社"),
    ("hn-building", "会宁县建筑公司工会", "620422", "会宁县建筑公司"),
    ("jt-cement", "景泰县水泥厂工会", "620423", "景泰县水泥厂"),
    ("jt-machinery", "景泰县农机公司工会", "620423", "景泰县农机公司"),
)
#: Monthly urban dibao line per person, yuan: districts, counties (illustrative, not official).
LINES = {2014: (370, 340), 2015: (400, 370), 2016: (430, 400), 2017: (480, 450), 2018: (520, 490)}
DISTRICTS = ("620402", "620403")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
MALE = [
    "建国",
    "志强",
    "伟",
    "军",
    "明华",
    "国庆",
    "海涛",
    "永红",
    "刚",
    "建平",
    "新民",
    "文斌",
    "学军",
    "德福",
    "玉林",
    "成林",
    "振华",
    "立新",
    "宏伟",
    "春生",
    "长青",
    "文忠",
    "兴旺",
    "保国",
    "建军",
    "国强",
    "永福",
    "占林",
    "天喜",
    "自强",
    "万里",
    "忠",
    "红军",
    "宝山",
    "玉成",
]
FEMALE = [
    "秀英",
    "桂兰",
    "玉兰",
    "淑珍",
    "丽华",
    "凤英",
    "秀兰",
    "桂英",
    "玉珍",
    "秀珍",
    "春梅",
    "海燕",
    "丽娟",
    "红霞",
    "晓燕",
    "美玲",
    "翠花",
    "巧云",
    "慧敏",
    "菊花",
    "兰",
    "芳",
    "梅",
    "霞",
    "金花",
    "彩霞",
    "玉梅",
    "丽",
]
CHILD = [
    "浩宇",
    "子涵",
    "欣怡",
    "梓萱",
    "俊杰",
    "雨轩",
    "佳怡",
    "博文",
    "晓东",
    "思雨",
    "嘉豪",
    "文静",
    "一鸣",
    "欣悦",
    "天佑",
    "梦瑶",
    "鑫",
    "婷",
    "磊",
    "瑞",
    "雪",
    "晨",
    "阳",
    "洁",
]
STREETS = (
    "人民路",
    "北京路",
    "公园路",
    "四龙路",
    "工农路",
    "诚信大道",
    "长征街",
    "友好路",
    "五一街",
    "西区街",
)


def dibao_line(area: str, year: int) -> int:
    """The sample's line in fen per person a month."""
    district, county = LINES[year]
    return (district if area in DISTRICTS else county) * 100


# What the plan holds ----------------------------------------------------------------------


@dataclass
class Person:
    relation: str
    name: str
    id_number: str
    birth: dt.date
    income_fen: int = 0
    identity: str | None = None
    employer: str | None = None
    phone: str | None = None
    health: str = "healthy"
    schooling: str = "none"
    admitted_year: int | None = None


@dataclass(frozen=True)
class Visit:
    on: dt.date
    kind: str
    note: str
    solved: str | None = None


@dataclass(frozen=True)
class Grant:
    """One cash grant: to a household (and one of its people, by index), on a day."""

    household: int
    person: int | None
    program: str
    on: dt.date
    amount_fen: int | None = None

    @property
    def year(self) -> int:
        return self.on.year


@dataclass
class HouseholdPlan:
    """One household of the sample and what happens to it."""

    number: int
    area: str
    org: str
    address: str
    housing: str
    housing_area: Decimal
    registered_on: dt.date
    cause: Cause
    people: list[Person]
    #: archived, exited_stable, exited_other, identifying, candidate, rejected
    fate: str
    category: Category | None = None
    visit_on: dt.date | None = None
    #: The steps an identifying household has done (a prefix of the seven).
    steps_done: int = 7
    accident_costs_fen: int = 0
    rejected_at: str | None = None
    archived_on: dt.date | None = None
    exit_kind: ExitKind | None = None
    exit_on: dt.date | None = None
    exit_reason: str = ""
    raised_income_fen: int = 0
    story: str | None = None
    visitors: tuple[str, str] = ("", "")
    contact: str = ""
    contact_phone: str = ""
    paired_on: dt.date | None = None
    visits: list[Visit] = field(default_factory=list)
    followups: list[tuple[dt.date, str, str]] = field(default_factory=list)
    contact_attempts: list[tuple[str, str, dt.date]] = field(default_factory=list)

    @property
    def head(self) -> Person:
        return self.people[0]

    @property
    def code(self) -> str:
        return f"BY{self.number:05d}"

    def on_register(self, day: dt.date, margin: int = 3) -> bool:
        """Archived (and not yet exited) on ``day``, with a few days to spare either side."""
        if self.archived_on is None or day < self.archived_on + dt.timedelta(days=margin):
            return False
        return self.exit_on is None or day <= self.exit_on - dt.timedelta(days=margin)


@dataclass(frozen=True)
class ClassPlan:
    """A skills class the union ran (numbered in the order it is added: C001 …)."""

    number: int
    name: str
    trade: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    org: str


@dataclass(frozen=True)
class Job:
    employer: str
    job: str
    wage_fen: int
    channel: str
    on: dt.date


@dataclass(frozen=True)
class TraineeS:
    """A member in a class and how far they got: completed, certified, employed (or not yet)."""

    klass: int
    household: int
    person: int
    enrolled_on: dt.date
    completed_on: dt.date | None = None
    certified_on: dt.date | None = None
    certificate_no: str | None = None
    job: Job | None = None


@dataclass(frozen=True)
class LoanPlan:
    """A start-up guarantee loan to a household's head, and what was repaid by AS_OF."""

    household: int
    amount_fen: int
    term_months: int
    on: dt.date
    purpose: str
    repayments: tuple[tuple[dt.date, int], ...] = ()


@dataclass(frozen=True)
class OperatorPlan:
    """An operator of the sample: their name, role, and union (None: the whole ledger)."""

    name: str
    role: Role
    org: str | None


#: The city union's staff (白银市总工会): the administrator of the whole ledger first.
CITY_STAFF = (
    OperatorPlan("王丽", Role.ADMIN, None),
    OperatorPlan("陈国栋", Role.APPROVER, "baiyin"),
    OperatorPlan("刘淑芳", Role.FINANCE, "baiyin"),
    OperatorPlan("马建华", Role.AUDITOR, "baiyin"),
    OperatorPlan("赵德明", Role.REVIEWER, "baiyin"),
    OperatorPlan("周红", Role.CASEWORKER, "baiyin"),
)
#: Each county or district union's reviewer (审核) and approver (审批).
COUNTY_STAFF = {
    "baiyin-qu": ("高志远", "孙桂兰"),
    "pingchuan": ("郭建军", "何秀英"),
    "jingyuan": ("罗振华", "梁玉梅"),
    "huining": ("谢文斌", "宋丽娟"),
    "jingtai": ("唐海涛", "许春燕"),
}
#: Caseworkers the README and the tests name, at the unions of the article's households.
NAMED_CASEWORKERS = {"baiyin-qu": "李发明", "phosphate": "张清满"}


@dataclass
class Plan:
    households: list[HouseholdPlan]
    grants: list[Grant]
    counts: Counter[str]
    classes: list[ClassPlan] = field(default_factory=list)
    trainees: list[TraineeS] = field(default_factory=list)
    loans: list[LoanPlan] = field(default_factory=list)
    #: Each union's caseworker who registers in the ledger (基层经办), by union code.
    caseworkers: dict[str, str] = field(default_factory=dict)

    def operators(self) -> list[OperatorPlan]:
        """Everyone who works in the sample ledger, the administrator first: the city union's
        staff, each county or district union's reviewer and approver, and the caseworker of
        each union that has households."""
        staff = list(CITY_STAFF)
        for org, (reviewer, approver) in COUNTY_STAFF.items():
            staff += [OperatorPlan(reviewer, Role.REVIEWER, org),
                      OperatorPlan(approver, Role.APPROVER, org)]  # fmt: skip
        staff += [
            OperatorPlan(name, Role.CASEWORKER, org) for org, name in self.caseworkers.items()
        ]
        return staff

    def caseworker(self, org: str) -> str:
        """The operator who does a union's casework (visits, steps up to the calculation)."""
        return self.caseworkers[org]


def sample_key(name: str) -> Ed25519PrivateKey:
    """The sample operator ``name``'s signing key: made from their name, the same in every
    sample ledger, so anyone trying the sample can write as its staff (never a real key)."""
    return key_from_seed(f"kunnan sample ledger operator {name}".encode())


#: The origin the sample ledger's checkpoints name.
LEDGER_ORIGIN = "kunnan/白银市总工会"


def sample_ledger_key() -> Ed25519PrivateKey:
    """The key the sample ledger signs its checkpoints with: made from a fixed seed, the same
    in every sample ledger (never a real key)."""
    return key_from_seed(b"kunnan sample ledger checkpoints")


def _id(area: str, birth: dt.date, male: bool, taken: set[str], rng: random.Random) -> str:
    while True:
        sequence = rng.randrange(100, 998)
        if sequence % 2 != (1 if male else 0):
            sequence += 1
        first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + check_character(first17)
        if number not in taken:
            taken.add(number)
            return number


def _birth(rng: random.Random, start: int, end: int) -> dt.date:
    return dt.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def _name(rng: random.Random, surname: str, male: bool, child: bool = False) -> str:
    return surname + rng.choice(CHILD if child else MALE if male else FEMALE)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _dates(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


#: Days from the home visit to each later step (the notice runs its 7 days before confirming).
STEP_DAYS = {
    "visit": 0,
    "inspect": 1,
    "calculate": 2,
    "deliberate": 4,
    "appraise": 6,
    "publicize": 7,
    "confirm": 16,
}


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - a seeded sample, not a secret
        self.taken: set[str] = set()
        self.households: list[HouseholdPlan] = []
        self.unions = {area: [e for e in ENTERPRISES if e[2] == area] for area in AREAS}
        self.caseworkers = {
            org: [(_name(self.rng, self.rng.choice(SURNAMES), self.rng.random() < 0.4), _phone(self.rng))
                  for _ in range(3)]
            for org in [e[0] for e in ENTERPRISES] + [a[1] for a in AREAS.values()]
        }  # fmt: skip

    def area(self) -> str:
        return self.rng.choices(list(AREA_WEIGHTS), weights=list(AREA_WEIGHTS.values()))[0]

    def household(self, cause: Cause, registered: dt.date, fate: str, *, students: int = 0,
                  admit: tuple[int, int] | None = None) -> HouseholdPlan:  # fmt: skip
        rng, area = self.rng, self.area()
        enterprise = rng.choice(self.unions[area]) if rng.random() < 0.8 else None
        org = enterprise[0] if enterprise else AREAS[area][1]
        employer = enterprise[3] if enterprise else rng.choice(ENTERPRISES)[3]
        surname = rng.choice(SURNAMES)
        male = rng.random() < 0.62
        head_birth = _birth(rng, 1958, 1978)
        identity = rng.choice(
            ("laid_off", "laid_off", "unemployed", "employed", "sick_leave", "retired", "migrant")
        )
        head = Person("head", _name(rng, surname, male), _id(area, head_birth, male, self.taken, rng), head_birth,
                      identity=identity, employer=employer,
                      phone=_phone(rng) if rng.random() < 0.6 else None)  # fmt: skip
        people = [head]
        if rng.random() < 0.82:
            spouse_birth = _birth(rng, head_birth.year - 2, min(head_birth.year + 4, 1980))
            people.append(Person("spouse", _name(rng, rng.choice(SURNAMES), not male),
                                 _id(area, spouse_birth, not male, self.taken, rng), spouse_birth,
                                 identity=rng.choice(("laid_off", "unemployed", "employed", "migrant"))))  # fmt: skip
        if admit is None or admit[0] > admit[1]:
            admit = (2015, 2018)
        years = sorted(rng.randint(*admit) for _ in range(students))
        for year in years:
            birth = dt.date(year - 18, rng.randint(1, 8), rng.randint(1, 28))
            self.child(people, area, surname, birth, "undergraduate", admitted=year)
        if students == 0 and rng.random() < 0.45:
            birth = _birth(rng, max(head_birth.year + 22, 1990), 2012)
            schooling = (
                "primary" if birth.year >= 2006 else "senior_high" if birth.year >= 2001 else "none"
            )
            self.child(people, area, surname, birth, schooling)
        if rng.random() < 0.12:
            birth = _birth(rng, 1935, 1950)
            parent_male = rng.random() < 0.4
            people.append(Person("parent", _name(rng, surname if parent_male else rng.choice(SURNAMES), parent_male),
                                 _id(area, birth, parent_male, self.taken, rng), birth, health="chronic",
                                 identity="retired"))  # fmt: skip
        if cause is Cause.ILLNESS:
            sick = rng.choice([p for p in people if p.relation in ("head", "spouse", "parent")])
            sick.health = rng.choice(("serious", "serious", "chronic"))
        number = len(self.households) + 1
        housing = rng.choice(
            ("owned", "owned", "owned", "public_rental", "private_rental", "shanty")
        )
        household = HouseholdPlan(
            number=number, area=area, org=org,
            address=f"{AREAS[area][0]}{rng.choice(STREETS)}{rng.randint(1, 200)}号{rng.randint(1, 20)}栋"
                    f"{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}",
            housing=housing, housing_area=Decimal(rng.randint(180, 900)) / 10,
            registered_on=registered, cause=cause, people=people, fate=fate,
        )  # fmt: skip
        self.households.append(household)
        return household

    def child(self, people: list[Person], area: str, surname: str, birth: dt.date, schooling: str,
              admitted: int | None = None) -> Person:  # fmt: skip
        male = self.rng.random() < 0.5
        person = Person("child", _name(self.rng, surname, male, child=True),
                        _id(area, birth, male, self.taken, self.rng), birth, schooling=schooling,
                        admitted_year=admitted)  # fmt: skip
        people.append(person)
        return person

    def identified(self, household: HouseholdPlan, visit: dt.date, category: Category) -> None:
        """The home visit's day, the two visitors, and incomes that put the household in ``category``."""
        household.visit_on = visit
        workers = self.caseworkers[household.org]
        household.visitors = (workers[0][0], workers[1][0])
        self.incomes(household, category, (visit + _days(STEP_DAYS["calculate"])).year)

    def incomes(self, household: HouseholdPlan, category: Category, year: int) -> None:
        """Incomes (and accident costs) that put the household in ``category`` by the year's line."""
        rng, line = self.rng, dibao_line(household.area, year)
        size = len(household.people)
        ranges = {
            Category.DIBAO: (0.2, 0.95),
            Category.MARGINAL: (1.02, 1.48),
            Category.ACCIDENT: (1.6, 2.9),
        }
        low, high = ranges[category]
        total = int(line * size * rng.uniform(low, high)) // 100 * 100
        earners = [
            p
            for p in household.people
            if p.relation in ("head", "spouse") and p.identity != "retired"
        ]
        earners = earners or [household.head]
        shares = [rng.random() + 0.2 for _ in earners]
        given = 0
        for person, share in zip(earners, shares, strict=True):
            person.income_fen = int(total * share / sum(shares)) // 100 * 100
            given += person.income_fen
        earners[0].income_fen += total - given
        if category is Category.ACCIDENT:
            household.accident_costs_fen = total - line * size + rng.randint(1, 30) * 1000
        facts = IncomeFacts(size, total, 0, 0, 0, household.accident_costs_fen, line, Decimal("1.5"),
                            Decimal("3"), False)  # fmt: skip
        assert assess(facts).category is category, (household.number, category)
        household.category = category

    def archive(self, household: HouseholdPlan, archived: dt.date, category: Category) -> None:
        household.archived_on = archived
        self.identified(household, archived - _days(STEP_DAYS["confirm"]), category)


def _students(rng: random.Random, cause: Cause) -> int:
    """Undergraduates in a household: most 因学 households have one or two, some others one."""
    if cause is Cause.EDUCATION:
        return rng.choice((1, 1, 2, 2, 3))
    return 1 if rng.random() < 0.3 else 0


def _admit(archived: dt.date, exit_on: dt.date | None) -> tuple[int, int]:
    """Admission years (August) that fall while the household is on the register, 2016–2018."""
    first = archived.year if archived.month < 8 else archived.year + 1
    last = 2018 if exit_on is None else exit_on.year if exit_on.month > 9 else exit_on.year - 1
    return max(first, 2016), last


def plan() -> Plan:
    """The whole sample, the same every time."""
    b = _Builder()
    rng = b.rng
    counts: Counter[str] = Counter()
    # Households archived on AS_OF, category by cause as published.
    for (category, cause), number in ARCHIVED_JOINT.items():
        for _ in range(number):
            archived = _dates(rng, dt.date(2014, 3, 1), dt.date(2018, 10, 31))
            household = b.household(cause, archived - _days(rng.randint(20, 90)), "archived",
                                    students=_students(rng, cause), admit=_admit(archived, None))  # fmt: skip
            b.archive(household, archived, category)
    # Stable exits since 2017, archived at least a year before.
    for year, number in STABLE_EXITS.items():
        for _ in range(number):
            cause = rng.choices(list(ARCHIVED_BY_CAUSE), weights=[3, 4, 6])[0]
            exit_on = _dates(rng, dt.date(year, 1, 5), dt.date(year, 12, 20))
            archived = _dates(rng, dt.date(2014, 3, 1), exit_on - _days(400))
            category = rng.choices(list(ARCHIVED_BY_CATEGORY), weights=[12, 80, 8])[0]
            household = b.household(cause, archived - _days(rng.randint(20, 90)), "exited_stable",
                                    students=_students(rng, cause), admit=_admit(archived, exit_on))  # fmt: skip
            b.archive(household, archived, category)
            household.exit_kind, household.exit_on = ExitKind.STABLE, exit_on
            household.raised_income_fen = (
                dibao_line(household.area, exit_on.year) * 2 * len(household.people)
            )
    reasons = {
        ExitKind.SAFETY_NET: "纳入民政特困供养，工会继续帮扶",
        ExitKind.MOVED: "随子女迁居",
        ExitKind.DECEASED: "户主病故",
        ExitKind.INELIGIBLE: "民政数据比对发现家庭收入超标",
        ExitKind.WITHDREW: "本人申请退出",
    }
    for kind, number in OTHER_EXITS.items():
        for _ in range(number):
            exit_on = _dates(rng, dt.date(2016, 3, 1), dt.date(2018, 12, 20))
            archived = _dates(rng, dt.date(2014, 3, 1), exit_on - _days(200))
            household = b.household(
                rng.choice(list(ARCHIVED_BY_CAUSE)), archived - _days(40), "exited_other"
            )
            b.archive(household, archived, rng.choice((Category.DIBAO, Category.MARGINAL)))
            household.exit_kind, household.exit_on, household.exit_reason = (
                kind,
                exit_on,
                reasons[kind],
            )
    # Still in identification, candidates, and cases that were rejected.
    for _ in range(48):
        visit = _dates(rng, dt.date(2018, 10, 1), dt.date(2018, 12, 4))
        household = b.household(
            rng.choice(list(ARCHIVED_BY_CAUSE)), visit - _days(20), "identifying"
        )
        household.steps_done = rng.randint(1, 6)
        b.identified(household, visit, rng.choice((Category.DIBAO, Category.MARGINAL)))
    for index in range(41):
        household = b.household(rng.choice(list(ARCHIVED_BY_CAUSE)), _dates(rng, dt.date(2018, 9, 1), AS_OF - _days(5)),
                                "candidate")  # fmt: skip
        if index < 15:
            day = household.registered_on
            for how, outcome in (
                ("phone", "no_answer"),
                ("door", "not_found"),
                ("phone", "no_answer"),
            ):
                day = min(day + _days(rng.randint(1, 6)), AS_OF)
                household.contact_attempts.append((how, outcome, day))
    for _ in range(37):
        visit = _dates(rng, dt.date(2016, 3, 1), dt.date(2018, 11, 1))
        household = b.household(rng.choice(list(ARCHIVED_BY_CAUSE)), visit - _days(30), "rejected")
        household.rejected_at = rng.choice(("inspect", "deliberate", "appraise"))
        b.identified(household, visit, Category.MARGINAL)
    _stories(b)
    for household in b.households:
        _pairing(b, household)
        _followups(rng, household)
    counts.update(h.fate for h in b.households)
    grants = _grants(b)
    classes, trainees = _training(b)
    return Plan(households=b.households, grants=grants, counts=counts, classes=classes,
                trainees=trainees, loans=_loans(b), caseworkers=_caseworkers(b))  # fmt: skip


def _caseworkers(b: _Builder) -> dict[str, str]:
    """Each union with households, county unions first: its first caseworker of the sample
    whose name no other operator has (or the one the README names)."""
    used = {h.org for h in b.households}
    taken = {o.name for o in CITY_STAFF} | {n for pair in COUNTY_STAFF.values() for n in pair}
    taken |= set(NAMED_CASEWORKERS.values())
    found = {}
    for org in [a[1] for a in AREAS.values()] + [e[0] for e in ENTERPRISES]:
        if org not in used:
            continue
        if org in NAMED_CASEWORKERS:
            found[org] = NAMED_CASEWORKERS[org]
            continue
        name = next(n for n, _phone in b.caseworkers[org] if n not in taken)
        taken.add(name)
        found[org] = name
    return found


def _pairing(b: _Builder, household: HouseholdPlan) -> None:
    """A responsible unit and contact person from archiving to exit, and their visits."""
    if household.archived_on is None:
        return
    rng = b.rng
    name, phone = rng.choice(b.caseworkers[household.org])
    household.contact, household.contact_phone = name, phone
    household.paired_on = household.archived_on + _days(rng.randint(2, 12))
    end = household.exit_on or AS_OF
    first = household.paired_on + _days(rng.randint(3, 25))
    notes = ("入户走访，了解家庭近况", "电话了解就医情况", "送去慰问品，宣讲帮扶政策", "了解子女上学情况",
             "协助办理医疗救助申请", "了解再就业意愿")  # fmt: skip
    if first < end:
        household.visits.append(Visit(first, "home", rng.choice(notes)))
    middle = _dates(rng, max(first + _days(60), dt.date(2018, 3, 1)), dt.date(2018, 8, 31))
    if middle < end - _days(20):
        household.visits.append(Visit(middle, rng.choice(("home", "phone")), rng.choice(notes)))
    latest = max(dt.date(2018, 10, 1), first + _days(7))
    if household.exit_on is None and latest <= dt.date(2018, 12, 20):
        household.visits.append(
            Visit(
                _dates(rng, latest, dt.date(2018, 12, 20)),
                "home",
                rng.choice(notes),
                solved="落实冬季取暖补贴" if rng.random() < 0.1 else None,
            )
        )
    elif household.exit_on is not None and household.exit_on - _days(30) > max(first, middle):
        before_exit = household.exit_on - _days(rng.randint(5, 30))
        household.visits.append(Visit(before_exit, "home", "核实家庭收入，商议退出"))


def _followups(rng: random.Random, household: HouseholdPlan) -> None:
    """The 3-, 6- and 12-month follow-ups of a stable exit that fell due by AS_OF."""
    if household.exit_kind is not ExitKind.STABLE or household.exit_on is None:
        return
    for months in (3, 6, 12):
        due = household.exit_on + _days(months * 30)
        on = due + _days(rng.randint(0, 10))
        if on > AS_OF:
            break
        outcome = "at_risk" if rng.random() < 0.03 else "stable"
        note = "收入稳定，生活正常" if outcome == "stable" else "家人患病，支出增加，列入重点关注"
        household.followups.append((on, outcome, note))


def _stories(b: _Builder) -> None:
    """The article's households, names changed, placed on records of the right shape."""
    stories = (
        ("wu", "exited_stable", Cause.LOW_INCOME, "吴新明", "phosphate", dt.date(2018, 6, 1)),
        ("zhang", "archived", Cause.EDUCATION, "张瑞和", "aluminium", None),
        ("long", "archived", Cause.ILLNESS, "龙刚", "nonferrous", None),
        ("liu", "archived", Cause.ILLNESS, "刘菊芳", "bus", None),
        ("wang", "archived", Cause.LOW_INCOME, "王德魁", "knitting", None),
    )
    for key, fate, cause, name, org, exit_after in stories:
        household = next(
            h for h in b.households
            if h.fate == fate and h.cause is cause and h.area == "620402" and h.story is None
            and h.archived_on is not None and h.archived_on < dt.date(2015, 3, 1) and h.org in
            (org, "baiyin-qu") and (exit_after is None or (h.exit_on is not None and h.exit_on > exit_after))
        )  # fmt: skip
        household.story, household.org = key, org
        household.head.name = name
        household.head.employer = next(e[3] for e in ENTERPRISES if e[0] == org)
        household.head.identity = "laid_off"
    long = next(h for h in b.households if h.story == "long")
    if not any(p.schooling == "undergraduate" for p in long.people):
        b.child(long.people, long.area, "龙", dt.date(1999, 3, 14), "undergraduate", admitted=2017)
    zhang = next(h for h in b.households if h.story == "zhang")
    zhang.people = [p for p in zhang.people if p.relation != "child"]
    b.child(
        zhang.people, zhang.area, "张", dt.date(1999, 6, 2), "undergraduate", admitted=2017
    ).name = "张晓雯"
    for household in (long, zhang):  # a changed household keeps its category by the same line
        assert household.category is not None and household.visit_on is not None
        b.incomes(
            household, household.category, (household.visit_on + _days(STEP_DAYS["calculate"])).year
        )
    wang = next(h for h in b.households if h.story == "wang")
    wang.housing, wang.housing_area = "shanty", Decimal("31.5")
    withdrawn = next(h for h in b.households if h.fate == "archived" and h.cause is Cause.LOW_INCOME
                     and h.area == "620402" and h.story is None and h.archived_on is not None
                     and h.archived_on > dt.date(2016, 6, 1))  # fmt: skip
    withdrawn.story, withdrawn.head.name, withdrawn.org = "withdrawn", "王治民", "baiyin-qu"
    assert withdrawn.visit_on is not None
    day = withdrawn.visit_on - _days(12)
    withdrawn.registered_on = min(withdrawn.registered_on, day - _days(1))
    for how, outcome in (
        ("phone", "no_answer"),
        ("phone", "no_answer"),
        ("door", "not_found"),
        ("door", "not_found"),
    ):
        withdrawn.contact_attempts.append((how, outcome, day))
        day += _days(2)


# Cash aid ---------------------------------------------------------------------------------

#: Baiyin's own standards (yuan), set through `program set` from the day given.
GOLDEN_AUTUMN_STANDARD = 1500
GOLDEN_AUTUMN_RAISED = 2000  # students of dibao households
MEDICAL_AID_STANDARD = 1500
MEDICAL_AID_RAISED = 2000  # serious illness
INSURANCE_PREMIUMS = ((dt.date(2014, 1, 1), 70), (dt.date(2017, 1, 1), 75))
INSURED_BEFORE_2017 = 4410
LIVING_AID_YEARS = (2015, 2016, 2017, 2018)
MUTUAL_AID_PAYOUT = 19200


def _grants(b: _Builder) -> list[Grant]:
    rng = b.rng
    grants = _golden_autumn(b) + _medical_aid(b) + _insurance(b)
    long = next(h for h in b.households if h.story == "long")
    for year in LIVING_AID_YEARS:
        for month in (1, 9):
            grants.append(
                Grant(long.number, None, "living-aid", dt.date(year, month, rng.randint(10, 25)))
            )
    liu = next(h for h in b.households if h.story == "liu")
    grants.append(Grant(liu.number, 0, "mutual-aid", dt.date(2017, 6, 12), MUTUAL_AID_PAYOUT * 100))
    grants.sort(key=lambda g: (g.on, g.household, g.program))
    return grants


def _golden_autumn(b: _Builder) -> list[Grant]:
    rng, students, want = b.rng, [], GOLDEN_AUTUMN[0]
    for household in b.households:
        for index, person in enumerate(household.people):
            year = person.admitted_year
            if person.schooling == "undergraduate" and year is not None and year >= 2016:
                day = dt.date(year, 8, rng.randint(10, 31))
                if household.on_register(day):
                    students.append((household, index, day))
    forced = [s for s in students if s[0].story in ("zhang", "long")]
    others = [s for s in students if s[0].story not in ("zhang", "long")]
    assert len(students) >= want, f"{len(students)} eligible students, {want} wanted"
    chosen = forced + rng.sample(others, want - len(forced))
    raised_left = 231
    grants = []
    for household, index, day in sorted(chosen, key=lambda s: (s[2], s[0].number, s[1])):
        amount = GOLDEN_AUTUMN_STANDARD
        if household.people[index].name == "张晓雯":
            amount = 3000
        elif household.category is Category.DIBAO and raised_left:
            amount, raised_left = GOLDEN_AUTUMN_RAISED, raised_left - 1
        grants.append(Grant(household.number, index, "golden-autumn", day, amount * 100))
    assert raised_left == 0 and sum(g.amount_fen or 0 for g in grants) == GOLDEN_AUTUMN[1] * 100
    return grants


def _medical_aid(b: _Builder) -> list[Grant]:
    rng, want = b.rng, MEDICAL_AID[0]
    pool: list[tuple[HouseholdPlan, int, dt.date]] = []
    for household in b.households:
        days = [d for d in (_dates(rng, dt.date(y, 2, 1), dt.date(y, 12, 15)) for y in (2016, 2017, 2018))
                if household.on_register(d) and d <= AS_OF]  # fmt: skip
        if not days:
            continue
        for index, person in enumerate(household.people):
            if person.relation in ("head", "spouse", "parent"):
                pool.append((household, index, rng.choice(days)))
    sick = [s for s in pool if s[0].people[s[1]].health != "healthy"]
    well = [s for s in pool if s[0].people[s[1]].health == "healthy"]
    forced = [s for s in sick if s[0].story == "long"]
    chosen = forced + rng.sample(
        [s for s in sick if s not in forced], min(len(sick) - len(forced), want - 1)
    )
    chosen += rng.sample(well, want - len(chosen))
    raised_left, grants = MEDICAL_AID[0] * 0 + 445, []
    for household, index, day in sorted(chosen, key=lambda s: (s[2], s[0].number, s[1])):
        person = household.people[index]
        if person.health == "healthy":
            person.health = "serious" if rng.random() < 0.5 else "chronic"
        amount = MEDICAL_AID_STANDARD
        if person.health == "serious" and raised_left:
            amount, raised_left = MEDICAL_AID_RAISED, raised_left - 1
        grants.append(Grant(household.number, index, "medical-aid", day, amount * 100))
    assert raised_left == 0 and sum(g.amount_fen or 0 for g in grants) == MEDICAL_AID[1] * 100
    return grants


def _insurance(b: _Builder) -> list[Grant]:
    """Premiums for the workers (heads and spouses) of households on the register, each insured once."""
    rng = b.rng
    early: list[tuple[HouseholdPlan, int, dt.date]] = []
    late: list[tuple[HouseholdPlan, int, dt.date]] = []
    either: list[tuple[HouseholdPlan, int, dt.date, dt.date]] = []
    for household in b.households:
        if household.archived_on is None:
            continue
        start = household.archived_on + _days(5)
        end = min(
            household.exit_on - _days(5) if household.exit_on else AS_OF, dt.date(2018, 11, 30)
        )
        before = _dates(rng, max(start, dt.date(2014, 3, 1)), min(end, dt.date(2016, 11, 30)))
        after = _dates(rng, max(start, dt.date(2017, 3, 1)), end)
        has_before = max(start, dt.date(2014, 3, 1)) <= min(end, dt.date(2016, 11, 30))
        has_after = max(start, dt.date(2017, 3, 1)) <= end
        for index, person in enumerate(household.people):
            if person.relation not in ("head", "spouse"):
                continue
            if has_before and has_after:
                either.append((household, index, before, after))
            elif has_before:
                early.append((household, index, before))
            elif has_after:
                late.append((household, index, after))
    rng.shuffle(either)
    need = INSURED_BEFORE_2017 - len(early)
    early += [(h, i, before) for h, i, before, _ in either[:need]]
    late += [(h, i, after) for h, i, _, after in either[need:]]
    want_late = INSURANCE[0] - INSURED_BEFORE_2017
    assert len(early) >= INSURED_BEFORE_2017 and len(late) >= want_late, (len(early), len(late))
    chosen = rng.sample(early, INSURED_BEFORE_2017) + rng.sample(late, want_late)
    grants = [Grant(h.number, index, "insurance", day) for h, index, day in chosen]
    premiums = sum(INSURANCE_PREMIUMS[g.on.year >= 2017][1] for g in grants)
    assert premiums == INSURANCE[1], premiums
    return grants


# Training to employment, and start-up loans --------------------------------------------------

#: Trades the classes teach, their Chinese course names and the employers that hire from them.
TRADES = {
    "welding": ("电焊工", ("白银有色集团公司", "白银市华宇建筑安装公司", "靖远煤业集团机修厂")),
    "computer_operation": ("计算机操作员", ("白银市政务服务中心", "白银银光电子商务公司")),
    "health_massage": ("保健按摩师", ("白银市康乐保健中心", "平川区盲人按摩院")),
    "cooking": ("中式烹调师", ("白银宾馆", "白银市金鼎餐饮公司", "景泰县黄河石林度假村")),
    "housekeeping": ("家政服务员", ("白银市巾帼家政服务公司", "白银区阳光养老院")),
    "electrician": ("维修电工", ("白银市供电公司劳务队", "华鹭铝业公司")),
    "hairdressing": ("美容美发师", ("白银市丽人美容美发店",)),
}
CLASSES_BY_YEAR = {2016: 12, 2017: 13, 2018: 13}
CLASS_CAPACITY = 120
#: The union's job fairs: each year's window (month, day) to (month, day) and its channel.
JOB_FAIRS = (
    ((1, 10), (2, 20), "assistance_month"),
    ((3, 1), (4, 15), "spring_breeze"),
    ((5, 10), (5, 31), "private_recruitment_week"),
)
LOAN_FUND = ("创业担保贷款基金", "union", "白银市总工会")
LOANS = 36
LOAN_PURPOSES = (
    "开办小吃店",
    "开办便利店",
    "开办家政服务部",
    "开办理发店",
    "开办电焊加工部",
    "养殖",
)


def _class_sizes(rng: random.Random, total: int, count: int) -> list[int]:
    sizes = [rng.randint(70, 120) for _ in range(count)]
    while sum(sizes) != total:
        index = rng.randrange(count)
        step = 1 if sum(sizes) < total else -1
        if 60 <= sizes[index] + step <= CLASS_CAPACITY:
            sizes[index] += step
    return sizes


def _next_fair(after: dt.date, rng: random.Random) -> tuple[dt.date, str] | None:
    """A day at the first job fair that opens after ``after`` (None: none before AS_OF)."""
    for year in (after.year, after.year + 1):
        for start, end, channel in JOB_FAIRS:
            opens, closes = dt.date(year, *start), dt.date(year, *end)
            if opens > after and closes < AS_OF:
                return _dates(rng, opens, closes), channel
    return None


def _training(b: _Builder) -> tuple[list[ClassPlan], list[TraineeS]]:
    """38 classes since 2016 with 3,647 trainees; 260 found jobs through the job fairs."""
    rng = b.rng
    sizes = _class_sizes(rng, TRAINING[1], TRAINING[0])
    trades = list(TRADES)
    classes: list[ClassPlan] = []
    for year, count in CLASSES_BY_YEAR.items():
        for index in range(count):
            trade = "welding" if index == 0 else trades[(index + year) % len(trades)]
            starts = _dates(rng, dt.date(year, 3, 1), dt.date(year, 9, 30))
            ends = starts + _days(rng.randint(30, 60))
            org = (
                "baiyin" if index % 3 == 0 else rng.choice([code for _name, code in AREAS.values()])
            )
            classes.append(ClassPlan(len(classes) + 1, f"{year}年{TRADES[trade][0]}培训班（第{index + 1}期）",
                                     trade, starts, ends, CLASS_CAPACITY, org))  # fmt: skip
    wu = next(h for h in b.households if h.story == "wu")
    taken: set[tuple[int, int]] = {(wu.number, 0)}
    adults = [
        (h, index)
        for h in b.households
        for index, p in enumerate(h.people)
        if h.archived_on is not None and p.relation in ("head", "spouse") and p.birth.year >= 1963
    ]
    trainees: list[TraineeS] = []
    for klass, size in zip(classes, sizes, strict=True):
        enrolled_on = klass.starts_on - _days(rng.randint(3, 12))
        pool = [
            (h, i) for h, i in adults if (h.number, i) not in taken and h.on_register(enrolled_on)
        ]
        chosen = rng.sample(pool, size - (klass.number == 13))
        if klass.number == 13:  # the 2017 welding class: the phosphate-plant worker
            chosen.append((wu, 0))
        for h, index in chosen:
            taken.add((h.number, index))
            completed = klass.ends_on if rng.random() < 0.93 or h is wu else None
            certified = (
                completed + _days(rng.randint(10, 25))
                if completed and rng.random() < 0.82
                else None
            )
            if h is wu:
                certified = klass.ends_on + _days(12)
            if certified is not None and certified > AS_OF - _days(2):
                certified = None
            number = (
                f"6204{klass.starts_on.year % 100:02d}{len(trainees) + 1:07d}"
                if certified
                else None
            )
            trainees.append(
                TraineeS(klass.number, h.number, index, enrolled_on, completed, certified, number)
            )
    return classes, _jobs(b, classes, trainees, wu)


def _jobs(
    b: _Builder, classes: list[ClassPlan], trainees: list[TraineeS], wu: HouseholdPlan
) -> list[TraineeS]:
    """Exactly TRAINING[2] certified trainees take a job found at the next job fair."""
    rng, want = b.rng, TRAINING[2]
    by_number = {h.number: h for h in b.households}
    candidates = []
    for position, trainee in enumerate(trainees):
        if trainee.certified_on is None:
            continue
        fair = _next_fair(trainee.certified_on, rng)
        household = by_number[trainee.household]
        if fair is not None and household.on_register(fair[0]):
            candidates.append((position, fair))
    story = [c for c in candidates if by_number[trainees[c[0]].household] is wu]
    assert len(story) == 1, "the phosphate-plant worker must find a job at a fair"
    chosen = story + rng.sample([c for c in candidates if c not in story], want - 1)
    others = sum(p.income_fen for p in wu.people[1:])
    assert wu.exit_on is not None
    if 2 * (300000 + others) >= 3 * dibao_line(wu.area, wu.exit_on.year) * len(wu.people):
        wu.raised_income_fen = 0  # his wage alone lifts the household over the exit line
    out = list(trainees)
    for position, (day, channel) in chosen:
        trainee = trainees[position]
        trade = classes[trainee.klass - 1].trade
        name, employers = TRADES[trade]
        wage = (
            300000 if by_number[trainee.household] is wu else rng.randrange(2200, 3800, 100) * 100
        )
        employer = (
            "白银有色集团公司" if by_number[trainee.household] is wu else rng.choice(employers)
        )
        out[position] = replace(trainee, job=Job(employer, name.removesuffix("员").removesuffix("师"), wage,
                                                 channel, day))  # fmt: skip
    return out


def _loans(b: _Builder) -> list[LoanPlan]:
    """Start-up guarantee loans from the 2,000,000-yuan fund, 2016–2018, two-year terms."""
    rng, loans = b.rng, list[LoanPlan]()
    heads = [h for h in b.households if h.archived_on is not None and h.head.birth.year >= 1963]
    for _ in range(LOANS):
        on = _dates(rng, dt.date(2016, 4, 1), dt.date(2018, 10, 31))
        household = rng.choice(
            [h for h in heads if h.on_register(on) and h.number not in {x.household for x in loans}]
        )
        amount = rng.choice((30000, 40000, 50000)) * 100
        repayments: list[tuple[dt.date, int]] = []
        paid, day = 0, on
        while True:  # quarterly instalments over two years, those due by AS_OF
            day = day + _days(91)
            if day > AS_OF or paid >= amount:
                break
            part = min(amount // 8, amount - paid)
            repayments.append((day, part))
            paid += part
        loans.append(
            LoanPlan(household.number, amount, 24, on, rng.choice(LOAN_PURPOSES), tuple(repayments))
        )
    return loans


# The files a union would import -----------------------------------------------------------

#: The households file's columns, as the Chinese template names them.
HOUSEHOLD_HEADER = (
    "户编号", "所属工会", "地区", "住址", "住房类型", "住房面积(m²)", "登记日期", "主要致困原因",
    "与户主关系", "姓名", "身份证号", "电话", "工作单位", "身份", "健康状况", "在读", "月收入(元)",
    "录取层次", "录取年份",
)  # fmt: skip
HOUSEHOLDS_FILE = "sample_data/baiyin/households.csv"
AID_HEADER = ("身份证号", "姓名", "帮扶项目", "受助人", "金额(元)", "资金", "发放日期", "凭证号")


def _zh(enum: type[Labelled], value: str | None) -> str:
    return enum(value).zh if value else ""


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def household_rows(households: list[HouseholdPlan]) -> Iterator[tuple[str, ...]]:
    """One row per person, households as they were registered (before identification)."""
    for h in households:
        for index, p in enumerate(h.people):
            first = index == 0
            yield (
                h.code,
                h.org if first else "",
                h.area if first else "",
                h.address if first else "",
                _zh(HousingType, h.housing) if first else "",
                str(h.housing_area) if first else "",
                h.registered_on.isoformat() if first else "",
                h.cause.zh if first else "",
                _zh(Relation, p.relation),
                p.name,
                p.id_number,
                p.phone or "",
                p.employer or "",
                _zh(WorkerIdentity, p.identity),
                _zh(Health, p.health),
                _zh(Schooling, p.schooling),
                _yuan(p.income_fen),
                AdmissionLevel.UNDERGRADUATE.zh if p.admitted_year else "",
                str(p.admitted_year or ""),
            )


def fund_name(program: str, year: int) -> str:
    """The fund a programme's grants of a year are drawn from."""
    return f"{year}年{PROGRAM_FUNDS[program][0]}"


#: The programmes' names as the catalogue (and a union's sheet) spells them.
PROGRAM_NAMES = {
    "golden-autumn": "金秋助学",
    "medical-aid": "大病医疗救助",
    "insurance": "送保险",
    "living-aid": "生活救助",
    "mutual-aid": "职工医疗互助",
}
#: Each programme's yearly fund: name, source, donor.
PROGRAM_FUNDS = {
    "golden-autumn": ("金秋助学资金", "donation", "白银市金秋助学爱心捐款"),
    "medical-aid": ("大病医疗救助资金", "union", "白银市总工会帮扶资金"),
    "insurance": ("职工互助保险资金", "mutual_aid", "白银市职工互助保障会"),
    "living-aid": ("生活救助资金", "government", "白银市财政专项帮扶资金"),
    "mutual-aid": ("职工医疗互助资金", "mutual_aid", "白银市职工互助保障会"),
}


def aid_rows(plan: Plan) -> Iterator[tuple[str, ...]]:
    """One row per grant, in date order, as `kunnan import aid` reads them."""
    by_number = {h.number: h for h in plan.households}
    for serial, grant in enumerate(plan.grants, start=1):
        h = by_number[grant.household]
        member = h.people[grant.person].name if grant.person is not None else ""
        yield (
            h.head.id_number,
            h.head.name,
            PROGRAM_NAMES[grant.program],
            member,
            _yuan(grant.amount_fen) if grant.amount_fen is not None else "",
            fund_name(grant.program, grant.year),
            grant.on.isoformat(),
            f"BY-{grant.year}-{serial:05d}",
        )
