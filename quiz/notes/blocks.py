"""Markdown as blocks, read by markdown-it-py (CommonMark, with tables and front matter):
headings (ATX and setext), code (fenced and indented), list items, quotes, paragraphs,
tables and HTML, each with its line number; and inline Markdown reduced to plain text
plus its links (Obsidian's highlights, wiki links, embeds and #tags read as their words).
The rules that turn blocks into cards are parse.py's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from quiz.notes.commands import USER_PROMPT
from quiz.plumbing.yamlnodes import YamlError
from quiz.plumbing.yamlread import load

INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
REF_LINK = re.compile(r"\[([^\]]*)\]\[([^\]]*)\]")
# A URL in running text ends before a space or a closing bracket, and never with the sentence's
# punctuation after it (GFM's autolinks): "see https://example.com." or "…q=example。"
_URL_STOP = "\\s)>\\]）」』》】，。、；：！？"
BARE_URL = re.compile(f"https?://[^{_URL_STOP}]*[^{_URL_STOP}.,:;!?'\"*_~]")
AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
PIPE_ROW = re.compile(r"\|(.*)\|")
IAL = re.compile(r"\{:[^{}]*\}")  # kramdown's attribute list, {: .-prime}: how to show a block, not text
# **bold**, __bold__, *italic*, _italic_: a mark inside a word ("a*b", snake_case) or beside a
# space ("rm *.jpg *.png") is a character of the text
EMPHASIS = re.compile(
    r"\*\*(.+?)\*\*|__(.+?)__"
    r"|(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"
)
# Obsidian's marks: ==highlight==, [[note#heading|alias]] (an embed, ![[...]], shows no text), and
# #tags at a text's end ("#1" is a number, not a tag)
HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
WIKI_LINK = re.compile(r"(!?)\[\[([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]")
TAGS_AT_END = re.compile(r"(?:(?:^|\s+)#(?!\d+(?:\s|$))[\w/-]+)+\s*$")


@dataclass
class Block:
    kind: str  # heading, code, quote, para, item, table, html
    line: int  # 1-based first line (a code block's: the line before its first line of code)
    lines: list[str]
    level: int = 0  # heading level; for an item, how deep its list is (0: top)
    lang: str = ""  # code block info string
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # a table's body: (line, cells)
    header: list[str] = field(default_factory=list)  # a table's header cells

    @property
    def end(self) -> int:
        return self.line + len(self.lines) - 1


@cache
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin)


def read_note(text: str) -> tuple[dict, list[Block], dict[str, str]]:
    """The front matter, the blocks of the body, and the reference links by lowercase label."""
    env: dict = {}
    tokens = _parser().parse(text, env)
    front_matter: dict = {}
    blocks: list[Block] = []
    depth = 0  # of lists
    quote = 0  # nesting of blockquotes
    item_first = False  # the next paragraph is a list item's first
    row: list[str] = []
    table: Block | None = None
    for index, token in enumerate(tokens):
        kind = token.type
        line = token.map[0] + 1 if token.map else 0
        if kind == "front_matter":
            front_matter = _front_matter(token.content)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open":
            item_first = True
        elif kind == "blockquote_open":
            quote += 1
            if quote == 1:
                blocks.append(Block("quote", line, []))
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "heading_open" and not quote:
            text_of = tokens[index + 1].content
            blocks.append(Block("heading", line, [text_of], level=int(token.tag[1])))
        elif kind == "paragraph_open":
            numbered = [(line + n, part) for n, part in enumerate(tokens[index + 1].content.split("\n"))]
            numbered = [(at, part) for at, part in numbered if not IAL.fullmatch(part.strip())]
            content = [part for _at, part in numbered]
            headerless = None if quote or (item_first and depth) else _headerless_table(numbered)
            if not content:  # kramdown's markup alone ({: .-three-column}, as devhints' sheets have)
                item_first = False
            elif headerless is not None:
                blocks.append(headerless)
            elif quote:
                blocks[-1].lines += content
            elif item_first and depth:
                blocks.append(Block("item", line, [" ".join(part.strip() for part in content)], level=depth - 1))
            else:
                blocks += _prose_and_prompts(line, [part.strip() for part in content])
            item_first = False
        elif kind in ("fence", "code_block") and not quote:
            lang = token.info.split()[0].lower() if token.info.strip() else ""
            first = line if kind == "fence" else line - 1  # the line before the first line of code
            blocks.append(Block("code", first, token.content.rstrip("\n").split("\n"), lang=lang))
            item_first = False
        elif kind == "html_block" and not quote:
            blocks.append(Block("html", line, token.content.rstrip("\n").split("\n")))
        elif kind == "table_open":
            table = Block("table", line, [])
        elif kind == "tr_open":
            row = []
        elif kind == "inline" and table is not None and tokens[index - 1].type in ("th_open", "td_open"):
            row.append(token.content.strip())
        elif kind == "tr_close" and table is not None:
            row_line = next(t.map[0] + 1 for t in reversed(tokens[:index]) if t.type == "tr_open" and t.map)
            if table.header:
                table.rows.append((row_line, row))
            else:
                table.header = row
        elif kind == "table_close" and table is not None:
            table.lines = [" | ".join(table.header), *(" | ".join(cells) for _, cells in table.rows)]
            blocks.append(table)
            table = None
    refs = {label.lower(): ref["href"] for label, ref in env.get("references", {}).items()}
    return front_matter, blocks, refs


def _prose_and_prompts(line: int, lines: list[str]) -> list[Block]:
    """A paragraph. One whose lines from some line on start with a prompt (`$ git reflog`)
    is a transcript written without a fence: the lines before it a paragraph (the commands'
    introduction, as above a code block), the rest a console block, the prompts' commands."""
    first = next((n for n, text in enumerate(lines) if USER_PROMPT.match(text)), None)
    if first is None:
        return [Block("para", line, lines)]
    head = [Block("para", line, lines[:first])] if first else []
    return [*head, Block("code", line + first - 1, lines[first:], lang="console")]


