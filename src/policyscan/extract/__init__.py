"""Reading documents: PDF (pypdfium2 or pdfplumber) and plain text, page by page.

Every reader produces the same ``SourceDocument``: per physical page the exact text that
finding offsets refer to, its text lines with font size and weight (for headings), and a
way to turn a text span into boxes on the page. Each PDF library is imported by exactly
one module below.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import DocumentError
from ..models import Box
from .quality import judge_page
from .sniff import FileType, sniff

__all__ = [
    "BULLETS",
    "ENGINES",
    "Line",
    "PageText",
    "Rulings",
    "SourceDocument",
    "open_document",
]

ENGINES = ("pdfium", "pdfplumber")
# The bullet characters list items open with in extracted text (private-use ones are
# Symbol and Wingdings bullets whose font had no Unicode map).
BULLETS = "\u2022\u25cf\u25aa\u25e6\u25a0\uf0b7\uf0a7\u2023\u25ba\u2043"


@dataclass(frozen=True)
class Line:
    """One text line of a page: offsets into ``PageText.text`` and its first glyph's font."""

    start: int
    end: int
    size: float | None  # font size in points; None for text files
    bold: bool


# What report/safe.py would escape in text, so a page needs none of it and a quote stays
# its page's slice: C0 controls but tab, newline and the "\r\n" pdfium ends lines with;
# DEL; C1; direction overrides; lone surrogates (a broken font map).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff]|\r(?!\n)")


@dataclass
class PageText:
    """The text of one physical page.

    ``marked`` is the text as the reader produced it, with U+FFFE where pdfium joined a
    line that ended in a hyphen. ``text`` is the same string with those marks shown as
    "-": finding offsets and quotes refer to it, and it is 1:1 with pdfium's characters.
    """

    number: int
    marked: str
    lines: tuple[Line, ...]
    width: float | None = None
    height: float | None = None
    problem: str | None = None  # None (usable) | "no_text" | "garbled"
    ocr: bool = False  # the text was read from the page image by OCR (extract/ocr.py)
    text: str = field(init=False)

    def __post_init__(self) -> None:
        # Control characters (an ESC sequence in a text file or a text layer) mean nothing
        # in a document and must reach no report: each becomes a space, so offsets and
        # character boxes stay as the reader gave them.
        self.marked = _CONTROLS.sub(" ", self.marked)
        self.text = self.marked.replace("\ufffe", "-")

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Rulings:
    """A page's drawing besides its text, top-left frame, in points: ruling lines (table
    borders) and the boxes of its images (a logo)."""

    horizontal: tuple[tuple[float, float, float], ...]  # (x0, x1, y)
    vertical: tuple[tuple[float, float, float], ...]  # (x, top, bottom)
    images: tuple[Box, ...] = ()


class BoxSource(Protocol):
    def boxes(self, page: int, start: int, end: int) -> list[Box]: ...

    def char_boxes(self, page: int) -> list[Box | None]:
        """One box per character of the page text (None for a generated space or break)."""
        ...

    def rulings(self, page: int) -> Rulings: ...

    def close(self) -> None: ...


@dataclass
class SourceDocument:
    path: str
    sha256: str
    file_type: FileType
    engine: str | None
    pages: list[PageText]
    metadata: dict[str, str]
    page_count: int  # pages in the file (``pages`` may hold fewer with --max-pages)
    box_source: BoxSource | None = None
    ocr_note: str | None = None  # None (not tried) | "ran" | "unavailable: why"
    _geometry: dict[int, tuple[list[Box | None], Rulings]] = field(default_factory=dict,
                                                                   repr=False)

    def boxes(self, page: int, start: int, end: int) -> list[Box]:
        """Line boxes of ``text[start:end]`` on ``page`` (1-based); empty for text files."""
        if self.box_source is None or start >= end:
            return []
        return self.box_source.boxes(page, start, end)

    def char_boxes(self, page: int) -> list[Box | None]:
        """Per-character boxes of a page: table geometry for the SBC grid and lists.
        Kept once read: the grid, the lists and the questions read the same pages."""
        if page not in self._geometry:
            self._geometry[page] = (
                self.box_source.char_boxes(page) if self.box_source is not None else [],
                self.box_source.rulings(page) if self.box_source is not None
                else Rulings((), ()))
        return self._geometry[page][0]

    def rulings(self, page: int) -> Rulings:
        self.char_boxes(page)
        return self._geometry[page][1]

    def close(self) -> None:
        if self.box_source is not None:
            self.box_source.close()
            self.box_source = None


def _read(path: Path, max_bytes: int | None) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError("unreadable", f"cannot read {path}: {exc.strerror or exc}") from exc
    if max_bytes is not None and size > max_bytes:
        raise DocumentError(
            "too_large",
            f"{path} is {size:,} bytes, over the --max-bytes limit of {max_bytes:,}; "
            "raise the limit to scan it",
        )
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise DocumentError("unreadable", f"{path} is a folder, not a file; give the folder "
                            "to scan the files in it") from exc
    except PermissionError as exc:
        raise DocumentError(
            "unreadable", f"permission denied reading {path}; check the file's permissions"
        ) from exc
    except OSError as exc:
        raise DocumentError("unreadable", f"cannot read {path}: {exc.strerror or exc}") from exc


@contextmanager
def open_document(
    path: str | os.PathLike[str],
    *,
    engine: str = "pdfium",
    password: str | None = None,
    max_pages: int | None = None,
    max_bytes: int | None = None,
    ocr: str = "off",
) -> Iterator[SourceDocument]:
    """Open ``path`` and yield its pages; raises ``DocumentError`` for unreadable input.
    ``ocr`` ("auto", "on", "off"): read pages without usable text with tesseract."""
    p = Path(path)
    data = _read(p, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff(p, data)
    if kind.kind == "text":
        from .textfile import read_text_document

        doc = read_text_document(str(path), data, digest, kind, max_pages=max_pages)
    elif kind.kind == "pdf":
        from .limits import check_streams

        check_streams(data, str(path))  # a decompression bomb is refused before parsing
        if engine == "pdfplumber":
            from .plumber import read_pdf
        elif engine == "pdfium":
            from .pdfium import read_pdf
        else:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        doc = read_pdf(str(path), data, digest, kind, password=password, max_pages=max_pages)
    else:
        raise DocumentError("not_a_pdf" if kind.what else "corrupt", kind.describe(p))
    for page in doc.pages:
        page.problem = judge_page(page.text, page.problem)
    if ocr != "off":
        from .ocr import ocr_document

        try:
            ocr_document(doc, data, password=password, mode=ocr)
        except BaseException:
            doc.close()
            raise
    try:
        yield doc
    finally:
        doc.close()
