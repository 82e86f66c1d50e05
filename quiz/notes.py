"""Decks from Markdown notes: `quiz generate` and `quiz new`.

A note in the usual style (commands in fenced blocks with a `# comment` above
each, concepts under headings, warnings in blockquotes) becomes cards:

- comment + command        -> command card (front: the comment, back: the command)
- heading + prose          -> basic "concept" card (front: a question, back: the prose)
- blockquote               -> basic "warning" card
- `term  description` list -> reversed card
- comment + Dockerfile line -> basic card whose back is the snippet

Everything else is reported with its line number, never dropped silently.
Pure functions over the text; the only I/O is the caller's.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import yaml

# ---- Markdown blocks ----------------------------------------------------------

FENCE = re.compile(r"^\s{0,3}(```+|~~~+)\s*([\w+-]*)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
LINK_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*(\S+)")
ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+(.*)$")
QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
REF_LINK = re.compile(r"\[([^\]]*)\]\[([^\]]*)\]")
BARE_URL = re.compile(r"https?://[^\s)>\]]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
END_PUNCT = tuple(".。:：;；!！?？,，")
DOCKERFILE_WORDS = {"FROM", "RUN", "CMD", "ENV", "COPY", "ADD", "WORKDIR", "EXPOSE", "ENTRYPOINT",
                    "VOLUME", "USER", "ARG", "LABEL", "HEALTHCHECK", "SHELL", "ONBUILD", "STOPSIGNAL"}
WARNING_PREFIX = re.compile(r"^(?:注意|警告|提示|note|warning|caution|important|tip)\s*[:：]\s*", re.I)
SHORT_TITLE = 30      # longest line that still reads as a title
CONCEPT_BUDGET = 300  # characters of prose kept on a concept card before trimming


@dataclass
class Block:
    kind: str        # heading, code, quote, para, item
    line: int        # 1-based first line
    lines: list[str]
    level: int = 0   # heading level
    lang: str = ""   # code block info string

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
                data = yaml.safe_load("\n".join(lines[1:index]))
            except yaml.YAMLError:
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
    return bool(FENCE.match(line) or HEADING.match(line) or QUOTE.match(line)
                or ITEM.match(line) or LINK_DEF.match(line))


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


# ---- cards ------------------------------------------------------------------


@dataclass
class Card:
    kind: str            # command, concept, warning, term, snippet
    line: int
    front: str
    back: str | list[str]
    source: str | None = None
    slug_from: str = ""  # text the id is derived from
    id: str = ""

    @property
    def type(self) -> str:
        return {"command": "command", "term": "reversed"}.get(self.kind, "basic")

    def content(self) -> dict:
        """The card as deck YAML data, without its id."""
        data: dict = {}
        if self.type != "basic":
            data["type"] = self.type
        data["front"] = self.front
        data["back"] = self.back
        data["tags"] = [self.kind]
        if self.source:
            data["source"] = self.source
        return data


@dataclass
class Skipped:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Note:
    """What a note generates: the deck's title and language, its cards, and what was left out."""

    title: str
    lang: str
    cards: list[Card] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    remarks: list[Skipped] = field(default_factory=list)  # kept, but worth a look


@dataclass
class _Section:
    title: str
    line: int
    urls: list[str]
    link_lines: list[int] = field(default_factory=list)
    prose: list[Block] = field(default_factory=list)
    open: bool = True    # prose right after the title belongs to it
    carded: bool = False
    parent: _Section | None = None  # the heading above a bullet sub-heading


def note_language(text: str) -> str:
    """zh when Chinese characters are a noticeable share of the letters, else en."""
    letters = sum(ch.isalpha() for ch in text)
    return "zh" if letters and len(CJK.findall(text)) / letters > 0.1 else "en"


def generate(text: str, fallback_title: str = "notes") -> Note:
    lines = text.replace("\r\n", "\n").split("\n")
    front_matter, start = split_front_matter(lines)
    blocks, refs = read_blocks(lines, start)
    prose_text = "\n".join(" ".join(b.lines) for b in blocks if b.kind != "code")
    title = str(front_matter.get("title") or "").strip()
    if not title:
        title = next((plain(b.lines[0], refs)[0] for b in blocks if b.kind == "heading"), fallback_title)
    note = Note(title, note_language(prose_text))
    _Walker(note, blocks, refs).walk()
    note.cards.sort(key=lambda card: card.line)
    assign_ids(note.cards, set())
    return note


