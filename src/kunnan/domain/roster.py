"""What a union's roster (困难职工花名册) holds besides its rows of data: the footer.

A roster ends with rows that are no person and no grant: the totals (合计, 总计, 小计), who
filled it in and who checked it (填表人, 审核人, 制表人, 负责人), the union that sends it
(填报单位) and the day (日期), often in one merged cell across the sheet. A row is a footer
row when its first non-empty cell starts with one of ``FOOTER_WORDS`` and its ID number cell
holds no digit; and only the rows at the end of the table are its footer: the run of such
rows after the last row of data, at most ``FOOTER_ROWS_MAX`` of them. The same words on a
row with data after it (a 小计 between two unions' households) are no footer: that row is
read as data, and refused as any row that is no household would be.
"""

from __future__ import annotations

import re
import unicodedata

#: The words a footer row starts with, longest first where one begins another.
FOOTER_WORDS = (
    "合计", "总计", "小计", "共计",
    "填表人", "填报人", "制表人", "审核人", "审批人", "单位负责人", "负责人", "经办人",
    "填报单位", "填表单位", "制表单位",
    "填报日期", "填表日期", "制表日期", "日期",
    "联系电话", "备注", "说明",
)  # fmt: skip
#: The longest footer kunnan skips: a longer run of such rows is no footer, and is read.
FOOTER_ROWS_MAX = 20

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"[0-9]")


def footer_word(first_cell: str) -> str | None:
    """The footer word a row's first non-empty cell starts with (spaces inside it aside:
    合　计), or None when it starts with none."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", first_cell))
    for word in FOOTER_WORDS:
        if text.startswith(word):
            return word
    return None


def holds_id_number(cell: str) -> bool:
    """Whether an ID number cell holds anything like a number (any digit): a row that does
    is a person's, whatever else it says."""
    return _DIGIT.search(unicodedata.normalize("NFKC", cell)) is not None
