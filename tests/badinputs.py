"""Generates the hostile and broken inputs policyscan must survive (no committed binaries).

``build(folder)`` writes every input into ``folder`` and returns ``{name: path}``;
``python tests/badinputs.py FOLDER`` does the same from the command line. Everything is
made in well under a second or two: PDFs that need odd structure are written byte by byte
(``raw_pdf``), the decompression bomb is one deflate block repeated (after a full flush a
deflate stream forgets what came before, so the same compressed bytes can be laid down
again and again), and only the encrypted files go through pypdf.

The inputs, and what policyscan should say about them, are listed in ``EXPECTED``; the
tests in ``test_hostile.py`` hold policyscan to it.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from pdfs import encrypt, png_bytes, text_pdf

PASSWORD = "s3cret"
HUGE_PAGES = 5_000
DEEP_LEVELS = 10_000
BOMB_BYTES = 2 << 30  # what the bomb's content stream inflates to: 2 GiB
TEXT_LINE_BYTES = 10 << 20  # the one-line text file: 10 MB

PLAN_PAGES = [
    "Page one of the plan. Prior authorization is required for surgery.",
    "Page two of the plan. You may file an appeal within 180 days of the denial.",
]

# name -> (status, error type or None, words the message must contain)
EXPECTED: dict[str, tuple[str, str | None, str]] = {
    "empty.pdf": ("failed", "corrupt", "empty"),
    "text_named.pdf": ("failed", "not_a_pdf", "rename it to .txt"),
    "png_named.pdf": ("failed", "not_a_pdf", "PNG"),
    "truncated.pdf": ("failed", "corrupt", "damaged or truncated"),
    "password.pdf": ("failed", "encrypted", "--password"),
    "empty_password.pdf": ("ok", None, ""),
    "zero_pages.pdf": ("failed", "corrupt", "no pages"),
    "pages_5000.pdf": ("ok", None, ""),
    "bomb.pdf": ("failed", "too_large", "inflates"),
    "bomb_nested.pdf": ("failed", "too_large", "inflates"),
    "kids_loop.pdf": ("failed", "corrupt", "page tree"),
    "deep_tree.pdf": ("failed", "corrupt", "page tree"),
    "self_reference.pdf": ("ok", None, ""),
    "garbage_font.pdf": ("needs_ocr", "unreadable", "OCR"),
    "one_line.txt": ("ok", None, ""),
    "cp1252.txt": ("ok", None, ""),
    "utf16.txt": ("ok", None, ""),
    "unreadable.pdf": ("failed", "unreadable", "permission denied"),
    "folder.pdf": ("failed", "unreadable", "is a folder"),
}


# -- raw PDF bytes ---------------------------------------------------------------------


def raw_pdf(objects: Sequence[bytes | None], *, root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF whose object ``n`` (1-based) is ``objects[n - 1]``, with a correct xref table.

    ``None`` leaves a free slot. Bodies are the bytes between ``n 0 obj`` and ``endobj``.
    """
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int | None] = []
    for number, body in enumerate(objects, start=1):
        if body is None:
            offsets.append(None)
            continue
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += (b"%010d 00000 n \n" % offset) if offset is not None else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _text_ops(line: str, size: int = 12, y: int = 720) -> bytes:
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"BT /F1 %d Tf 72 %d Td (%s) Tj ET" % (size, y, escaped.encode("latin-1"))


