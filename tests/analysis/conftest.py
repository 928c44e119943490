"""Fixtures for the analysis tests: short answers like those residents give, in several
languages, with the concern each one is about (the label a person would give it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import Response  # noqa: E402


def run_python(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python ARGV`` in a process of its own, with the project importable."""
    return subprocess.run(
        [sys.executable, *map(str, argv)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m analysis ARGS``, as a person runs it."""
    return run_python("-m", "analysis", *args, cwd=cwd)


# (concern, language, text, English gloss or None)
MULTILINGUAL = [
    # English
    ("housing", "en", "The rent is too high and the flat is damp", None),
    ("housing", "en", "Our flat is overcrowded, five of us in two rooms", None),
    ("housing", "en", "Mould in the bedroom and the landlord never fixes anything", None),
    ("housing", "en", "Waiting years on the council housing list", None),
    ("doctor", "en", "I can never get a GP appointment", None),
    ("doctor", "en", "Phoning the surgery at 8am and still no appointment", None),
    ("doctor", "en", "The doctor has no time to listen to me", None),
    ("doctor", "en", "Three weeks to see a GP is far too long", None),
    ("safety", "en", "Knife crime near the school worries me", None),
    ("safety", "en", "I don't feel safe walking home at night", None),
    ("safety", "en", "Drug dealing on the estate stairs, we need more police", None),
    ("safety", "en", "Gangs on the corner, my children are scared", None),
    # Bengali, with volunteers' glosses
    (
        "housing",
        "bn",
        "বাড়ি ভাড়া অনেক বেশি, ঘর স্যাঁতসেঁতে",
        "The rent is very high and the house is damp",
    ),
    ("housing", "bn", "আমাদের বাসায় অনেক মানুষ, জায়গা নেই", "Our home is overcrowded, there is no space"),
    (
        "housing",
        "bn",
        "বাড়িওয়ালা কিছুই ঠিক করে না, দেয়ালে ছত্রাক",
        "The landlord fixes nothing, there is mould on the walls",
    ),
    ("housing", "bn", "কাউন্সিলের বাড়ির জন্য বছরের পর বছর অপেক্ষা", "Waiting years for a council house"),
    ("doctor", "bn", "ডাক্তারের অ্যাপয়েন্টমেন্ট পাওয়া যায় না", "I cannot get a doctor's appointment"),
    (
        "doctor",
        "bn",
        "সকাল আটটায় ফোন করেও জিপি অ্যাপয়েন্টমেন্ট পাই না",
        "Even phoning at 8am I don't get a GP appointment",
    ),
    ("doctor", "bn", "ডাক্তার আমার কথা শোনেন না", "The doctor does not listen to me"),
    (
        "doctor",
        "bn",
        "জিপি দেখাতে তিন সপ্তাহ অপেক্ষা করতে হয়",
        "I have to wait three weeks to see the GP",
    ),
    ("safety", "bn", "রাতে রাস্তায় হাঁটতে ভয় লাগে", "I am afraid to walk on the street at night"),
    ("safety", "bn", "স্কুলের কাছে ছুরি নিয়ে মারামারি হয়", "There are knife fights near the school"),
    (
        "safety",
        "bn",
        "এস্টেটে মাদক বিক্রি হয়, আরও পুলিশ দরকার",
        "Drugs are sold on the estate, we need more police",
    ),
    ("safety", "bn", "গ্যাংয়ের কারণে বাচ্চারা নিরাপদ না", "Because of gangs the children are not safe"),
    # Somali, no gloss
    ("housing", "so", "Kirada guriga aad bay u qaali tahay", None),
    ("housing", "so", "Guriga waa yar yahay, qoyskayguna waa weyn yahay", None),
    ("housing", "so", "Gurigu wuu qoyan yahay, caaryaa ayaa ku jirta", None),
    ("housing", "so", "Sanado ayaan sugayay guri dowladda", None),
    ("doctor", "so", "Ballanta dhakhtarka lama helo", None),
    ("doctor", "so", "Dhakhtarka GP-ga ballan ma heli karo", None),
    ("doctor", "so", "Dhakhtarku ima dhageysto", None),
    ("doctor", "so", "Saddex toddobaad ayaan sugaa si aan u arko dhakhtarka", None),
    ("safety", "so", "Habeenkii waddada ammaan ma aha", None),
    ("safety", "so", "Mindiyo iyo dambiyo ayaa ka dhaca xaafadda", None),
    ("safety", "so", "Daroogo ayaa lagu iibiyaa dhismaha, booliis badan ayaan u baahanahay", None),
    ("safety", "so", "Ammaan ma dareemo marka aan habeenkii socdo", None),
    # Urdu, no gloss
    ("housing", "ur", "گھر کا کرایہ بہت زیادہ ہے", None),
    ("housing", "ur", "ہمارا گھر بہت چھوٹا ہے اور لوگ زیادہ ہیں", None),
    ("housing", "ur", "مکان میں نمی اور پھپھوندی ہے، مالک مکان کچھ نہیں کرتا", None),
    ("housing", "ur", "کونسل کے گھر کے لیے سالوں سے انتظار", None),
    ("doctor", "ur", "ڈاکٹر کی اپائنٹمنٹ نہیں ملتی", None),
    ("doctor", "ur", "صبح آٹھ بجے فون کرنے پر بھی ڈاکٹر سے وقت نہیں ملتا", None),
    ("doctor", "ur", "ڈاکٹر میری بات نہیں سنتے", None),
    ("doctor", "ur", "ڈاکٹر سے ملنے کے لیے تین ہفتے انتظار کرنا پڑتا ہے", None),
    ("safety", "ur", "رات کو گلی میں چلتے ہوئے ڈر لگتا ہے", None),
    ("safety", "ur", "اسکول کے قریب چاقو کے واقعات ہوتے ہیں", None),
    ("safety", "ur", "عمارت میں منشیات بکتی ہیں، مزید پولیس چاہیے", None),
    ("safety", "ur", "ہمارا علاقہ محفوظ نہیں ہے", None),
]

NON_ANSWERS = [
    ("en", "Don't know"),
    ("en", "Nothing really."),
    ("en", "no comment"),
    ("bn", "জানি না"),
    ("so", "Ma garanayo"),
    ("ur", "کچھ نہیں"),
]

NOISE = [
    "My cat enjoys jazz records on Sundays",
    "qwerty zxcvb",
    "Blue whales sing in the ocean",
]

ENGLISH = [
    ("housing", "The rent keeps going up and the landlord ignores repairs"),
    ("housing", "Damp and mould in our council flat, the children cough"),
    ("housing", "Overcrowded flat, we need a bigger council home"),
    ("housing", "Rent is too high for a tiny flat"),
    ("housing", "Housing repairs take months, the council never comes"),
    ("housing", "Private landlord raised the rent again this year"),
    ("doctor", "Impossible to get a GP appointment"),
    ("doctor", "You ring the GP surgery at 8am and all appointments are gone"),
    ("doctor", "Waiting three weeks for a doctor appointment"),
    ("doctor", "The GP receptionist says call back tomorrow for an appointment"),
    ("doctor", "Need more GP appointments in the evening"),
    ("doctor", "Doctor appointments are too short to explain"),
    ("safety", "Knife crime is getting worse near the station"),
    ("safety", "Gangs and drug dealing on our estate"),
    ("safety", "I don't feel safe at night, we need more police"),
    ("safety", "Young people carrying knives, stabbings near the school"),
    ("safety", "Drug dealers in the stairwell, police never come"),
    ("safety", "Not safe to walk home at night because of gangs"),
    ("parks", "More benches and trees in the park please"),
    ("parks", "The park playground is broken, the children need a playground"),
    ("parks", "Keep the park clean and open late in summer"),
    ("parks", "We need more green space and a park for the kids"),
    ("parks", "The playground in Victoria Park needs new swings"),
    ("parks", "Better lighting in the park and more trees"),
]


# Three topics the concept lexicon does not cover, in English and Bengali and without
# glosses: no word is shared across the languages (ফুটবল is not football to a tokeniser).
TOPICS = [
    ("sport", "en", "The football match went to extra time"),
    ("sport", "en", "Our team scored two goals in the final"),
    ("sport", "en", "The striker missed a penalty"),
    ("sport", "en", "Fans cheered in the stadium after the win"),
    ("sport", "bn", "ফুটবল ম্যাচ অতিরিক্ত সময়ে গেল"),
    ("sport", "bn", "আমাদের দল ফাইনালে দুটি গোল করেছে"),
    ("sport", "bn", "স্ট্রাইকার পেনাল্টি মিস করেছে"),
    ("sport", "bn", "জয়ের পর স্টেডিয়ামে দর্শকরা উল্লাস করল"),
    ("weather", "en", "Heavy rain flooded the streets"),
    ("weather", "en", "The storm brought strong wind and thunder"),
    ("weather", "en", "It has been raining all week"),
    ("weather", "en", "Snow and cold weather closed the roads"),
    ("weather", "bn", "ভারী বৃষ্টিতে রাস্তা ডুবে গেছে"),
    ("weather", "bn", "ঝড়ে প্রবল বাতাস আর বজ্রপাত হয়েছে"),
    ("weather", "bn", "সারা সপ্তাহ বৃষ্টি হচ্ছে"),
    ("weather", "bn", "তুষার আর ঠান্ডা আবহাওয়ায় রাস্তা বন্ধ"),
    ("food", "en", "I cook rice and fish curry for dinner"),
    ("food", "en", "Bake the bread in a hot oven"),
    ("food", "en", "Add salt and spices to the soup"),
    ("food", "en", "We ate vegetables and lentils for lunch"),
    ("food", "bn", "রাতের খাবারে ভাত আর মাছের তরকারি রান্না করি"),
    ("food", "bn", "গরম চুলায় রুটি সেঁকুন"),
    ("food", "bn", "স্যুপে লবণ আর মশলা দিন"),
    ("food", "bn", "দুপুরে আমরা সবজি আর ডাল খেয়েছি"),
]


@pytest.fixture
def topics() -> list[Response]:
    return [Response(f"t{i:02d}", text, language=lang) for i, (_, lang, text) in enumerate(TOPICS)]


@pytest.fixture
def topic_of() -> dict[str, str]:
    return {f"t{i:02d}": topic for i, (topic, *_) in enumerate(TOPICS)}


@pytest.fixture
def multilingual() -> list[Response]:
    return [
        Response(f"m{i:02d}", text, language=lang, gloss=gloss, can_quote=True)
        for i, (_, lang, text, gloss) in enumerate(MULTILINGUAL)
    ]


@pytest.fixture
def multilingual_concerns() -> dict[str, str]:
    return {f"m{i:02d}": concern for i, (concern, *_) in enumerate(MULTILINGUAL)}


@pytest.fixture
def english() -> list[Response]:
    return [
        Response(
            f"e{i:02d}",
            text,
            language="en",
            attributes={"area": "Poplar" if i % 2 else "Bow", "age": "18-34" if i % 3 else "65+"},
            can_quote=True,  # these residents agreed to be quoted
        )
        for i, (_, text) in enumerate(ENGLISH)
    ]


@pytest.fixture
def english_concerns() -> dict[str, str]:
    return {f"e{i:02d}": concern for i, (concern, _) in enumerate(ENGLISH)}
