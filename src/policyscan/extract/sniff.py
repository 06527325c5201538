"""What is this file really? Decided from its bytes, not trusted from its name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ".markdown"})

# Real PDFs sometimes carry junk before the header (an insurer's server prepended
# whitespace to one SBC); readers accept the header within the first kilobyte.
HEADER_WINDOW = 1024

_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a Word or Excel file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"{\\rtf", "an RTF document"),
)


@dataclass(frozen=True)
class FileType:
    kind: str  # "pdf" | "text" | "unknown"
    header_offset: int = 0  # bytes before "%PDF-"
    what: str = ""  # for unknown: what it looks like

    def describe(self, path: Path) -> str:
        if not self.what:
            return f"{path} is empty: there is nothing to scan"
        return (
            f"{path} is not a PDF (it looks like {self.what}); "
            "policyscan reads PDF, .txt and .md files"
            + ("; rename it to .txt to scan it as text" if self.what == "plain text" else "")
        )


def read_as(path: str) -> str:
    """How a file's bytes are read, as far as its name decides it: the same bytes named
    .txt and .pdf are different documents (an empty one is "empty text" or "not a PDF")."""
    return "text" if Path(path).suffix.lower() in TEXT_SUFFIXES else "pdf"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in sample:
        return False
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) * 0.01


def sniff(path: Path, data: bytes) -> FileType:
    offset = data.find(b"%PDF-", 0, HEADER_WINDOW)
    if offset >= 0:
        return FileType("pdf", header_offset=offset)
    if not data.strip():
        return FileType("unknown", what="")
    if path.suffix.lower() in TEXT_SUFFIXES:
        return FileType("text")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return FileType("unknown", what=what)
    if _looks_like_text(data):
        return FileType("unknown", what="plain text")
    return FileType("unknown", what="binary data of an unknown kind")
