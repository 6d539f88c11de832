"""What the reports read from service aid: trainees by trade and year, placements by channel
and year, loans by year — each one query, counted in the database."""

from __future__ import annotations

from tests.service_aid_support import reading
from tests.support import Ledger


def test_placements_are_counted_by_year_and_channel(aid: Ledger) -> None:
    def place(household: str, via: str, on: str, *member: str) -> None:
        aid.ok("aid", "place", household, *member, "--employer", "某公司", "--job", "工人",
               "--monthly-wage", "2000", "--via", via, "--on", on)  # fmt: skip

    place("H000001", "spring-breeze", "2018-02-20")
    place("H000001", "spring-breeze", "2018-02-21", "--member", "张小梅")
    place("H000002", "spring-breeze", "2018-03-01")
    place("H000002", "direct", "2019-05-01")
    from kunnan.services.aid.placement import placements_by_channel

    with reading(aid) as session:
        every = placements_by_channel(session)
        only_2019 = placements_by_channel(session, year=2019)
    assert [(r.year, r.channel, r.placements, r.people, r.households) for r in every] == [
        (2018, "spring_breeze", 3, 3, 2),
        (2019, "direct", 1, 1, 1),
    ]
    assert every[0].monthly_wages_fen == 600000
    assert [(r.year, r.channel) for r in only_2019] == [(2019, "direct")]


def test_the_training_funnel_counts_each_trainee_once_per_stage(aid: Ledger) -> None:
    aid.ok("training", "class", "add", "--name", "保健按摩班", "--trade", "保健按摩",
           "--start", "2018-03-01", "--end", "2018-03-31", "--capacity", "2")  # fmt: skip
    aid.ok("training", "class", "add", "--name", "空班", "--trade", "health-massage",
           "--start", "2018-09-01", "--end", "2018-09-30")  # fmt: skip
    for member in ("head", "张小梅"):
        aid.ok("training", "enroll", "C001", "H000001", "--member", member, "--on", "2018-02-01")
        aid.ok("training", "complete", "C001", "H000001", "--member", member, "--on", "2018-03-31")
        aid.ok("training", "certify", "C001", "H000001", "--member", member,
               "--certificate", f"M-{member}", "--on", "2018-04-10")  # fmt: skip
    aid.ok("training", "employ", "C001", "H000001", "--member", "张小梅", "--employer", "按摩店",
           "--monthly-wage", "2600", "--on", "2018-05-01")  # fmt: skip
    from kunnan.domain.enums import Trade
    from kunnan.services.training import TrainingFilter, funnel

    with reading(aid) as session:
        by_trade, overall = funnel(session, by="trade", where=TrainingFilter())
        by_class, _ = funnel(session, by="class", where=TrainingFilter(trade=Trade.HEALTH_MASSAGE))
    [massage] = by_trade
    assert (massage.trade, massage.classes, massage.enrolled) == ("health_massage", 2, 2)
    assert (massage.completed, massage.certified, massage.employed) == (2, 2, 1)
    assert (overall.classes, overall.enrolled, overall.employed) == (2, 2, 1)
    assert [(r.code, r.enrolled, r.employed) for r in by_class] == [("C001", 2, 1), ("C002", 0, 0)]
