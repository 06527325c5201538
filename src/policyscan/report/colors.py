"""One colour per category, shared by the HTML report and the annotated PDFs.

Light, highlighter-like tints: a PDF viewer blends a highlight over the words (multiply),
and in the HTML report they are backgrounds under near-black text (contrast above 9:1,
well over WCAG AA's 4.5:1).
"""

from __future__ import annotations

RGB = tuple[float, float, float]

CATEGORY_COLORS: dict[str, RGB] = {
    "cosmetic_exclusion": (1.0, 0.70, 0.70),  # red
    "reconstructive_exception": (0.65, 0.92, 0.65),  # green
    "medical_necessity": (0.68, 0.84, 1.0),  # blue
    "prior_authorization": (1.0, 0.82, 0.50),  # orange
    "appeal_rights": (0.86, 0.76, 1.0),  # violet
    "appeal_deadline": (1.0, 0.96, 0.40),  # yellow
    "external_review": (0.60, 0.94, 0.94),  # cyan
    "experimental_exclusion": (1.0, 0.72, 0.92),  # pink
}
OTHER_COLOR: RGB = (0.84, 0.84, 0.84)  # codes, and categories a user's rules add


def category_rgb(category: str) -> RGB:
    return CATEGORY_COLORS.get(category, OTHER_COLOR)


def category_hex(category: str) -> str:
    """``#rrggbb`` for CSS."""
    return "#" + "".join(f"{round(v * 255):02x}" for v in category_rgb(category))
