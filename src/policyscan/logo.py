"""The text beside the logo at the top of an SBC's first page.

When the template's header line has no issuer ("<logo> : Silver 70 HMO"), the issuer's
name usually stands next to its logo all the same: a legal name under it, an "Insured by"
line beside it. This module finds images in the top band of page 1 and returns the text
pieces that stand beside or just under them, nearest first; plan.py judges which of them
names an issuer.
"""

from __future__ import annotations

from collections.abc import Sequence

from .extract import SourceDocument
from .models import Box

_TOP_BAND = 0.3  # share of the page height where a header logo stands
_MAX_LOGO_WIDTH = 0.5  # share of the page width: wider images are banners or scans
_GAP = 12.0  # points: a wider gap on a text line separates two pieces of text
_BELOW = 16.0  # points under a logo where its caption may stand


def beside_logo(doc: SourceDocument) -> list[str]:
    """Text pieces of page 1 beside or under a logo in the page's top band, nearest first
    (empty without geometry or without such an image)."""
    if not doc.pages or doc.box_source is None:
        return []
    page = doc.pages[0]
    if page.number != 1 or not page.width or not page.height:
        return []
    logos = [b for b in doc.rulings(1).images
             if b[1] < _TOP_BAND * page.height and b[2] - b[0] < _MAX_LOGO_WIDTH * page.width
             and b[3] > b[1] and b[2] > b[0]]
    if not logos:
        return []
    boxes = doc.char_boxes(1)
    found: list[tuple[float, str]] = []
    for start, end in _pieces(page.text, boxes):
        box = _union([boxes[i] for i in range(start, end) if boxes[i] is not None])
        if box is None:
            continue
        distance = min((d for logo in logos if (d := _distance(logo, box)) is not None),
                       default=None)
        text = " ".join(page.text[start:end].split())
        if distance is not None and text:
            found.append((distance, text))
    return [text for _, text in sorted(found, key=lambda f: f[0])]


def _pieces(text: str, boxes: Sequence[Box | None]) -> list[tuple[int, int]]:
    """(start, end) of each text line's pieces: a line cut where its glyphs stand far
    apart (a name at the left, the coverage period at the right)."""
    out: list[tuple[int, int]] = []
    start = 0
    previous: Box | None = None
    for i, ch in enumerate(text):
        box = boxes[i] if i < len(boxes) else None
        if ch in "\r\n":
            if i > start:
                out.append((start, i))
            start, previous = i + 1, None
            continue
        if box is None or ch.isspace():
            continue
        if previous is not None and box[0] - previous[2] > _GAP:
            out.append((start, i))
            start = i
        previous = box
    if len(text) > start:
        out.append((start, len(text)))
    return out


def _union(boxes: Sequence[Box | None]) -> Box | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real),
            max(b[3] for b in real))


def _distance(logo: Box, text: Box) -> float | None:
    """How far ``text`` stands from ``logo`` when it stands beside it (overlapping its
    height) or just under it (overlapping its width); None otherwise."""
    beside = min(logo[3], text[3]) - max(logo[1], text[1]) > 0
    if beside and (text[0] >= logo[2] - 1 or text[2] <= logo[0] + 1):
        return max(text[0] - logo[2], logo[0] - text[2], 0.0)
    under = min(logo[2], text[2]) - max(logo[0], text[0]) > 0
    if under and 0 <= text[1] - logo[3] <= _BELOW:
        return text[1] - logo[3]
    return None
