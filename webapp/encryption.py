"""Secrets stored encrypted at rest: the staff's TOTP secrets (Fernet, AES-128-CBC + HMAC).

The keys come from the configuration, ``MFA_KEYS``: a list of Fernet keys (or one string with
the keys separated by commas, as ``KLEROTERION_MFA_KEYS`` in the environment), newest first.
The first key encrypts; every key decrypts, so that a key can be rotated without a stop:

1. ``flask --app webapp mfa new-key`` prints a fresh key; put it FIRST in ``MFA_KEYS``, keep
   the old one after it, and restart the app and the worker;
2. ``flask --app webapp mfa rotate`` encrypts every stored secret again under the first key;
3. remove the old key from ``MFA_KEYS`` and restart.

Without ``MFA_KEYS`` (instances made before it existed) one key is derived from SECRET_KEY
(HKDF-SHA256): changing SECRET_KEY then needs the derived key listed, which
``flask --app webapp mfa new-key --derived`` prints. ``init-instance`` writes an ``MFA_KEYS``
of its own into new instance configurations.

A stolen database (or backup) without the configuration then holds no usable second factor.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

_DERIVATION_INFO = b"kleroterion: TOTP secrets at rest"
# What a secret reads as when no configured key decrypts it: no TOTP code ever matches it.
UNREADABLE = "!unreadable"
# A TOTP secret as pyotp makes it: base32. A Fernet token never matches (it holds lowercase
# letters, digits 0, 1, 8, 9, "-", "_").
_PLAIN_SECRET = re.compile(r"[A-Z2-7]+=*")


class EncryptionKeyError(ValueError):
    """``MFA_KEYS`` holds something that is not a Fernet key."""


def derived_key(secret_key: str) -> bytes:
    """The Fernet key used when ``MFA_KEYS`` is not configured."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DERIVATION_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def configured_keys(config: Mapping[str, Any]) -> list[bytes]:
    """The keys of ``config``, newest first (a derived one when none are configured)."""
    raw = config.get("MFA_KEYS")
    if isinstance(raw, str):
        raw = [part for part in (p.strip() for p in raw.split(",")) if part]
    keys = [k.encode() if isinstance(k, str) else bytes(k) for k in (raw or [])]
    if not keys:
        secret_key = config.get("SECRET_KEY")
        if not secret_key:
            raise EncryptionKeyError("MFA_KEYS or SECRET_KEY must be set to store TOTP secrets")
        keys = [derived_key(str(secret_key))]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise EncryptionKeyError(
                f"MFA_KEYS: key {position} is not a Fernet key (32 url-safe base64 bytes); "
                "`flask --app webapp mfa new-key` makes one"
            ) from exc
    return keys


def cipher(config: Mapping[str, Any] | None = None) -> MultiFernet:
    keys = configured_keys(current_app.config if config is None else config)
    return MultiFernet([Fernet(k) for k in keys])


def is_plain_secret(value: str) -> bool:
    return _PLAIN_SECRET.fullmatch(value) is not None


def encrypt(value: str, config: Mapping[str, Any] | None = None) -> str:
    return cipher(config).encrypt(value.encode()).decode("ascii")


def decrypt(token: str, config: Mapping[str, Any] | None = None) -> str:
    """The clear value; a value stored before encryption (base32) is returned as it is."""
    if is_plain_secret(token):
        return token
    try:
        return cipher(config).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise EncryptionKeyError(
            "a stored TOTP secret cannot be decrypted with any key of MFA_KEYS "
            "(was a key removed before `flask --app webapp mfa rotate`?)"
        ) from exc


def rotate(token: str, config: Mapping[str, Any] | None = None) -> str:
    """``token`` encrypted again under the first key (a clear value gets encrypted)."""
    if is_plain_secret(token):
        return encrypt(token, config)
    return cipher(config).rotate(token.encode("ascii")).decode("ascii")


class EncryptedString(TypeDecorator[str]):
    """A string column stored as a Fernet token under the configured keys."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return decrypt(value)
        except EncryptionKeyError:
            # Fail closed, without a 500: the account keeps a second factor that no code
            # matches (never none, which would let the password alone enrol a new one), until
            # the key is restored or an administrator resets it.
            log.warning("a stored TOTP secret cannot be decrypted with any key of MFA_KEYS")
            return UNREADABLE
