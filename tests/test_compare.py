"""The comparison that matters (policyscan.compare, csv, csv-long), checked against a folder
of synthetic SBCs that differ in known ways (tests/sbc_folder.py): an exclusion moved to
covered, a new prior-authorization service, a changed deadline, a logo-only issuer, one
service spelt differently, three-column list boxes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sbc_folder import build_folder

from policyscan.cli import main
from policyscan.compare import build
from policyscan.models import FACT_CATEGORIES, DocumentReport
from policyscan.services import service_of


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_folder(tmp_path_factory.mktemp("sbcs"))


@pytest.fixture(scope="module")
def reports(folder: dict[str, Path]) -> dict[str, DocumentReport]:
    result = CliRunner().invoke(main, [str(folder[n]) for n in folder] +
                                ["--format", "json", "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    docs = [DocumentReport.from_dict(d) for d in json.loads(result.stdout)["documents"]]
    return {Path(d.path).stem: d for d in docs}


def run_csv(folder: dict[str, Path], *args: str) -> str:
    result = CliRunner().invoke(main, [str(folder[n]) for n in folder] +
                                ["--no-cache", "-q", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(("item", "key"), [
    ("Cosmetic Surgery", "cosmetic_surgery"),
    ("cosmetic procedures", "cosmetic_surgery"),  # another spelling of one service
    ("Dental care (Adult)", "dental_care_adult"),  # whom it is for stays in the key
    ("Dental Care (Children)", "dental_care_child"),
    ("Abortion - except when the life of the mother is endangered", "abortion"),
    ("Hearing aids (one per ear every 36 months)", "hearing_aids"),
    ("Non-emergency care when traveling outside the U.S.", "care_abroad"),
    ("Massage Therapy", "massage_therapy"),  # not curated: its own words
    ("massage therapies", "massage_therapy"),
])
def test_service_keys(item: str, key: str) -> None:
    assert service_of(item).key == key


def test_comparison_lists_exactly_the_known_differences(
        reports: dict[str, DocumentReport]) -> None:
    comparison = build([reports[n] for n in ("riverbend_2026", "riverbend_2027",
                                            "harbor_silver")])
    differing = {d.field.key: d.values for d in comparison.differences()}
    assert set(differing) == {
        "identity:issuer", "identity:plan_type", "identity:metal_level",
        "identity:coverage_period", "deadline:appeal_deadline",
        "services:infertility_treatment", "services:bariatric_surgery",
        "services:acupuncture",
        "prior_authorization:if_you_visit_a_health_care_provider_office_or_clinic/"
        "specialist_visit",
    }
    # Two years of one plan share its name; the file tells them apart.
    old, new = ("Riverbend Gold PPO 1000 (riverbend_2026.pdf)",
                "Riverbend Gold PPO 1000 (riverbend_2027.pdf)")
    assert differing["services:infertility_treatment"] == {
        "not covered": [old], "covered": [new], "not listed": ["Harbor Silver 70 HMO 2500"]}
    assert differing["deadline:appeal_deadline"] == {
        "180 days": [old, "Harbor Silver 70 HMO 2500"], "60 days": [new]}
    # "Cosmetic procedures" lines up with "Cosmetic surgery": the same, so no difference.
    harbor = comparison.plans[2]
    assert harbor.cell("services:cosmetic_surgery").value == "not covered"
    assert harbor.cell("services:cosmetic_surgery").quote == "Cosmetic procedures"


def test_csv_one_value_per_cell_and_the_lists_line_up(folder: dict[str, Path]) -> None:
    rows = {Path(r["path"]).stem: r
            for r in csv.DictReader(io.StringIO(run_csv(folder, "--format", "csv")))}
    old, new, harbor = rows["riverbend_2026"], rows["riverbend_2027"], rows["harbor_silver"]
    assert (old["service: Infertility treatment"], new["service: Infertility treatment"],
            harbor["service: Infertility treatment"]) == ("not covered", "covered",
                                                          "not listed")
    specialist = next(c for c in old if c.startswith("prior authorization: Specialist visit"))
    assert (old[specialist], new[specialist]) == ("not listed as required",
                                                  "required; if not obtained: $250")
    assert (old["appeal_deadline"], new["appeal_deadline"]) == ("180 days", "60 days")
    assert harbor["issuer"] == "Kaiser Permanente"  # the logo-only issuer, by its web address
    assert (harbor["plan_type"], harbor["metal_level"]) == ("HMO", "Silver")
    assert (new["coverage_start"], new["coverage_end"]) == ("2027-01-01", "2027-12-31")
    for r in rows.values():
        # A fact the document does not state is "not stated", never a bare "no".
        assert {r[c] for c in FACT_CATEGORIES} <= {"stated", "not stated", "unclear"}
        assert r["experimental_exclusion"] == "not stated"
        assert all("\n" not in v for v in r.values())


def test_csv_bom_on_request(folder: dict[str, Path]) -> None:
    plain = run_csv(folder, "--format", "csv")
    marked = run_csv(folder, "--format", "csv", "--bom")
    assert not plain.startswith("\ufeff")
    assert marked == "\ufeff" + plain


def test_csv_long_has_plan_field_value_page_quote(folder: dict[str, Path]) -> None:
    rows = list(csv.DictReader(io.StringIO(run_csv(folder, "--format", "csv-long"))))
    assert list(rows[0]) == ["plan", "path", "group", "field", "value", "page", "quote"]
    deadline = {Path(r["path"]).stem: r for r in rows if r["field"] == "First-appeal deadline"}
    assert deadline["riverbend_2027"]["value"] == "60 days"
    assert deadline["riverbend_2027"]["page"] == "2"
    assert "within 60 days" in deadline["riverbend_2027"]["quote"]
    cosmetic = next(r for r in rows if Path(r["path"]).stem == "harbor_silver"
                    and r["field"] == "Cosmetic surgery")
    assert (cosmetic["group"], cosmetic["value"], cosmetic["quote"]) == (
        "services", "not covered", "Cosmetic procedures")


def test_one_column_per_procedure(folder: dict[str, Path]) -> None:
    out = run_csv(folder, "--format", "csv", "--procedure", "rhinoplasty",
                  "--procedure", "micro needling")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [c for c in rows[0] if c.startswith("procedure: ")] == [
        "procedure: Rhinoplasty", "procedure: Micro needling"]
    for r in rows:
        # Every plan excludes cosmetic surgery and names neither procedure.
        for column in ("procedure: Rhinoplasty", "procedure: Micro needling"):
            assert "cosmetic exclusion applies" in r[column]
            assert "not addressed" in r[column]


def test_repeated_procedures_reach_the_report_and_the_cache_key(
        folder: dict[str, Path]) -> None:
    result = CliRunner().invoke(main, [str(folder["harbor_silver"]), "--format", "json",
                                       "--no-cache", "--procedure", "rhinoplasty",
                                       "--procedure", "micro needling"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)["documents"][0]
    assert [o["procedure"]["id"] for o in doc["outlooks"]] == [
        doc["outlook"]["procedure"]["id"], doc["outlooks"][1]["procedure"]["id"]]
    assert len({o["procedure"]["id"] for o in doc["outlooks"]}) == 2
    from policyscan.case import Case

    assert Case("a").to_options() != Case("a", more_procedures=("b",)).to_options()


def test_every_procedure_has_its_outlook_in_html_and_markdown(folder: dict[str, Path],
                                                              tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    result = CliRunner().invoke(main, [str(folder["harbor_silver"]), "--no-cache", "-q",
                                       "--procedure", "rhinoplasty", "--procedure",
                                       "micro needling", "--html", str(page),
                                       "--format", "markdown"])
    assert result.exit_code == 0, result.output
    for name in ("Rhinoplasty", "Micro needling"):
        assert f"### {name}: what this document says" in result.stdout
        assert f"{name}: what this document says" in page.read_text(encoding="utf-8")
