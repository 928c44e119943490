"""Text copied out of the report's PDF comes out as it was written, in every script.

A PDF tells a reader which text each drawn code stands for (its ToUnicode map), one text
per code. WeasyPrint draws a glyph's id as its code and keeps the text of the first
cluster the glyph was drawn in. Bengali draws one glyph in clusters that stand for
different texts (ক alone, and the last glyph of র্ক with the reph above it; a vowel sign
drawn before its consonant), so every later word that reuses such a glyph copied out
wrong: পার্ক came out as পাকর্ক.

Here a glyph drawn for a second, different text is given a code of its own, counted
down from the top of the two-byte codes. The font's CIDToGIDMap draws that code with the
same glyph, so the page looks exactly the same, and the ToUnicode map gives the code its
own text. Codes stay the font's ids (Identity-H), the one encoding every text extractor
reads (pypdf reads no other). The hooks rely on WeasyPrint's drawing of text
(``draw/text.py``) and writing of fonts (``pdf/fonts.py``) in the pinned release (70);
``tests/workspace/test_report_pdf_text.py`` copies Bengali and Urdu out of a report and
compares its pixels with WeasyPrint's own, and fails if an upgrade changes either.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np

# A TJ string as WeasyPrint writes it: glyph codes (four hex digits each) in <...>, and
# numbers between them that move the pen back (positive) or on (negative).
_TOKEN = re.compile(r"<([0-9a-fA-F]*)>|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
_LAST_CODE = 0xFFFF
# Codes left for WeasyPrint's own counter of missing characters, above the last glyph.
_KEEP_FREE = 1024

log = logging.getLogger(__name__)
_drawn = threading.local()
_install_lock = threading.Lock()
_installed = False


def _pending() -> list[tuple[int, int, ClusterTexts]]:
    """This thread's glyphs drawn since the last show_text: (glyph, code, font's texts)."""
    pending: list[tuple[int, int, ClusterTexts]] | None = getattr(_drawn, "pending", None)
    if pending is None:
        pending = _drawn.pending = []
    return pending


class ClusterTexts(dict[int, str]):
    """A font's code → text map that gives a glyph drawn for another text a new code."""

    def __init__(self, font: Any) -> None:
        super().__init__()
        self._font = font
        self._codes: dict[tuple[int, str, float | None], int] = {}
        #: code → the glyph it draws, for codes made here
        self.clones: dict[int, int] = {}
        #: code → its advance, for codes made to carry a mark's offset
        self.advances: dict[int, float] = {}

    def __contains__(self, glyph: object) -> bool:
        # WeasyPrint asks this before each glyph and, told no, says which text the glyph
        # stands for here: every drawn glyph then passes through __setitem__.
        return False

    def __setitem__(self, glyph: int, text: str) -> None:
        known = self.get(glyph)
        if known is None:
            super().__setitem__(glyph, text)
            code = glyph
        else:
            code = glyph if known == text else self.code_for(glyph, text)
        _pending().append((glyph, code, self))

    def advance(self, code: int) -> float | None:
        """How far drawing ``code`` moves the pen, in thousandths of the font size."""
        if code in self.advances:
            return self.advances[code]
        width: float | None = self._font.widths.get(self.clones.get(code, code))
        return width

    def code_for_text(self, glyph: int, text: str, advance: float | None) -> int | None:
        """As :meth:`code_for`, the glyph's own id when it already stands for ``text``;
        None when no code is left."""
        if advance is None and dict.get(self, glyph) == text:
            return glyph
        code = self.code_for(glyph, text, advance)
        return None if code == glyph else code

    def code_for(self, glyph: int, text: str, advance: float | None = None) -> int:
        """The code that draws ``glyph``, stands for ``text`` and moves the pen by
        ``advance`` (the glyph's own width if None); ``glyph`` if no code is left."""
        key = (glyph, text, advance)
        code = self._codes.get(key)
        if code is None:
            font = self._font
            code = _LAST_CODE - len(self.clones)
            # Codes for characters missing from the font count up from its last glyph.
            if font.type != "ttf" or code <= font.glyph_count + len(font.missing) + _KEEP_FREE:
                return glyph  # no code to spare (or CFF outlines, no CIDToGIDMap)
            self._codes[key] = code
            self.clones[code] = glyph
            if advance is not None:
                self.advances[code] = advance
            super().__setitem__(code, text)
        return code