class _Walker:
    """Walks the blocks once, keeping the section that prose and warnings belong to."""

    def __init__(self, note: Note, blocks: list[Block], refs: dict[str, str]):
        self.note, self.blocks, self.refs = note, blocks, refs
        self.section: _Section | None = None
        self.heading: _Section | None = None  # the last real heading, whose links sub-headings share
        self.last_command: Card | None = None
        self.used: set[int] = set()  # indexes of paragraphs consumed as a code block's intro

    def walk(self) -> None:
        for index, block in enumerate(self.blocks):
            if index not in self.used:
                getattr(self, f"on_{block.kind}")(index, block)
        self.close_section()
        self.close_heading()

    def skip(self, line: int, reason: str) -> None:
        self.note.skipped.append(Skipped(line, reason))

    def add(self, card: Card) -> None:
        self.note.cards.append(card)
        if self.section:
            self.section.carded = True
            if self.section.parent:
                self.section.parent.carded = True

    # -- sections and prose ---------------------------------------------------

    def start_section(self, title: str, line: int, urls: list[str], sub: bool = False) -> None:
        self.close_section()
        if not sub:
            self.close_heading()
        parent = self.heading if sub else None
        inherited = parent.urls if parent else []
        self.section = _Section(title, line, urls + inherited, [line] if urls else [], parent=parent)
        if not sub:
            self.heading = self.section
        self.last_command = None

    def close_heading(self) -> None:
        heading = self.heading
        if heading and not heading.carded:
            self.report_links(heading)
        self.heading = None

    def report_links(self, section: _Section) -> None:
        for line in section.link_lines:
            self.skip(line, f"link under \"{section.title}\" kept by no card (no card in that section)")

    def close_section(self) -> None:
        section = self.section
        if section is None:
            return
        if section.prose:
            self.add(self.concept(section))
        if section is not self.heading and not section.carded:
            self.report_links(section)
        self.section = None

    def on_heading(self, index: int, block: Block) -> None:
        title, urls = plain(block.lines[0], self.refs)
        self.start_section(title, block.line, urls)

    def on_item(self, index: int, block: Block) -> None:
        text, urls = plain(block.lines[0], self.refs)
        if self.lone_item(index) and len(text) <= SHORT_TITLE and not text.endswith(END_PUNCT):
            self.start_section(text, block.line, urls, sub=True)  # a lone short bullet is a sub-heading
        elif self.section and self.section.open and self.section.prose:
            self.section.prose.append(block)
        else:
            self.skip(block.line, f"list item outside a heading's prose: {text[:40]}")

    def lone_item(self, index: int) -> bool:
        block = self.blocks[index]
        before = self.blocks[index - 1] if index else None
        after = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
        return not (before and before.kind == "item" and before.end == block.line - 1) and \
            not (after and after.kind == "item" and after.line == block.end + 1)

    def on_para(self, index: int, block: Block) -> None:
        if self.intro_of(index):
            return  # on_code uses it
        texts = [plain(line, self.refs) for line in block.lines]
        if all(not text or _only_links(line) for line, (text, _) in zip(block.lines, texts)):
            self.links(block, [u for _, urls in texts for u in urls])
            return
        if self.terms(block, texts):
            return
        section = self.section
        if section and section.open:
            section.prose.append(block)
            section.urls += [u for _, urls in texts for u in urls]
        elif len(block.lines) >= 2 and _is_title(texts[0][0]):
            self.start_section(texts[0][0], block.line, texts[0][1])
            self.section.prose.append(Block("para", block.line + 1, block.lines[1:]))
            self.section.open = False
        else:
            self.skip(block.line, f"paragraph with no heading of its own (give it one to make a card): "
                                  f"{texts[0][0][:40]}")

    def links(self, block: Block, urls: list[str]) -> None:
        if self.section is None:
            self.skip(block.line, "links before any heading")
            return
        self.section.urls += urls
        self.section.link_lines.append(block.line)

    def terms(self, block: Block, texts: list[tuple[str, list[str]]]) -> bool:
        """A paragraph of short `term  description` lines: reversed cards; bare terms are reported."""
        if len(block.lines) < 2 or any(len(t) > 40 or t.endswith(END_PUNCT) for t, _ in texts):
            return False
        pairs = [re.split(r"\s{2,}|\s+[-–—]\s+|\s*[:：]\s+", t, maxsplit=1) for t, _ in texts]
        if not any(len(pair) == 2 for pair in pairs):
            return False
        for offset, pair in enumerate(pairs):
            if len(pair) == 2:
                self.add(Card("term", block.line + offset, pair[0], pair[1], self.source([]), pair[0]))
            else:
                self.skip(block.line + offset, f"term without a description: {pair[0]}")
        return True

    def concept(self, section: _Section) -> Card:
        kept, size, lang = [], 0, self.note.lang
        joiner = "\n" if lang == "zh" else " "  # Chinese lines are seldom hard-wrapped
        for block in section.prose:
            text = joiner.join(plain(line, self.refs)[0] for line in block.lines)
            text = f"• {text}" if block.kind == "item" else text
            joins_list = block.kind == "item" and kept and (kept[-1].endswith(END_PUNCT[2:4]) or kept[-1].startswith("•"))
            if kept and size + len(text) > CONCEPT_BUDGET and not joins_list:
                self.note.remarks.append(Skipped(block.line, f"left off the card \"{section.title}\" to keep it short"))
                continue
            kept.append(text)
            size += len(text)
        body = "\n".join(kept) if any(k.startswith("•") for k in kept) else "\n\n".join(kept)
        return Card("concept", section.line, question(section.title, lang), body, self.source([]), section.title)

    def source(self, own: list[str]) -> str | None:
        urls = own + (self.section.urls if self.section else [])
        return next((u for u in urls if u.startswith(("http://", "https://"))), None)

    # -- code and warnings ----------------------------------------------------

    def on_code(self, index: int, block: Block) -> None:
        if self.section:
            self.section.open = False
        intro = self.intro(index)
        made = code_cards(block, intro, self.note)
        for card in made:
            card.source = self.source(BARE_URL.findall(card.front))
            self.add(card)
        commands = [c for c in made if c.kind == "command"]
        self.last_command = commands[-1] if commands else self.last_command

    def intro_of(self, index: int) -> bool:
        """Is this one-line paragraph the front of the comment-less code block right below it?"""
        block = self.blocks[index]
        after = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
        if block.kind != "para" or len(block.lines) != 1 or after is None or after.kind != "code" \
                or after.line - block.end > 2:
            return False
        text = block.lines[0].strip()
        lone_command = len(join_continued(after)) == 1 and not after.lines[0].lstrip().startswith("#")
        return text.endswith((":", "：")) or lone_command and len(text) <= 80 or _is_title(text)

    def intro(self, index: int) -> str | None:
        before = index - 1
        if before < 0 or not self.intro_of(before):
            return None
        text = plain(self.blocks[before].lines[0], self.refs)[0]
        code = self.blocks[index]
        if any(line.lstrip().startswith("#") for line in code.lines) or len(join_continued(code)) != 1:
            self.note.remarks.append(Skipped(self.blocks[before].line, f"read as the introduction of the code below: {text[:40]}"))
            return None
        return text.rstrip(":：")

    def on_quote(self, index: int, block: Block) -> None:
        text = " ".join(plain(line, self.refs)[0] for line in block.lines if line.strip())
        if not text:
            return
        if self.section:
            self.section.open = False
        previous = self.blocks[index - 1] if index else None
        right_after = previous is not None and previous.kind == "code" and self.last_command is not None \
            and self.last_command.line > previous.line and len(join_continued(previous)) == 1
        about = f"`{_first(self.last_command.back)}`" if right_after else \
            (self.section.title if self.section else self.note.title)
        lang = self.note.lang
        front = f"{about} 有什么要注意的？" if lang == "zh" else f"What should you watch out for with {about}?"
        back = WARNING_PREFIX.sub("", text)
        if self.note.lang == "en":
            back = back[:1].upper() + back[1:]
        last = self.note.cards[-1] if self.note.cards else None
        if previous is not None and previous.kind == "quote" and last is not None and last.kind == "warning":
            last.back += "\n" + back  # consecutive warnings make one card
            return
        self.add(Card("warning", block.line, front, back, self.source(BARE_URL.findall(text)), f"warning {about}"))


