"""Signatures (签名): which operator's key recorded each row, and that it was not changed since.

Every write of a ledger with operators registered ends by signing the rows it changed: each
row's canonical form (its table, its key and every column, sorted, in a versioned encoding;
personal data as keyed digests, ``PERSONAL``) is digested, and the list of (table, key, digest) is signed with the operator's Ed25519
key (``store.signatures``). A deleted row leaves a tombstone: the digest of its table and
key with no columns. ``kunnan db verify`` digests every row again and checks each signature
against the public key the ledger registered for its operator.

Everything here is pure: encodings, digests, keys in memory, and the refusals about keys.
Key files are read and written by ``kunnan.keys``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kunnan.domain.copying import canonical
from kunnan.domain.errors import PermissionDenied
from kunnan.i18n import _

#: The version of the row encoding; a new encoding gets a new name, old rows keep theirs.
#: Version 2 takes personal data in as keyed digests (``PERSONAL``); a row signed in
#: version 1 and unchanged since still verifies in it (``digests``).
ROW_ENCODING = "kunnan-row/2"
ROW_ENCODING_V1 = "kunnan-row/1"

#: The columns that hold someone's personal data: a row's encoding holds each as a keyed
#: digest (HMAC-SHA256 with the ledger's own secret), never as it is, so that a digest handed
#: out in a proof cannot be tried against guessed ID numbers, and erasing the data later
#: can keep its digest.
PERSONAL: dict[str, frozenset[str]] = {
    "member": frozenset({"name", "id_number", "birth_date", "phone"}),
    "household": frozenset({"address"}),
    "pairing": frozenset({"contact_name", "contact_phone"}),
}
#: The version of the signed message's encoding.
MESSAGE_ENCODING = "kunnan-signature/1"
#: Between the parts of a key of more than one column (policy_setting: key/2018-01-01).
KEY_SEPARATOR = "/"


def key_text(values: Sequence[Any]) -> str:
    """A row's key as ``row_change`` and ``signed_row`` hold it: its columns' values as text
    (numbers in decimal, days as YYYY-MM-DD), joined by ``/``; the triggers write the same."""
    return KEY_SEPARATOR.join(
        value.isoformat() if isinstance(value, dt.date) else str(value) for value in values
    )


def _dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def keyed(secret: bytes, table: str, key: str, column: str, value: Any) -> str:
    """A personal value's keyed digest: HMAC-SHA256 with the ledger's secret over the row it
    is in, its column and its canonical form, in hex."""
    message = _dumps([table, key, column, canonical(value)])
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def canonical_row(
    table: str, key: str, row: Mapping[str, Any] | None, *, secret: bytes | None = None
) -> bytes:
    """The versioned encoding of a row (None: the row was deleted, its tombstone); with the
    ledger's ``secret`` version 2, its personal columns as keyed digests, else version 1."""
    if secret is None:
        columns = None if row is None else [[name, canonical(row[name])] for name in sorted(row)]
        return _dumps([ROW_ENCODING_V1, table, key, columns])
    personal = PERSONAL.get(table, frozenset())
    columns = None
    if row is not None:
        columns = [
            [name, ["keyed", keyed(secret, table, key, name, row[name])]]
            if name in personal and row[name] is not None
            else [name, canonical(row[name])]
            for name in sorted(row)
        ]
    return _dumps([ROW_ENCODING, table, key, columns])


def row_digest(
    table: str, key: str, row: Mapping[str, Any] | None, *, secret: bytes | None = None
) -> bytes:
    return hashlib.sha256(canonical_row(table, key, row, secret=secret)).digest()


def digests(
    table: str, key: str, row: Mapping[str, Any] | None, secret: bytes | None
) -> tuple[bytes, ...]:
    """Every digest a signature or event may give this row as it is: in the current
    encoding, and in version 1 (written before the ledger had its secret)."""
    old = row_digest(table, key, row)
    return (old,) if secret is None else (row_digest(table, key, row, secret=secret), old)


@dataclass(frozen=True)
class SignedEntry:
    table: str
    key: str
    digest: bytes


def message_digest(
    entries: Iterable[SignedEntry], *, operator_id: int, fingerprint: str, signed_at: dt.datetime
) -> bytes:
    """The digest a signature signs: who, with which key, when, and every (table, key,
    digest) in order."""
    listed = sorted(entries, key=lambda e: (e.table, e.key))
    at = signed_at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    document = [
        MESSAGE_ENCODING,
        operator_id,
        fingerprint,
        at,
        [[e.table, e.key, e.digest.hex()] for e in listed],
    ]
    return hashlib.sha256(_dumps(document)).digest()


def key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """A key made from ``seed`` alone, the same every time (the sample ledger's operators)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest())


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 bytes of a public key, as ``operator_key`` keeps them."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    """A public key's name: the first 32 hex digits of its SHA-256 (its key file's name too)."""
    return hashlib.sha256(public).hexdigest()[:32]


def sign(key: Ed25519PrivateKey, digest: bytes) -> bytes:
    return key.sign(digest)


def signature_holds(public: bytes, digest: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, digest)
    except (InvalidSignature, ValueError):
        return False
    return True


def in_force(added_at: dt.datetime, retired_at: dt.datetime | None, at: dt.datetime) -> bool:
    """Whether a key was an operator's key at ``at``: added then or before, not yet retired."""
    return added_at <= at and (retired_at is None or at < retired_at)


def no_key_refusal(name: str) -> PermissionDenied:
    """An operator whose private key is not on this machine cannot sign what they write."""
    return PermissionDenied(
        _(
            "{name} has no signing key on this machine, and every write is signed: make one "
            "with kunnan --operator {name} operator key",
            name=name,
        )
    )


def wrong_key_refusal(name: str) -> PermissionDenied:
    return PermissionDenied(
        _("the key given to sign is not one the ledger registered for {name}", name=name)
    )


def passphrase_refusal(fingerprint: str, *, given: bool) -> PermissionDenied:
    """A passphrase-protected key opened without its passphrase, or with a wrong one."""
    if given:
        return PermissionDenied(
            _("the passphrase for signing key {fingerprint} is wrong", fingerprint=fingerprint)
        )
    return PermissionDenied(
        _(
            "signing key {fingerprint} is protected by a passphrase: set KUNNAN_PASSPHRASE or "
            "run the command in a terminal",
            fingerprint=fingerprint,
        )
    )
