"""C2SP signed notes and checkpoints: byte for byte as golang.org/x/mod/sumdb/note and the
specifications write them, and every note that is not what it claims refused in one line."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kunnan.domain.errors import InvalidInput
from kunnan.domain.note import (
    Checkpoint,
    checkpoint_body,
    key_id,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
    sign_note,
    valid_key_name,
    verifier_key,
)


def public_of(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# The published vectors of golang.org/x/mod/sumdb/note (note.go's documentation, note_test.go)

#: Its signer key PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz
#: holds the type 0x01 and this Ed25519 seed.
PETER_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
    "tpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox"
    "33WWd1RvMc+QQ=\n"
)
PETER = Ed25519PrivateKey.from_private_bytes(PETER_SEED)
PETER_PUBLIC = parse_verifier_key(PETER_VKEY)[1]
ENOCH_PUBLIC = parse_verifier_key(ENOCH_VKEY)[1]


def test_the_published_key_gives_the_published_verifier_key_and_key_id() -> None:
    assert public_of(PETER) == PETER_PUBLIC
    assert key_id("PeterNeumann", PETER_PUBLIC).hex() == "c74f20a3"
    assert verifier_key("PeterNeumann", PETER_PUBLIC) == PETER_VKEY
    assert parse_verifier_key(ENOCH_VKEY) == ("EnochRoot", ENOCH_PUBLIC)
    assert verifier_key("EnochRoot", ENOCH_PUBLIC) == ENOCH_VKEY


def test_signing_the_published_text_gives_the_published_note() -> None:
    assert sign_note(TEXT, "PeterNeumann", PETER) == TEXT + "\n" + PETER_SIG


def test_the_published_notes_open() -> None:
    assert open_note(TEXT + "\n" + PETER_SIG, "PeterNeumann", PETER_PUBLIC) == TEXT
    both = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(both, "PeterNeumann", PETER_PUBLIC) == TEXT  # Enoch's is not ours: ignored
    assert open_note(both, "EnochRoot", ENOCH_PUBLIC) == TEXT
    repeated = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG
    assert open_note(repeated, "PeterNeumann", PETER_PUBLIC) == TEXT


def test_the_published_bad_notes_are_refused() -> None:
    bad = [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        "\udcff" + TEXT + "\n" + PETER_SIG,  # what a str holds of a byte that is not UTF-8
        TEXT + "\n" + "— Bad Name " + PETER_SIG.split(" ")[2],
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
    ]
    for note in bad:
        with pytest.raises(InvalidInput, match=r"^the signed note is malformed: "):
            open_note(note, "PeterNeumann", PETER_PUBLIC)


def test_the_published_note_with_its_signature_changed_does_not_verify() -> None:
    changed = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(
        InvalidInput, match=r"^the signature by PeterNeumann\+c74f20a3 on the note does not verify$"
    ):
        open_note(changed, "PeterNeumann", PETER_PUBLIC)


def test_the_published_verifier_key_mangled_in_any_way_is_refused() -> None:
    for start in range(len(PETER_VKEY) + 1):
        for end in range(start + 1, len(PETER_VKEY) + 1):
            if (start, end) != (0, len(PETER_VKEY)):
                with pytest.raises(InvalidInput):
                    parse_verifier_key(PETER_VKEY[start:end])
    for at in range(len(PETER_VKEY)):
        mangled = PETER_VKEY[:at] + chr(ord(PETER_VKEY[at]) + 1) + PETER_VKEY[at + 1 :]
        with pytest.raises(InvalidInput):
            parse_verifier_key(mangled)
    for wrong in (
        # A key of the wrong length, and of an unknown type, each with its key ID adjusted.
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "",
        "PeterNeumann",
        PETER_VKEY + "\n",
    ):
        with pytest.raises(InvalidInput):
            parse_verifier_key(wrong)


# A key of ours, from a fixed seed --------------------------------------------------------

SEED = hashlib.sha256(b"kunnan test log key").digest()
KEY = Ed25519PrivateKey.from_private_bytes(SEED)
PUBLIC = public_of(KEY)
NAME = "example.com/origin"
ROOT = hashlib.sha256(b"a root").digest()


def test_a_checkpoint_body_byte_for_byte() -> None:
    body = checkpoint_body(Checkpoint(NAME, 4, ROOT))
    assert body == f"example.com/origin\n4\n{base64.b64encode(ROOT).decode()}\n"
    assert body.encode() == (
        b"example.com/origin\n4\n" + base64.b64encode(ROOT) + b"\n"
    )  # the bytes a signature signs
    with_extensions = checkpoint_body(Checkpoint(NAME, 0, ROOT, ("ext one", "two")))
    assert with_extensions == f"{NAME}\n0\n{base64.b64encode(ROOT).decode()}\next one\ntwo\n"


def test_the_specifications_checkpoint_reads_and_writes_back() -> None:
    body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = parse_checkpoint(body)
    assert checkpoint == Checkpoint(
        "example.com/behind-the-sofa",
        20852163,
        base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
    )
    assert checkpoint_body(checkpoint) == body


def test_a_signed_checkpoint_is_the_independently_computed_line() -> None:
    body = checkpoint_body(Checkpoint(NAME, 4, ROOT))
    expected_id = hashlib.sha256(NAME.encode() + b"\n\x01" + PUBLIC).digest()[:4]
    assert key_id(NAME, PUBLIC) == expected_id
    signature = KEY.sign(body.encode())  # Ed25519 is deterministic
    line = "\u2014 " + NAME + " " + base64.b64encode(expected_id + signature).decode() + "\n"
    note = sign_note(body, NAME, KEY)
    assert note == body + "\n" + line
    assert note.encode("utf-8")[len(body) + 1 : len(body) + 5] == b"\xe2\x80\x94 "  # U+2014
    assert verifier_key(NAME, PUBLIC) == (
        NAME + "+" + expected_id.hex() + "+" + base64.b64encode(b"\x01" + PUBLIC).decode()
    )


def test_a_note_round_trips() -> None:
    for body in (
        checkpoint_body(Checkpoint(NAME, 12345, ROOT, ("an extension",))),
        "工会帮扶台账\n\n中间有空行\n",
        "\n",
    ):
        note = sign_note(body, NAME, KEY)
        assert open_note(note, NAME, PUBLIC) == body
    note = sign_note(checkpoint_body(Checkpoint(NAME, 7, ROOT)), NAME, KEY)
    assert parse_checkpoint(open_note(note, NAME, PUBLIC)) == Checkpoint(NAME, 7, ROOT)
    name, public = parse_verifier_key(verifier_key(NAME, PUBLIC))
    assert (name, public) == (NAME, PUBLIC)


def test_other_signatures_beside_ours_are_ignored() -> None:
    body = checkpoint_body(Checkpoint(NAME, 4, ROOT))
    ours = sign_note(body, NAME, KEY)
    witness = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"witness").digest())
    theirs = sign_note(body, "witness.example/w1", witness).removeprefix(body + "\n")
    assert open_note(ours + theirs, NAME, PUBLIC) == body
    assert open_note(body + "\n" + theirs + ours.removeprefix(body + "\n"), NAME, PUBLIC) == body


# Notes refused -------------------------------------------------------------------------------

BODY = checkpoint_body(Checkpoint(NAME, 4, ROOT))
NOTE = sign_note(BODY, NAME, KEY)
SIGNATURE_LINE = NOTE.removeprefix(BODY + "\n")


def refused(note: str, match: str, *, name: str = NAME, public: bytes = PUBLIC) -> None:
    with pytest.raises(InvalidInput, match=match) as refusal:
        open_note(note, name, public)
    assert "\n" not in str(refusal.value)


def test_a_changed_body_does_not_verify() -> None:
    changed = NOTE.replace("\n4\n", "\n5\n", 1)
    refused(changed, r"^the signature by example\.com/origin\+[0-9a-f]{8} on the note does not")


def test_a_truncated_note_is_refused() -> None:
    refused(NOTE[:-1], "does not end in a newline")
    refused(NOTE[: len(BODY) + 1], "it has no signature lines")
    cut = len(BODY) + 1 + len(f"\u2014 {NAME} ")  # where the signature's base64 begins
    refused(NOTE[: cut + 8] + "\n", "does not verify")  # its key ID and two bytes
    refused(NOTE[: cut + 7] + "\n", "signature line 1 is not")  # not base64
    refused(BODY + "\n", "it has no signature lines")
    refused(BODY, "no blank line separates")


def test_a_note_without_its_final_newline_is_refused() -> None:
    refused(NOTE.removesuffix("\n"), "^the signed note is malformed: it does not end in a newline$")


def test_a_signature_by_another_key_is_not_ours() -> None:
    other = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"another key").digest())
    by_other = sign_note(BODY, NAME, other)  # same name, another key: another key ID
    refused(by_other, r"^the note is not signed by example\.com/origin\+[0-9a-f]{8}$")
    assert open_note(by_other, NAME, public_of(other)) == BODY


def test_a_signature_under_our_key_id_by_another_key_does_not_verify() -> None:
    other = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"another key").digest())
    forged = key_id(NAME, PUBLIC) + other.sign(BODY.encode())
    note = BODY + "\n\u2014 " + NAME + " " + base64.b64encode(forged).decode() + "\n"
    refused(note, "does not verify")


def test_our_signature_under_another_name_or_key_id_is_not_ours() -> None:
    refused(NOTE.replace(f"\u2014 {NAME} ", "\u2014 example.com/other ", 1), "is not signed by")
    raw = base64.b64decode(SIGNATURE_LINE.split(" ")[2])
    wrong_id = bytes([raw[0] ^ 1]) + raw[1:]
    note = BODY + "\n\u2014 " + NAME + " " + base64.b64encode(wrong_id).decode() + "\n"
    refused(note, "is not signed by")


def test_a_name_with_a_space_is_no_key_name() -> None:
    assert not valid_key_name("example.com origin")
    for name in ("", "a+b", "tab\there", "nbsp\u00a0", "ideographic\u3000space", "\x01", "\udc80"):
        assert not valid_key_name(name), name
        with pytest.raises(InvalidInput, match="is not a valid key name"):
            verifier_key(name, PUBLIC)
        with pytest.raises(InvalidInput, match="is not a valid key name"):
            sign_note(BODY, name, KEY)
    for name in ("example.com/origin", "PeterNeumann", "工会.example/台账", "a"):
        assert valid_key_name(name), name
    spaced = BODY + "\n\u2014 example.com origin " + SIGNATURE_LINE.split(" ")[2]
    refused(spaced, "signature line 1 is not")


def test_malformed_signature_lines_are_refused() -> None:
    encoded = SIGNATURE_LINE.split(" ")[2].removesuffix("\n")
    for line in (
        f"-- {NAME} {encoded}",  # not an em dash
        f"\u2014{NAME} {encoded}",
        f"\u2014 {NAME}  {encoded}",
        f"\u2014 {NAME} {encoded} ",
        f"\u2014 {NAME} {encoded.rstrip('=')}",  # padding missing
        f"\u2014 {NAME} {encoded[:-2]}B=",  # bits an encoder leaves zero
        f"\u2014 {NAME} {base64.b64encode(b'abcd').decode()}",  # a key ID and nothing else
        f"\u2014 {NAME}",
        "\u2014 ",
    ):
        refused(BODY + "\n" + line + "\n", r"^the signed note is malformed: signature line 1 ")
    refused(NOTE + "not a signature\n", "signature line 2 is not")


def test_at_most_a_hundred_signature_lines() -> None:
    assert open_note(NOTE + SIGNATURE_LINE * 99, NAME, PUBLIC) == BODY
    refused(NOTE + SIGNATURE_LINE * 100, "more than 100 signature lines")


def test_control_characters_and_bad_utf8_are_refused() -> None:
    refused(NOTE.replace("origin", "ori\rgin", 1), "control character")
    refused(NOTE.replace("origin", "ori\x00gin", 1), "control character")
    refused("\ud800" + NOTE, "not valid UTF-8")


# Checkpoints refused -------------------------------------------------------------------------

B64_ROOT = base64.b64encode(ROOT).decode()
URLSAFE_ROOT = base64.urlsafe_b64encode(b"\xff" * 32).decode()  # "-" and "_" for "+" and "/"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (f"{NAME}\n01\n{B64_ROOT}\n", "its tree size is not a decimal number"),
        (f"{NAME}\n-1\n{B64_ROOT}\n", "its tree size is not a decimal number"),
        (f"{NAME}\n+1\n{B64_ROOT}\n", "its tree size is not a decimal number"),
        (f"{NAME}\n00\n{B64_ROOT}\n", "its tree size is not a decimal number"),
        (f"{NAME}\n 1\n{B64_ROOT}\n", "its tree size is not a decimal number"),
        (f"{NAME}\n\u0661\n{B64_ROOT}\n", "its tree size is not a decimal number"),  # Arabic 1
        (f"{NAME}\n1_000\n{B64_ROOT}\n", "its tree size is not a decimal number"),
        (f"{NAME}\n\n{B64_ROOT}\n", "its tree size is not a decimal number"),
        (f"{NAME}\n{2**64}\n{B64_ROOT}\n", "larger than 2"),
        (f"{NAME}\n4\n{base64.b64encode(ROOT[:31]).decode()}\n", "root hash is not the base64"),
        (f"{NAME}\n4\n{base64.b64encode(ROOT + b'!').decode()}\n", "root hash"),
        (f"{NAME}\n4\n{B64_ROOT.rstrip('=')}\n", "root hash"),
        (f"{NAME}\n4\n{ROOT.hex()}\n", "root hash"),
        (f"{NAME}\n4\n{URLSAFE_ROOT}\n", "root hash"),
        (f"\n4\n{B64_ROOT}\n", "its origin line is empty"),
        (f"{NAME}\n4\n{B64_ROOT}", "does not end in a newline"),
        (f"{NAME}\n4\n", "fewer than three lines"),
        ("", "does not end in a newline"),
        (f"{NAME}\n4\n{B64_ROOT}\n\n", "empty extension line"),
        (f"{NAME}\n4\n{B64_ROOT}\next\n\nmore\n", "empty extension line"),
        (f"{NAME}\r\n4\n{B64_ROOT}\n", "control character"),
    ],
)
def test_a_malformed_checkpoint_is_refused(body: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=r"^the checkpoint is malformed: ") as refusal:
        parse_checkpoint(body)
    assert problem in str(refusal.value)


def test_the_largest_and_smallest_tree_sizes_read() -> None:
    assert parse_checkpoint(f"{NAME}\n0\n{B64_ROOT}\n").size == 0
    assert parse_checkpoint(f"{NAME}\n{2**64 - 1}\n{B64_ROOT}\n").size == 2**64 - 1


def test_no_body_is_written_for_a_checkpoint_no_one_could_read_back() -> None:
    for checkpoint in (
        Checkpoint("", 4, ROOT),
        Checkpoint("two\nlines", 4, ROOT),
        Checkpoint(NAME, -1, ROOT),
        Checkpoint(NAME, 2**64, ROOT),
        Checkpoint(NAME, 4, ROOT[:31]),
        Checkpoint(NAME, 4, ROOT, ("",)),
        Checkpoint(NAME, 4, ROOT, ("a\nb",)),
        Checkpoint(NAME, 4, ROOT, ("tab\there",)),
    ):
        with pytest.raises(ValueError):
            checkpoint_body(checkpoint)


def test_no_note_is_signed_for_a_body_no_note_can_carry() -> None:
    for body in ("", "no final newline", "a\x00b\n", "\udc80\n"):
        with pytest.raises(ValueError, match="not the text of a note"):
            sign_note(body, NAME, KEY)


def test_a_verifier_key_with_a_wrong_key_id_is_refused() -> None:
    name, key_id_hex, key = verifier_key(NAME, PUBLIC).split("+", 2)
    wrong = f"{name}+{int(key_id_hex, 16) ^ 1:08x}+{key}"
    with pytest.raises(
        InvalidInput,
        match=r"^the verifier key is malformed: its key ID does not match its name and key$",
    ):
        parse_verifier_key(wrong)
    assert parse_verifier_key(f"{name}+{key_id_hex.upper()}+{key}") == (NAME, PUBLIC)