def _first(back: str | list[str]) -> str:
    return back[0] if isinstance(back, list) else back


def _only_links(line: str) -> bool:
    rest = BARE_URL.sub("", REF_LINK.sub("", INLINE_LINK.sub("", line)))
    return not rest.strip(" *-")


def _is_title(text: str) -> bool:
    return 0 < len(text) <= SHORT_TITLE and not text.endswith(END_PUNCT)


def question(title: str, lang: str) -> str:
    """The question a concept card asks about a heading."""
    versus = re.split(r"\s*(?<![A-Za-z])(?:[Vv][Ss]\.?|versus)(?![A-Za-z])\s*|\s*[与和]\s*", title)
    if lang == "zh":
        if len(versus) == 2:
            return f"{versus[0]}和{versus[1]}有什么区别？"
        if _is_term(title):
            return f"什么是 {title}？"
        return f"关于「{title}」，笔记里讲了什么？"
    if len(versus) == 2:
        return f"What is the difference between {versus[0]} and {versus[1]}?"
    if _is_term(title):
        return f"What is {title}?"
    return f"What does the note say about {title}?"


def _is_term(title: str) -> bool:
    """A name rather than a phrase: at most two words, or a short Chinese word."""
    if CJK.search(title):
        return len(title) <= 6 and " " not in title
    return len(title.split()) <= 2


