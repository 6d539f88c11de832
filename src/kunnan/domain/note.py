"""Signed notes (https://c2sp.org/signed-note) and the checkpoints they carry
(https://c2sp.org/tlog-checkpoint): a text signed with Ed25519 keys named like
``example.com/log``, and the text of a Merkle tree head (its origin, size and root hash).

A signed note is its text, ending in a newline, then a blank line, then one line per
signature: an em dash (U+2014), a space, the key's name, a space, and the base64 of the key's
4-byte ID and the signature of the text. A key ID is the first four bytes of
SHA-256(name || 0x0A || 0x01 || public key), 0x01 being Ed25519's signature type; a verifier
key, the text a verifier is given, is ``name+<key ID in hex>+base64(0x01 || public key)``
(as golang.org/x/mod/sumdb/note writes it).

Reading is strict: a note or checkpoint other implementations would refuse, or could read in
two ways, is refused here as ``InvalidInput`` with one line saying what is wrong. Base64 is
the standard alphabet with padding (RFC 4648 section 4), and only as an encoder writes it.
Everything here is pure: texts and keys in memory.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kunnan.domain.errors import InvalidInput
from kunnan.i18n import _

#: The signature type of Ed25519 in key IDs and verifier keys (C2SP signed-note).
ED25519 = 0x01
#: A note with more signature lines than this is refused, as golang.org/x/mod/sumdb/note does.
MAX_SIGNATURES = 100
#: The largest tree size a checkpoint may state (every log counts in 64 bits).
MAX_TREE_SIZE = 2**64 - 1
#: What begins every signature line: an em dash and a space.
SIGNATURE_PREFIX = "\u2014 "

_PUBLIC_KEY_SIZE = 32
_ROOT_SIZE = 32
_SIZE = re.compile(r"0|[1-9][0-9]*")
_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head as a checkpoint states it: the log's origin, the number of leaves
    and the RFC 6962 root hash of the tree of them, and any extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


# Base64 and text, as the specifications want them --------------------------------------------


def _encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _decode(text: str) -> bytes | None:
    """The bytes of standard, padded base64 written as an encoder writes it; None otherwise
    (other characters, missing padding, or bits an encoder leaves zero that are not)."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        return None
    return data if _encode(data) == text else None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 holds it
        return False
    return True


def _has_control(text: str) -> bool:
    """Whether ``text`` holds an ASCII control character other than newline, which no note
    may hold."""
    return any(ch < " " and ch != "\n" for ch in text)


def _shown(text: str) -> str:
    """``text`` fit for a one-line message: what cannot be printed shown as U+FFFD."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def _note_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be the text of a note, or None."""
    if not _utf8(text):
        return _("it is not valid UTF-8")
    if _has_control(text):
        return _("it has a control character other than a newline")
    if not text.endswith("\n"):
        return _("it does not end in a newline")
    return None


# Checkpoints ------------------------------------------------------------------------------


def _malformed_checkpoint(problem: str) -> InvalidInput:
    return InvalidInput(_("the checkpoint is malformed: {problem}", problem=problem))


def checkpoint_body(checkpoint: Checkpoint) -> str:
    """The note text of a checkpoint (C2SP tlog-checkpoint): its origin, its tree size in
    decimal, the base64 of its root hash, then each extension line, each line ending in a
    newline. ValueError for a checkpoint no reader could take back as it is."""
    size, root = checkpoint.size, checkpoint.root
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_TREE_SIZE:
        raise ValueError(f"a checkpoint's tree size is from 0 to 2^64 - 1, not {size!r}")
    if not isinstance(root, bytes) or len(root) != _ROOT_SIZE:
        raise ValueError("a checkpoint's root hash is 32 bytes")
    lines = [checkpoint.origin, str(size), _encode(root), *checkpoint.extensions]
    if any(
        not isinstance(line, str)
        or not line
        or "\n" in line
        or _has_control(line)
        or not _utf8(line)
        for line in lines
    ):
        raise ValueError("a checkpoint's origin and extension lines are non-empty text lines")
    return "".join(f"{line}\n" for line in lines)


def parse_checkpoint(body: str) -> Checkpoint:
    """The checkpoint a note text states, read strictly (C2SP tlog-checkpoint): at least
    three non-empty lines, each ending in a newline; the origin; the tree size in ASCII
    decimal without sign or leading zeros ("0" for the empty tree); the root hash, the
    base64 of 32 bytes; then any extension lines."""
    problem = _note_text_problem(body)
    if problem is not None:
        raise _malformed_checkpoint(problem)
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise _malformed_checkpoint(
            _("it has fewer than three lines (origin, tree size, root hash)")
        )
    origin, size, root_hash, *extensions = lines
    if not origin:
        raise _malformed_checkpoint(_("its origin line is empty"))
    if not _SIZE.fullmatch(size):
        raise _malformed_checkpoint(
            _("its tree size is not a decimal number without a sign or leading zeros")
        )
    if int(size) > MAX_TREE_SIZE:
        raise _malformed_checkpoint(_("its tree size is larger than 2^64 - 1"))
    root = _decode(root_hash)
    if root is None or len(root) != _ROOT_SIZE:
        raise _malformed_checkpoint(_("its root hash is not the base64 of 32 bytes"))
    if any(not line for line in extensions):
        raise _malformed_checkpoint(_("it has an empty extension line"))
    return Checkpoint(origin, int(size), root, tuple(extensions))


# Keys -------------------------------------------------------------------------------------