def _page(parent: int, contents: int, font: int, *, size: bytes = b"0 0 612 792") -> bytes:
    return (b"<< /Type /Page /Parent %d 0 R /MediaBox [%s] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, size, contents, font))


def zero_pages_pdf() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [] /Count 0 >>"])


def many_pages_pdf(pages: int = HUGE_PAGES) -> bytes:
    """``pages`` small pages, each one line of text saying its number (~150 bytes a page)."""
    # 1 catalog, 2 page tree, 3 font, then per page: page object, its content stream.
    objects: list[bytes | None] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", HELVETICA]
    kids = []
    for n in range(1, pages + 1):
        page_obj = len(objects) + 1
        kids.append(b"%d 0 R" % page_obj)
        objects.append(_page(2, page_obj + 1, 3, size=b"0 0 200 100"))
        objects.append(stream(_text_ops(f"This is page {n} of the long plan.", 8, 50)
                              .replace(b"72 50", b"10 50")))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    return raw_pdf(objects)


def deflate_repeated(prefix: bytes, chunk: bytes, times: int) -> bytes:
    """zlib data that inflates to ``prefix + chunk * times``, compressing ``chunk`` once."""
    comp = zlib.compressobj(9)
    head = comp.compress(prefix) + comp.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh, so every copy of ``chunk``
    # compresses to exactly the same bytes.
    again = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    assert comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH) == again
    checksum = zlib.adler32(prefix)
    for _ in range(times):
        checksum = zlib.adler32(chunk, checksum)
    # An empty final fixed-Huffman block, then the Adler-32 of everything inflated.
    return head + again * times + b"\x03\x00" + checksum.to_bytes(4, "big")


# The bomb's text: one real line, then 1 MB chunks repeated to fill its gigabytes. The
# plain bomb's chunk is one text operator and spaces (deflate's best ratio, ~1000:1, so
# 2 GiB is a 2 MB file); the nested bomb's is text operators only (a page of gigabytes of
# text), deflated twice to a few KB.
_BOMB_LEAD = b"BT /F1 12 Tf 72 720 Td (Prior authorization is required.) Tj\n"
_BOMB_OP = b"(cosmetic surgery excluded.) Tj\n"  # 32 bytes
_MB = 1 << 20


def bomb_pdf(total: int = BOMB_BYTES, *, nested: bool = False) -> bytes:
    """One page whose content stream is a FlateDecode stream inflating to ``total`` bytes
    (``nested``: ``[/FlateDecode /FlateDecode]``, inflating twice)."""
    chunk = (_BOMB_OP * (_MB // len(_BOMB_OP)) if nested
             else _BOMB_OP + b" " * (_MB - len(_BOMB_OP) - 1) + b"\n")
    data = deflate_repeated(_BOMB_LEAD, chunk, max(1, total // len(chunk)))
    filters = b"/Filter /FlateDecode"
    if nested:
        data = zlib.compress(data, 9)
        filters = b"/Filter [/FlateDecode /FlateDecode]"
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    _page(2, 4, 5),
                    stream(data, filters + b" "),
                    HELVETICA])


def kids_loop_pdf() -> bytes:
    """A page tree whose node lists itself and its parent among its kids."""
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 1 >>"])


def deep_tree_pdf(levels: int = DEEP_LEVELS) -> bytes:
    """A page tree ``levels`` nodes deep with one page of text at the bottom."""
    objects: list[bytes | None] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        number = len(objects) + 1
        parent = b"/Parent %d 0 R " % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>"
                       % (parent, number + 1))
    page = len(objects) + 1
    objects.append(_page(page - 1, page + 1, page + 2))
    objects.append(stream(_text_ops("Prior authorization is required for surgery.")))
    objects.append(HELVETICA)
    return raw_pdf(objects)


def self_reference_pdf() -> bytes:
    """Objects that refer to themselves: a stream whose /Length is its own object, a
    resource dictionary that is its own font, and an array holding itself."""
    content = _text_ops("Prior authorization is required for all surgery in this plan.")
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Loop 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject 7 0 R >> >>",
        b"<< /Length 4 0 R >>\nstream\n" + content + b"\nendstream",
        HELVETICA,
        b"[6 0 R 6 0 R]",
        b"7 0 R",
    ])