def code_cards(block: Block, intro: str | None, note: Note) -> list[Card]:
    """Command (or Dockerfile snippet) cards from one fenced block."""
    statements = join_continued(block)
    cards: list[Card] = []
    comments: list[str] = []
    current: Card | None = None
    for line_no, text in statements:
        stripped = text.strip()
        if stripped.startswith("#"):
            comments.append(stripped.lstrip("#").strip())
            current = None
            continue
        command = re.sub(r"^\$\s+", "", stripped)
        snippet = command.split(" ", 1)[0] in DOCKERFILE_WORDS or block.lang == "dockerfile"
        if current is not None and not snippet:
            current.back = [*current.back, command] if isinstance(current.back, list) else [current.back, command]
            note.remarks.append(Skipped(line_no, f"several commands under one comment: accepted as "
                                                 f"alternatives of \"{current.front}\" (split them if not)"))
            continue
        if current is not None:
            current.back += "\n" + text
            continue
        front = " ".join(c for c in comments if c) or (intro if len(statements) == 1 else None)
        comments = []
        if not front:
            note.skipped.append(Skipped(line_no, f"command without a `# comment` above it: {command[:50]}"))
            continue
        if snippet:
            current = Card("snippet", line_no, f"{front} (Dockerfile)", text.strip("\n"), slug_from=front)
        else:
            current = Card("command", line_no, front, _one_line(command), slug_from=command)
        cards.append(current)
    if comments:
        note.skipped.append(Skipped(statements[-1][0], f"comment without a command below it: {comments[-1][:50]}"))
    return cards


def join_continued(block: Block) -> list[tuple[int, str]]:
    """(line number, text) per statement: `\\` continuations and indented lines join the line above."""
    statements: list[tuple[int, str]] = []
    continued = False
    for offset, text in enumerate(block.lines):
        if not text.strip():
            continued = False
            continue
        indented = text[:1].isspace() and statements and not statements[-1][1].lstrip().startswith("#")
        if (continued or indented) and statements:
            statements[-1] = (statements[-1][0], statements[-1][1] + "\n" + text)
        else:
            statements.append((block.line + 1 + offset, text))
        continued = text.rstrip().endswith("\\")
    return statements


