"""Annotated copies of scanned PDFs: a highlight on each finding's quote.

Each finding becomes one /Highlight annotation on its page, with one quadrilateral per
text line of the quote (``Finding.boxes``), the category's colour, and a note (/Contents)
saying the category, the rule and why it matched; the author (/T) is "policyscan". The
copy is written with pypdf as an incremental update: the original bytes come first,
unchanged, and the annotations are appended after them, so nothing of the document is
rewritten (and the input file itself is never opened for writing).

Finding boxes are in the *displayed* page's frame (rotation applied, origin top-left,
PDF points from the crop box's corner, as pdfplumber and extract/pdfium.py give them);
annotations need PDF user space (unrotated, origin bottom-left). ``to_user_space`` is
the inverse of ``extract.pdfium._Frame.box``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..extract.sniff import HEADER_WINDOW
from ..models import CATEGORY_LABELS, Box, DocumentReport, Finding, ScanReport
from .colors import category_rgb
from .safe import safe_name

AUTHOR = "policyscan"
SUFFIX = ".annotated.pdf"
_MAX_STEM = 120  # characters of the input's name kept in an output name
_UNSAFE = re.compile(r"[^\w.\-+,() ]")  # \w is Unicode letters, digits and "_"

Quad = tuple[float, float, float, float, float, float, float, float]


@dataclass(frozen=True)
class PageFrame:
    """Where a page's finding boxes are measured from: the page's /Rotate and the box
    (crop box for pdfium, media box for pdfplumber) in unrotated user space."""

    rotation: int  # 0, 90, 180, 270: clockwise, as /Rotate
    x0: float
    y0: float
    width: float  # unrotated
    height: float

    @classmethod
    def of(cls, page: Any, engine: str = "pdfium") -> PageFrame:
        """The frame of a pypdf page (inherited /Rotate and boxes already resolved)."""
        box = page.mediabox if engine == "pdfplumber" else page.cropbox
        left, right = sorted((float(box[0]), float(box[2])))
        bottom, top = sorted((float(box[1]), float(box[3])))
        return cls(int(page.rotation or 0) % 360, left, bottom, right - left, top - bottom)


def to_user_space(frame: PageFrame, x: float, y: float) -> tuple[float, float]:
    """A point of the displayed page (top-left origin) in PDF user space.

    The inverse of ``extract.pdfium._Frame.box``, which maps user space (relative to the
    frame's origin) to the displayed frame: rotation 0: (x, h - y); 90: (y, x);
    180: (w - x, y); 270: (h - y, w - x), w and h being the unrotated size.
    """
    w, h = frame.width, frame.height
    if frame.rotation == 90:
        ux, uy = y, x
    elif frame.rotation == 180:
        ux, uy = w - x, y
    elif frame.rotation == 270:
        ux, uy = w - y, h - x
    else:
        ux, uy = x, h - y
    return ux + frame.x0, uy + frame.y0


def quad_points(frame: PageFrame, box: Box) -> Quad:
    """A displayed box as a highlight quadrilateral in user space: its top-left, top-right,
    bottom-left and bottom-right corners *as displayed*, so the text's own direction is
    kept on a rotated page."""
    x0, top, x1, bottom = box
    corners = (to_user_space(frame, x0, top), to_user_space(frame, x1, top),
               to_user_space(frame, x0, bottom), to_user_space(frame, x1, bottom))
    return tuple(v for corner in corners for v in corner)  # type: ignore[return-value]


def rect_of(quads: Iterable[Quad]) -> tuple[float, float, float, float]:
    """The smallest user-space rectangle (left, bottom, right, top) holding the quads."""
    xs = [q[i] for q in quads for i in (0, 2, 4, 6)]
    ys = [q[i] for q in quads for i in (1, 3, 5, 7)]
    return min(xs), min(ys), max(xs), max(ys)


def note_text(f: Finding) -> str:
    """The annotation's note: category, rule and explanation (what a reviewer needs)."""
    label = CATEGORY_LABELS.get(f.category, f.category)
    head = f"{label} (score {f.score:.2f}{', negated' if f.negated else ''})"
    if f.section:
        head += f" · {' '.join(f.section.split())}"
    return f"{head}\n{' '.join(f.explanation.split())}\nRule: {f.rule}"


def _annotation(f: Finding, index: int, frame: PageFrame) -> tuple[Any, Any]:
    """The /Highlight dictionary of one finding (which has a box) and its appearance."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    boxes = f.boxes or ((f.bbox,) if f.bbox else ())
    quads = [quad_points(frame, b) for b in boxes]
    left, bottom, right, top = rect_of(quads)
    r, g, b = category_rgb(f.category)

    def numbers(values: Iterable[float]) -> Any:
        return ArrayObject(FloatObject(round(v, 3)) for v in values)

    # An appearance stream, so that every viewer draws the same thing: each line's
    # quadrilateral filled in the category's colour, multiplied over the words.
    paths = []
    for q in quads:
        xs, ys = q[0::2], q[1::2]
        paths.append(f"{min(xs):.3f} {min(ys):.3f} {max(xs) - min(xs):.3f} "
                     f"{max(ys) - min(ys):.3f} re f")
    appearance = DecodedStreamObject()
    appearance.set_data(f"/GS0 gs {r:.3f} {g:.3f} {b:.3f} rg\n{chr(10).join(paths)}\n".encode())
    appearance.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): numbers((left, bottom, right, top)),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/ExtGState"): DictionaryObject({
                NameObject("/GS0"): DictionaryObject({
                    NameObject("/Type"): NameObject("/ExtGState"),
                    NameObject("/BM"): NameObject("/Multiply"),
                })})}),
    })
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Highlight"),
        NameObject("/Rect"): numbers((left, bottom, right, top)),
        NameObject("/QuadPoints"): numbers(v for q in quads for v in q),
        NameObject("/C"): numbers((r, g, b)),
        NameObject("/T"): TextStringObject(AUTHOR),
        NameObject("/Subj"): TextStringObject(CATEGORY_LABELS.get(f.category, f.category)),
        NameObject("/Contents"): TextStringObject(note_text(f)),
        NameObject("/NM"): TextStringObject(f"policyscan-{f.page}-{index}"),
        NameObject("/F"): NumberObject(4),  # print it
        NameObject("/AP"): DictionaryObject(),  # /N: the appearance, as its own object
    }), appearance


class AnnotateError(Exception):
    """This PDF could not be annotated (the message says why)."""


def annotate_pdf(source: str | os.PathLike[str], target: str | os.PathLike[str],
                 findings: Sequence[Finding], *, password: str | None = None,
                 engine: str = "pdfium") -> int:
    """Write ``target``: ``source`` with a highlight per finding; returns how many.

    ``source`` is only read. The copy is the original bytes (from ``%PDF-`` on: junk
    before the header is dropped, so the offsets the file states are exact) followed by
    an incremental update holding the annotations, the pages or /Annots arrays they were
    added to, and a cross-reference section of the original's kind whose /Prev points at
    the original's. Only the pages with findings are parsed, which keeps a 150-page
    booklet well under a second. An encrypted PDF keeps its encryption: new objects are
    encrypted with the document's key. ``target`` is written under a temporary name next
    to itself and moved into place, so a failure leaves no half-written file (and a
    symlink at ``target`` is replaced, not followed).
    """
    from pypdf.errors import PyPdfError

    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise AnnotateError(f"cannot read {source}: {exc.strerror or exc}") from exc
    header = data.find(b"%PDF-", 0, HEADER_WINDOW)
    if header < 0:
        raise AnnotateError(f"{source} is not a PDF")
    data = data[header:]
    try:
        update, count = _update(data, findings, password, engine, str(source))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise AnnotateError(f"{source} could not be annotated: {exc}") from exc

    from .outputs import atomic_output

    with atomic_output(Path(target), binary=True) as stream:
        stream.write(data)
        stream.write(update)
    return count


def _update(data: bytes, findings: Sequence[Finding], password: str | None, engine: str,
            name: str) -> tuple[bytes, int]:
    """The incremental update appended to ``data``, and the number of highlights in it."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, IndirectObject, NameObject, PdfObject

    reader = PdfReader(io.BytesIO(data))
    encryption = None
    if reader.is_encrypted:
        if not reader.decrypt(password or ""):
            raise AnnotateError(f"{name} is encrypted and the password does not open it")
        encryption = getattr(reader, "_encryption", None)
        if encryption is None:  # pragma: no cover - a pypdf without it
            raise AnnotateError(f"{name} is encrypted; this pypdf cannot write to it")
    pages = reader.pages
    next_id = _next_object_number(reader)
    changed: dict[int, tuple[int, PdfObject]] = {}  # object number -> (generation, object)
    count = 0
    by_page: dict[int, list[Finding]] = {}
    for f in findings:
        if 1 <= f.page <= len(pages) and (f.boxes or f.bbox):
            by_page.setdefault(f.page, []).append(f)
    for number, group in sorted(by_page.items()):
        page = pages[number - 1]
        page_ref = page.indirect_reference
        frame = PageFrame.of(page, engine)
        refs = []
        for f in sorted(group, key=lambda f: f.start):
            annotation, appearance = _annotation(f, count, frame)
            changed[next_id] = (0, appearance)
            annotation[NameObject("/AP")][NameObject("/N")] = IndirectObject(next_id, 0, reader)
            if page_ref is not None:
                annotation[NameObject("/P")] = page_ref
            changed[next_id + 1] = (0, annotation)
            refs.append(IndirectObject(next_id + 1, 0, reader))
            next_id += 2
            count += 1
        raw = page.raw_get("/Annots") if "/Annots" in page else None
        if isinstance(raw, IndirectObject):
            # The page keeps its own /Annots array object; that object is replaced.
            old = changed[raw.idnum][1] if raw.idnum in changed else raw.get_object()
            kept = list(old) if isinstance(old, ArrayObject) else []
            changed[raw.idnum] = (raw.generation, ArrayObject([*kept, *refs]))
        else:
            if page_ref is None:
                raise AnnotateError(f"{name}: page {number} is not an indirect object")
            page[NameObject("/Annots")] = ArrayObject([*(raw or ()), *refs])
            changed[page_ref.idnum] = (page_ref.generation, page)
    if not changed:
        return b"", 0
    out = io.BytesIO()
    base = len(data)
    out.write(b"\n")  # the original may not end with an end-of-line
    offsets: dict[int, tuple[int, int]] = {}  # object number -> (offset, generation)
    for idnum, (gen, obj) in sorted(changed.items()):
        offsets[idnum] = (base + out.tell(), gen)
        out.write(f"{idnum} {gen} obj\n".encode())
        (encryption.encrypt_object(obj, idnum, gen) if encryption else obj).write_to_stream(out)
        out.write(b"\nendobj\n")
    trailer = {key: reader.trailer.raw_get(key) for key in ("/Root", "/Info", "/ID", "/Encrypt")
               if key in reader.trailer}
    prev = _startxref(reader, data)
    if data[prev:prev + 4] == b"xref":
        _xref_table(out, base, offsets, next_id, trailer, prev)
    else:
        _xref_stream(out, base, offsets, next_id, trailer, prev)
    return out.getvalue(), count


def _startxref(reader: Any, data: bytes) -> int:
    """Where the original's last cross-reference section starts (as pypdf found it,
    which corrects a wrong pointer; else the file's own last ``startxref``)."""
    found = getattr(reader, "_startxref", None)
    if isinstance(found, int) and found > 0:
        return found
    at = data.rfind(b"startxref")
    return int(data[at + 9:at + 40].split()[0]) if at >= 0 else 0


def _next_object_number(reader: Any) -> int:
    """The first free object number: past the trailer's /Size and past every number the
    cross-reference sections list (a broken /Size must not make us reuse one)."""
    size = reader.trailer.get("/Size", 0)
    used = [int(size) if isinstance(size, int) else 0]
    used += [n + 1 for table in getattr(reader, "xref", {}).values() for n in table]
    used += [n + 1 for n in getattr(reader, "xref_objStm", {})]
    return max(used)


def _runs(numbers: Iterable[int]) -> list[list[int]]:
    """Consecutive object numbers grouped: [3, 4, 5, 9] -> [[3, 4, 5], [9]]."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _xref_table(out: io.BytesIO, base: int, offsets: dict[int, tuple[int, int]], size: int,
                trailer: dict[str, Any], prev: int) -> None:
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    where = base + out.tell()
    out.write(b"xref\n")
    for run in _runs(offsets):
        out.write(f"{run[0]} {len(run)}\n".encode())
        for n in run:
            offset, gen = offsets[n]
            out.write(f"{offset:010d} {gen:05d} n\r\n".encode())
    entries = {NameObject(k): v for k, v in trailer.items()}
    entries[NameObject("/Size")] = NumberObject(size)
    entries[NameObject("/Prev")] = NumberObject(prev)
    out.write(b"trailer\n")
    DictionaryObject(entries).write_to_stream(out)
    out.write(f"\nstartxref\n{where}\n%%EOF\n".encode())


def _xref_stream(out: io.BytesIO, base: int, offsets: dict[int, tuple[int, int]], size: int,
                 trailer: dict[str, Any], prev: int) -> None:
    from pypdf.generic import ArrayObject, NameObject, NumberObject, StreamObject

    xref_id = size  # the stream lists itself too
    where = base + out.tell()
    offsets = {**offsets, xref_id: (where, 0)}
    width = max(4, (where.bit_length() + 7) // 8)
    rows = b"".join(b"\x01" + offsets[n][0].to_bytes(width, "big")
                    + offsets[n][1].to_bytes(2, "big") for run in _runs(offsets) for n in run)
    entries = {NameObject(k): v for k, v in trailer.items()}
    entries.update({
        NameObject("/Type"): NameObject("/XRef"),
        NameObject("/Size"): NumberObject(xref_id + 1),
        NameObject("/Index"): ArrayObject(NumberObject(v) for run in _runs(offsets)
                                          for v in (run[0], len(run))),
        NameObject("/W"): ArrayObject(NumberObject(v) for v in (1, width, 2)),
        NameObject("/Prev"): NumberObject(prev),
    })
    stream = StreamObject()
    stream.update(entries)
    stream.set_data(rows)
    out.write(f"{xref_id} 0 obj\n".encode())
    stream.write_to_stream(out)  # never encrypted (ISO 32000-1, 7.6.1)
    out.write(f"\nendobj\nstartxref\n{where}\n%%EOF\n".encode())


def safe_stem(path: str) -> str:
    """The input's base name without ".pdf", made safe as a file name in another folder:
    no folder part (either separator), no leading dots, only letters, digits and a few
    harmless marks."""
    name = re.split(r"[\\/]", path)[-1]
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    stem = _UNSAFE.sub("_", name).strip(" .")
    return stem[:_MAX_STEM].rstrip(" .") or "document"


def is_pdf(path: str) -> bool:
    """Whether the file's bytes start like a PDF (within the first kilobyte)."""
    try:
        with open(path, "rb") as f:
            return b"%PDF-" in f.read(HEADER_WINDOW)
    except OSError:
        return False


def _path_stem(path: str, below: str) -> str:
    """A stem from the input's path below the folder ``below``, folders included
    ("in/a/plan.pdf" below "in" → "a_plan"), for inputs whose base names clash."""
    rel = os.path.relpath(os.path.abspath(path), below)
    parts = [p for p in re.split(r"[\\/]", rel) if p not in ("", ".", "..")]
    return safe_stem("_".join(parts))


def plan_names(inputs: Sequence[str]) -> dict[str, str]:
    """Each input's annotated file name, decided from the whole list of inputs (not from
    the order documents finish in), so a resumed run names every copy as the first run
    did: the base name when no other input shares it, else a name from its path, numbered
    in input order only when even those clash."""
    stems = {p: safe_stem(p) for p in inputs}
    groups: dict[str, list[str]] = {}
    for path, stem in stems.items():
        groups.setdefault(stem.casefold(), []).append(path)
    # Clashing inputs are named from their paths below the folder they all share.
    below = {key: os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in group])
             for key, group in groups.items() if len(group) > 1}
    taken: set[str] = set()
    out: dict[str, str] = {}
    for path in inputs:
        key = stems[path].casefold()
        stem = stems[path] if key not in below else _path_stem(path, below[key])
        n = 1
        while True:
            name = f"{stem}{SUFFIX}" if n == 1 else f"{stem}.annotated-{n}.pdf"
            if name.casefold() not in taken:
                break
            n += 1
        taken.add(name.casefold())
        out[path] = name
    return out