def reference_loop_pdf() -> bytes:
    """A page whose resources are an object that is a reference to itself (found by
    bench/fuzz.py: pdfminer followed it forever)."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources 5 0 R >>",
        stream(_text_ops("Prior authorization is required for all surgery in this plan.")),
        b"5 0 R",
    ])


def garbage_font_pdf() -> bytes:
    """Readable-looking prose whose font maps every letter to a private-use code point
    (no ToUnicode, a custom /Differences encoding): the text layer is garbage."""
    names = b" ".join(b"/uniE%03X" % c for c in range(33, 127))
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding "
            b"/Differences [33 %s] >> >>" % names)
    lines = ["Cosmetic surgery is not covered by this plan.",
             "Prior authorization is required for all inpatient stays.",
             "You may appeal a denial within 180 days."]
    content = b"\n".join(_text_ops(line, 12, 720 - 20 * i) for i, line in enumerate(lines))
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    _page(2, 4, 5), stream(content), font])


# -- the whole set ---------------------------------------------------------------------


def build(folder: Path, *, only: Sequence[str] | None = None) -> dict[str, Path]:
    """Write every input (or those named in ``only``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)

    def plan(path: Path) -> Path:
        return text_pdf(path, PLAN_PAGES)

    def truncated(path: Path) -> Path:
        data = plan(path).read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return path

    def locked(path: Path, password: str) -> Path:
        source = plan(folder / f".plain_{path.name}")
        try:
            return encrypt(source, path, password)
        finally:
            source.unlink()

    def unreadable(path: Path) -> Path:
        plan(path)
        os.chmod(path, 0)
        return path

    def folder_pdf(path: Path) -> Path:
        path.mkdir(exist_ok=True)
        (path / "inside.txt").write_text("Not scanned: the folder x.pdf is what was named.\n")
        return path

    def write(data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
        def make(path: Path) -> Path:
            path.write_bytes(data() if callable(data) else data)
            return path
        return make

    filler = ("The member handbook describes the network, the pharmacy benefit and how "
              "to reach customer service for help with a claim or a question. ")
    rule = "Prior authorization is required for surgery. "
    # One matching sentence in every ~100 KB of filler, all on one line.
    block = filler * (100_000 // len(filler)) + rule
    makers: dict[str, Callable[[Path], Path]] = {
        "empty.pdf": write(b""),
        "text_named.pdf": write(b"Member handbook, saved as .pdf by mistake.\n" * 20),
        "png_named.pdf": write(png_bytes()),
        "truncated.pdf": truncated,
        "password.pdf": lambda p: locked(p, PASSWORD),
        "empty_password.pdf": lambda p: locked(p, ""),
        "zero_pages.pdf": write(zero_pages_pdf),
        "pages_5000.pdf": write(many_pages_pdf),
        "bomb.pdf": write(bomb_pdf),
        "bomb_nested.pdf": write(lambda: bomb_pdf(nested=True)),
        "kids_loop.pdf": write(kids_loop_pdf),
        "deep_tree.pdf": write(deep_tree_pdf),
        "self_reference.pdf": write(self_reference_pdf),
        "garbage_font.pdf": write(garbage_font_pdf),
        "one_line.txt": write(lambda: (block * (TEXT_LINE_BYTES // len(block) + 1))
                              [:TEXT_LINE_BYTES].encode("ascii")),
        "cp1252.txt": write("Caf\u00e9 members: \u201cprior authorization\u201d is required "
                            "\u2013 always.\n".encode("cp1252")),
        "utf16.txt": write("Members: prior authorization is required for surgery.\n"
                           .encode("utf-16")),
        "unreadable.pdf": unreadable,
        "folder.pdf": folder_pdf,
    }
    out: dict[str, Path] = {}
    for name, make in makers.items():
        if only is None or name in only:
            out[name] = make(folder / name)
    return out


def symlink_loop_folder(folder: Path) -> Path:
    """A folder holding one good text file and a link back to itself."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.txt").write_text("Prior authorization is required for surgery.\n")
    os.symlink(folder, folder / "loop")
    return folder


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs")
    for built_path in build(target).values():
        print(f"{built_path}  ({built_path.stat().st_size if built_path.is_file() else 'dir'})")
    print(symlink_loop_folder(target / "symlink_loop"))
