"""A resident's short reference: eight characters made from their response's id.

Made the same way on a device offline (``static/js/survey.js``) and here, so the
thank-you screen can show it before anything is sent. Crockford's base 32: no I, L, O
or U, and a reference read aloud with "O" for zero or "L" for one still finds them.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def reference_for(response_id: str) -> str:
    """The response's reference, like ``K7QM-4TXD``: the first 40 bits of its UUID
    (a device's random ones), or of the id's SHA-256 when it is not a UUID."""
    try:
        digits = uuid.UUID(response_id).hex
    except ValueError:
        digits = hashlib.sha256(response_id.encode("utf-8")).hexdigest()
    number = int(digits[:10], 16)
    chars = [ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(LENGTH))]
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def normalise(typed: str) -> str | None:
    """A reference as typed or heard (any case, spaces, dashes, O for 0) in its stored
    form, or None when it cannot be one."""
    # Digits typed on a Bengali or Arabic keyboard count as the same digits.
    letters = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
        for ch in typed.upper()
        if ch.isalnum()
    ).translate(_READ_AS)
    if len(letters) != LENGTH or any(ch not in ALPHABET for ch in letters):
        return None
    return letters[:4] + "-" + letters[4:]


def id_prefix(reference: str) -> str:
    """The start of the response id a (normalised) reference was made from, like
    ``0f1e2d3c-4b``: responses are found by it on the primary key."""
    number = 0
    for ch in reference.replace("-", ""):
        number = number * 32 + ALPHABET.index(ch)
    digits = f"{number:010x}"
    return digits[:8] + "-" + digits[8:]
