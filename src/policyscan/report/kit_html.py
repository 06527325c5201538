"""The appeal kit as a printable HTML page: the kit's Markdown, turned into HTML.

The kit is written once, in Markdown (``kit.py``); this module reads back only the subset
that writes (headings, lists, check boxes, block quotes, paragraphs, bold, italics, code)
and escapes all document text. Printed, the facts take the first page in two columns and
the checklist and the letter the second, so a patient gets two sheets: what to know, and
what to send.
Every quote prints whole (``kit.py`` quotes each clause once; nothing is clamped).
"""

from __future__ import annotations

import html
import re

_STYLE = """
@page { size: letter; margin: 0.4in; }
body { font: 9.5pt/1.3 Georgia, 'DejaVu Serif', serif; color: #111; max-width: 60rem;
       margin: 1rem auto; padding: 0 1rem; }
h1 { font-size: 14pt; margin: 0 0 .3rem; }
h2 { font-size: 11pt; margin: .6rem 0 .2rem; border-bottom: 1px solid #999; }
h3 { font-size: 10pt; margin: .4rem 0 .1rem; }
p, ul, blockquote { margin: .15rem 0; }
ul { padding-left: 1.1rem; }
blockquote { border-left: 3px solid #999; padding-left: .5rem; color: #333; }
.letter { border-top: 2px solid #333; margin-top: 1rem; }
.print-only { display: none; }
@media print {
  /* Two sheets: each section prints its first quotes whole and says how many more the
     screen shows; no quote is cut short. */
  .facts blockquote.more { display: none; }
  .print-only { display: block; font-style: italic; }
  body { font-size: 7pt; max-width: none; margin: 0; padding: 0; }
  .facts { column-count: 2; column-gap: 1.4rem; }
  h2 { break-after: avoid; }
  blockquote, li { break-inside: avoid; }
  .letter { break-before: page; border: 0; font-size: 9pt; margin: 0; }
}
"""

PRINT_QUOTES = 2  # quotes per section on paper; the rest on screen and in the Markdown
_UNESCAPE = re.compile(r"\\([\\*_`\[\]<>#|])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w\\])_(.+?)_(?!\w)")
_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    """Markdown inline marks to HTML; escaped characters (``\\*``) stay literal."""
    # Escaped characters become placeholders first, so no mark is read inside them.
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group(1))
        return f"\x00{len(kept) - 1}\x00"

    out = html.escape(_UNESCAPE.sub(keep, text), quote=False)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    out = out.replace("[ ]", "&#9744;")
    return re.sub("\x00(\\d+)\x00", lambda m: html.escape(kept[int(m.group(1))]), out)


def markdown_to_html(markdown: str, print_quotes: int | None = None) -> str:
    """The kit's Markdown subset as HTML body content; with ``print_quotes``, quotes past
    that many in a section are marked to stay off paper, and the section says so."""
    out: list[str] = []
    in_list = 0
    paragraph: list[str] = []
    quotes = hidden = 0

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(p) for p in paragraph) + "</p>")
            paragraph.clear()
        while in_list:
            out.append("</ul>")
            in_list -= 1

    def section_end() -> None:
        nonlocal quotes, hidden
        if hidden:
            out.append(f'<p class="print-only">{hidden} more quoted passage'
                       f'{"s" if hidden > 1 else ""} in this section: on screen and in the '
                       "Markdown kit.</p>")
        quotes = hidden = 0

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = re.match(r"(#{1,3}) (.*)", line)
        item = re.match(r"( *)- (.*)", line)
        if not stripped or line.strip() == "---":
            flush()
        elif heading:
            flush()
            section_end()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif item:
            if paragraph:
                out.append("<p>" + "<br>".join(_inline(p) for p in paragraph) + "</p>")
                paragraph.clear()
            depth = len(item.group(1)) // 2 + 1
            while in_list < depth:
                out.append("<ul>")
                in_list += 1
            while in_list > depth:
                out.append("</ul>")
                in_list -= 1
            out.append(f"<li>{_inline(item.group(2))}</li>")
        elif stripped.startswith("> "):
            flush()
            quotes += 1
            more = print_quotes is not None and quotes > print_quotes
            hidden += more
            mark = ' class="more"' if more else ""
            out.append(f"<blockquote{mark}>{_inline(stripped[2:])}</blockquote>")
        else:
            paragraph.append(stripped)
    flush()
    section_end()
    return "\n".join(out)


def render_kit_html(markdown: str, title: str) -> str:
    """A self-contained page: the facts, then what to send (the checklist and the letter)
    on a sheet of its own in print."""
    facts, sep, letter = markdown.partition("\n## Letter\n")
    send = ""
    if sep:
        facts, listed, checklist = facts.partition("\n## Checklist\n")
        send = markdown_to_html("## Checklist\n" + checklist) if listed else ""
    body = f'<div class="facts">{markdown_to_html(facts, PRINT_QUOTES)}</div>'
    if sep:
        body += (f'<div class="letter">{send}<h2>Letter</h2>{markdown_to_html(letter)}'
                 "</div>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")
