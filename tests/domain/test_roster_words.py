"""What real union rosters (困难职工花名册) hold: the words for relations, causes and other
choices, dates in every form, landlines beside mobiles, and footer rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from kunnan.domain.dates import DateError, date_of_number, parse_date
from kunnan.domain.enums import (
    WORDS,
    Category,
    Cause,
    Health,
    HousingType,
    Relation,
    Schooling,
    WorkerIdentity,
)
from kunnan.domain.masking import mask_numbers, mask_phone
from kunnan.domain.phone import PhoneError, parse_mobile, parse_phone
from kunnan.domain.roster import FOOTER_WORDS, footer_word, holds_id_number
from kunnan.i18n import current, use


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Messages in ``language`` for a while, as a command that runs in it has them."""
    before = current()
    use(language)
    try:
        yield
    finally:
        use(before)


# --- words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "relation"),
    [
        ("本人 户主 户主本人", Relation.HEAD),
        ("配偶 妻子 丈夫 妻 夫 爱人", Relation.SPOUSE),
        ("子女 儿子 女儿 子 女 长子 次子 三子 长女 次女 独生女 养子 继女", Relation.CHILD),
        ("父母 父亲 母亲 父 母 岳父 岳母 公公 婆婆 继父", Relation.PARENT),
        ("孙子女 孙子 孙女 外孙 外孙子 外孙女 曾孙", Relation.GRANDCHILD),
        ("兄弟姐妹 兄 弟 姐 妹 哥哥 弟弟 姐姐 妹妹 嫂子 姐夫", Relation.SIBLING),
        ("其他 其它 儿媳 女婿 侄子 祖父 外婆", Relation.OTHER),
    ],
)
def test_every_common_relation_word_is_read_as_its_kind(words: str, relation: Relation) -> None:
    for word in words.split():
        assert Relation.parse(word) is relation, word
    last = words.rsplit(maxsplit=1)[-1]
    assert Relation.parse(f" {last} ") is relation  # spaces around, as typed


@pytest.mark.parametrize(
    ("words", "cause"),
    [
        ("因病 因病致困 因病致贫 大病", Cause.ILLNESS),
        ("因学 因学致困 子女上学", Cause.EDUCATION),
        ("因残 因残致困 残疾", Cause.DISABILITY),
        ("自然灾害 因灾 因灾致困", Cause.DISASTER),
        ("意外事故 因意外事故 因意外 意外", Cause.ACCIDENT),
        ("下岗失业 失业 下岗 因失业", Cause.UNEMPLOYMENT),
        ("收入低 低收入", Cause.LOW_INCOME),
        ("其他 其它", Cause.OTHER),
    ],
)
def test_causes_written_long_or_short_are_read_as_their_cause(words: str, cause: Cause) -> None:
    for word in words.split():
        assert Cause.parse(word) is cause, word


def test_other_choices_take_the_long_forms_rosters_write() -> None:
    assert Category.parse("低保") is Category.DIBAO
    assert Category.parse("边缘户") is Category.MARGINAL
    assert Category.parse("意外致困") is Category.ACCIDENT
    assert WorkerIdentity.parse("在职") is WorkerIdentity.EMPLOYED
    assert WorkerIdentity.parse("离退休") is WorkerIdentity.RETIRED
    assert Health.parse("重病") is Health.SERIOUS
    assert Schooling.parse("中专") is Schooling.VOCATIONAL
    assert Schooling.parse("大学") is Schooling.UNDERGRADUATE
    assert HousingType.parse("租房") is HousingType.PRIVATE_RENTAL


def test_a_word_names_one_member_and_is_no_other_members_slug_or_label() -> None:
    for enum, words in WORDS.items():
        for word, member in words.items():
            assert isinstance(member, enum), word
            others = {m.value for m in enum if m is not member} | {
                m.zh for m in enum if m is not member
            }
            assert word not in others, (enum.__name__, word)


def test_an_unknown_word_is_refused_naming_it_in_either_language() -> None:
    with pytest.raises(ValueError, match="unknown relation '邻居': choose one of head"):
        Relation.parse("邻居")
    with speaking("zh"), pytest.raises(ValueError, match="邻居"):
        Relation.parse("邻居")


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2018-12-24", "2018/12/24", "2018.12.24", "20181224", "2018年12月24日", "２０１８.１２.２４"],
)
def test_every_form_of_a_date_is_the_same_date(text: str) -> None:
    assert parse_date(text) == dt.date(2018, 12, 24)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2018-02-30", "'2018-02-30' is not a date: 2018-02 has 28 days"),
        ("2016.2.30", "'2016.2.30' is not a date: 2016-02 has 29 days"),
        ("20181301", "'20181301' is not a date: there is no month 13"),
        ("2018年4月31日", "'2018年4月31日' is not a date: 2018-04 has 30 days"),
        ("2018-12", "'2018-12' is not a date (use YYYY-MM-DD, like 2018-12-24)"),
    ],
)
def test_an_impossible_date_is_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_date(text)
    assert str(refused.value) == why


