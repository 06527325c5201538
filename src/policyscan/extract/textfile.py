"""Plain-text and Markdown input: one page, or one page per form feed.

A text file is bounded: at most ``MAX_TEXT_CHARS`` characters are read (the rest is
named in a warning), so any input stays within the time and memory a real document
takes. Pages are not cut further: a booklet saved as text is one long page, and its page
numbers must not change; a page's cost is bounded by the cap on candidates weighed per
page and on sentence length (``match/nlp.py``). NUL characters, which no document means and
which split words so nothing matched, are dropped.
"""

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


# Characters of a text file scanned: a 150-page booklet is ~600,000; the cap keeps a
# hostile file (50 MB took 2.2 GB) to a few hundred MB and seconds.
MAX_TEXT_CHARS = 1_500_000
_MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # UTF-8 takes at most 4 bytes a character


def _head(data: bytes) -> bytes:
    """At most ``_MAX_TEXT_BYTES`` of ``data``, cut after a line end (and after the NUL
    of a UTF-16LE line end), so the cut splits no character."""
    if len(data) <= _MAX_TEXT_BYTES:
        return data
    cut = data.rfind(b"\n", 0, _MAX_TEXT_BYTES) + 1
    if cut <= 0:
        cut = _MAX_TEXT_BYTES - _MAX_TEXT_BYTES % 4
    elif cut < len(data) and data[cut] == 0:
        cut += 1
    return data[:cut]


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
    head = _head(data)
    text, note = decode(head)
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    notes = [note] if note else []
    if len(text) > MAX_TEXT_CHARS or len(head) < len(data):
        text = text[:MAX_TEXT_CHARS]
        notes.append(f"is {len(data):,} bytes long; only its first {len(text):,} characters "
                     "were scanned")
    chunks = text.split("\f")
    total = len(chunks)
    # A short text page is just short: text input has no image layer that OCR could read.
    pages = [
        PageText(i + 1, chunk, _lines(chunk),
                 problem="blank" if sum(not c.isspace() for c in chunk) < MIN_VISIBLE_CHARS
                 else None)
        for i, chunk in enumerate(chunks[:max_pages])
    ]
    metadata = {"encoding_note": "; ".join(notes)} if notes else {}
    return SourceDocument(path=path, sha256=sha256, file_type=kind, engine=None, pages=pages,
                          metadata=metadata, page_count=total)
