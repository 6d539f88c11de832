"""The maker-checker rules on facts alone (``domain.approvals``)."""

from __future__ import annotations

from kunnan.domain.approvals import Recorder, confirm_refusal, is_above
from kunnan.domain.enums import Role
from kunnan.domain.identification import UnionPlace

CITY = UnionPlace(1, "白银市总工会", "/1/", None)
COUNTY = UnionPlace(2, "白银区总工会", "/1/2/", 1)
OTHER = UnionPlace(3, "平川区总工会", "/1/3/", 1)
GRASSROOTS = UnionPlace(4, "白银磷肥厂工会", "/1/2/4/", 2)


def test_a_union_above_is_an_ancestor_and_the_top_is_above_itself() -> None:
    assert is_above(COUNTY, GRASSROOTS) and is_above(CITY, GRASSROOTS)
    assert not is_above(GRASSROOTS, GRASSROOTS) and not is_above(OTHER, GRASSROOTS)
    assert not is_above(GRASSROOTS, COUNTY)
    assert is_above(CITY, CITY)  # nobody above the top
    assert is_above(None, CITY) and is_above(None, None)  # the whole ledger
    assert not is_above(CITY, None)


def test_confirm_refusals() -> None:
    visit = Recorder("李发明", GRASSROOTS)
    approver = Recorder("钱审", COUNTY, Role.APPROVER)
    assert confirm_refusal("H000001", confirmer=approver, visit=visit, recorders={"李发明"}) is None
    same = confirm_refusal("H000001", confirmer=approver, visit=visit, recorders={"钱审"})
    assert same is not None and "钱审 recorded a step of H000001" in same
    level = confirm_refusal(
        "H000001", confirmer=Recorder("周平", OTHER, Role.APPROVER), visit=visit, recorders=()
    )
    assert level is not None and "平川区总工会, which is not above 白银磷肥厂工会" in level
    role = confirm_refusal(
        "H000001", confirmer=Recorder("郭县", COUNTY, Role.CASEWORKER), visit=visit, recorders=()
    )
    assert role is not None and "an approver's work" in role
