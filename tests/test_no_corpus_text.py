"""No text of the real corpus in the project.

Rules, their examples, tests, fixtures and the sample documents are written in our own words:
a rule that needs a corpus sentence to pass fits that document, not insurance wording in
general, and the corpus documents are not ours to ship. Any run of RUN words that stands both
in a corpus document and in a project file fails, unless it is wording a regulation makes
every plan use (the SBC template's fixed wording), listed in REQUIRED_WORDING with the
reason, or the name of a law, agency or program (NAMES).

Reads the corpus by path; skips without it (see conftest.CORPUS_SKIP).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest

pytestmark = pytest.mark.corpus

ROOT = Path(__file__).resolve().parents[1]
RUN = 8

# Where project text lives (generated PDFs are built from build.py, which is read).
PROJECT_GLOBS = ("patterns/**/*.yaml", "patterns/**/*.md", "src/**/*.py", "src/**/*.yaml",
                 "tests/**/*.py", "sample_policies/**/*.py", "sample_policies/**/*.txt",
                 "sample_policies/**/*.yaml", "sample_policies/**/*.md", "bench/**/*.py",
                 "docs/**/*.md", "README.md", "CHANGELOG.md")
SELF = Path(__file__).resolve()

# The uniform SBC template (45 CFR 147.200; CMS's instructions) makes every SBC use these
# words, so a reader of SBCs must know them and a synthetic SBC must print them. Only the
# template's fixed wording is here; what a plan fills in (answers, amounts, limitation cells,
# its own exclusions' wording) is not. _words() normalises case and punctuation.
REQUIRED_WORDING = (
    # The title, the opening box and the column headings of the benefit grid.
    "Summary of Benefits and Coverage: What this Plan Covers & What You Pay for Covered "
    "Services",
    "The Summary of Benefits and Coverage (SBC) document will help you choose a health plan. "
    "The SBC shows you how you and the plan would share the cost for covered health care "
    "services. NOTE: Information about the cost of this plan (called the premium) will be "
    "provided separately. This is only a summary. For more information about your coverage, "
    "or to get a copy of the complete terms of coverage,",
    "For general definitions of common terms, such as allowed amount, balance billing, "
    "coinsurance, copayment, deductible, provider, or other underlined terms, see the "
    "Glossary. You can view the Glossary at www.healthcare.gov/sbc-glossary or call",
    "Important Questions Answers Why This Matters",
    "Common Medical Event", "Services You May Need", "What You Will Pay",
    "Limitations, Exceptions, & Other Important Information",
    "Network Provider (You will pay the least)",
    "Out-of-Network Provider (You will pay the most)",
    "All copayment and coinsurance costs shown in this chart are after your deductible has "
    "been met, if a deductible applies.",
    "* For more information about limitations and exceptions, see the plan or policy "
    "document at",
    # The Important Questions and their "Why This Matters" wording.
    "What is the overall deductible?",
    "Generally, you must pay all of the costs from providers up to the deductible amount "
    "before this plan begins to pay.",
    "Are there services covered before you meet your deductible? Yes.",
    "This plan covers some items and services even if you haven't yet met the deductible "
    "amount. But a copayment or coinsurance may apply.",
    "What is the out-of-pocket limit for this plan?",
    "The out-of-pocket limit is the most you could pay in a year for covered services.",
    "What is not included in the out-of-pocket limit?",
    "Even though you pay these expenses, they don't count toward the out-of-pocket limit.",
    "Will you pay less if you use a network provider?",
    "This plan uses a provider network. You will pay less if you use a provider in the "
    "plan's network. You will pay the most if you use an out-of-network provider",
    "Are there other deductibles for specific services? No. You don't have to meet "
    "deductibles for specific services.",
    "Will you pay less if you use a network provider? Yes. See",
    "Do you need a referral to see a specialist? No. You can see the specialist you choose "
    "without a referral.",
    "Do you need a referral to see a specialist? Yes.",
    # The common medical events and the services the template lists under them.
    "If you visit a health care provider's office or clinic",
    "Primary care visit to treat an injury or illness",
    "Specialist visit",
    "Preventive care/screening/immunization",
    "You may have to pay for services that aren't preventive. Ask your provider if the "
    "services needed are preventive. Then check what your plan will pay for.",
    "If you have a test",
    "Diagnostic test (x-ray, blood work)",
    "Imaging (CT/PET scans, MRIs)",
    "If you need drugs to treat your illness or condition",
    "More information about prescription drug coverage is available at",
    "Generic drugs", "Preferred brand drugs", "Non-preferred brand drugs", "Specialty drugs",
    "If you have outpatient surgery",
    "Facility fee (e.g., ambulatory surgery center)",
    "Physician/surgeon fees",
    "Emergency room care", "Emergency medical transportation", "Urgent care",
    "If you need immediate medical attention",
    "If you have a hospital stay",
    "Facility fee (e.g., hospital room)",
    "If you need mental health, behavioral health, or substance abuse services",
    "Outpatient services", "Inpatient services",
    "If you are pregnant",
    "Office visits",
    "Childbirth/delivery professional services",
    "Childbirth/delivery facility services",
    "Maternity care may include tests and services described elsewhere in the SBC",
    "If you need help recovering or have other special health needs",
    "Home health care", "Rehabilitation services", "Habilitation services",
    "Skilled nursing care", "Durable medical equipment", "Hospice services",
    "If your child needs dental or eye care",
    "Children's eye exam", "Children's glasses", "Children's dental check-up",
    # The words the instructions prescribe for a cell: no cost sharing, an excluded service,
    # no limitation.
    "No charge", "Not covered", "None",
    # The excluded and other covered services box; the service names are CMS's list.
    "Excluded Services & Other Covered Services",
    "Services Your Plan Generally Does NOT Cover (Check your policy or plan document for "
    "more information and a list of any other excluded services.)",
    "Other Covered Services (Limitations may apply to these services. This isn't a complete "
    "list. Please see your plan document.)",
    "Acupuncture", "Bariatric surgery", "Chiropractic care", "Cosmetic surgery",
    "Dental care (Adult)", "Hearing aids", "Infertility treatment", "Long-term care",
    "Non-emergency care when traveling outside the U.S.", "Private-duty nursing",
    "Routine eye care (Adult)", "Routine foot care", "Weight loss programs",
    # The fixed closing sections.
    "Your Rights to Continue Coverage: There are agencies that can help if you want to "
    "continue your coverage after it ends. The contact information for those agencies is:",
    "Other coverage options may be available to you, too, including buying individual "
    "insurance coverage through the Health Insurance Marketplace. For more information about "
    "the Marketplace, visit www.HealthCare.gov or call 1-800-318-2596.",
    "Your Grievance and Appeals Rights: There are agencies that can help if you have a "
    "complaint against your plan for a denial of a claim. This complaint is called a "
    "grievance or appeal. For more information about your rights, look at the explanation of "
    "benefits you will receive for that medical claim. Your plan documents also provide "
    "complete information on how to submit a claim, appeal, or a grievance for any reason to "
    "your plan. For more information about your rights, this notice, or assistance, contact:",
    "Does this plan provide Minimum Essential Coverage? Yes.",
    "Minimum Essential Coverage generally includes plans, health insurance available through "
    "the Marketplace or other individual market policies, Medicare, Medicaid, CHIP, TRICARE, "
    "and certain other coverage. If you are eligible for certain types of Minimum Essential "
    "Coverage, you may not be eligible for the premium tax credit.",
    "Does this plan meet the Minimum Value Standards? Yes.",
    "If your plan doesn't meet the Minimum Value Standards, you may be eligible for a premium "
    "tax credit to help you pay for a plan through the Marketplace.",
    "Language Access Services",
    "Spanish (Español): Para obtener asistencia en Español, llame al",
    "Tagalog (Tagalog): Kung kailangan ninyo ang tulong sa Tagalog tumawag sa",
    "To see examples of how this plan might cover costs for a sample medical situation, see "
    "the next section.",
    # The coverage examples page.
    "About these Coverage Examples: This is not a cost estimator. Treatments shown are just "
    "examples of how this plan might cover medical care. Your actual costs will be different "
    "depending on the actual care you receive, the prices your providers charge, and many "
    "other factors. Focus on the cost sharing amounts (deductibles, copayments and "
    "coinsurance) and excluded services under the plan. Use this information to compare the "
    "portion of costs you might pay under different health plans. Please note these coverage "
    "examples are based on self-only coverage.",
    "Peg is Having a Baby (9 months of in-network pre-natal care and a hospital delivery)",
    "Managing Joe's Type 2 Diabetes (a year of routine in-network care of a well-controlled "
    "condition)",
    "Mia's Simple Fracture (in-network emergency room visit and follow up care)",
    "The plan would be responsible for the other costs of these EXAMPLE covered services.",
)

# Names of laws, agencies and programs: a document names them as they are.
NAMES = (
    "Women's Health and Cancer Rights Act of 1998",
    "Women's Health and Cancer Rights Act",
    "Financial Ombudsman Service",
    "Employee Benefits Security Administration",
    "U.S. Department of Health and Human Services, Office for Civil Rights",
    "Federal Employees Dental and Vision Insurance Program",
)


def _words(text: str) -> list[str]:
    # Markup in the sample builders (<b>, <br/>, &amp;) is not a word of the printed text.
    text = re.sub(r"</?[a-z]+/?>", " ", text.lower()).replace("&amp;", "&")
    return re.findall(r"[a-z0-9]+", text.replace("\u2019", "'"))


def _runs(words: list[str]) -> Iterator[tuple[str, ...]]:
    for i in range(len(words) - RUN + 1):
        yield tuple(words[i:i + RUN])


def _index(phrases: tuple[str, ...]) -> dict[str, list[list[str]]]:
    by_first: dict[str, list[list[str]]] = {}
    for phrase in phrases:
        words = _words(phrase)
        by_first.setdefault(words[0], []).append(words)
    return by_first


REQUIRED = _index(REQUIRED_WORDING)
NAMED = _index(NAMES)
# Stands where a name stood: no word of a text is empty, so no corpus run contains it.
NAME = ""


def _covered(words: list[str], phrases: dict[str, list[list[str]]]) -> list[bool]:
    """Which words stand in a listed phrase: a whole phrase, or RUN words of one in a row (a
    text may quote the first part of a long template sentence)."""
    covered = [False] * len(words)
    parts = {run for by_first in phrases.values() for phrase in by_first
             for run in _runs(phrase)}
    for i, word in enumerate(words):
        for phrase in phrases.get(word, ()):
            if words[i:i + len(phrase)] == phrase:
                covered[i:i + len(phrase)] = [True] * len(phrase)
        if tuple(words[i:i + RUN]) in parts:
            covered[i:i + RUN] = [True] * RUN
    return covered


def _own_runs(text: str) -> Iterator[tuple[str, ...]]:
    """The runs of a project text that must not stand in the corpus: a name breaks a run (it
    is written as it is, the words around it are ours), and a run made only of required
    template wording (its phrases side by side, as a template prints them) is allowed."""
    words = _words(text)
    words = [NAME if named else word for word, named in zip(words, _covered(words, NAMED), strict=True)]
    required = _covered(words, REQUIRED)
    for i in range(len(words) - RUN + 1):
        if NAME not in words[i:i + RUN] and not all(required[i:i + RUN]):
            yield tuple(words[i:i + RUN])


def _template_in_corpus(words: list[str], i: int) -> bool:
    """Is the corpus run at ``i`` itself template wording (a template phrase ending where the
    next begins, as in "… outpatient surgery | Facility fee …")? Looked at in a window wide
    enough for the longest phrase, and only for runs the project shares."""
    lo = max(0, i - 120)
    covered = _covered(words[lo:i + RUN + 120], REQUIRED)
    return all(covered[i - lo:i - lo + RUN])


def _corpus_texts(corpus: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(corpus.glob("*.pdf")):
        pdf = pdfium.PdfDocument(path)
        try:
            yield path.name, "\n".join(pdf[i].get_textpage().get_text_range()
                                       for i in range(len(pdf)))
        finally:
            pdf.close()
    for path in sorted((corpus / "text").glob("*")):
        if path.suffix in (".txt", ".md"):
            yield path.name, path.read_text(errors="replace")


def _project_runs() -> dict[tuple[str, ...], str]:
    where: dict[tuple[str, ...], str] = {}
    for pattern in PROJECT_GLOBS:
        for path in ROOT.glob(pattern):
            if path.resolve() == SELF or ".venv" in path.parts:
                continue
            for run in _own_runs(path.read_text(errors="replace")):
                where.setdefault(run, str(path.relative_to(ROOT)))
    return where


def test_the_check_finds_a_copied_sentence() -> None:
    project = {run: "x" for run in _own_runs("one two three four five six seven eight nine")}
    corpus = _words("zero One two three, four five six seven eight")
    assert [r for r in _runs(corpus) if r in project] == [
        ("one", "two", "three", "four", "five", "six", "seven", "eight")]


def test_required_wording_is_allowed_and_what_a_plan_fills_in_is_not() -> None:
    template = ("Services your plan generally does NOT cover (check your policy or plan "
                "document for more information and a list of any other excluded services.) "
                "If you are pregnant: Office visits. Childbirth/delivery facility services")
    assert not list(_own_runs(template))
    filled = "If you are pregnant: Office visits. 25% coinsurance after the deductible"
    assert ("if", "you", "are", "pregnant", "office", "visits", "25", "coinsurance") in set(
        _own_runs(filled))


def test_a_name_breaks_a_run_and_the_words_around_it_still_count() -> None:
    runs = set(_own_runs("Call the Employee Benefits Security Administration at once, "
                         "they said, and ask for help today."))
    assert all("employee" not in run and "administration" not in run for run in runs)
    assert ("at", "once", "they", "said", "and", "ask", "for", "help") in runs


def test_no_run_of_corpus_words_in_the_project(corpus: Path) -> None:
    project = _project_runs()
    copied: dict[tuple[str, str], list[str]] = {}
    for name, text in _corpus_texts(corpus):
        words = _words(text)
        for i, run in enumerate(_runs(words)):
            if run in project and not _template_in_corpus(words, i):
                copied.setdefault((project[run], name), []).append(" ".join(run))
    report = [f"{where} <- {source}: '{runs[0]}' (+{len(runs) - 1} more runs)"
              for (where, source), runs in sorted(copied.items())]
    assert not report, "corpus wording in the project:\n" + "\n".join(report)
