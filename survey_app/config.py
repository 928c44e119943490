"""Every setting, declared once with its default and a line of help.

A setting can come from the test mapping, the instance folder's ``config.py``
or an environment variable named ``WHATMATTERS_<NAME>``; ``docs/configuration.md``
is checked against this list by the tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _int(value: str) -> int:
    return int(value)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE",
        None,
        "Path of the SQLite file. Default: whatmatters.sqlite in the instance folder.",
    ),
    Setting(
        "LANGUAGES",
        ["en", "bn", "so", "ur", "ar", "tr", "pl", "es", "pt", "it", "lt", "zh_Hans"],
        "Languages offered, as Babel locale codes, in the order shown to residents.",
        _csv,
    ),
    Setting("DEFAULT_LANGUAGE", "en", "Language used when the browser asks for none we offer."),
    Setting(
        "NEIGHBOURHOODS",
        [],
        "Comma-separated neighbourhood names offered in the 'about you' section; "
        "empty keeps the list in the survey file.",
        _csv,
    ),
    Setting(
        "ANALYSIS_BREAKDOWNS",
        ["neighbourhood", "age_band"],
        "Comma-separated ids of choice questions that the analysis breaks themes down by "
        "and lets the team filter answers by (beside language and event).",
        _csv,
    ),
    Setting(
        "EMBED_ON_ARRIVAL",
        True,
        "Make each free-text answer's sentence vector (and, where answers come in several "
        "languages, its latent terms) in the background when it arrives (true), so an "
        "analysis later only places answers; false makes them on first use.",
        lambda value: value.strip().lower() in ("1", "true", "yes", "on"),
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "Address residents reach the app at, for QR codes and printed links "
        "(e.g. https://whatmatters.example.org). Empty: the address of the request.",
    ),
    Setting(
        "TIMEZONE",
        "Europe/London",
        "Time zone in which staff pages show times (stored times are UTC), e.g. Europe/London.",
    ),
    Setting(
        "MAX_ANSWER_LENGTH",
        5000,
        "Most characters accepted in one free-text answer.",
        _int,
    ),
    Setting(
        "KIOSK_IDLE_SECONDS",
        120,
        "In kiosk mode, seconds without a touch before a half-finished survey shows its "
        "countdown to starting again.",
        _int,
    ),
    Setting(
        "KIOSK_COUNTDOWN_SECONDS",
        30,
        "In kiosk mode, seconds the countdown shows before the survey starts again and "
        "the unfinished answers are cleared.",
        _int,
    ),
    Setting(
        "RECORDINGS_FOLDER",
        None,
        "Folder for residents' voice answers, outside the static folder. Default: beside "
        "the database, named after it (whatmatters-recordings). Back it up with the database.",
    ),
    Setting(
        "SEND_FILE_MAX_AGE_DEFAULT",
        3600,
        "Seconds browsers may cache static files.",
        _int,
    ),
    Setting(
        "STAFF_IDLE_MINUTES",
        240,
        "Minutes without a page before a signed-in person must sign in again.",
        _int,
    ),
    Setting(
        "STAFF_SESSION_HOURS",
        14,
        "Hours after signing in when a session ends, however busy (a long day of rounds).",
        _int,
    ),
    Setting(
        "SIGN_IN_FAILURES",
        10,
        "Wrong passwords for one account, from any address, before the account is held.",
        _int,
    ),
    Setting(
        "SIGN_IN_HOLD_MINUTES",
        15,
        "Minutes those wrong passwords count for; the account is held until they age out.",
        _int,
    ),
    Setting(
        "SEND_LIMIT_PER_DEVICE",
        "240 per minute",
        "Requests one volunteer's device may send (answers, doors, voice chunks together) "
        "before it is asked to wait; its outbox keeps everything and tries again.",
    ),
    Setting(
        "SEND_LIMIT_PER_ADDRESS",
        "1200 per minute",
        "Requests one network address may send by those routes (many tablets share a "
        "centre's address); behind a proxy, set PROXY_HOPS so each person's own address counts.",
    ),
    Setting(
        "PURGE_EVERY_HOURS",
        24,
        "Hours between purges of answers and contact details past their survey's keeping "
        "period while the server runs (0: only by the purge command; 0.5: every half hour).",
        float,
    ),
    Setting(
        "PROXY_HOPS",
        0,
        "Reverse proxies in front of the app whose X-Forwarded-For, -Proto and -Host it "
        "trusts (0: none). Set 1 behind one TLS proxy: HTTPS is then detected, cookies are "
        "sent over HTTPS only, HSTS is sent, and limits count each person's own address.",
        _int,
    ),
    Setting(
        "SESSION_COOKIE_SECURE",
        False,
        "Send cookies over HTTPS only. Turn on when serving behind HTTPS.",
        lambda value: value.lower() in {"1", "true", "yes", "on"},
    ),
)


def defaults() -> dict[str, Any]:
    """The default value of every setting."""
    return {setting.name: setting.default for setting in SETTINGS}


def from_environment(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Settings given as ``WHATMATTERS_<NAME>`` environment variables."""
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(f"WHATMATTERS_{setting.name}")
        if raw is not None:
            found[setting.name] = setting.parse(raw)
    return found
