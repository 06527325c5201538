"""Character boxes kept as flat float arrays, and the line boxes of a span of them.

pdfplumber's characters and OCR'd words both end up as four floats a character
(x0, top, x1, bottom in the page's top-left frame, points), ``NO_BOX`` for a character
without one: 16 bytes a character instead of a tuple each, read back on demand.
"""

from __future__ import annotations

from array import array

from ..models import Box

NO_BOX = (-1.0, -1.0, -1.0, -1.0)


def char_boxes(arr: array[float]) -> list[Box | None]:
    """One box (or None) per character."""
    return [None if arr[i] < 0 else (arr[i], arr[i + 1], arr[i + 2], arr[i + 3])
            for i in range(0, len(arr), 4)]


def line_boxes(arr: array[float], start: int, end: int, *, slack: float) -> list[Box]:
    """One box per line of the characters ``start:end``.

    A character joins the current line's box while it overlaps it vertically by more than
    ``slack`` points and does not start left of it (a wrapped line starts left again).
    """
    out: list[list[float]] = []
    for i in range(start, min(end, len(arr) // 4)):
        x0, top, x1, bottom = arr[4 * i: 4 * i + 4]
        if x0 < 0:
            continue
        last = out[-1] if out else None
        if last and top < last[3] - slack and bottom > last[1] + slack and x0 >= last[0] - 1:
            last[1], last[2], last[3] = min(last[1], top), max(last[2], x1), max(last[3], bottom)
        else:
            out.append([x0, top, x1, bottom])
    return [(b[0], b[1], b[2], b[3]) for b in out]