def _headerless_table(lines: list[tuple[int, str]]) -> Block | None:
    """A paragraph of `| a | b |` lines, each of as many cells (two or more): a table without
    its header row, as devhints' cheat sheets write them (CommonMark's tables need one)."""
    rows = []
    for at, text in lines:
        row = PIPE_ROW.fullmatch(text.strip())
        if row is None:
            return None
        rows.append((at, [cell.strip() for cell in re.split(r"(?<!\\)\|", row[1])]))
    sizes = {len(cells) for _at, cells in rows}
    if not rows or len(sizes) != 1 or min(sizes) < 2:
        return None
    return Block("table", rows[0][0], [" | ".join(cells) for _at, cells in rows], rows=rows, header=[""] * min(sizes))


def _front_matter(text: str) -> dict:
    """The front matter as a mapping; one that does not read is {"": the YAML problem} (the
    note says so)."""
    try:
        data = load(text)
    except YamlError as error:
        return {"": error.message}
    return data if isinstance(data, dict) else {}


def plain(text: str, refs: dict[str, str]) -> tuple[str, list[str]]:
    """Inline Markdown as plain text, and the URLs of its links."""
    urls: list[str] = []

    def inline(match):
        urls.append(match[2])
        return match[1].strip()

    def reference(match):
        label = (match[2] or match[1]).strip().lower()
        if label in refs:
            urls.append(refs[label])
        return match[1].strip()

    text = INLINE_LINK.sub(inline, text)
    text = REF_LINK.sub(reference, text)
    text = AUTOLINK.sub(r"\1", text)  # <https://koajs.com/>: the URL
    urls.extend(u for u in BARE_URL.findall(text) if u not in urls)
    return _marks_out(text).strip(), urls


def _marks_out(text: str) -> str:
    """Emphasis and Obsidian's marks out of the text, each code span's text as it is: the
    spans stand aside as placeholders (private-use characters) while the marks go."""
    spans = [span[0] for span in CODE_SPAN.finditer(text)] if "`" in text and "\ue000" not in text else []
    if spans:
        text = CODE_SPAN.sub(lambda _span: "\ue000", text)
    text = EMPHASIS.sub(lambda m: m[1] or m[2] or m[3] or m[4], text)
    text = WIKI_LINK.sub(_wiki_text, HIGHLIGHT.sub(r"\1", text))
    text = TAGS_AT_END.sub("", text)
    if spans:
        kept = iter(spans)
        text = re.sub("\ue000", lambda _mark: next(kept), text)
    return text


def _wiki_text(link: re.Match) -> str:
    embed, target, heading, alias = link.groups()
    if embed:
        return ""
    return (alias or " > ".join(part.strip() for part in (target, heading) if part and part.strip())).strip()
