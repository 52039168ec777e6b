"""Reply codes as the web app stores them: an HMAC under the server's key, never in clear."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def code_hash(canonical_code: str) -> str:
    """HMAC-SHA256 of a canonical code (as :func:`sortition.codes.normalise_code` returns it)."""
    key = str(current_app.config["CODE_HMAC_KEY"]).encode()
    return hmac.new(key, canonical_code.encode(), hashlib.sha256).hexdigest()
