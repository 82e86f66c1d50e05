"""Markdown as blocks: front matter, headings, fences, lists, quotes, paragraphs, with
their line numbers; and inline Markdown reduced to plain text plus its links."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.plumbing.yamlread import YamlError, load

FENCE = re.compile(r"^\s{0,3}(```+|~~~+)\s*([\w+-]*)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
LINK_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*(\S+)")
ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+(.*)$")
QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
REF_LINK = re.compile(r"\[([^\]]*)\]\[([^\]]*)\]")
BARE_URL = re.compile(r"https?://[^\s)>\]]+")


@dataclass
class Block:
    kind: str  # heading, code, quote, para, item
    line: int  # 1-based first line
    lines: list[str]
    level: int = 0  # heading level
    lang: str = ""  # code block info string

    @property
    def end(self) -> int:
        return self.line + len(self.lines) - 1


def split_front_matter(lines: list[str]) -> tuple[dict, int]:
    """The YAML front matter (--- ... ---) as a dict, and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            try:
                data = load("\n".join(lines[1:index]))
            except YamlError:  # a front matter that does not read is ignored
                data = None
            return (data if isinstance(data, dict) else {}), index + 1
    return {}, 0


def read_blocks(lines: list[str], start: int) -> tuple[list[Block], dict[str, str]]:
    """Blocks of the body, and the reference links ([n]: url) by lowercase label."""
    blocks, refs = [], {}
    index = start
    while index < len(lines):
        line = lines[index]
        number = index + 1
        if fence := FENCE.match(line):
            marker = fence[1]
            body = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith(marker):
                body.append(lines[index])
                index += 1
            blocks.append(Block("code", number, body, lang=fence[2].lower()))
            index += 1
            continue
        if not line.strip():
            index += 1
            continue
        if definition := LINK_DEF.match(line):
            refs[definition[1].strip().lower()] = definition[2]
        elif heading := HEADING.match(line):
            blocks.append(Block("heading", number, [heading[2]], level=len(heading[1])))
        elif QUOTE.match(line):
            quoted = []
            while index < len(lines) and (quote := QUOTE.match(lines[index])):
                quoted.append(quote[1])
                index += 1
            blocks.append(Block("quote", number, quoted))
            continue
        elif item := ITEM.match(line):
            blocks.append(Block("item", number, [item[1]]))
        else:
            para = []
            while index < len(lines) and lines[index].strip() and not _starts_block(lines[index]):
                para.append(lines[index].strip())
                index += 1
            blocks.append(Block("para", number, para))
            continue
        index += 1
    return blocks, refs


def _starts_block(line: str) -> bool:
    return bool(
        FENCE.match(line) or HEADING.match(line) or QUOTE.match(line) or ITEM.match(line) or LINK_DEF.match(line)
    )


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
    urls.extend(u for u in BARE_URL.findall(text) if u not in urls)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m[1] or m[2], text)
    return text.strip(), urls