def test_impossible_dates_are_refused_in_chinese_too() -> None:
    with speaking("zh"), pytest.raises(DateError) as refused:
        parse_date("2018-02-30")
    assert "2018-02-30" in str(refused.value) and "28" in str(refused.value)
    assert "date" not in str(refused.value)


def test_a_number_in_a_date_cell_is_excel_s_day_number_or_eight_digits() -> None:
    assert date_of_number(43458) == dt.date(2018, 12, 24)
    assert date_of_number(43458.0) == dt.date(2018, 12, 24)
    assert date_of_number(1) == dt.date(1900, 1, 1)
    assert date_of_number(59) == dt.date(1900, 2, 28)
    assert date_of_number(61) == dt.date(1900, 3, 1)
    assert date_of_number(2958465) == dt.date(9999, 12, 31)
    assert date_of_number(20181224) == dt.date(2018, 12, 24)
    with pytest.raises(DateError, match="'20180230' is not a date: 2018-02 has 28 days"):
        date_of_number(20180230)
    with pytest.raises(DateError, match="1900-02-29 that never was"):
        date_of_number(60)
    for number in (0, -1, 43458.5, 3_000_000):
        with pytest.raises(DateError, match="which is not a date"):
            date_of_number(number)


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("0943-8221234", "0943-8221234"),
        ("0943 8221234", "0943-8221234"),
        ("(0943)8221234", "0943-8221234"),
        ("（０９４３）８２２１２３４", "0943-8221234"),
        ("09438221234", "0943-8221234"),
        ("010-62345678", "010-62345678"),
        ("02188776655", "021-88776655"),
        ("0755 82212345", "0755-82212345"),
        ("8221234", "8221234"),
        ("82212345", "82212345"),
        ("138 9300 1234", "13893001234"),
        ("+86 13893001234", "13893001234"),
    ],
)
def test_landlines_and_mobiles_are_kept_in_one_normal_form(text: str, kept: str) -> None:
    assert parse_phone(text) == kept


@pytest.mark.parametrize(
    "text", ["12345", "0943-822123", "0943-822123456", "010-12345678", "0943-0221234", "9438221234"]
)
def test_what_is_neither_a_mobile_nor_a_landline_is_refused(text: str) -> None:
    with pytest.raises(PhoneError, match=r"is not a mobile number .* or a landline number"):
        parse_phone(text)
    with speaking("zh"), pytest.raises(PhoneError, match="固定电话"):
        parse_phone(text)


def test_a_phone_written_with_other_digits_is_refused() -> None:
    with pytest.raises(PhoneError, match="phone number '٠٩٤٣-8221234' is written with '٠'"):
        parse_phone("٠٩٤٣-8221234")


def test_a_mobile_only_field_still_refuses_landlines() -> None:
    with pytest.raises(PhoneError):
        parse_mobile("0943-8221234")


def test_landlines_are_masked_hiding_four_digits_as_mobiles_are() -> None:
    assert mask_phone("13893001234") == "138****1234"
    assert mask_phone("0943-8221234") == "0943-****234"
    assert mask_phone("010-62345678") == "010-****5678"
    assert mask_phone("8221234") == "****234"
    today = dt.date(2018, 12, 24)
    text = "'0943 8221234', (0755)82212345, 0943-8221234 and 13893001234 on 2018-12-24"
    assert mask_numbers(text, today=today) == (
        "'0943 ****234', (0755)****2345, 0943-****234 and 138****1234 on 2018-12-24"
    )


# --- footers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "word"),
    [
        ("合计", "合计"),
        ("合　计：5户13人", "合计"),
        ("总计", "总计"),
        ("小计（白银区）", "小计"),
        ("填表人：王丽    审核人：李发明", "填表人"),
        ("审核人:", "审核人"),
        ("制表人", "制表人"),
        ("单位负责人：张清满", "单位负责人"),
        ("负责人", "负责人"),
        ("填报单位（盖章）：白银区总工会", "填报单位"),
        ("日期：2018年12月24日", "日期"),
        ("张建国", None),
        ("1", None),
        ("户主", None),
    ],
)
def test_a_footer_row_starts_with_a_footer_word(cell: str, word: str | None) -> None:
    assert footer_word(cell) == word


def test_no_footer_word_hides_a_longer_one_after_it() -> None:
    for place, word in enumerate(FOOTER_WORDS):
        assert not [later for later in FOOTER_WORDS[place + 1 :] if later.startswith(word)]
    assert footer_word("单位负责人") == "单位负责人"
    assert footer_word("填报日期：2018-12-24") == "填报日期"


def test_an_id_number_cell_with_any_digit_makes_a_row_a_person_s() -> None:
    assert holds_id_number("620402197803150013")
    assert holds_id_number("６２０４")
    assert not holds_id_number("")
    assert not holds_id_number("——")
