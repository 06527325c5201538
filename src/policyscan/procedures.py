"""The procedures people ask about ("is micro needling covered?") and finding them in text.

A patient types a name the way they heard it ("microneedling", "micro-needling",
"collagen induction", a typo); a plan document rarely names the procedure at all and
more often names its family ("treatments that alter how your skin looks").
So each procedure in ``policyscan/data/procedures.yaml`` carries its spellings, its
family's words, the body part it changes, the conditions that usually make it medically
necessary and the verified codes worth asking about, each with domain.md source keys.
The file is validated on load: a malformed entry stops with an error naming the file,
the procedure and the field, like the pattern files (``rules/schema.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from .codes import code_table
from .datafile import DataFileError, Fields, data_path, load_yaml
from .match.fuzzy import FuzzyMatcher, FuzzyPhrase, closest

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SOURCE_KEY = re.compile(r"^(?:S\d+[a-z]?|background\.txt)$")
_FIELDS = frozenset({
    "id", "name", "variants", "related_terms", "family", "family_terms", "body_terms",
    "cosmetic_default", "usually_medically_necessary_when", "service_categories", "codes",
    "sources", "notes",
})
# Between the words of a phrase: spaces, a line break, a hyphen, a soft hyphen, pdfium's
# line-end hyphen mark, or nothing ("micro needling" = "micro-needling" = "microneedling").
_SEP = r"[\s\-\u00ad\ufffe]*"
# Fuzzy matching of variants in page text: only long enough variants, and only windows
# that as a whole look like the variant (so "microdermabrasion" is not "dermabrasion").
FUZZY_THRESHOLD = 90.0
FUZZY_MIN_LENGTH = 10
# A typed query is taken for a procedure from this similarity up (a typo or two).
QUERY_THRESHOLD = 88.0
SUGGEST_THRESHOLD = 70.0


@dataclass(frozen=True)
class Condition:
    """A condition that usually makes the procedure medically necessary, with sources."""

    when: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Procedure:
    id: str
    name: str
    variants: tuple[str, ...]
    family: str
    family_terms: tuple[str, ...]  # the family's words plus the procedure's own
    cosmetic_default: bool
    usually_medically_necessary_when: tuple[Condition, ...]
    service_categories: tuple[str, ...]
    service_terms: tuple[str, ...]  # the phrases of those categories
    codes: tuple[str, ...]
    sources: tuple[str, ...]
    related_terms: tuple[str, ...] = ()
    body_terms: tuple[str, ...] = ()
    notes: str | None = None


class Mention(NamedTuple):
    """Where a text names a procedure: a variant, a related procedure, its family, or
    (inside an exclusion only) the body part it changes."""

    start: int
    end: int
    term: str
    kind: Literal["variant", "related", "family", "body"]
    fuzzy: bool = False


# -- phrases -----------------------------------------------------------------------------

def _phrase_regex(phrase: str) -> str:
    wildcard = phrase.endswith("*")
    words = [w for w in re.split(r"[\s\-]+", phrase.rstrip("*").strip()) if w]
    body = _SEP.join(re.escape(w).replace("'", "['\u2019]") for w in words)
    return body + (r"[\w-]*" if wildcard else "")


@lru_cache(maxsize=2048)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as a case-insensitive regex on word boundaries; "*" matches any ending."""
    return re.compile(r"(?<![\w-])" + _phrase_regex(phrase) + r"(?!\w)", re.I)


def compact(text: str) -> str:
    """Lower case without spaces or punctuation: "Micro-Needling" → "microneedling"."""
    return re.sub(r"[\W_]+", "", text.rstrip("*").lower())


def _find_phrases(phrases: Sequence[str], text: str,
                  kind: Literal["variant", "related", "family", "body"]) -> list[Mention]:
    out: list[Mention] = []
    for phrase in phrases:
        for m in phrase_pattern(phrase).finditer(text):
            out.append(Mention(m.start(), m.end(), phrase, kind))
    return out


def names_any(phrases: Sequence[str], text: str) -> Mention | None:
    """The first of ``phrases`` named in ``text`` (kind "family"), or None."""
    found = _find_phrases(phrases, text, "family")
    return min(found, key=lambda m: m.start) if found else None


# -- loading -----------------------------------------------------------------------------

