"""``policyscan diff`` against the folder of synthetic SBCs that differ in known ways
(tests/sbc_folder.py): exactly the known changes, with both sides' values, pages and
quotes, in JSON, terminal text, Markdown and HTML; ``--pairs`` diffs many at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sbc_folder import build_folder
from viewers import Dom

from policyscan.cli import main
from policyscan.errors import EXIT_INCOMPLETE, EXIT_USAGE


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_folder(tmp_path_factory.mktemp("sbcs"))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["diff", *args])


def changes(result: Result, index: int = 0) -> dict[str, dict[str, Any]]:
    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)["diffs"][index]
    return {c["key"]: c for c in diff["changes"]}


def test_two_years_of_one_plan(folder: dict[str, Path]) -> None:
    found = changes(run(str(folder["riverbend_2026"]), str(folder["riverbend_2027"]),
                        "--format", "json"))
    specialist = ("prior_authorization:if_you_visit_a_health_care_provider_office_or_clinic/"
                  "specialist_visit")
    assert set(found) == {"identity:coverage_period", "services:infertility_treatment",
                          specialist, "deadline:appeal_deadline"}
    moved = found["services:infertility_treatment"]
    assert moved["what"] == "moved from NOT covered to covered"
    assert (moved["old"]["quote"], moved["new"]["quote"]) == ("Infertility treatment",
                                                              "Infertility treatment")
    assert moved["old"]["pages"] and moved["new"]["pages"]  # the lists' page
    pa = found[specialist]
    assert pa["what"] == "now requires prior authorization"
    assert pa["new"]["value"] == "required; if not obtained: $250"
    assert pa["new"]["pages"] == [1] and "Prior authorization is required" in pa["new"]["quote"]
    deadline = found["deadline:appeal_deadline"]
    assert (deadline["old"]["value"], deadline["new"]["value"]) == ("180 days", "60 days")
    assert deadline["old"]["pages"] == deadline["new"]["pages"] == [2]
    assert "within 180 days" in deadline["old"]["quote"]
    assert "within 60 days" in deadline["new"]["quote"]


def test_two_plans_list_exactly_their_differing_excluded_items(folder: dict[str, Path]) -> None:
    found = changes(run(str(folder["riverbend_2026"]), str(folder["harbor_silver"]),
                        "--format", "json"))
    services = {k.split(":", 1)[1]: c["what"] for k, c in found.items()
                if k.startswith("services:")}
    # "Cosmetic surgery" and "Cosmetic procedures" are one service: not a change.
    assert services == {"acupuncture": "moved from NOT covered to covered",
                        "infertility_treatment": "removed from NOT covered",
                        "bariatric_surgery": "moved from covered to NOT covered"}
    assert found["identity:issuer"]["new"]["value"] == "Kaiser Permanente"
    assert "deadline:appeal_deadline" not in found


def test_a_plan_against_itself_has_no_changes(folder: dict[str, Path]) -> None:
    result = run(str(folder["harbor_silver"]), str(folder["harbor_silver"]))
    assert result.exit_code == 0
    assert "No differences in the fields compared." in result.stdout


def test_terminal_markdown_and_html(folder: dict[str, Path], tmp_path: Path) -> None:
    old, new = str(folder["riverbend_2026"]), str(folder["riverbend_2027"])
    text = run(old, new).stdout
    assert "Infertility treatment: moved from NOT covered to covered" in text
    assert "First-appeal deadline: 180 days → 60 days" in text
    assert '"You must file your appeal within 60 days of receiving the denial."' in text
    markdown = run(old, new, "--format", "markdown").stdout
    assert "| Infertility treatment | moved from NOT covered to covered |" in markdown
    page = tmp_path / "diff.html"
    assert run(old, new, "--format", "html", "-o", str(page)).exit_code == 0
    dom = Dom(page.read_text(encoding="utf-8"))
    assert not dom.find("script")
    assert "default-src 'none'" in dom.find("meta")[1].attrs["content"]
    cells = [" ".join(" ".join(td.text).split()) for td in dom.find("td")]
    assert "moved from NOT covered to covered" in cells
    assert any(c.startswith("60 days p2") for c in cells)


def test_pairs_file(folder: dict[str, Path], tmp_path: Path) -> None:
    base = folder["riverbend_2026"].parent
    pairs = base / "pairs.csv"
    pairs.write_text("old,new\nriverbend_2026.pdf,riverbend_2027.pdf\n"
                     f"riverbend_2026.pdf,{folder['harbor_silver']}\n", encoding="utf-8")
    result = run("--pairs", str(pairs), "--format", "json")
    assert result.exit_code == 0, result.output
    diffs = json.loads(result.stdout)["diffs"]
    assert [(Path(d["old"]["path"]).name, Path(d["new"]["path"]).name) for d in diffs] == [
        ("riverbend_2026.pdf", "riverbend_2027.pdf"), ("riverbend_2026.pdf", "harbor_silver.pdf")]
    assert "services:infertility_treatment" in {c["key"] for c in diffs[0]["changes"]}
    assert "services:bariatric_surgery" in {c["key"] for c in diffs[1]["changes"]}


@pytest.mark.parametrize(("args", "message"), [
    ((), "diff needs two documents"),
    (("--pairs", "{pairs}", "{old}", "{old}"), "not both"),
    (("--pairs", "{bad}"), "row 1 needs two paths"),
])
def test_usage_errors(folder: dict[str, Path], tmp_path: Path, args: tuple[str, ...],
                      message: str) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"{folder['riverbend_2026']},{folder['riverbend_2027']}\n",
                     encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("only-one.pdf\n", encoding="utf-8")
    filled = [a.format(pairs=pairs, bad=bad, old=folder["riverbend_2026"]) for a in args]
    result = run(*filled)
    assert result.exit_code == EXIT_USAGE
    assert message in result.output


def test_a_side_that_cannot_be_read_is_reported_not_compared(folder: dict[str, Path],
                                                             tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf")
    result = run(str(folder["riverbend_2026"]), str(broken), "--format", "json")
    assert result.exit_code == EXIT_INCOMPLETE
    diff = json.loads(result.stdout)["diffs"][0]
    assert diff["changes"] == [] and "broken.pdf" in diff["problem"]
