"""PDF text and boxes through pdfplumber (the only module that imports it).

Used for ``--engine pdfplumber`` and wherever table geometry matters. Text comes from
pdfplumber's text map with ``use_text_flow=True``: the default reading order sorts lines
across the whole page and interleaves the lines of neighbouring table cells, which breaks
phrase matching in SBC grids. Pages are closed as soon as they are read: pdfplumber keeps
~10 MB of parsed objects per page otherwise.
"""

from __future__ import annotations

import contextlib
import io
import logging
from array import array
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFObjRef

from ..errors import DocumentError
from ..models import Box
from . import Line, PageText, Rulings, SourceDocument
from .flatboxes import NO_BOX, char_boxes, line_boxes
from .limits import check_page_text
from .quality import MIN_VISIBLE_CHARS
from .sniff import FileType

# Tight LaTeX-style setting glues words at pdfplumber's default x_tolerance of 3 points.
TEXTMAP_OPTIONS: dict[str, Any] = {"use_text_flow": True, "x_tolerance_ratio": 0.15}
# On a page turned with /Rotate, pdfplumber sees every glyph as not upright; text flow
# then spaces out single letters. Reading the rotated glyphs in their own direction works.
_ROTATED_OPTIONS: dict[int, dict[str, Any]] = {
    90: {"line_dir_rotated": "rtl", "char_dir_rotated": "ttb"},
    180: {"line_dir_rotated": "btt", "char_dir_rotated": "rtl"},
    270: {"line_dir_rotated": "ltr", "char_dir_rotated": "btt"},
}
# References followed from one to the next before a chain counts as a loop.
_MAX_REFERENCE_CHAIN = 64


def _guard_reference_loops() -> None:
    """pdfminer resolves a reference with ``while isinstance(x, PDFObjRef): x =
    x.resolve()``, so an object that refers to itself (``7 0 obj 7 0 R endobj``) or a
    ring of them spins forever. ``resolve`` here follows the whole chain, up to a bound,
    and calls a longer one what it is; that loop then never turns twice."""
    original = PDFObjRef.resolve
    if getattr(original, "policyscan_guard", False):
        return

    def resolve(self: PDFObjRef, default: object = None) -> Any:
        obj = original(self, default)
        for _ in range(_MAX_REFERENCE_CHAIN):
            if not isinstance(obj, PDFObjRef):
                return obj
            obj = original(obj, default)
        raise PDFSyntaxError(f"object {self.objid} is a reference loop")

    resolve.policyscan_guard = True  # type: ignore[attr-defined]
    PDFObjRef.resolve = resolve  # type: ignore[method-assign]


_guard_reference_loops()
# pdfminer logs every repair of a damaged file as a warning; the report says what matters.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


class _CharBoxes:
    """Per-character boxes kept as flat float arrays (16 bytes a character), and each
    page's ruling lines, read while the page was open."""

    def __init__(self) -> None:
        self._pages: dict[int, array[float]] = {}
        self._rulings: dict[int, Rulings] = {}

    def add(self, page: int, boxes: array[float], rulings: Rulings) -> None:
        self._pages[page] = boxes
        self._rulings[page] = rulings

    def char_boxes(self, page: int) -> list[Box | None]:
        arr = self._pages.get(page)
        return [] if arr is None else char_boxes(arr)

    def rulings(self, page: int) -> Rulings:
        return self._rulings.get(page, Rulings((), ()))

    def boxes(self, page: int, start: int, end: int) -> list[Box]:
        arr = self._pages.get(page)
        # pdfplumber's boxes are the fonts' full heights: neighbouring lines touch.
        return [] if arr is None else line_boxes(arr, start, end, slack=1.0)

    def close(self) -> None:
        self._pages.clear()


# Paths thinner than this (points) are ruling lines, not shapes (as in pdfium.py).
_RULE_THICKNESS = 3.0


