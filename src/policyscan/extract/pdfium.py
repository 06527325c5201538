"""PDF text, fonts and boxes through pypdfium2 (the only module that imports it).

pdfium keeps table cells in content-stream order, opens files that pdfminer refuses
(junk before the header, broken xref tables) and reads a page in about a millisecond.
Text index equals char index on nearly every page; where it does not (a font without a
Unicode map), offsets are translated through pdfium's own index map.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import DocumentError
from ..models import Box
from . import Line, PageText, Rulings, SourceDocument
from .limits import check_page_text
from .quality import MIN_VISIBLE_CHARS
from .sniff import FileType

_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_BOLD_WEIGHT = 600
# Many producers report a meaningless weight (Quadient: 250 for every font); the font
# name says "Bold" even then.
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")
# Pages kept open for box lookups (about 0.1-0.5 MB each): a short document stays open
# whole; a long one reopens the pages it needs.
_OPEN_PAGES = 48
_WORD_RUN = re.compile(r"\S+")
# Paths thinner than this (points) are ruling lines, not shapes.
_RULE_THICKNESS = 3.0


# pdfium refuses a document without pages and reports whatever error came before it;
# the raw file tells: a page count of 0 and no page object.
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_COUNT_ZERO = re.compile(rb"/Count\s+0(?![0-9])")


def _error_for(exc: Exception, path: str, password: str | None,
               data: bytes = b"") -> DocumentError:
    text = str(exc).lower()
    if _COUNT_ZERO.search(data) and not _PAGE_OBJECT.search(data):
        return DocumentError("corrupt", f"{path} is a PDF with no pages: there is nothing "
                             "to scan")
    if "password" in text:
        if password:
            return DocumentError("encrypted", f"{path} is encrypted and the password given "
                                 "with --password is not correct")
        return DocumentError("encrypted", f"{path} is password-protected; scan it with "
                             "--password PASSWORD")
    if "format" in text or "file" in text:
        return DocumentError("corrupt", f"{path} is damaged or truncated and cannot be read "
                             f"as a PDF ({exc}); try re-downloading it")
    return DocumentError("corrupt", f"{path} could not be read as a PDF: {exc}")


def _is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    if int(pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)) >= _BOLD_WEIGHT:
        return True
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, len(name), ctypes.byref(flags))
    lowered = name.value.decode("latin-1").lower()
    return any(word in lowered for word in _BOLD_NAMES)


def _lines(textpage: pdfium.PdfTextPage, text: str) -> tuple[Line, ...]:
    lines: list[Line] = []
    pos = 0
    for m in [*_LINE_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        first = pos
        while first < end and text[first].isspace():
            first += 1
        if first < end:
            size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, first))
            lines.append(Line(pos, end, round(size, 1), _is_bold(textpage, first)))
        pos = m.end() if m else len(text)
    return tuple(lines)


def _visible(text: str) -> int:
    return sum(map(len, text.split()))


def _has_images(page: pdfium.PdfPage) -> bool:
    for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        return True
    return False


@dataclass(frozen=True)
class _Frame:
    """How pdfium's rectangles (unrotated user space, origin bottom-left) turn into the
    displayed page's top-left frame that pdfplumber and PDF viewers use."""

    rotation: int  # 0, 90, 180, 270 (clockwise, the page's /Rotate)
    x0: float  # crop box origin
    y0: float
    width: float  # unrotated crop box size
    height: float

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        lf, b, r, t = left - self.x0, bottom - self.y0, right - self.x0, top - self.y0
        w, h = self.width, self.height
        if self.rotation == 90:
            return (b, lf, t, r)
        if self.rotation == 180:
            return (w - r, b, w - lf, t)
        if self.rotation == 270:
            return (h - t, w - r, h - b, w - lf)
        return (lf, h - t, r, h - b)


