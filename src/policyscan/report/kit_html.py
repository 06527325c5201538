"""The appeal kit as a printable HTML page: the kit's Markdown, turned into HTML.

The kit is written once, in Markdown (``kit.py``); this module reads back only the subset
that writes (headings, lists, check boxes, block quotes, paragraphs, bold, italics, code)
and escapes all document text. Printed, the facts take the first page in two columns and
the letter the second, so a patient gets two sheets: what to know, and what to send.
"""

from __future__ import annotations

import html
import re

_STYLE = """
@page { size: letter; margin: 0.5in; }
body { font: 9.5pt/1.3 Georgia, 'DejaVu Serif', serif; color: #111; max-width: 60rem;
       margin: 1rem auto; padding: 0 1rem; }
h1 { font-size: 14pt; margin: 0 0 .3rem; }
h2 { font-size: 11pt; margin: .6rem 0 .2rem; border-bottom: 1px solid #999; }
h3 { font-size: 10pt; margin: .4rem 0 .1rem; }
p, ul, blockquote { margin: .15rem 0; }
ul { padding-left: 1.1rem; }
blockquote { border-left: 3px solid #999; padding-left: .5rem; color: #333; }
.letter { border-top: 2px solid #333; margin-top: 1rem; }
@media print {
  body { font-size: 7.2pt; max-width: none; margin: 0; padding: 0; }
  .facts { column-count: 2; column-gap: 1.4rem; }
  h2 { break-after: avoid; }
  blockquote, li { break-inside: avoid; }
  /* Two sheets: long quotes keep their first lines (the page is cited beside each). */
  .facts blockquote { display: -webkit-box; -webkit-box-orient: vertical;
                      -webkit-line-clamp: 2;
               overflow: hidden; }
  .facts li { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 3;
              overflow: hidden; }
  .letter { break-before: page; border: 0; font-size: 10pt; margin: 0; }
}
"""

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


def markdown_to_html(markdown: str) -> str:
    """The kit's Markdown subset as HTML body content."""
    out: list[str] = []
    in_list = 0
    paragraph: list[str] = []

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(p) for p in paragraph) + "</p>")
            paragraph.clear()
        while in_list:
            out.append("</ul>")
            in_list -= 1

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = re.match(r"(#{1,3}) (.*)", line)
        item = re.match(r"( *)- (.*)", line)
        if not stripped or line.strip() == "---":
            flush()
        elif heading:
            flush()
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
            out.append(f"<blockquote>{_inline(stripped[2:])}</blockquote>")
        else:
            paragraph.append(stripped)
    flush()
    return "\n".join(out)


def render_kit_html(markdown: str, title: str) -> str:
    """A self-contained page: the facts, then the letter on a page of its own in print."""
    facts, sep, letter = markdown.partition("\n## Letter\n")
    body = f'<div class="facts">{markdown_to_html(facts)}</div>'
    if sep:
        body += f'<div class="letter"><h2>Letter</h2>{markdown_to_html(letter)}</div>'
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")