def _rulings(page: Any) -> Rulings:
    """Table borders: lines, thin rectangles and thin paths, each one segment along its
    middle, as the pdfium reader finds them. pdfplumber's ``edges`` would also give every
    side of a shaded cell's fill, and a shading drawn a little larger or smaller than its
    cell then adds rules that cut columns and rows where the table has none."""
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    for kind in ("line", "rect", "curve"):
        for obj in page.objects.get(kind, ()):
            x0, x1 = float(obj["x0"]), float(obj["x1"])
            top, bottom = float(obj["top"]), float(obj["bottom"])
            width, height = x1 - x0, bottom - top
            if height <= _RULE_THICKNESS and width > 2 * _RULE_THICKNESS:
                horizontal.append((x0, x1, (top + bottom) / 2))
            elif width <= _RULE_THICKNESS and height > 2 * _RULE_THICKNESS:
                vertical.append(((x0 + x1) / 2, top, bottom))
    images = tuple((float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
                   for i in page.images)
    return Rulings(tuple(horizontal), tuple(vertical), images)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """pdfplumber wraps pdfminer's exceptions; look through the chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind) or any(isinstance(a, kind) for a in seen.args):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _options(page: Any) -> dict[str, Any]:
    rotation = int(getattr(page, "rotation", 0) or 0) % 360
    chars = page.chars
    if rotation in _ROTATED_OPTIONS and chars:
        turned = sum(1 for c in chars if not c.get("upright", True))
        if turned > len(chars) / 2:
            return {"x_tolerance_ratio": 0.15, **_ROTATED_OPTIONS[rotation]}
    return TEXTMAP_OPTIONS


def _lines(text: str, chars: list[dict[str, Any] | None]) -> tuple[Line, ...]:
    lines: list[Line] = []
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        first = pos
        while first < end and (text[first].isspace() or chars[first] is None):
            first += 1
        if first < end:
            ch = chars[first] or {}
            font = str(ch.get("fontname", ""))
            lines.append(Line(pos, end, round(float(ch.get("size", 0.0)), 1),
                              "bold" in font.lower() or "black" in font.lower()))
        pos = end + 1
    return tuple(lines)


def read_pdf(path: str, data: bytes, sha256: str, kind: FileType, *,
             password: str | None = None, max_pages: int | None = None) -> SourceDocument:
    # pdfminer insists on the header at byte 0; real files sometimes carry junk before it.
    stream = io.BytesIO(data[kind.header_offset:])
    boxes = _CharBoxes()
    pages: list[PageText] = []
    try:
        pdf = pdfplumber.open(stream, password=password or "")
    except Exception as exc:  # pdfminer raises many unrelated types, often wrapped
        if _caused_by(exc, PDFPasswordIncorrect):
            if password:
                raise DocumentError("encrypted", f"{path} is encrypted and the password given "
                                    "with --password is not correct") from exc
            raise DocumentError("encrypted", f"{path} is password-protected; scan it with "
                                "--password PASSWORD") from exc
        reason = str(exc) or type(exc).__name__
        raise DocumentError("corrupt", f"{path} could not be read by pdfplumber ({reason}); "
                            "try the default engine") from exc
    try:
        total = len(pdf.pages)
        if total == 0:
            raise DocumentError("corrupt", f"{path} is a PDF with no pages")
        metadata = {str(k): str(v) for k, v in (pdf.metadata or {}).items()
                    if isinstance(v, (str, int, float))}
        for index in range(min(total, max_pages or total)):
            page = pdf.pages[index]
            try:
                textmap = page.get_textmap(**_options(page))
                chars = [c for _, c in textmap.tuples]
                text = "".join(t for t, _ in textmap.tuples)
                check_page_text(len(text), index + 1, path)
                flat = array("f")
                for ch in chars:
                    flat.extend((ch["x0"], ch["top"], ch["x1"], ch["bottom"]) if ch else NO_BOX)
                boxes.add(index + 1, flat, _rulings(page))
                visible = sum(1 for ch in text if not ch.isspace())
                problem = None
                if visible < MIN_VISIBLE_CHARS:
                    problem = "no_text" if page.images else "blank"
                pages.append(PageText(index + 1, text, _lines(text, chars),
                                      float(page.width), float(page.height), problem))
            finally:
                page.close()
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        why = ("objects nested too deeply or referring to themselves; try the default engine"
               if isinstance(exc, RecursionError) or "recursion" in str(exc) else str(exc))
        raise DocumentError("corrupt", f"{path} could not be read past page "
                            f"{len(pages) + 1} by pdfplumber: {why}") from exc
    finally:
        # Closing walks the page tree again, and raises again on a file that broke it.
        with contextlib.suppress(Exception):
            pdf.close()
    return SourceDocument(path=path, sha256=sha256, file_type=kind, engine="pdfplumber",
                          pages=pages, metadata=metadata, page_count=total, box_source=boxes)