def _recode(text: str, pending: list[tuple[int, int, ClusterTexts]]) -> tuple[str, str | None]:
    """``text`` (a TJ string of glyph ids) with each glyph's code as drawn, unchanged if
    the glyphs are not the ones just drawn; and the text the glyphs stand for, when some
    glyph stands for none of it on its own (see :func:`_actual_text`)."""
    queue = list(pending)
    pending.clear()
    items: list[tuple[int, ClusterTexts] | str] = []  # a glyph's code, or a number as written
    glyphs = 0
    end = 0
    for match in _TOKEN.finditer(text):
        if match.start() != end:
            return text, None  # not a TJ string as WeasyPrint writes them
        end = match.end()
        if match.group(2) is not None:
            items.append(match.group(2))
            continue
        digits = match.group(1)
        for start in range(0, len(digits), 4):
            if glyphs >= len(queue) or queue[glyphs][0] != int(digits[start : start + 4], 16):
                return text, None  # the page looks right; only copying keeps first texts
            _drawn_glyph, code, texts = queue[glyphs]
            items.append((code, texts))
            glyphs += 1
    if end != len(text) or glyphs != len(queue):
        return text, None
    items = _spread_cluster_texts(items)
    return _written(_carry_mark_offsets(items)), _actual_text(items)


def _spread_cluster_texts(
    items: list[tuple[int, ClusterTexts] | str],
) -> list[tuple[int, ClusterTexts] | str]:
    """A cluster drawn as several glyphs gives WeasyPrint's text to its last glyph and none
    to the others (the vowel sign of কে is drawn first, standing for nothing). Spread over
    them in drawing order, one character each and the rest to the last, the text reads the
    same and no glyph stands for nothing: readers that drop or replace such a glyph (PDFium),
    or take a glyph standing for several letters as punctuation (pypdf, after right-to-left
    text), copy the words out whole. Left-to-right text only."""
    out = list(items)
    waiting: list[int] = []  # positions of glyphs that stand for nothing, in a row
    for pos, item in enumerate(out):
        if isinstance(item, str):
            continue  # a move between a cluster's glyphs (a mark's offset) leaves it one
        code, texts = item
        text = dict.get(texts, code)
        if text == "":
            waiting.append(pos)
            continue
        if waiting and text and len(text) > len(waiting) and not _right_to_left(text):
            glyphs = [*waiting, pos]
            parts = [*text[: len(waiting)], text[len(waiting) :]]
            spread: list[tuple[int, ClusterTexts]] = []
            for at, part in zip(glyphs, parts, strict=True):
                drawn = out[at]
                assert not isinstance(drawn, str)
                at_code, at_texts = drawn
                glyph = at_texts.clones.get(at_code, at_code)
                new = at_texts.code_for_text(glyph, part, at_texts.advances.get(at_code))
                if new is None:
                    break  # no code left: the whole cluster stays as it was
                spread.append((new, at_texts))
            else:
                for at, replacement in zip(glyphs, spread, strict=True):
                    out[at] = replacement
        waiting = []
    return out


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def _actual_text(items: list[tuple[int, ClusterTexts] | str]) -> str | None:
    """The glyphs' text in drawing order, if one of them stands for no text of its own.

    A cluster drawn as several glyphs (a vowel sign before its consonant, a reph) gives
    its text to one glyph and none to the others. PDFium (Chrome's PDF viewer) copies such
    a glyph out as its code number, so the run also carries its whole text as ActualText,
    which PDFium and Acrobat read instead. Only left-to-right text: glyphs are drawn left
    to right, so a right-to-left run's text would come out reversed.
    """
    texts = [dict.get(item[1], item[0]) for item in items if not isinstance(item, str)]
    if "" not in texts or None in texts:
        return None
    text = "".join(t or "" for t in texts)
    return None if _right_to_left(text) else text


def _carry_mark_offsets(
    items: list[tuple[int, ClusterTexts] | str],
) -> list[tuple[int, ClusterTexts] | str]:
    """A mark drawn off its place (the reph of র্ক) is followed or preceded by a number
    that moves the pen on, which text extractors read as a gap between words (পার্ক দরকার
    came out with two spaces). The glyph beside it carries that move in its own advance."""
    out = list(items)
    for i, item in enumerate(out):
        if not isinstance(item, str) or float(item) >= 0 or i == 0:
            continue
        before = out[i - 1]
        after = out[i + 1] if i + 1 < len(out) else None
        if isinstance(before, str):
            continue
        code, texts = before
        width = texts.advance(code)
        mark_before = width == 0
        mark_after = not isinstance(after, (str, type(None))) and after[1].advance(after[0]) == 0
        if width is None or not (mark_before or mark_after):
            continue
        advance = width - float(item)
        glyph, text = texts.clones.get(code, code), dict.get(texts, code)
        if text is None:
            continue
        carried = texts.code_for(glyph, text, advance)
        if carried != glyph:  # else no code left: the gap stays
            out[i - 1] = (carried, texts)
            out[i] = ""
    return [item for item in out if item != ""]


