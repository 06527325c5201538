"""Plain-text and Markdown input: one page, or one page per form feed."""

from __future__ import annotations

from . import Line, PageText, SourceDocument
from .quality import MIN_VISIBLE_CHARS
from .sniff import FileType

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode(data: bytes) -> tuple[str, str | None]:
    """The text and, when it was not UTF-8, a note saying which encoding was assumed."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), None
    # UTF-16 without a byte-order mark: every other byte of ASCII text is NUL (and NULs
    # are valid UTF-8, so decoding as UTF-8 would "succeed" into garbage).
    sample = data[:4096]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.1:
            return data.decode("utf-16-le", errors="replace"), "no byte-order mark; read as UTF-16"
        if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.1:
            return data.decode("utf-16-be", errors="replace"), "no byte-order mark; read as UTF-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        # Windows-1252 is what non-UTF-8 text from insurers' sites nearly always is.
        return data.decode("cp1252", errors="replace"), "not UTF-8; read as Windows-1252"


def _lines(text: str) -> tuple[Line, ...]:
    lines: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        if raw.strip():
            lines.append(Line(pos, end, None, raw.lstrip().startswith("#")))
        pos = end + 1
    return tuple(lines)


def read_text_document(path: str, data: bytes, sha256: str, kind: FileType, *,
                       max_pages: int | None = None) -> SourceDocument:
    text, note = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\f")
    total = len(chunks)
    # A short text page is just short: text input has no image layer that OCR could read.
    pages = [
        PageText(i + 1, chunk, _lines(chunk),
                 problem="blank" if sum(not c.isspace() for c in chunk) < MIN_VISIBLE_CHARS
                 else None)
        for i, chunk in enumerate(chunks[:max_pages])
    ]
    metadata = {"encoding_note": note} if note else {}
    return SourceDocument(path=path, sha256=sha256, file_type=kind, engine=None, pages=pages,
                          metadata=metadata, page_count=total)
