"""OCR for pages without usable text, through tesseract (the only module importing
pytesseract).

Only pages whose text layer is missing ("no_text": a scan) or unreadable ("garbled": a
broken font map) are read. Each is rendered by pdfium at 300 dpi in greyscale and read by
tesseract's ``image_to_data``, which gives every word with its box; the words become the
page's text (one line of text per line tesseract found) and their boxes, turned from
pixels into points in the page's top-left frame, become the page's character boxes, so an
OCR'd page is an ordinary ``PageText`` whose findings have boxes like any other.

Tesseract is a program (Debian: ``tesseract-ocr`` and ``tesseract-ocr-eng``) and
pytesseract the optional extra ``policyscan[ocr]``; without them nothing here runs and
such pages stay ``needs_ocr``.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
from array import array
from dataclasses import dataclass, replace
from typing import Any

from ..models import Box
from . import Line, Rulings, SourceDocument
from .flatboxes import NO_BOX, char_boxes, line_boxes
from .quality import judge_page

OCR_MODES = ("auto", "on", "off")
DPI = 300
# A page larger than this many pixels at 300 dpi (a poster-sized or hostile MediaBox) is
# rendered at a lower resolution: ~40 MB of greyscale, four letter pages' worth.
MAX_PIXELS = 40_000_000
LANGUAGE = "eng"
# Seconds tesseract may spend on one page before it is given up (the page stays needs_ocr).
PAGE_TIMEOUT = 120
# Words tesseract is less sure of than this (0-100) are dropped: speckles and lines read
# as letters.
MIN_CONFIDENCE = 30
INSTALL_HINT = ("install OCR to read it: apt-get install tesseract-ocr tesseract-ocr-eng, "
                "then pip install 'policyscan[ocr]'")


def installed() -> bool:
    """pytesseract and the tesseract program are both present. Cheap (no import, no
    subprocess), so deciding ``--ocr auto`` costs nothing on documents that have text;
    ``unavailable`` checks that they actually run, once a page needs them."""
    return (importlib.util.find_spec("pytesseract") is not None
            and shutil.which("tesseract") is not None)


@functools.cache
def unavailable() -> str | None:
    """None when OCR can run; else why not (with how to install it)."""
    try:
        import pytesseract
    except ImportError:
        return f"pytesseract is not installed; {INSTALL_HINT}"
    if shutil.which("tesseract") is None:
        return f"the tesseract program is not installed; {INSTALL_HINT}"
    try:
        languages = pytesseract.get_languages(config="")
    except Exception as exc:  # a broken install: say what tesseract said
        return f"tesseract does not run ({exc}); {INSTALL_HINT}"
    if LANGUAGE not in languages:
        return (f"tesseract has no English data ({LANGUAGE}); "
                "apt-get install tesseract-ocr-eng")
    return None


@dataclass
class OcrPage:
    text: str
    lines: tuple[Line, ...]
    boxes: array[float]  # four floats a character (x0, top, x1, bottom); -1 for none


def page_from_words(data: dict[str, list[Any]], scale: float) -> OcrPage:
    """Text, lines and character boxes from ``image_to_data`` output (pixels at
    ``scale`` pixels per point)."""
    rows: dict[tuple[int, int, int], list[tuple[str, Box]]] = {}
    for i, word in enumerate(data["text"]):
        word = str(word).strip()
        try:
            confident = float(data["conf"][i]) >= MIN_CONFIDENCE
        except (TypeError, ValueError):
            confident = False
        if not word or not confident:
            continue
        left, top = data["left"][i] / scale, data["top"][i] / scale
        box = (left, top, left + data["width"][i] / scale, top + data["height"][i] / scale)
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        rows.setdefault(key, []).append((word, box))
    parts: list[str] = []
    lines: list[Line] = []
    boxes = array("f")
    pos = 0
    for key in sorted(rows):
        if parts:
            parts.append("\n")
            boxes.extend(NO_BOX)
            pos += 1
        start = pos
        for k, (word, (x0, top, x1, bottom)) in enumerate(rows[key]):
            if k:
                parts.append(" ")
                boxes.extend(NO_BOX)
                pos += 1
            step = (x1 - x0) / len(word)  # letters spread evenly over the word's box
            for j in range(len(word)):
                boxes.extend((x0 + step * j, top, x0 + step * (j + 1), bottom))
            parts.append(word)
            pos += len(word)
        # Heights of OCR boxes vary with the letters (ascenders, capitals), so no font
        # size is claimed: headings come from their wording, not from a size.
        lines.append(Line(start, pos, None, False))
    return OcrPage("".join(parts), tuple(lines), boxes)


def _read_page(image: Any, scale: float) -> OcrPage:
    import pytesseract

    data = pytesseract.image_to_data(image, lang=LANGUAGE, timeout=PAGE_TIMEOUT,
                                     output_type=pytesseract.Output.DICT)
    return page_from_words(data, scale)


class OcrBoxes:
    """Boxes for OCR'd pages from their words; every other page asks the reader's own."""

    def __init__(self, base: Any, pages: dict[int, array[float]]) -> None:
        self.base = base
        self.pages = pages

    def char_boxes(self, page: int) -> list[Box | None]:
        arr = self.pages.get(page)
        if arr is None:
            return self.base.char_boxes(page) if self.base is not None else []
        return char_boxes(arr)

    def boxes(self, page: int, start: int, end: int) -> list[Box]:
        arr = self.pages.get(page)
        if arr is None:
            return self.base.boxes(page, start, end) if self.base is not None else []
        # OCR word boxes are tight: any vertical overlap is the same line.
        return line_boxes(arr, start, end, slack=0.0)

    def rulings(self, page: int) -> Rulings:
        return self.base.rulings(page) if self.base is not None else Rulings((), ())

    def close(self) -> None:
        if self.base is not None:
            self.base.close()
        self.pages.clear()


def ocr_document(doc: SourceDocument, data: bytes, *, password: str | None,
                 mode: str) -> None:
    """OCR the pages of ``doc`` that have no usable text (``mode`` "on" or "auto"), in
    place. ``doc.ocr_note`` says what happened: "unavailable: why" or "ran"."""
    wanted = [p.number for p in doc.pages if p.problem in ("no_text", "garbled")]
    if mode == "off" or not wanted or doc.file_type.kind != "pdf":
        return
    why = unavailable()
    if why is not None:
        doc.ocr_note = f"unavailable: {why}"
        return
    from .pdfium import render_pages

    index = {p.number: i for i, p in enumerate(doc.pages)}
    read: dict[int, array[float]] = {}
    for number, image, scale in render_pages(data, wanted, password=password, dpi=DPI,
                                             max_pixels=MAX_PIXELS):
        try:
            result = _read_page(image, scale)
        except (RuntimeError, OSError):  # tesseract failed or ran out of time on it
            continue
        finally:
            image.close()
        problem = judge_page(result.text)
        if problem is not None:
            continue  # OCR found nothing readable either
        old = doc.pages[index[number]]
        doc.pages[index[number]] = replace(old, marked=result.text, lines=result.lines,
                                           problem=None, ocr=True)
        read[number] = result.boxes
    doc.ocr_note = "ran"
    if read:
        doc.box_source = OcrBoxes(doc.box_source, read)
        doc._geometry.clear()