def _one_line(command: str) -> str:
    """A command spanning lines as the single line one types."""
    return " ".join(re.sub(r"\\\n", " ", command).split())


# ---- ids ----------------------------------------------------------------------


def slug(text: str, limit: int = 5) -> str:
    """A readable id part: the first few ASCII words, without values such as hashes and paths."""
    words = []
    for token in text.lower().split():
        token = token.lstrip("-")
        if words and (re.search(r"[/:~.<>=]", token) or re.fullmatch(r"(?=.*\d)[0-9a-f]{6,}", token)):
            continue
        part = "-".join(re.findall(r"[a-z0-9]+", token))
        if part:
            words.append(part)
        if len(words) == limit:
            break
    return "-".join(words)[:48].strip("-")


def assign_ids(cards: list[Card], taken: set[str]) -> None:
    """Give each card without an id a readable slug, unique among `taken` and each other."""
    for card in cards:
        if card.id:
            continue
        base = slug(card.slug_from)
        if card.kind in ("concept", "warning", "snippet") and len(re.sub(r"[^a-z]", "", base)) < 3:
            base = f"{card.kind}-{base}" if base else f"{card.kind}-{_digest(card.front)[:6]}"
        base = base or f"{card.kind}-{_digest(card.front)[:6]}"
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        card.id = candidate
        taken.add(candidate)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def fingerprint(content: dict) -> str:
    """Marks a card as the generator wrote it; a hand edit changes it."""
    return _digest(content)[:8]


# ---- YAML out -------------------------------------------------------------------


def scalar(value: str, indent: int) -> str:
    """A string as readable YAML: plain when that reads back the same, a literal block for
    several lines, else double-quoted (JSON strings are YAML); CJK stays as it is."""
    if "\n" in value and not value[:1].isspace() and "\t" not in value:
        pad = " " * (indent + 2)
        chomp = "" if value.endswith("\n") and not value.endswith("\n\n") else "-"
        body = "\n".join(pad + line if line else "" for line in value.rstrip("\n").split("\n"))
        return f"|{chomp}\n{body}"
    if value == value.strip() and value and "\n" not in value:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def card_yaml(card_id: str, content: dict, comment: str, indent: int = 2) -> str:
    """One card as a `- id: ...` item, each field on its own line."""
    pad = " " * indent
    lines = [f"{pad}- id: {card_id}" + (f"  # {comment}" if comment else "")]
    for key, value in content.items():
        if isinstance(value, list) and key == "tags":
            lines.append(f"{pad}  {key}: [{', '.join(value)}]")
        elif isinstance(value, list):
            lines.append(f"{pad}  {key}:")
            lines += [f"{pad}    - {scalar(item, indent + 4)}" for item in value]
        elif isinstance(value, dict):
            lines.append(f"{pad}  {key}:")
            lines += [f"{pad}    {lang}: {scalar(text, indent + 4)}" for lang, text in value.items()]
        else:
            lines.append(f"{pad}  {key}: {scalar(value, indent + 2)}")
    return "\n".join(lines)


def marker(note_name: str, card: Card) -> str:
    return f"{note_name}:{card.line} [{fingerprint(card.content())}]"


def deck_yaml(note: Note, deck_name: str, note_name: str) -> str:
    """The whole generated deck, with comments that say where each card came from."""
    head = [
        f"# Generated by `quiz generate` from {note_name}: edit it freely.",
        f"# `quiz generate {note_name} --update THIS.yaml` adds what is new in the note and keeps your",
        "# edits and every card id (progress follows the id). The [xxxxxxxx] after an id marks a card",
        "# as generated; once you edit the card, it is yours and updates leave it alone.",
        f"deck: {deck_name}",
        f"title: {scalar(note.title, 0)}",
        f"lang: {note.lang}",
        "cards:",
    ]
    cards = [card_yaml(card.id, card.content(), marker(note_name, card)) for card in note.cards]
    return "\n".join(head) + "\n" + "\n\n".join(cards) + "\n"