class _PdfiumBoxes:
    """Turns text spans into line rectangles.

    Pages read during extraction stay open here (loading a page again costs more than
    reading its text), up to a bound so a long document's memory stays flat; an evicted
    page is reopened on demand.
    """

    def __init__(self, pdf: pdfium.PdfDocument) -> None:
        self._pdf = pdf
        self.frames: dict[int, _Frame] = {}
        self.remapped: set[int] = set()  # pages whose text index differs from char index
        self._open: OrderedDict[int, tuple[pdfium.PdfPage, pdfium.PdfTextPage]] = OrderedDict()

    def keep(self, number: int, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> None:
        self._open[number] = (page, textpage)
        self._open.move_to_end(number)
        while len(self._open) > _OPEN_PAGES:
            _, (old_pg, old_tp) = self._open.popitem(last=False)
            old_tp.close()
            old_pg.close()

    def _textpage(self, page: int) -> pdfium.PdfTextPage:
        if page in self._open:
            self._open.move_to_end(page)
            return self._open[page][1]
        pg = self._pdf[page - 1]
        tp = pg.get_textpage()
        self.keep(page, pg, tp)
        return tp

    def boxes(self, page: int, start: int, end: int) -> list[Box]:
        tp = self._textpage(page)
        if page in self.remapped:
            start = pdfium_c.FPDFText_GetCharIndexFromTextIndex(tp.raw, start)
            last = pdfium_c.FPDFText_GetCharIndexFromTextIndex(tp.raw, end - 1)
            if start < 0 or last < 0:
                return []
            end = last + 1
        frame = self.frames[page]
        return [frame.box(*tp.get_rect(i)) for i in range(tp.count_rects(start, end - start))]

    def char_boxes(self, page: int) -> list[Box | None]:
        tp = self._textpage(page)
        frame = self.frames[page]
        if page in self.remapped:
            return []  # text index is not char index here; no geometry rather than wrong
        # Two raw calls per word (its first and last glyph), not one per character: this
        # runs over every page of an SBC's tables. Letters in between are spread evenly,
        # which is all column and row assignment needs.
        rect = pdfium_c.FS_RECTF()
        ref = ctypes.byref(rect)
        get = pdfium_c.FPDFText_GetLooseCharBox
        raw = tp.raw
        if frame.rotation == 0:  # most pages: _Frame.box's upright case, inlined
            x0, y0, height = frame.x0, frame.y0, frame.height

            def box(i: int) -> Box | None:
                get(raw, i, ref)
                left, right = rect.left, rect.right
                if right <= left:
                    return None
                return (left - x0, height - (rect.top - y0), right - x0,
                        height - (rect.bottom - y0))
        else:
            def box(i: int) -> Box | None:
                get(raw, i, ref)
                if rect.right <= rect.left:
                    return None
                return frame.box(rect.left, rect.bottom, rect.right, rect.top)

        text = tp.get_text_range()
        out: list[Box | None] = [None] * len(text)
        for m in _WORD_RUN.finditer(text):
            s, e = m.span()
            first, last = box(s), box(e - 1)
            if first is None or last is None or e - s < 3 or abs(first[1] - last[1]) > 1 \
                    or last[0] < first[0]:
                for i in range(s, e):  # short, broken or wrapped: glyph by glyph
                    out[i] = box(i)
                continue
            x, top, bottom = first[0], first[1], first[3]
            step = (last[2] - x) / (e - s)
            out[s:e] = [(xk := x + step * k, top, xk + step, bottom) for k in range(e - s)]
        return out

    def rulings(self, page: int) -> Rulings:
        """Thin filled rectangles and line paths: how Word and most producers draw table
        borders. Each becomes a horizontal or vertical segment."""
        self._textpage(page)
        pg = self._open[page][0]
        frame = self.frames[page]
        horizontal: list[tuple[float, float, float]] = []
        vertical: list[tuple[float, float, float]] = []
        images: list[Box] = []
        for obj in pg.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH,
                                          pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
            x0, top, x1, bottom = frame.box(*obj.get_bounds())
            width, height = x1 - x0, bottom - top
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images.append((x0, top, x1, bottom))
                continue
            if height <= _RULE_THICKNESS and width > 2 * _RULE_THICKNESS:
                horizontal.append((x0, x1, (top + bottom) / 2))
            elif width <= _RULE_THICKNESS and height > 2 * _RULE_THICKNESS:
                vertical.append(((x0 + x1) / 2, top, bottom))
        return Rulings(tuple(horizontal), tuple(vertical), tuple(images))

    def close(self) -> None:
        for pg, tp in self._open.values():
            tp.close()
            pg.close()
        self._open.clear()
        self._pdf.close()


def read_pdf(path: str, data: bytes, sha256: str, kind: FileType, *,
             password: str | None = None, max_pages: int | None = None) -> SourceDocument:
    # pdfium finds a header preceded by junk on its own; the offset matters only to pdfminer.
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        raise _error_for(exc, path, password, data) from exc
    pages: list[PageText] = []
    boxes = _PdfiumBoxes(pdf)  # owns the document from here on
    try:
        total = len(pdf)
        if total == 0:
            raise DocumentError("corrupt", f"{path} is a PDF with no pages")
        metadata = dict(pdf.get_metadata_dict(skip_empty=True))
        for index in range(min(total, max_pages or total)):
            page = pdf[index]
            textpage = page.get_textpage()
            boxes.keep(index + 1, page, textpage)
            check_page_text(textpage.count_chars(), index + 1, path)
            width, height = page.get_size()  # as displayed (rotation applied)
            cx0, cy0, cx1, cy1 = page.get_cropbox()
            boxes.frames[index + 1] = _Frame(page.get_rotation() % 360, cx0, cy0,
                                             cx1 - cx0, cy1 - cy0)
            text = textpage.get_text_range()
            if len(text) != textpage.count_chars():
                boxes.remapped.add(index + 1)
            lines = _lines(textpage, text)
            problem = None
            if _visible(text) < MIN_VISIBLE_CHARS:
                problem = "no_text" if _has_images(page) else "blank"
            pages.append(PageText(index + 1, text, lines, width, height, problem))
    except DocumentError:
        boxes.close()
        raise
    except (pdfium.PdfiumError, ctypes.ArgumentError, OSError) as exc:
        boxes.close()
        if "load page" in str(exc).lower():  # a page tree that loops or runs too deep
            raise DocumentError("corrupt", f"{path}: page {len(pages) + 1} cannot be "
                                "loaded (the file's page tree is broken, loops or is nested "
                                "too deeply); the file is damaged: re-download it or re-save "
                                "it with a PDF tool") from exc
        raise DocumentError("corrupt", f"{path} could not be read past page "
                            f"{len(pages) + 1}: {exc}") from exc
    return SourceDocument(
        path=path, sha256=sha256, file_type=kind, engine="pdfium", pages=pages,
        metadata=metadata, page_count=total, box_source=boxes,
    )


def render_pages(data: bytes, numbers: list[int], *, password: str | None, dpi: float,
                 max_pixels: int) -> Iterator[tuple[int, Any, float]]:
    """Render pages (1-based numbers) as displayed, in greyscale, for OCR: yields
    ``(number, PIL image, pixels per point)``. A page too large for ``dpi`` within
    ``max_pixels`` is rendered at the resolution that fits."""
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        raise _error_for(exc, "the document", password) from exc
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                if width <= 0 or height <= 0:
                    continue
                scale = dpi / 72
                if width * height * scale * scale > max_pixels:
                    scale = math.sqrt(max_pixels / (width * height))
                image = page.render(scale=scale, grayscale=True).to_pil()
            finally:
                page.close()
            yield number, image, scale
    finally:
        pdf.close()
