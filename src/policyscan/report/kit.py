"""The appeal kit: a Markdown document a patient can work from.

Everything in it comes from the scanned document (quotes with pages), the curated
procedure and code tables, and the deadline rules; what only the patient knows is left as
a blank to fill. It states no coverage the document does not give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..codes import code_table
from ..dates import DENIAL_ANCHOR, anchor_kind, describe, document_deadline
from ..models import Deadline, DocumentReport
from ..procedures import Procedure
from .views import outlook_mentions
from .wording import due_stage_label, due_where

NOTICE = ("This kit is not legal or medical advice. The plan documents and your denial letter "
          "control; state law may give you more rights. Check every date and quote against "
          "your own documents.")
_BLANK = "[________]"
_CLAUSES = ("named_exclusion", "cosmetic_exclusion", "exception_available",
            "prior_authorization")


def _md(text: str) -> str:
    """Document text inside Markdown: one line, and no accidental formatting."""
    flat = " ".join(text.split())
    for ch in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|"):
        flat = flat.replace(ch, "\\" + ch)
    return flat


def _quote(e: Mapping[str, Any]) -> str:
    return f"> \"{_md(e['quote'])}\" (page {e['page']})"


class _Cited:
    """Each clause quoted once, whole: a section that would repeat one points to it. The
    same clause answers several questions (an exclusion that names the procedure is also
    the cosmetic exclusion and a mention), and repeating it would push the printed kit past
    two sheets or force quotes to be cut."""

    def __init__(self) -> None:
        self._seen: set[tuple[int, str]] = set()

    def block(self, items: Sequence[Mapping[str, Any]]) -> list[str]:
        out: list[str] = []
        again: list[int] = []
        for e in items:
            key = (int(e["page"]), " ".join(str(e["quote"]).split()))
            if key in self._seen:
                again.append(key[0])
                continue
            self._seen.add(key)
            out.append(_quote(e))
        if again:
            pages = sorted(set(again))
            if out:
                out.append("")
            out.append(f"Also quoted above: page{'s' if len(pages) > 1 else ''} "
                       + ", ".join(map(str, pages)) + ".")
        return out


def _deadlines(dates: Sequence[Mapping[str, Any]]) -> list[str]:
    if not dates:
        return ["No appeal deadline could be computed: give the date on your denial with "
                "`--denied-on YYYY-MM-DD` (and `--received-on` if you received it later). "
                "Federal rules give most plans at least 180 days from the day you receive a "
                "denial to file an internal appeal."]
    out = []
    for d in dates:
        source = (f"as this document states it (page {d['page']})" if d["basis"] == "document"
                  else due_where(d))
        citation = d["citation"][:1].upper() + d["citation"][1:]
        counted = f" Counted from {d['start']}." if d.get("start") else ""
        out.append(f"- **{due_stage_label(d)}:** {d['label']}, {source}.{counted} {citation}")
        if d.get("advice"):
            out.append(f"  - {d['advice']}")
    out.append("")
    out.append(f"_{dates[0]['caveat']}_")
    return out


def _clauses(outlook: Mapping[str, Any], cited: _Cited) -> list[str]:
    out: list[str] = []
    statuses = {s["kind"]: s for s in outlook.get("statuses", ())}
    titles = {
        "named_exclusion": "What the plan excludes",
        "cosmetic_exclusion": "The cosmetic exclusion",
        "exception_available": "The exception to cite",
        "prior_authorization": "Prior authorization",
    }
    for kind in _CLAUSES:
        status = statuses.get(kind)
        if status is None:
            continue
        out += [f"### {titles[kind]}", "", _md(status["note"]), ""]
        out += cited.block(status["evidence"])
        out.append("")
    if "not_addressed" in statuses:
        out += ["### What the document does not say", "", _md(statuses["not_addressed"]["note"]),
                ""]
    return out


def _named(outlook: Mapping[str, Any], cited: _Cited) -> list[str]:
    named = outlook_mentions(outlook)
    if not named["shown"]:
        return []
    out = ["### Where the plan names it or its family", ""]
    out += cited.block(named["shown"])
    if named["more"]:
        out.append(f"… and {named['more']} more")
    return [*out, ""]


def _codes(procedure: Procedure) -> list[str]:
    table = {e.code: e for e in code_table().entries}
    lines = []
    for code in procedure.codes:
        entry = table.get(code)
        if entry is not None:
            mark = "" if entry.verified else " (unverified)"
            lines.append(f"- {entry.system} {code}: {_md(entry.descriptor)}{mark}")
    lines.append("- Diagnosis codes that show why the treatment is needed (for example a scar "
                 "code with the injury or burn it follows), rather than Z41.1 (\"encounter for "
                 "cosmetic surgery\"), if that is what your records support.")
    return lines


# What answers each reason a letter gives: the plan's clauses of these categories, and
# what to ask the doctor for.
_ANSWERS: dict[str, tuple[tuple[str, ...], str]] = {
    "cosmetic": (("reconstructive_exception",),
                 "The plan covers reconstructive and functional treatment: ask your doctor to "
                 "document the injury, burn, disease or congenital condition, and the function "
                 "the treatment restores, as the clauses below name them."),
    "not_medically_necessary": (("medical_necessity",),
                                "Show that the treatment meets the plan's own definition of "
                                "medical necessity, point by point, in your doctor's letter."),
    "no_prior_authorization": (("prior_authorization",),
                               "Ask for a retroactive review; if it was an emergency, say so. "
                               "The plan's own words on approval are below."),
    "experimental": (("experimental_exclusion",),
                     "Show that the treatment is not experimental under the plan's own "
                     "definition: published evidence, approvals, standard of care."),
}


def _letter_start(anchor: str, denied_on: date | None, received_on: date | None
                  ) -> tuple[date | None, str]:
    """The day a letter's own limit counts from, read from its anchor words, and how it
    was chosen; None (with why) when the anchor names a day the kit does not know."""
    kind = anchor_kind(anchor)
    if kind in ("notice_date", "mailing"):
        if denied_on is None:
            return None, ("it counts from the date on the letter, which the letter does not "
                          "state: give `--denied-on YYYY-MM-DD`")
        return denied_on, f"counted from the date on the letter ({describe(denied_on)})"
    if kind == "receipt" or (anchor and DENIAL_ANCHOR.search(anchor)):
        if received_on is not None:
            return received_on, f"counted from the day you received it ({describe(received_on)})"
        if denied_on is None:
            return None, ("it counts from the day you received the letter: give "
                          "`--received-on YYYY-MM-DD`")
        return denied_on, (f"counted from the date on the letter ({describe(denied_on)}), "
                           "taken as the day you received it: give `--received-on` if it "
                           "came later")
    return None, ("it counts from "
                  + (f"'{_md(anchor)}'" if anchor else "an event the letter does not name")
                  + ", not from the letter: no date is given")


def _letter_deadline(denial: Mapping[str, Any], denied_on: date | None,
                     received_on: date | None) -> tuple[str, date | None]:
    d = denial.get("deadline")
    if not d:
        return "The letter states no deadline.", None
    if d.get("placeholder"):
        return (f"The letter's deadline is a blank template field (page {d['page']}): "
                "\"" + _md(d["quote"]) + "\". Ask the plan for the real limit in writing.", None)
    due = None
    start, how = _letter_start(d["anchor"] or "", denied_on, received_on)
    if start is not None and d["unit"] != "hours":
        found = document_deadline(Deadline(d["value"], d["unit"], "internal_appeal",
                                           d["anchor"] or ""), start)
        due = found.date if found else None
    when = f" → {describe(due)}" if due else ""
    return (f"{d['value']} {d['unit'].replace('_', ' ')} {_md(d['anchor'] or '')}{when} "
            f"(the letter, page {d['page']}; {how})", due)


def _answering(report: DocumentReport, categories: tuple[str, ...],
               limit: int) -> list[dict[str, Any]]:
    """The plan's clauses of these categories that answer the letter's reason: first those
    the outlook ranked as bearing on the procedure (a reconstructive exception naming an
    injury or a function, not breast symmetry alone), then the rest in document order."""
    ranked = [{"page": e["page"], "quote": e["quote"]}
              for s in (report.outlook or {}).get("statuses", ())
              if s["kind"] == "exception_available" for e in s["evidence"]
              if e.get("category") in categories]
    found = [{"page": f.page, "quote": f.quote} for f in report.findings
             if f.category in categories and f.plan_term and not f.negated]
    out: list[dict[str, Any]] = []
    for item in ranked + found:
        if item not in out:
            out.append(item)
    return out[:limit]


def _denial_lines(report: DocumentReport, denial: Mapping[str, Any], denied_on: date | None,
                  received_on: date | None, plan_due: date | None, cited: _Cited
                  ) -> list[str]:
    """What the letter says, which deadline governs, and how to answer its reason."""
    reason = denial.get("reason") or {}
    kind = reason.get("kind") or "other"
    out = ["## What the denial letter says", ""]
    notice = denial.get("notice_date")
    if notice:
        out.append(f"- Dated {_md(notice['text'])} (page {notice['page']}).")
    for service in denial.get("services", ()):
        out.append(f"- Service denied: {_md(service['text'])} (page {service['page']}).")
    codes = ", ".join(f"{c['system']} {c['code']}" for c in denial.get("codes", ()))
    if codes:
        out.append(f"- Codes in the letter: {codes}.")
    words = f": \"{_md(reason['words'])}\" (page {reason['page']})" if reason.get("words") else ""
    out.append(f"- Reason: {kind.replace('_', ' ')}{words}.")
    text, letter_due = _letter_deadline(denial, denied_on, received_on)
    out += ["", "### Which deadline governs", "", f"- The letter: {text}"]
    if plan_due:
        out.append(f"- The plan: {describe(plan_due)}.")
    dates = [d for d in (letter_due, plan_due) if d is not None]
    if dates:
        out.append(f"- File by **{describe(min(dates))}**: the earlier date governs this advice.")
    out.append("")
    categories, advice = _ANSWERS.get(kind, ((), ""))
    clauses = _answering(report, categories, 3)
    out += ["## Answering the reason", ""]
    out.append(advice or "The letter's reason is not one policyscan argues; answer it in "
                         "the words of the letter and the plan.")
    out.append("")
    out += cited.block(clauses)
    if categories and not clauses:
        out.append("The plan document states nothing policyscan found on this point.")
    out.append("")
    return out


def _send_lines(report: DocumentReport, denial: Mapping[str, Any] | None) -> list[str]:
    """Where to send the appeal and what it must contain, from the letter and the plan."""
    from ..denial import appeal_contents, load_denial_words, send_to

    words = load_denial_words()
    # The plan's appeal passages, as whole pieces: a finding's context marks its cuts with
    # "…", and neighbouring findings repeat each other's words.
    passages: dict[int, list[str]] = {}
    for f in report.findings:
        if f.category in ("appeal_rights", "appeal_deadline", "external_review"):
            for piece in f.context.split("…"):
                piece = " ".join(piece.split())
                if len(piece) > 20 and piece not in passages.setdefault(f.page, []):
                    passages[f.page].append(piece)
    where = (denial or {}).get("send_to") or next(
        (found for page, pieces in sorted(passages.items()) for piece in pieces
         if (found := send_to({page: piece}, words.send_to))), None)
    out = ["## Where to send it", ""]
    if where:
        source = "the letter" if (denial or {}).get("send_to") else "the plan"
        for label, key in (("Address", "address"), ("Fax", "fax"), ("Portal", "portal")):
            if where.get(key):
                out.append(f"- {label}: {_md(where[key])}")
        out.append(f"- From {source}, page {where['page']}: \"{_md(where['quote'])}\"")
    else:
        out.append(f"- The address: {_BLANK} (neither the letter nor the plan gives one "
                   "that policyscan found; call Member Services).")
    contents = appeal_contents(passages, words)
    if contents:
        out += ["", "What the plan says an appeal must contain:", ""]
        out += [f"- {_md(c['quote'])} (page {c['page']})" for c in contents[:3]]
    out.append("")
    return out


def render_kit(report: DocumentReport, procedure: Procedure,
               denied_on: date | None = None, denial: Mapping[str, Any] | None = None,
               received_on: date | None = None) -> str:
    """The whole kit as Markdown; with a denial letter read (policyscan.denial), what it
    says, which deadline governs and how to answer its reason."""
    outlook = report.outlook or {"statuses": []}
    plan = report.plan.name or report.path
    first = next((d for d in report.due_dates if d.get("date") and d.get("stage", d["action"])
                  in ("first_internal_appeal", "internal_appeal", "grievance")), None)
    cite = [e for s in outlook.get("statuses", ()) if s["kind"] == "exception_available"
            for e in s["evidence"]][:2]
    if denial is not None:
        categories = _ANSWERS.get((denial.get("reason") or {}).get("kind") or "", ((), ""))[0]
        cite = _answering(report, categories, 2) or cite
    plan_due = date.fromisoformat(first["date"]) if first else None
    cited = _Cited()
    denial_part = (_denial_lines(report, denial, denied_on, received_on, plan_due, cited)
                   if denial else [])
    lines = [
        f"# Appeal kit: {_md(procedure.name)}",
        "",
        f"_{NOTICE}_",
        "",
        f"Document: `{_md(report.path)}` ({report.kind.replace('_', ' ')}, "
        f"{report.pages} pages){' · plan: ' + _md(plan) if report.plan.name else ''}",
        "",
        "## Your deadline",
        "",
        *_deadlines(report.due_dates),
        "",
        *denial_part,
        *_send_lines(report, denial),
        "## The plan's own words to cite",
        "",
        *(_clauses(outlook, cited) or ["The document states nothing about this procedure or "
                                       "its family that policyscan could find.", ""]),
        *_named(outlook, cited),
        "## Checklist",
        "",
        "- [ ] A letter of medical necessity from your treating doctor: the diagnosis, why "
        "the treatment is needed (function it restores, symptoms it treats), what was tried "
        "before and how long.",
        "- [ ] Your medical records for the condition (visit notes, prior treatments).",
        "- [ ] Photographs, dated, if the condition is visible.",
        "- [ ] Diagnostic results (tests, imaging, measurements) that support the need.",
        "- [ ] A second opinion, if your doctor's letter is disputed.",
        "- [ ] The denial letter, and the plan pages quoted above.",
        "- [ ] The codes to ask your provider about:",
        *("  " + line for line in _codes(procedure)),
        *(["- [ ] Medically necessary when (from policies we know of; your plan decides): "
           + "; ".join(_md(c.when) for c in procedure.usually_medically_necessary_when)]
          if procedure.usually_medically_necessary_when else []),
        "",
        "## Letter",
        "",
        f"{_BLANK} (your name)  ",
        f"Member ID: {_BLANK}  ·  Claim or reference number: {_BLANK}  ",
        f"Date: {_BLANK}",
        "",
        f"To: {_md(report.plan.issuer) if report.plan.issuer else _BLANK} — Appeals",
        "",
        f"Re: Appeal of the denial of {_md(procedure.name)} dated "
        f"{describe(denied_on) if denied_on else _BLANK}",
        "",
        f"I am appealing the decision to deny coverage of {_md(procedure.name)} for "
        f"{_BLANK} (the condition). My doctor, {_BLANK}, has explained in the enclosed "
        "letter why this treatment is medically necessary for me.",
        "",
    ]
    if cite:
        lines.append("The plan itself provides for this. It states:")
        lines.append("")
        lines += [_quote(e) for e in cite]
        lines.append("")
        lines.append(f"My treatment falls within this because {_BLANK}.")
    else:
        lines.append(f"The treatment is needed because {_BLANK}.")
    lines += [
        "",
        "I ask you to reverse the denial. Please send me copies of every document, rule and "
        "guideline used in the decision, free of charge, and tell me the name and "
        "qualifications of the reviewer.",
        "",
        (f"I am filing within the time the plan allows ({first['label']})."
         if first else f"I am filing within the time the plan allows ({_BLANK})."),
        "",
        "Sincerely,  ",
        f"{_BLANK}",
        "",
        "Enclosures: letter of medical necessity; medical records; photographs; denial letter.",
        "",
        "---",
        "",
        f"_{NOTICE}_",
        "",
    ]
    return "\n".join(lines)
