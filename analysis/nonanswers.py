"""Recognise non-answers ("don't know", "nothing", "no comment") in the survey's languages.

They are set aside rather than themed: otherwise they form a large theme of their own that
says nothing about what matters to residents.
"""

from __future__ import annotations

import regex

from analysis.text import normalize_text

_PHRASES = """
don't know|dont know|do not know|dunno|idk|no idea|not sure|unsure|nothing|none|nil|n/a|na
|no comment|no comments|nothing to say|nothing else|no answer|pass|skip|prefer not to say
|rather not say|can't think of anything|cannot think of anything|can't say|no|nope|nah
|not applicable|no opinion|nothing comes to mind|not really|none really|nothing really
|জানি না|জানিনা|কিছু না|কিছুই না|কিছু নেই|কোনো মন্তব্য নেই|বলতে পারি না|না
|ma garanayo|ma aqaan|ma aqaano|waxba|waxba ma|faallo ma lihi|wax faallo ah ma lihi|maya
|پتہ نہیں|پتا نہیں|معلوم نہیں|کچھ نہیں|کوئی تبصرہ نہیں|نہیں معلوم|نہیں
|لا اعرف|لا أعرف|ما اعرف|لا شيء|لا شي|لا تعليق|لا
|bilmiyorum|hiçbir şey|hiç|yorum yok|fikrim yok|yok
|nie wiem|nic|brak komentarza|brak zdania|nie
|no sé|no se|nada|sin comentarios|não sei|nao sei|sem comentários
|不知道|没有|無|无|沒有
"""
_FILLERS = regex.compile(
    r"\b(?:i|really|sorry|just|honestly|um|erm|uh|at the moment|right now|at all|thanks|"
    r"thank you|ok|okay|well)\b"
)
_PUNCT = regex.compile(r"[\p{P}\p{S}\s]+")
_SET = frozenset(
    _PUNCT.sub(" ", normalize_text(p)).strip()
    for p in _PHRASES.replace("\n", "").split("|")
    if p.strip()
)


def _key(text: str) -> str:
    return _PUNCT.sub(" ", normalize_text(text)).strip()


def is_non_answer(text: str, gloss: str | None = None) -> bool:
    """True when the answer (or its gloss) says only that there is nothing to say.

    Blank answers and answers made only of punctuation count as non-answers too.
    """
    key = _key(text)
    if not key:
        return True
    candidates = [key]
    if gloss and gloss.strip():
        candidates.append(_key(gloss))
    for cand in candidates:
        if cand in _SET:
            return True
        stripped = _PUNCT.sub(" ", _FILLERS.sub(" ", cand)).strip()
        if not stripped or stripped in _SET:
            return True
    return False