def _phrase_map(file: str, raw: Any, what: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not raw:
        raise DataFileError(file, f"'{what}:' must be a mapping of names to phrase lists")
    out: dict[str, tuple[str, ...]] = {}
    for name, phrases in raw.items():
        f = Fields(file, {"phrases": phrases}, f"{what}.{name}")
        out[str(name)] = f.strings("phrases", required=True)
    return out


def _sources(f: Fields, name: str, value: Any) -> tuple[str, ...]:
    keys = Fields(f.file, {name: value}, f.entry).strings(name, required=True)
    bad = [k for k in keys if not _SOURCE_KEY.match(k)]
    if bad:
        raise f.fail(name, f"must be domain.md source keys like 'S104' (or "
                           f"'background.txt'), not {bad}")
    return keys


def _conditions(f: Fields) -> tuple[Condition, ...]:
    name = "usually_medically_necessary_when"
    value = f.raw.get(name)
    if not isinstance(value, list):
        raise f.fail(name, "is required: a list of {when, sources} (it may be empty)")
    out: list[Condition] = []
    for i, item in enumerate(value, 1):
        field = f"{name}[{i}]"
        if not isinstance(item, dict) or set(item) != {"when", "sources"}:
            raise f.fail(field, "must be a mapping with exactly 'when' and 'sources'")
        when = item["when"]
        if not isinstance(when, str) or not when.strip():
            raise f.fail(f"{field}.when", "must be a non-empty string")
        out.append(Condition(" ".join(when.split()),
                             _sources(f, f"{field}.sources", item["sources"])))
    return tuple(out)


def _procedure(file: str, raw: Any, families: dict[str, tuple[str, ...]],
               categories: dict[str, tuple[str, ...]]) -> Procedure:
    if not isinstance(raw, dict):
        raise DataFileError(file, f"each procedure must be a mapping, not {type(raw).__name__}")
    f = Fields(file, raw, str(raw.get("id") or "?"))
    f.only(_FIELDS)
    pid = f.text("id")
    if not _ID.match(pid):
        raise f.fail("id", f"must be lower-case letters, digits and '-', not {pid!r}")
    family = f.text("family")
    if family not in families:
        raise f.fail("family", f"unknown family {family!r}; known: {', '.join(families)}")
    service = f.strings("service_categories", required=True)
    bad = [c for c in service if c not in categories]
    if bad:
        raise f.fail("service_categories", f"unknown {bad}; known: {', '.join(categories)}")
    codes = f.strings("codes")
    table = code_table()
    unknown = [c for c in codes if (e := table.get(c)) is None or not e.verified]
    if unknown:
        raise f.fail("codes", f"{unknown} not verified in data/codes.yaml; only curated "
                              "codes may be listed")
    if not isinstance(raw.get("cosmetic_default"), bool):
        raise f.fail("cosmetic_default", "is required: true or false")
    return Procedure(
        id=pid, name=f.text("name"), variants=f.strings("variants", required=True),
        family=family,
        family_terms=tuple(dict.fromkeys(families[family] + f.strings("family_terms"))),
        cosmetic_default=raw["cosmetic_default"],
        usually_medically_necessary_when=_conditions(f), service_categories=service,
        service_terms=tuple(dict.fromkeys(t for c in service for t in categories[c])),
        codes=codes, sources=_sources(f, "sources", raw.get("sources")),
        related_terms=f.strings("related_terms"), body_terms=f.strings("body_terms"),
        notes=f.text("notes", required=False),
    )


def load_procedures(path: Path | None = None) -> tuple[Procedure, ...]:
    """Read and validate the procedures file (the built-in one unless ``path``)."""
    path = path or data_path("procedures.yaml")
    file = str(path)
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise DataFileError(file, "must hold a mapping with a 'procedures:' list")
    unknown = set(data) - {"procedures", "families", "service_categories"}
    if unknown:
        raise DataFileError(file, f"unknown top-level key(s) {sorted(map(str, unknown))}; "
                                  "allowed: procedures, families, service_categories")
    families = _phrase_map(file, data.get("families"), "families")
    categories = _phrase_map(file, data.get("service_categories"), "service_categories")
    procedures = [_procedure(file, raw, families, categories) for raw in data["procedures"]]
    owner: dict[str, str] = {}
    for p in procedures:
        if p.id in owner.values():
            raise DataFileError(file, "is defined twice", entry=p.id, field="id")
        for v in p.variants:
            other = owner.setdefault(compact(v), p.id)
            if other != p.id:
                raise DataFileError(file, f"variant {v!r} also names '{other}'; a variant "
                                          "must name one procedure", entry=p.id,
                                    field="variants")
        owner.setdefault(f"\0{p.id}", p.id)
    return tuple(procedures)


@lru_cache(maxsize=1)
def procedures() -> tuple[Procedure, ...]:
    """The built-in procedures, read once."""
    return load_procedures()


def get_procedure(pid: str) -> Procedure | None:
    return next((p for p in procedures() if p.id == pid), None)


# -- a typed query → a procedure ---------------------------------------------------------

def _names(p: Procedure) -> list[str]:
    return [p.name, p.id, *p.variants]


def find_procedure(query: str, known: Sequence[Procedure] | None = None) -> Procedure | None:
    """The procedure a user means: exact spelling, a variant inside the query ("Botox for
    migraine"), a unique partial name ("collagen induction"), or a close typo. None when
    nothing fits or the query fits several (``suggest`` then lists candidates)."""
    known = procedures() if known is None else known
    q = compact(query)
    if not q:
        return None
    for p in known:
        if any(compact(n) == q for n in _names(p)):
            return p
    inside = [(m.end - m.start, p) for p in known for m in _find_phrases(p.variants, query,
                                                                        "variant")]
    if inside:
        longest = max(n for n, _ in inside)
        best = {p.id: p for n, p in inside if n == longest}
        if len(best) == 1:
            return next(iter(best.values()))
    words = set(re.findall(r"\w+", query.lower()))
    if len(q) >= 5:
        partial = {p.id: p for p in known for v in p.variants
                   if words <= set(re.findall(r"\w+", v.rstrip("*").lower()))}
        if len(partial) == 1:
            return next(iter(partial.values()))
    choices = [(p, compact(n)) for p in known for n in _names(p)]
    ranked = closest(q, [c for _, c in choices], cutoff=QUERY_THRESHOLD, limit=5)
    if ranked:
        top = ranked[0][1]
        best = {choices[i][0].id: choices[i][0] for i, s in ranked if s == top}
        if len(best) == 1:
            return next(iter(best.values()))
    return None


def suggest(query: str, known: Sequence[Procedure] | None = None,
            limit: int = 3) -> list[Procedure]:
    """Procedures whose names look like ``query``, best first, for "did you mean …"."""
    known = procedures() if known is None else known
    choices = [(p, n.rstrip("*").lower()) for p in known for n in _names(p)]
    ranked = closest(query.lower(), [n for _, n in choices], cutoff=SUGGEST_THRESHOLD,
                     limit=limit * 6, loose=True)
    out: dict[str, Procedure] = {}
    for i, _ in ranked:
        out.setdefault(choices[i][0].id, choices[i][0])
    return list(out.values())[:limit]


# -- a procedure in a document -----------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?;,:\n]+")


@lru_cache(maxsize=64)
def _fuzzy_matcher(variants: tuple[str, ...]) -> FuzzyMatcher:
    return FuzzyMatcher([FuzzyPhrase(v, v.rstrip("*"), FUZZY_THRESHOLD) for v in variants
                         if len(compact(v)) >= FUZZY_MIN_LENGTH])


def _fuzzy_variants(p: Procedure, text: str) -> list[Mention]:
    matcher = _fuzzy_matcher(p.variants)
    if not matcher.phrases:
        return []
    spans = [m.span() for m in _SENTENCE.finditer(text)]
    out: list[Mention] = []
    for hit in matcher.find(text, spans):
        start, end = hit.start, hit.end
        # A hyphenated compound is one word here: "micro-dermabrasion" is not dermabrasion.
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] == "-"):
            end += 1
        while text[start] == "-":
            start += 1
        while text[end - 1] == "-":
            end -= 1
        if closest(compact(text[start:end]), [compact(hit.rule)], cutoff=FUZZY_THRESHOLD):
            out.append(Mention(start, end, hit.rule, "variant", True))
    return out


_KIND_ORDER = {"variant": 0, "related": 1, "family": 2, "body": 3}


def mentions(procedure: Procedure, text: str, *, body: bool = False) -> list[Mention]:
    """Where ``text`` names the procedure or its family, in order, without overlaps.

    The longer phrase wins an overlap ("RF microneedling" is a related procedure, not
    micro needling itself); a fuzzy hit counts only where no exact one is. Body terms
    ("skin", "nose") are included only when ``body`` is set: they name the procedure
    only inside an exclusion.
    """
    found = (_find_phrases(procedure.variants, text, "variant")
             + _find_phrases(procedure.related_terms, text, "related")
             + _find_phrases(procedure.family_terms, text, "family"))
    if body:
        found += _find_phrases(procedure.body_terms, text, "body")
    found += _fuzzy_variants(procedure, text)
    found.sort(key=lambda m: (-(m.end - m.start), m.fuzzy, _KIND_ORDER[m.kind], m.start))
    kept: list[Mention] = []
    for m in found:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)
