"""Small fixture files for extraction tests, built on the fly in ``tmp_path``.

PDFs are drawn with reportlab (a test extra) in Helvetica, one ``drawString`` per line, so
the text a reader gets back is exactly the lines given. Encryption uses pypdf. The raster
image is a PNG assembled from ``zlib`` and ``struct``; reportlab decodes it through
Pillow, which pdfplumber already depends on, so no extra package is needed.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

PAGE_WIDTH, PAGE_HEIGHT = letter  # 612 x 792 points
LEFT = 72
TOP = 720
LEADING = 14


def png_bytes(width: int = 16, height: int = 16) -> bytes:
    """A valid grey-gradient PNG (8-bit RGB), made without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 16) % 256, (y * 16) % 256, 128)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _draw_text(c: canvas.Canvas, text: str) -> None:
    c.setFont("Helvetica", 11)
    y = TOP
    for line in text.split("\n"):
        c.drawString(LEFT, y, line)
        y -= LEADING


def _draw_image(c: canvas.Canvas) -> None:
    c.drawImage(ImageReader(io.BytesIO(png_bytes())), LEFT, 300, width=400, height=400)


def text_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one page per string; newlines in a string start a new text line."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for text in pages:
        _draw_text(c, text)
        c.showPage()
    c.save()
    return path


def styled_pdf(path: Path, lines: list[tuple[str, float, str]], *, title: str | None = None,
               left: float = LEFT, top: float = TOP, step: float = 16) -> Path:
    """One page of (font, size, text) lines: headings in bold or larger type, as documents
    set them."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    if title:
        c.setTitle(title)
    y = top
    for font, size, text in lines:
        c.setFont(font, size)
        c.drawString(left, y, text)
        y -= step
    c.save()
    return path


def image_only_pdf(path: Path, pages: int = 1) -> Path:
    """A PDF whose pages hold only a drawn raster image (a scan, as far as text goes)."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for _ in range(pages):
        _draw_image(c)
        c.showPage()
    c.save()
    return path


def mixed_pdf(path: Path, layout: list[str | None]) -> Path:
    """One page per entry: a string is a text page, None an image-only page."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for entry in layout:
        if entry is None:
            _draw_image(c)
        else:
            _draw_text(c, entry)
        c.showPage()
    c.save()
    return path


def encrypt(src: Path, dst: Path, user_password: str, owner_password: str = "owner-secret"
            ) -> Path:
    """``src`` encrypted (AES-128) with ``user_password`` ("" opens without asking)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   algorithm="AES-128")
    with open(dst, "wb") as fh:
        writer.write(fh)
    return dst