def valid_key_name(name: str) -> bool:
    """Whether ``name`` may name a key (C2SP signed-note): not empty, and without Unicode
    spaces, '+' or, since no note may hold them, control characters."""
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and _utf8(name)
        and not any(ch.isspace() or ch < " " for ch in name)
    )


def key_name_refusal(name: str) -> InvalidInput:
    return InvalidInput(
        _(
            "“{name}” is not a valid key name: it must not be empty, nor hold spaces, control "
            "characters or '+'",
            name=_shown(name),
        )
    )


def _check_public(public: bytes) -> None:
    if not isinstance(public, bytes) or len(public) != _PUBLIC_KEY_SIZE:
        raise ValueError("an Ed25519 public key is 32 bytes")


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte ID of the Ed25519 key ``public`` named ``name``: the first four bytes of
    SHA-256(name || 0x0A || 0x01 || public key), as C2SP signed-note recommends."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public).digest()[:4]


def verifier_key(name: str, public: bytes) -> str:
    """The verifier key of the Ed25519 public key ``public`` named ``name``:
    ``name+<key ID in 8 hex digits>+base64(0x01 || public key)``."""
    if not valid_key_name(name):
        raise key_name_refusal(name)
    _check_public(public)
    return f"{name}+{key_id(name, public).hex()}+{_encode(bytes([ED25519]) + public)}"


def _malformed_verifier_key(problem: str) -> InvalidInput:
    return InvalidInput(_("the verifier key is malformed: {problem}", problem=problem))


def parse_verifier_key(text: str) -> tuple[str, bytes]:
    """The name and 32-byte Ed25519 public key a verifier key gives, once its key ID is
    checked against them."""
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise _malformed_verifier_key(_("it is not of the form name+key ID+key"))
    name, id_text, key_text = parts
    if not valid_key_name(name):
        raise key_name_refusal(name)
    if not _KEY_ID.fullmatch(id_text):
        raise _malformed_verifier_key(_("its key ID is not 8 hexadecimal digits"))
    key = _decode(key_text)
    if key is None or len(key) != 1 + _PUBLIC_KEY_SIZE or key[0] != ED25519:
        raise _malformed_verifier_key(
            _("its key is not the base64 of an Ed25519 public key (type 0x01 and 32 bytes)")
        )
    public = key[1:]
    if bytes.fromhex(id_text) != key_id(name, public):
        raise _malformed_verifier_key(_("its key ID does not match its name and key"))
    return name, public


# Notes ------------------------------------------------------------------------------------


def _public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign_note(body: str, name: str, key: Ed25519PrivateKey) -> str:
    """The note of ``body`` signed by ``key`` under ``name``: the body, a blank line, and
    the line ``— name base64(key ID || Ed25519 signature of the body's UTF-8)``.

    ValueError for a body no note may carry (it must be UTF-8 text without control
    characters but newlines, ending in a newline): bodies are made by the program."""
    if not valid_key_name(name):
        raise key_name_refusal(name)
    problem = _note_text_problem(body)
    if problem is not None:
        raise ValueError(f"not the text of a note: {problem}")
    text = body.encode("utf-8")
    signature = key_id(name, _public_bytes(key)) + key.sign(text)
    return f"{body}\n{SIGNATURE_PREFIX}{name} {_encode(signature)}\n"


def _malformed_note(problem: str) -> InvalidInput:
    return InvalidInput(_("the signed note is malformed: {problem}", problem=problem))


def _signatures(lines: list[str]) -> list[tuple[str, bytes]]:
    """(key name, key ID and signature) of each signature line, or the note is refused."""
    found = []
    for number, line in enumerate(lines, start=1):
        name, _space, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        signature = _decode(encoded)
        if (
            not line.startswith(SIGNATURE_PREFIX)
            or not valid_key_name(name)
            or signature is None
            or len(signature) < 5  # a key ID and at least a byte of signature
        ):
            raise _malformed_note(
                _(
                    "signature line {number} is not an em dash and a space, a key name, a "
                    "space and a signature in base64",
                    number=number,
                )
            )
        found.append((name, signature))
    return found


def open_note(text: str, name: str, public: bytes) -> str:
    """The text of the signed note ``text`` once its signature by the Ed25519 key ``public``
    named ``name`` is verified (C2SP signed-note).

    The note must be UTF-8 without control characters but newlines and end in a newline;
    its text ends at its last blank line, and every line after that is a signature line (at
    most ``MAX_SIGNATURES``). Signatures of other keys (another name or another key ID) are
    ignored; the first by this key decides: it must verify. A note without one is refused.
    """
    if not valid_key_name(name):
        raise key_name_refusal(name)
    _check_public(public)
    problem = _note_text_problem(text)
    if problem is not None:
        raise _malformed_note(problem)
    split = text.rfind("\n\n")
    if split < 0:
        raise _malformed_note(_("no blank line separates its text from its signatures"))
    body, block = text[: split + 1], text[split + 2 :]
    if not block:
        raise _malformed_note(_("it has no signature lines"))
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise _malformed_note(_("it has more than {limit} signature lines", limit=MAX_SIGNATURES))
    wanted = key_id(name, public)
    key = f"{name}+{wanted.hex()}"
    for signer, signature in _signatures(lines):
        if signer == name and signature[:4] == wanted:
            try:
                Ed25519PublicKey.from_public_bytes(public).verify(
                    signature[4:], body.encode("utf-8")
                )
            except (InvalidSignature, ValueError):
                raise InvalidInput(
                    _("the signature by {key} on the note does not verify", key=_shown(key))
                ) from None
            return body
    raise InvalidInput(_("the note is not signed by {key}", key=_shown(key)))
