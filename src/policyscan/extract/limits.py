"""Limits that keep a hostile PDF from exhausting memory: the decompression-bomb guard.

A PDF can hold a few kilobytes of FlateDecode data that inflate to gigabytes (deflate
reaches ~1000:1, and filters can be chained). pdfium and pdfminer both inflate a page's
content stream whole before parsing it, so such a file would take gigabytes of memory
before any page text exists. ``check_streams`` looks at the raw file first: it inflates
every zlib stream in bounded chunks (nothing is kept, so its own memory stays flat),
following chained deflate layers, and refuses the file when one stream inflates past
``MAX_STREAM_BYTES`` or all of them together past ``MAX_TOTAL_BYTES``.

``MAX_PAGE_CHARS`` is the second line: a page whose text layer is longer than any real
page is refused before its text goes any further.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator

from ..errors import DocumentError

# One stream: a 600-dpi colour page image is ~100 MB; nothing real comes near this.
MAX_STREAM_BYTES = 256 << 20
# Everything inflated in one file (content, fonts, images): a 300-page scan with a
# deflated 300-dpi greyscale image a page is ~2.5 GB; content streams are megabytes.
MAX_TOTAL_BYTES = 4 << 30
# One page's text: a dense page of small print holds ~20,000 characters.
MAX_PAGE_CHARS = 250_000

_OUT = 1 << 20  # inflated bytes per step
_IN = 1 << 16  # compressed bytes per step (the decoder's unconsumed tail is copied each step)
_MAX_LAYERS = 3  # /Filter [/FlateDecode /FlateDecode /FlateDecode]
# Deflate's best case: one bit per 258-byte match, about 1032:1 (zlib's framing only
# lowers it). A single-layer stream can never inflate past its size times this.
_MAX_RATIO = 1032
_PEEK = 1 << 10  # compressed bytes read to see whether a stream's output is zlib again


def _zlib_header(data: bytes) -> bool:
    return (len(data) >= 2 and data[0] & 0x0F == 8 and data[0] >> 4 <= 7
            and (data[0] << 8 | data[1]) % 31 == 0)


class _Layers:
    """Inflates a stream step by step, passing each layer's output on to the next layer
    when that output is itself zlib data; nothing inflated is kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.decoders = [zlib.decompressobj()]
        self.sizes = [0]

    @property
    def size(self) -> int:
        return max(self.sizes)

    def feed(self, level: int, data: bytes | memoryview) -> None:
        for pos in range(0, len(data), _IN):
            piece = bytes(data[pos:pos + _IN])
            decoder = self.decoders[level]
            while piece and not decoder.eof:
                out = decoder.decompress(piece, _OUT)
                piece = decoder.unconsumed_tail
                if not out:
                    continue
                if self.sizes[level] == 0 and level + 1 < _MAX_LAYERS and _zlib_header(out):
                    self.decoders.append(zlib.decompressobj())
                    self.sizes.append(0)
                self.sizes[level] += len(out)
                if level + 1 < len(self.decoders):
                    try:
                        self.feed(level + 1, out)
                    except zlib.error:  # zlib-looking, but not a deflated layer
                        del self.decoders[level + 1:], self.sizes[level + 1:]
                if self.size > self.limit:
                    return
            if decoder.eof or self.size > self.limit:
                return


def inflated_size(data: bytes | memoryview, limit: int) -> int:
    """How many bytes ``data`` (zlib, possibly deflated again) inflates to, counting no
    further than just past ``limit``; 0 when it is not zlib data."""
    if not _zlib_header(bytes(data[:2])):
        return 0
    layers = _Layers(limit)
    with contextlib.suppress(zlib.error):  # damaged: what was inflated until then counts
        layers.feed(0, data)
    return layers.size


def _zlib_streams(data: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each stream whose data begins with a zlib header.

    A keyword search rather than a regular expression: a pattern with a look-behind
    cannot use the fast substring search and took 57 ms on a 3 MB file.
    """
    at = data.find(b"stream")
    while at >= 0:
        start = at + 6
        eol = data[start:start + 2]
        if at > 0 and data[at - 1:at].isalpha() or eol[:1] not in (b"\r", b"\n"):
            at = data.find(b"stream", start)
            continue  # "endstream", or the word inside some other token
        start += 2 if eol == b"\r\n" else 1
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        if _zlib_header(data[start:start + 2]):
            yield start, end
        at = data.find(b"stream", end + 9 if end < len(data) else len(data))


def _single_layer(data: memoryview) -> bool:
    """True when the stream's first inflated bytes are not zlib data in turn (so
    ``_MAX_RATIO`` bounds it). Undecided (damaged, or no output yet) counts as False."""
    try:
        out = zlib.decompressobj().decompress(bytes(data[:_PEEK]), 2)
    except zlib.error:
        return False
    return len(out) == 2 and not _zlib_header(out)


def check_streams(data: bytes, path: str, *, max_stream: int = MAX_STREAM_BYTES,
                  max_total: int = MAX_TOTAL_BYTES) -> None:
    """Raise ``DocumentError("too_large")`` when the file's compressed streams inflate
    past the limits. Encrypted streams cannot be inflated without the key and are not
    counted (a batch's per-file time limit and worker isolation still apply to them).

    Single-layer streams small enough that even deflate's best ratio keeps them under
    the limits are only bounded, not inflated, unless their bounds together could pass
    ``max_total``: an ordinary file costs a peek per stream, not a pass over all of them.
    """
    view = memoryview(data)
    exact: list[tuple[int, int]] = []
    bounded: list[tuple[int, int]] = []
    for start, end in _zlib_streams(data):
        if (end - start) * _MAX_RATIO <= max_stream and _single_layer(view[start:end]):
            bounded.append((start, end))
        else:
            exact.append((start, end))
    if sum(end - start for start, end in bounded) * _MAX_RATIO > max_total:
        exact += bounded
    total = 0
    for start, end in exact:
        size = inflated_size(view[start:end], min(max_stream, max_total - total))
        total += size
        if size > max_stream or total > max_total:
            what, limit = (("a compressed stream that inflates", max_stream)
                           if size > max_stream else
                           ("compressed streams that together inflate", max_total))
            raise DocumentError(
                "too_large",
                f"{path} holds {what} to more than {limit >> 20:,} MB (a decompression "
                "bomb, or a damaged file) and was refused to protect memory; if it is "
                "genuine, re-save it with a PDF tool and scan the copy")


def check_page_text(chars: int, page: int, path: str) -> None:
    """Refuse a page whose text layer is far longer than any real page's."""
    if chars > MAX_PAGE_CHARS:
        earlier = f"; --max-pages {page - 1} scans the pages before it" if page > 1 else ""
        raise DocumentError(
            "too_large",
            f"{path}: page {page} holds {chars:,} characters of text, more than the "
            f"{MAX_PAGE_CHARS:,} a page may have (no real page comes close; the file may be "
            f"built to exhaust memory), so the file was refused{earlier}")
