"""The HTML comparison in headless Chromium, on the folder of synthetic SBCs that differ in
known ways (tests/sbc_folder.py): at a desktop width and at a phone width the page never
scrolls sideways, the first-screen summary names each known difference, and every row
where the plans differ is marked and lies inside the window's width."""

from __future__ import annotations

import json
import re
import subprocess
from html import escape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sbc_folder import build_folder
from viewers import CHROMIUM_FLAGS, Dom, chromium

from policyscan.cli import main

# Measures the laid-out page and leaves the answer in the DOM for --dump-dom to hand back.
PROBE = """<script>
(function () {
  var w = window.innerWidth, out = {width: w,
    scroll: document.documentElement.scrollWidth, rows: []};
  document.querySelectorAll("table.matrix tr.differs").forEach(function (tr) {
    var r = tr.getBoundingClientRect();
    out.rows.push({text: tr.querySelector("th").textContent.trim(), left: r.left,
                   right: r.right, height: r.height});
  });
  var s = document.getElementById("differences").getBoundingClientRect();
  out.summaryTop = s.top;
  window.parent.document.body.setAttribute("data-probe", JSON.stringify(out));
})();
</script>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sbcs")
    files = build_folder(folder)
    out = folder / "report.html"
    result = CliRunner().invoke(main, [*map(str, files.values()), "--no-cache", "-q",
                                       "--html", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    return out


def probe(page: Path, width: int, height: int, profile: Path) -> dict[str, Any]:
    """Lays the page out at ``width`` CSS pixels and returns what PROBE measured.

    Headless Chromium keeps its window at least 500 pixels wide, so the page is shown in
    an iframe of the width wanted (its media queries follow the iframe); a ``srcdoc``
    frame shares its parent's origin, so the probe can leave its answer in the parent.
    The page's CSP allows only its own script; the probe runs in a copy without it.
    """
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  page.read_text(encoding="utf-8"))
    inner = html.replace("</body>", PROBE + "</body>")
    frame = (f'<!DOCTYPE html><html><body style="margin:0"><iframe width="{width}" '
             f'height="{height}" style="border:0" srcdoc="{escape(inner, quote=True)}">'
             "</iframe></body></html>")
    copy = page.with_name(f"probe-{width}.html")
    copy.write_text(frame, encoding="utf-8")
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                           f"--window-size={max(width, 800)},{height + 100}",
                           "--hide-scrollbars", "--dump-dom", copy.resolve().as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    body = Dom(done.stdout).find("body")[0]
    result: dict[str, Any] = json.loads(body.attrs["data-probe"] or "{}")
    return result


def test_summary_names_the_known_differences(page: Path) -> None:
    dom = Dom(page.read_text(encoding="utf-8"))
    summary = " ".join(" ".join(dom.find("ul", "differ-list")[0].text).split())
    for expected in ("Infertility treatment: not covered in Riverbend Gold PPO 1000 "
                     "(riverbend_2026.pdf); covered in Riverbend Gold PPO 1000 "
                     "(riverbend_2027.pdf); not listed in Harbor Silver 70 HMO 2500",
                     "Specialist visit", "required; if not obtained: $250",
                     "First-appeal deadline: 180 days", "60 days in Riverbend",
                     "Issuer: Riverbend Health in Riverbend Gold PPO 1000 (riverbend_2026.pdf), "
                     "Riverbend Gold PPO 1000 (riverbend_2027.pdf); Kaiser Permanente in "
                     "Harbor"):
        assert expected in summary
    assert "Cosmetic surgery:" not in summary  # spelt two ways, but the same service


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (390, 844)])
def test_no_sideways_scroll_and_differences_inside_the_window(
        page: Path, tmp_path: Path, width: int, height: int) -> None:
    seen = probe(page, width, height, tmp_path / "profile")
    assert seen["width"] == width
    assert seen["scroll"] <= width  # nothing wider than the window
    labels = [r["text"] for r in seen["rows"]]
    assert any(t.startswith("Infertility treatment") for t in labels)
    assert any(t.startswith("First-appeal deadline") for t in labels)
    assert any(t.startswith("Specialist visit") for t in labels)
    for row in seen["rows"]:
        assert row["left"] >= 0 and row["right"] <= width and row["height"] > 0, row
    # The summary of differences is on the first screen.
    assert seen["summaryTop"] < height
