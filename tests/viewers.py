"""Real viewers for the report tests: headless Chromium for the HTML report, poppler's
pdftoppm for the annotated PDFs, and an HTML parser for what Chromium hands back.

Nothing is installed here: `.ci/run` installs Debian's ``chromium`` and ``poppler-utils``
when they are missing, and the tests that need them skip with a message otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM_MISSING = ("Debian's chromium is not installed (apt-get install -y chromium; "
                    ".ci/run installs it): the browser tests are skipped")
PDFTOPPM_MISSING = ("pdftoppm is not installed (apt-get install -y poppler-utils; .ci/run "
                    "installs it): the rendering checks are skipped")
# Everything a headless browser might do on its own (updates, sync, QUIC) is turned off.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip(CHROMIUM_MISSING)
    return found


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        pytest.skip(PDFTOPPM_MISSING)
    return found


def _browse(page: Path, fragment: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
                          capture_output=True, text=True, timeout=120, check=False)


def dump_dom(page: Path, profile: Path, fragment: str = "") -> str:
    """The DOM after the page's scripts ran (``--dump-dom``), as HTML."""
    done = _browse(page, fragment, profile, "--dump-dom")
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


def screenshot(page: Path, profile: Path, out: Path, width: int, height: int) -> Path:
    done = _browse(page, "", profile, f"--screenshot={out}", f"--window-size={width},{height}",
                   "--hide-scrollbars")
    assert done.returncode == 0 and out.exists(), done.stderr[-2000:]
    return out


def render_page(pdf: Path, page: int, out_prefix: Path, dpi: int = 72) -> Path:
    """One page as PNG at ``dpi`` (72: one pixel per PDF point), as a viewer shows it:
    rotated, and cut to the crop box (the frame finding boxes are measured in)."""
    subprocess.run([pdftoppm(), "-f", str(page), "-l", str(page), "-r", str(dpi), "-png",
                    "-cropbox", "-singlefile", str(pdf), str(out_prefix)], check=True, timeout=120,
                   capture_output=True)
    return out_prefix.with_suffix(".png")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def has(self, attr: str) -> bool:
        return attr in self.attrs


class Dom(HTMLParser):
    """Every element with its attributes and its own text; the page's text outside
    <script> and <style>."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "wbr", "source", "area", "base", "col"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            for element in self._open:
                element.text.append(data)
        if not any(e.tag in ("script", "style") for e in self._open):
            self.text.append(data)

    def find(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [e for e in self.elements if (tag is None or e.tag == tag)
                and (cls is None or cls in e.classes)]

    def page_text(self) -> str:
        return " ".join(" ".join(self.text).split())
