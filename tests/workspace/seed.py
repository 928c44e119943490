"""Answers for the workspace tests, sent as tablets send them: several languages, some
residents who did not agree to be quoted, some answers with no gloss yet."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

# (topic, language, answer, English gloss or None)
PHRASES: list[tuple[str, str, str, str | None]] = [
    ("housing", "en", "The rent is too high and the flat is damp", None),
    ("housing", "en", "Mould in the bedroom and the landlord does nothing", None),
    ("housing", "en", "Our flat is overcrowded, five of us in two rooms", None),
    ("housing", "en", "Waiting years on the council housing list", None),
    ("housing", "bn", "বাড়ি ভাড়া অনেক বেশি, ঘর স্যাঁতসেঁতে", "The rent is very high and the flat is damp"),
    ("housing", "bn", "বাড়িওয়ালা কিছুই ঠিক করে না", None),
    (
        "housing",
        "so",
        "Kirada guriga aad bay u qaali tahay",
        "The rent for the house is very expensive",
    ),
    ("housing", "ar", "الإيجار مرتفع جدا والشقة رطبة", None),
    ("doctor", "en", "I can never get a GP appointment", None),
    ("doctor", "en", "Phoning the surgery at 8am and still no appointment", None),
    ("doctor", "en", "Three weeks to see a GP is far too long", None),
    ("doctor", "en", "The GP surgery never has an appointment for my children", None),
    ("doctor", "bn", "ডাক্তারের অ্যাপয়েন্টমেন্ট পাওয়া যায় না", "I cannot get a GP appointment"),
    ("doctor", "bn", "জিপি দেখাতে তিন সপ্তাহ অপেক্ষা", None),
    ("doctor", "so", "Ballan dhakhtarka lama helo", "You cannot get a doctor's appointment"),
    (
        "doctor",
        "ar",
        "لا أستطيع الحصول على موعد مع الطبيب",
        "I cannot get an appointment with the doctor",
    ),
    ("parks", "en", "More benches and trees in the park please", None),
    ("parks", "en", "The park playground is broken", None),
    ("parks", "en", "Keep the park clean and open late", None),
    ("parks", "en", "We need a bigger playground in the park for the children", None),
    ("parks", "bn", "পার্কে আরও গাছ আর বেঞ্চ চাই", "More trees and benches in the park"),
    ("parks", "bn", "পার্কের খেলার মাঠ ভাঙা", None),
    ("parks", "so", "Beerta carruurta waa la jebiyey", "The children's park is broken"),
    (
        "parks",
        "ar",
        "نريد حديقة نظيفة\nومكانا آمنا للأطفال",
        "A clean park and a safe place for children",
    ),
]

NEIGHBOURHOODS = ["millwall", "cubitt-town", "poplar"]


def payload(n: int, *, start: int = 0, event: str | None = None) -> list[dict[str, Any]]:
    """``n`` responses cycling through the phrases; every third resident says no to quotes
    (a different third of the phrases each round); the ``k``-th use of a phrase adds a
    small variation so answers are not all identical."""
    items = []
    cycle = itertools.islice(itertools.cycle(PHRASES), start, start + n)
    for i, (_, language, text, gloss) in enumerate(cycle, start=start):
        round_ = i // len(PHRASES)
        words = text if round_ == 0 else f"{text} ({round_})"
        item: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "survey_id": "what-matters",
            "survey_version": 1,
            "language": language,
            "mode": "assisted",
            "created_at": "2026-12-01T10:00:00Z",
            "answers": {
                "consent": "yes",
                "what_matters": words,
                "neighbourhood": NEIGHBOURHOODS[i % 3],
                # Every third, shifted each round: each phrase is said by residents who
                # agreed to be quoted and by some who did not, however finely it is themed.
                "quote_consent": "no" if (i + round_) % 3 == 2 else "yes",
                "get_involved": "no",
            },
            "glosses": {"what_matters": gloss} if gloss else {},
        }
        if event:
            item["event_id"] = event
        items.append(item)
    return items
