"""One key per service, so that the same service lines up across plans.

SBCs spell their NOT-covered and Other-covered items and their grid rows each their own
way ("Cosmetic Surgery", "cosmetic surgery", "Cosmetic procedures"); the curated names in
``data/services.yaml`` say which spellings are one service. Who a service is for (adult,
child) stays part of the key, because plans differ exactly there; an exception ("except
when …") does not, because it qualifies the same service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .datafile import data_path, entries, load_yaml

_PAREN = re.compile(r"\([^)]*\)?")
# Where the service's name ends and its qualification begins.
_QUALIFIER = re.compile(r"\s(?:-\s|\u2013|\u2014)|[,;:]|\.(?:\s|$)|"
                        r"\b(?:except|unless|other than|when|if|for (?:the )?(?:treatment|"
                        r"purpose)|limited to|up to)\b", re.I)
_ADULT = re.compile(r"\badults?\b|\bage (?:19|21) and (?:over|older)\b", re.I)
_CHILD = re.compile(r"\b(?:child|children|children's|pediatric|paediatric|kids?)\b", re.I)
_WORD = re.compile(r"[a-z0-9]+")


def _singular(word: str) -> str:
    if len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "ses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    """Normalised words: lower case, "&" as "and", no punctuation, singular."""
    text = text.lower().replace("&", " and ").replace("\u2019", "'").replace("'s", "")
    return tuple(_singular(w) for w in _WORD.findall(text))


@dataclass(frozen=True)
class Service:
    key: str
    label: str


@dataclass(frozen=True)
class _Names:
    # (name's words, key, label), the longest names first so that the most specific wins.
    names: tuple[tuple[tuple[str, ...], str, str], ...]


@lru_cache(maxsize=1)
def _names() -> _Names:
    path = data_path("services.yaml")
    out: list[tuple[tuple[str, ...], str, str]] = []
    keys: set[str] = set()
    for fields in entries(path, load_yaml(path), "services"):
        fields.only(frozenset({"key", "label", "names"}))
        key, label = fields.text("key"), fields.text("label")
        if key in keys:
            raise fields.fail("key", f"{key!r} is used twice")
        keys.add(key)
        for name in fields.strings("names", required=True):
            out.append((words(name), key, label))
    out.sort(key=lambda x: -len(x[0]))
    return _Names(tuple(out))


def service_of(item: str) -> Service:
    """The service an item names: a curated key ("cosmetic_surgery"), else its own
    normalised words; "_adult" or "_child" when the item says whom it is for."""
    bare = _PAREN.sub(" ", item)
    cut = _QUALIFIER.search(bare)
    head = bare[:cut.start()] if cut and cut.start() > 0 else bare
    found = words(head) or words(item)
    key, label = "_".join(found), " ".join(head.split()) or item.strip()
    whole = words(bare)
    for name, known, known_label in _names().names:
        if whole[:len(name)] == name:
            key, label = known, known_label
            break
    if _CHILD.search(item):
        return Service(f"{key}_child", f"{label} (children)")
    if _ADULT.search(item):
        return Service(f"{key}_adult", f"{label} (adults)")
    return Service(key, label)
