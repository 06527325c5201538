"""Every CSV cell policyscan writes passes through ``cell``.

One value per cell, whitespace collapsed (a PDF's line breaks inside a quote would split a
spreadsheet row for some readers). Text read from a document may begin with a character a
spreadsheet takes for a formula; neutralising that belongs here too, so there is one
place to do it for every CSV format.
"""

from __future__ import annotations

from .safe import csv_cell

BOM = "\ufeff"


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(csv_cell(" ".join(str(value).split())))