def _written(items: list[tuple[int, ClusterTexts] | str]) -> str:
    parts: list[str] = []
    open_group = False
    for item in items:
        if isinstance(item, str):
            if open_group:
                parts.append(">")
                open_group = False
            elif parts:
                parts.append(" ")  # two numbers in a row
            parts.append(item)
        else:
            if not open_group:
                parts.append("<")
                open_group = True
            parts.append(f"{item[0]:04x}")
    if open_group:
        parts.append(">")
    return "".join(parts)


def _cid_to_gid_map(font: Any, texts: ClusterTexts, compress: bool) -> Any:
    """Each code's glyph, two bytes per code: the font's own ids as they are, codes past
    its glyphs to .notdef (as WeasyPrint draws a missing character), clones to their glyph."""
    import pydyf

    codes = np.arange(_LAST_CODE + 1, dtype=">u2")
    gids = np.where(codes < font.glyph_count, codes, 0).astype(">u2")
    for code, glyph in texts.clones.items():
        gids[code] = glyph if glyph < font.glyph_count else 0
    return pydyf.Stream([gids.tobytes()], compress=compress)


def install() -> None:
    """Hook into WeasyPrint's text drawing and font writing (once per process)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from weasyprint.draw import text as draw_text
        from weasyprint.pdf import fonts, stream

        hooked = (
            (fonts.Font, "__init__"),
            (fonts, "_build_vector_font_dictionary"),
            (stream.Stream, "show_text"),
            (draw_text, "draw_first_line"),
        )
        if not all(hasattr(owner, name) for owner, name in hooked):
            # Another WeasyPrint than the pinned one: its PDFs as they come.
            log.warning("WeasyPrint changed: Bengali may copy out of PDFs reordered")
            _installed = True
            return

        font_init: Callable[..., None] = fonts.Font.__init__
        show_text: Callable[[Any, str], None] = stream.Stream.show_text
        draw_first_line: Callable[..., Any] = draw_text.draw_first_line
        build_vector_font: Callable[..., None] = fonts._build_vector_font_dictionary

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            font_init(self, *args, **kwargs)
            if not self.bitmap:  # one-byte codes, drawn another way
                self.to_unicode = ClusterTexts(self)

        def show(self: Any, text: str) -> None:
            pending = _pending()
            recoded, actual = _recode(text, pending) if pending else (text, None)
            if actual is None:
                show_text(self, recoded)
                return
            marked = "feff" + actual.encode("utf-16-be").hex()
            self.stream.append(f"/Span <</ActualText <{marked}>>> BDC".encode())
            show_text(self, recoded)
            self.stream.append(b"EMC")

        def first_line(*args: Any, **kwargs: Any) -> Any:
            _pending().clear()
            try:
                return draw_first_line(*args, **kwargs)
            finally:
                _pending().clear()

        def vector_font(
            font_dictionary: Any, pdf: Any, font: Any, widths: Any, compress: bool, *rest: Any
        ) -> None:
            texts = font.to_unicode
            clones = texts.clones if isinstance(texts, ClusterTexts) else {}
            for code, glyph in clones.items():
                # A clone moves the pen as its glyph does, or as far as a mark's offset.
                widths[code] = texts.advances.get(code, widths.get(glyph, 0))
            build_vector_font(font_dictionary, pdf, font, widths, compress, *rest)
            if clones:
                cid_to_gid = _cid_to_gid_map(font, texts, compress)
                pdf.add_object(cid_to_gid)
                (descendant,) = font_dictionary["DescendantFonts"]
                subfont = pdf.objects[int(descendant.split()[0])]
                subfont["CIDToGIDMap"] = cid_to_gid.reference

        fonts.Font.__init__ = init
        stream.Stream.show_text = show
        draw_text.draw_first_line = first_line
        fonts._build_vector_font_dictionary = vector_font
        _installed = True
