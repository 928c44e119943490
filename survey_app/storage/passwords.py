"""Which passwords to refuse: too short, or among those people guess first."""

from __future__ import annotations

import re

MIN_LENGTH = 8

# The passwords that lead every leaked-password list, with the patterns that make them:
# keyboard rows, counting, repeats, and the app's own words. Not a substitute for length.
COMMON = frozenset(
    """
    password password1 password12 password123 passw0rd p@ssword p@ssw0rd 12345678 123456789
    1234567890 0123456789 87654321 11111111 00000000 12341234 11223344 qwertyui qwerty12
    qwerty123 qwertyuiop asdfghjk asdfghjkl zxcvbnm1 1q2w3e4r 1q2w3e4r5t qazwsxedc iloveyou
    iloveyou1 sunshine princess football baseball welcome1 welcome123 letmein1 letmein123
    admin123 administrator monkey123 dragon123 trustno1 abc12345 abcd1234 abcdefgh changeme
    changeme1 whatmatters whatmatters1 volunteer volunteer1 coordinator london123 london2024
    london2025 london2026 starwars superman batman123 master123 shadow123 liverpool arsenal1
    chelsea1 manchester tottenham westham1 bismillah allah123 pakistan bangladesh somalia1
    """.split()
)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password should be refused, as a key for a message; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return "short"
    lowered = password.casefold()
    if (
        lowered in COMMON
        or re.fullmatch(r"(.)\1+", password)
        or lowered.isdigit()
        and len(set(lowered)) <= 2
    ):
        return "common"
    personal = [
        part for part in re.split(r"[@.\s_-]+", f"{email} {name}".casefold()) if len(part) >= 4
    ]
    if any(part in lowered for part in personal):
        return "personal"
    return None