def report_lines(note: Note, note_name: str) -> list[str]:
    counts: dict[str, int] = {}
    for card in note.cards:
        counts[card.kind] = counts.get(card.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "no cards"
    lines = [f"{note_name}: {len(note.cards)} cards ({summary}); {len(note.skipped)} parts skipped"]
    lines += [f"{note_name}:{s.line}: skipped: {s.reason}" for s in sorted(note.skipped, key=lambda s: s.line)]
    lines += [f"{note_name}:{s.line}: note: {s.reason}" for s in sorted(note.remarks, key=lambda s: s.line)]
    return lines


# ---- --update ------------------------------------------------------------------

MARK = re.compile(r"#.*\[([0-9a-f]{8})\]\s*$")


@dataclass
class _Entry:
    """A card already in the deck file, with where its text is."""

    data: dict
    first: int  # 0-based first line of the item
    end: int    # 0-based line after it
    mark: str | None
    claimed: bool = False

    @property
    def edited(self) -> bool:
        content = {k: v for k, v in self.data.items() if k != "id"}
        return self.mark is None or fingerprint(content) != self.mark


def _texts(value) -> set[str]:
    values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
    return {" ".join(str(v).split()) for v in values if v is not None}


def _entries(deck_text: str) -> tuple[list[_Entry], int]:
    """The deck's cards with their line spans, and the indent of its `- ` items."""
    root = yaml.compose(deck_text, Loader=yaml.SafeLoader)
    cards = next((value for key, value in getattr(root, "value", []) if key.value == "cards"), None)
    if not isinstance(cards, yaml.SequenceNode) or cards.flow_style or not cards.value:
        raise ValueError("its `cards:` must be a non-empty block list (one `- id: ...` per card)")
    lines = deck_text.split("\n")
    entries, indent = [], 2
    for item in cards.value:
        if not isinstance(item, yaml.MappingNode) or item.flow_style:
            raise ValueError(f"line {item.start_mark.line + 1}: each card must be a block mapping")
        first = item.start_mark.line
        indent = lines[first].index("-") if "-" in lines[first][:item.start_mark.column] else item.start_mark.column
        end_mark = _last_end(item)
        end = end_mark.line if end_mark.column == 0 else end_mark.line + 1
        data = yaml.safe_load("\n".join(lines[first:end]))[0]
        mark = MARK.search(lines[first])
        entries.append(_Entry(data, first, end, mark[1] if mark else None))
    return entries, indent


def _last_end(node):
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _last_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _last_end(node.value[-1])
    return node.end_mark


def _match(card: Card, entries: list[_Entry]) -> _Entry | None:
    """The deck card this generated card is: same front and back, else same front, else same back,
    else a command answer that accepts the note's command, else the same id."""
    front, back = _texts(card.front), _texts(card.back)
    free = [e for e in entries if not e.claimed and e.data.get("type", "basic") == card.type]
    for test in (lambda e: front & _texts(e.data.get("front")) and back & _texts(e.data.get("back")),
                 lambda e: front & _texts(e.data.get("front")),
                 lambda e: back & _texts(e.data.get("back")),
                 lambda e: card.type == "command" and _accepts(e.data.get("back"), back),
                 lambda e: e.data.get("id") == card.id):
        found = next((e for e in free if test(e)), None)
        if found:
            return found
    return None


def _accepts(expected, commands: set[str]) -> bool:
    """Would the deck card's answer accept the note's command (placeholders, flag order...)?"""
    from quiz.checking import compare

    if not expected or not isinstance(expected, (str, list)):
        return False
    try:
        return any(compare(expected, command, kind="command").correct for command in commands)
    except ValueError:
        return False


def update(deck_text: str, note: Note, note_name: str) -> tuple[str, list[str]]:
    """Merge a freshly generated note into an existing deck's text; returns (new text, report).

    Ids of matched cards are kept; cards still as generated are refreshed; edited
    ones are left as they are; new cards are appended; nothing is removed.
    """
    entries, indent = _entries(deck_text)
    lines = deck_text.split("\n")
    report: list[str] = []
    replace: dict[int, tuple[int, str]] = {}
    new: list[Card] = []
    for card in note.cards:
        entry = _match(card, entries)
        if entry is None:
            new.append(card)
            continue
        entry.claimed = True
        card.id = entry.data["id"]
        content = {k: v for k, v in entry.data.items() if k != "id"}
        if content == card.content():
            continue
        if entry.edited:
            report.append(f"kept your edits: {card.id} (the note's version, line {card.line}: {_first(card.back)[:60]})")
        else:
            replace[entry.first] = (entry.end, card_yaml(card.id, card.content(), marker(note_name, card), indent))
            report.append(f"updated from the note: {card.id}")
    for card in new:
        card.id = ""  # ids given at generation may be taken in this deck
    assign_ids(new, {str(e.data.get("id")) for e in entries})
    report += [f"added: {card.id} ({note_name}:{card.line})" for card in new]
    for entry in entries:
        if not entry.claimed and entry.mark:
            report.append(f"no longer in the note, kept (delete it by hand to retire it): {entry.data['id']}")
    hand = sum(1 for e in entries if not e.claimed and not e.mark)
    if hand:
        report.append(f"kept {hand} card{'s' * (hand != 1)} written by hand")
    out, index = [], 0
    last_end = entries[-1].end
    while index < len(lines):
        if index in replace:
            end, text = replace[index]
            out.append(text)
            index = end
        else:
            out.append(lines[index])
            index += 1
        if index == last_end and new:
            out += [line for card in new
                    for line in ("", card_yaml(card.id, card.content(), marker(note_name, card), indent))]
    return "\n".join(out), report


# ---- files ------------------------------------------------------------------------


def check_and_write(text: str, path, temp_dir=None) -> None:
    """Write a deck only if it passes the deck checks (as `quiz lint`); path None checks only.

    The text goes to a temporary file next to the target first, so a reader
    never sees half a deck, and a deck that fails the checks is never written.
    """
    import os
    import tempfile
    from pathlib import Path

    from quiz.decks import load_deck
    from quiz.errors import DeckError, Problem

    folder = Path(path).resolve().parent if path else temp_dir
    handle, temp = tempfile.mkstemp(suffix=".yaml", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        try:
            load_deck(temp)
        except DeckError as error:
            where = str(path or "generated deck")
            raise DeckError([Problem(where, p.line, p.column, p.message) for p in error.problems]) from None
        if path:
            os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def deck_name_for(stem: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", stem.lower())) or "notes"


STARTER = """\
# A starter deck: every card type, with comments. Check it with `quiz lint {path}`,
# load it with `quiz import {path}`, then `quiz review {name}`.
# Progress follows each card's id: edit texts freely, but keep the ids.

deck: {name}                 # lowercase words joined by hyphens; do not rename once in use
title: {title}
lang: en                     # the language of plain-string texts (en, zh, pt-BR...)
description: What this deck is about, in a sentence.

# settings:                  # optional; anything left out uses the defaults
#   new_per_day: 20
#   desired_retention: 0.9

cards:
  # basic (the default type): front asks, back answers.
  - id: what-is-a-deck
    front: What is a deck in quiz?
    back: One YAML file of cards; progress follows each card's id.
    note: Shown after you answer, for background and pitfalls.   # optional
    tags: [basics]                                               # optional
    source: https://example.org/where-this-came-from             # optional

  # reversed: two cards, front -> back and back -> front.
  - id: term-fsrs
    type: reversed
    front: FSRS
    back: The scheduling algorithm that decides when each card comes back

  # cloze: hide each {{{{c1::...}}}}; one card per number, an optional ::hint.
  - id: cloze-example
    type: cloze
    text: Cards are kept in {{{{c1::YAML}}}} files and reviewed with {{{{c2::quiz review::a command}}}}.

  # command: type the command line for the task. A <placeholder> accepts any
  # single argument; list several lines when really different commands all count.
  - id: list-files
    type: command
    front: List every file in the current directory, hidden ones included
    back:
      - ls -a
      - ls -A

  # Any text can be given in several languages instead of one string.
  - id: bilingual-example
    front:
      en: Which command checks a deck file?
      zh: 哪个命令检查牌组文件？
    back: quiz lint
"""


def starter_deck(name: str, path: str) -> str:
    title = name.replace("-", " ").capitalize()
    return STARTER.format(name=name, title=title, path=path)
