"""The surroundings of one hit, and the check of a rule's ``context`` against them."""

from __future__ import annotations

from dataclasses import dataclass

from ..rules.schema import Context
from ..structure import Section
from .words import find_words


@dataclass(frozen=True)
class HitContext:
    kind: str  # document kind
    page: int
    text: str  # the page's normalised text
    start: int
    end: int
    sentence: tuple[int, int]
    section: Section

    @property
    def hit(self) -> str:
        return self.text[self.start:self.end]

    def window(self, size: str | int) -> str:
        if size == "sentence":
            s, e = self.sentence
            return self.text[min(s, self.start):max(e, self.end)]
        assert isinstance(size, int)
        return self.text[max(0, self.start - size):self.end + size]

    def before(self, limit: int = 400) -> str:
        """The text of the hit's sentence before the hit (at most ``limit`` characters)."""
        s = max(self.sentence[0], self.start - limit)
        return self.text[min(s, self.start):self.start]

    def after(self, limit: int = 400) -> str:
        e = min(self.sentence[1], self.end + limit)
        return self.text[self.end:max(e, self.end)]

    def around(self, chars: int) -> str:
        return self.text[max(0, self.start - chars):self.end + chars]


def check_context(ctx: HitContext, context: Context) -> tuple[bool, list[str]]:
    """Whether the hit satisfies the rule's context, and the reasons that helped."""
    reasons: list[str] = []
    role = ctx.section.role
    in_section = bool(context.sections) and role in context.sections
    if role in context.not_sections:
        return False, [f"in section role {role}"]
    window = ctx.window(context.window)
    if context.not_near:
        m = find_words(context.not_near, window)
        if m:
            return False, [f"'{m.group(0)}' nearby"]
    if context.not_before:
        m = find_words(context.not_before, ctx.before())
        if m:
            return False, [f"'{m.group(0)}' before it"]
    # ``sections`` and ``near``/``before`` are alternatives: a bare list item counts
    # because of its section; the same words elsewhere need the words around them. Every
    # one that holds is recorded: the explanation (and the score) use them all.
    if not (context.sections or context.near or context.before):
        return True, reasons
    if in_section:
        reasons.append(f"inside '{ctx.section.title or role}'")
    if context.near:
        m = find_words(context.near, window)
        if m:
            reasons.append(f"near '{m.group(0)}'")
    if context.before:
        m = find_words(context.before, ctx.before())
        if m:
            reasons.append(f"after '{m.group(0)}'")
    return bool(reasons), reasons
