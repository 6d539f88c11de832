"""A ledger's checkpoint on paper: the line a public notice or the HTML report prints at its
foot, and the QR code of the signed checkpoint note, so that whoever reads the paper can scan
the note and check it with the ledger's verifier key (``kunnan ledger check-proof``, the
witness above). ``kunnan.ui.html`` lays them out; a notice's CSV and Excel files carry the
line and the note as their last rows.

What is printed comes in already gathered (``kunnan.services.log.posted_checkpoint``): any
object with the attributes of ``Pinned``.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Protocol

from kunnan.i18n import n_, translate


class Pinned(Protocol):
    """The checkpoint a paper pins: the ledger's origin, the number of events, the root, the
    day it was signed, its signed note, and the events written after it."""

    @property
    def origin(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def root(self) -> bytes: ...
    @property
    def made_on(self) -> dt.date: ...
    @property
    def note(self) -> str: ...
    @property
    def events_since(self) -> int: ...


def root_text(root: bytes) -> str:
    """The root as the note itself, ``kunnan ledger show`` and ``kunnan witness show`` write
    it: the base64 of its 32 bytes, whole."""
    return base64.b64encode(root).decode("ascii")


def notice_line(pinned: Pinned, lang: str) -> str:
    """The sentence under a notice's list that names the checkpoint it was made from."""
    return _pinned_by(
        translate(
            "This notice matches the ledger's checkpoint {origin}: {size} events, root hash "
            "{root}, signed on {day}.",
            lang,
        ),
        pinned,
    )


def report_line(pinned: Pinned, lang: str) -> str:
    """The same sentence at the foot of the HTML report."""
    return _pinned_by(
        translate(
            "This report matches the ledger's checkpoint {origin}: {size} events, root hash "
            "{root}, signed on {day}.",
            lang,
        ),
        pinned,
    )


def _pinned_by(sentence: str, pinned: Pinned) -> str:
    """A translated sentence about the checkpoint, with the checkpoint's facts in it."""
    return sentence.format(
        origin=pinned.origin,
        size=pinned.size,
        root=root_text(pinned.root),
        day=pinned.made_on.isoformat(),
    )


def scan_line(lang: str) -> str:
    """What the QR code beside the sentence is for."""
    return translate(
        "Scan the code: it is the signed checkpoint, to check with the ledger's verifier key.",
        lang,
    )


def note_label(lang: str) -> str:
    """The label of the cell that holds the whole signed note in a notice's CSV or Excel file."""
    return translate("The signed checkpoint, to check with the ledger's verifier key:", lang)


def since_note(pinned: Pinned) -> str | None:
    """The line for the person at the keyboard when the log has grown since the checkpoint
    printed (a notice or report reads; it never signs); None when it has not."""
    if pinned.events_since <= 0:
        return None
    return n_(
        "{n} event was written since the checkpoint printed (of {size} events); kunnan "
        "ledger checkpoint signs it",
        "{n} events were written since the checkpoint printed (of {size} events); kunnan "
        "ledger checkpoint signs them",
        pinned.events_since,
        n=pinned.events_since,
        size=pinned.size,
    )


def qr_svg(text: str) -> str:
    """The QR code of ``text`` (its UTF-8 bytes, byte for byte) as inline SVG: error
    correction M, a quiet zone of four modules, no XML declaration, no fixed size (the page's
    CSS sizes it through class ``qr``; it scales without blurring)."""
    import segno

    code = segno.make(text.encode("utf-8"), error="m", boost_error=False, micro=False)
    return code.svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, dark="#000", light="#fff"
    )
