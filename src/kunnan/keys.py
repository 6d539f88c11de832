"""The operators' private keys on this machine: one PKCS8 PEM file per key, in the user's own
configuration folder, named by the public key's fingerprint, readable by its owner only.

The folder is ``KUNNAN_CONFIG_HOME`` when set, else the user's configuration folder for
kunnan (``platformdirs``: ``~/.config/kunnan`` on Linux), and the keys are in its ``keys``
folder (mode 0700). A key file is written once, through the one safe writer
(``kunnan.files``: mode 0600, whole or not at all, never replacing a file), and encrypted
with a passphrase when one is given. A protected key is opened with ``KUNNAN_PASSPHRASE``,
or a passphrase typed at the terminal.

The ledger holds only public keys (``operator_key``); what is signed and how is
``kunnan.domain.signing``.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from kunnan.domain.errors import InvalidInput
from kunnan.domain.signing import fingerprint, passphrase_refusal, public_bytes
from kunnan.files import OutputFile, write_atomically, write_error
from kunnan.i18n import _

PASSPHRASE_VARIABLE = "KUNNAN_PASSPHRASE"  # noqa: S105 (the variable's name)
CONFIG_VARIABLE = "KUNNAN_CONFIG_HOME"


def config_home() -> Path:
    given = os.environ.get(CONFIG_VARIABLE, "").strip()
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("kunnan"))


def key_folder() -> Path:
    return config_home() / "keys"


def key_path(fingerprint: str) -> Path:
    return key_folder() / f"{fingerprint}.pem"


def env_passphrase() -> str | None:
    """The passphrase ``KUNNAN_PASSPHRASE`` gives (None: not set, or empty)."""
    return os.environ.get(PASSPHRASE_VARIABLE) or None


def save_private_key(key: Ed25519PrivateKey, passphrase: str | None) -> Path:
    """Write ``key`` to its file (mode 0600), encrypted with ``passphrase`` when one is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    folder = key_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise write_error(folder, error) from None
    path = key_path(fingerprint(public_bytes(key)))
    with write_atomically(OutputFile(path=path)) as temp:
        temp.write_bytes(pem)
    return path


def load_private_key(fingerprint: str) -> Ed25519PrivateKey | None:
    """The private key of this fingerprint, if its file is on this machine (None: it is not,
    or it holds no Ed25519 key); a protected one needs its passphrase."""
    path = key_path(fingerprint)
    try:
        pem = path.read_bytes()
    except OSError:
        return None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:  # encrypted
        key = _load_protected(pem, fingerprint)
    except ValueError:
        return None
    return key if isinstance(key, Ed25519PrivateKey) else None


def _load_protected(pem: bytes, fingerprint: str) -> PrivateKeyTypes:
    passphrase = env_passphrase()
    if passphrase is None and sys.stdin.isatty():
        passphrase = getpass.getpass(
            _("passphrase for signing key {fingerprint}: ", fingerprint=fingerprint)
        )
    if not passphrase:
        raise passphrase_refusal(fingerprint, given=False)
    try:
        return serialization.load_pem_private_key(pem, password=passphrase.encode())
    except (ValueError, TypeError):
        raise passphrase_refusal(fingerprint, given=True) from None


def read_public_key(path: Path) -> bytes:
    """The 32 bytes of the Ed25519 public key in a PEM file (``openssl pkey -pubout``)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(
            _(
                "cannot read the public key file {path}: {reason}",
                path=path,
                reason=(error.strerror or str(error)).lower(),
            )
        ) from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(
            _("{path} holds no Ed25519 public key in PEM form (BEGIN PUBLIC KEY)", path=path)
        )
    return public_bytes(key)