class Annotator:
    """A formatter that writes an annotated copy of each PDF as soon as it is scanned.

    With ``out_file`` (one input) the copy goes there; with ``out_dir`` each copy is named
    after its input (``plan.pdf`` → ``plan.annotated.pdf``; ``a/plan.pdf`` and
    ``b/plan.pdf`` → ``a_plan…`` and ``b_plan…``), never onto one of the inputs. Text
    files and documents that were not scanned are skipped with a message.
    """

    needs_findings_at_end = False

    def __init__(self, *, out_file: Path | None = None, out_dir: Path | None = None,
                 inputs: Iterable[str] = (), password: str | None = None,
                 engine: str = "pdfium", note: Callable[[str], None] = print,
                 quiet: bool = False) -> None:
        if (out_file is None) == (out_dir is None):
            raise ValueError("give exactly one of out_file and out_dir")
        self.out_file = out_file
        self.out_dir = out_dir
        self.password = password
        self.engine = engine
        self.note = note
        self.quiet = quiet
        self.written: dict[str, Path] = {}  # input path -> annotated copy
        inputs = list(inputs)
        self._inputs = {os.path.realpath(p) for p in inputs}
        # Reports show names escaped (report/safe.py); the file is opened by its own name.
        self._real = {safe_name(p): p for p in inputs}
        self._names = {safe_name(p): n for p, n in plan_names(inputs).items()}
        self._taken: set[str] = {n.casefold() for n in self._names.values()}

    def begin(self, total: int) -> None:
        pass

    def document(self, doc: DocumentReport) -> None:
        source = self._real.get(doc.path, doc.path)
        if doc.status != "ok":
            self.note(f"Not annotated: {doc.path} was not scanned ({doc.status})")
            return
        if not is_pdf(source):
            self.note(f"Not annotated: {doc.path} is a text file; only PDFs are annotated")
            return
        target = self.out_file if self.out_file is not None else self._name_for(doc.path)
        if os.path.realpath(target) in self._inputs:
            self.note(f"Not annotated: {safe_name(str(target))} is one of the inputs, which "
                      "are never overwritten")
            return
        try:
            count = annotate_pdf(source, target, doc.findings, password=self.password,
                                 engine=self.engine)
        except AnnotateError as exc:
            self.note(f"Not annotated: {exc}")
            return
        except OSError as exc:
            self.note(f"Not annotated: cannot write {target}: {exc.strerror or exc}")
            return
        self.written[doc.path] = target
        if not self.quiet:
            self.note(f"Annotated {doc.path}: {count} highlight{'' if count == 1 else 's'} "
                      f"→ {target}")

    def end(self, report: ScanReport) -> None:
        pass

    def _name_for(self, path: str) -> Path:
        assert self.out_dir is not None
        planned = self._names.get(path)
        if planned is not None and os.path.realpath(self.out_dir / planned) not in self._inputs:
            candidate = self.out_dir / planned
        else:  # a document not among the inputs given (the Python API)
            stem = safe_stem(path)
            n = 1
            while True:
                name = f"{stem}{SUFFIX}" if n == 1 else f"{stem}.annotated-{n}.pdf"
                candidate = self.out_dir / name
                if (name.casefold() not in self._taken
                        and os.path.realpath(candidate) not in self._inputs):
                    break
                n += 1
            self._taken.add(name.casefold())
        # The name has no folder part, so the copy stays in out_dir whatever the input
        # was called ("../../x.pdf" becomes out_dir/x.annotated.pdf).
        assert os.path.dirname(os.path.abspath(candidate)) == os.path.abspath(self.out_dir)
        return candidate
