"""Markdown notes -> cards: a walk over the note's blocks that turns each into cards or a
reported skip (see quiz.notes for the rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quiz.deckvalues import MAX_TEXT
from quiz.i18n import N_
from quiz.notes.blocks import BARE_URL, INLINE_LINK, REF_LINK, Block, plain, read_note
from quiz.notes.cards import Card, Note, Skipped, assign_ids, first_answer
from quiz.notes.code import code_cards, command_count, item_card, table_cards
from quiz.notes.commands import has_prompts, unnamed_values
from quiz.notes.questions import CJK, beside, question
from quiz.notes.tldr import from_tldr, is_tldr_page

END_PUNCT = tuple(".。:：;；!！?？,，")
CALLOUT = re.compile(r"\s*\[![\w-]+\][+-]?\s*(.*?)\s*$")  # > [!tip]- Title (Obsidian's, GitHub's)
WARNING_PREFIX = re.compile(r"^(?:注意|警告|提示|note|warning|caution|important|tip)\s*[:：]\s*", re.I)
SHORT_TITLE = 30  # longest line that still reads as a title
CONCEPT_BUDGET = 300  # characters of prose kept on a concept card before trimming


@dataclass
class _Section:
    title: str
    line: int
    urls: list[str]
    link_lines: list[int] = field(default_factory=list)
    prose: list[Block] = field(default_factory=list)
    open: bool = True  # prose right after the title belongs to it
    carded: bool = False
    parent: _Section | None = None  # the heading above a bullet sub-heading
    intro: bool = False  # the note's own title (its first heading, alone at level 1): its prose introduces it


def note_language(text: str) -> str:
    """zh when Chinese characters are a noticeable share of the letters, else en."""
    letters = sum(ch.isalpha() for ch in text)
    return "zh" if letters and len(CJK.findall(text)) / letters > 0.1 else "en"


def generate(text: str, fallback_title: str = "notes") -> Note:
    note = from_tldr([text]) if is_tldr_page(text) else _from_markdown(text, fallback_title)
    return _within_limits(note, fallback_title)


def _within_limits(note: Note, fallback_title: str) -> Note:
    """The note without what a deck may not hold (quiz.deckvalues.MAX_TEXT), each card left out
    listed: what quiz generate writes must pass quiz lint."""
    kept = []
    for card in note.cards:
        backs = [card.back] if isinstance(card.back, str) else list(card.back)
        texts = [card.front, card.source or "", *backs]
        if max(len(text) for text in texts) > MAX_TEXT:
            reason = N_("a card with a text over {limit} characters: too long")
            note.skipped.append(Skipped.saying(card.line, reason, limit=f"{MAX_TEXT:,}"))
        elif not card.front.strip() or not all(back.strip() for back in backs):  # U+0085 alone, say
            note.skipped.append(Skipped.saying(card.line, N_("a card with an empty front or back")))
        else:
            kept.append(card)
    note.cards = kept
    if len(note.title) > MAX_TEXT:
        note.title = fallback_title
    return note


def _from_markdown(text: str, fallback_title: str) -> Note:
    front_matter, blocks, refs = read_note(text.replace("\r\n", "\n"))
    unread = front_matter.pop("", None)
    prose_text = "\n".join(" ".join(b.lines) for b in blocks if b.kind != "code")
    title = str(front_matter.get("title") or "").strip()
    if not title:
        headings = (plain(b.lines[0], refs)[0] for b in blocks if b.kind == "heading")
        title = next((heading for heading in headings if heading), fallback_title)
    note = Note(title, note_language(prose_text))
    if unread:
        reason = N_("front matter not read ({problem}): its title is not used")
        note.skipped.append(Skipped.saying(1, reason, problem=unread))
    _Walker(note, blocks, refs).walk()
    for card in note.cards:
        if card.kind == "command":
            name_values(card, note.lang)
    note.cards.sort(key=lambda card: card.line)
    assign_ids(note.cards, set())
    return note


def name_values(card: Card, lang: str) -> None:
    """Make the front name what the back needs typed: "Start a named session: work"."""
    values = unnamed_values(first_answer(card.back), card.front)
    if values:
        colon = "" if card.front.endswith((":", "：")) else "：" if lang == "zh" else ":"
        # a sentence's period goes ("in examples: foo", not "in examples.: foo"); an ellipsis stays
        front = card.front if colon == "" else re.sub(r"(?<![.。])[.。]$", "", card.front)
        card.front = f"{front}{colon}{'' if lang == 'zh' else ' '}{' '.join(values)}"


class _Walker:
    """Walks the blocks once, keeping the section that prose and warnings belong to."""

    def __init__(self, note: Note, blocks: list[Block], refs: dict[str, str]):
        self.note, self.blocks, self.refs = note, blocks, refs
        self.section: _Section | None = None
        self.heading: _Section | None = None  # the last real heading, whose links sub-headings share
        self.last_command: Card | None = None
        headings = [(k, b.level) for k, b in enumerate(blocks) if b.kind == "heading"]
        level_one = [k for k, level in headings if level == 1]
        # the note's title: its first heading, when it is its only one at level 1
        self.title_at = headings[0][0] if headings and level_one == [headings[0][0]] else -1

    def walk(self) -> None:
        for index, block in enumerate(self.blocks):
            getattr(self, f"on_{block.kind}")(index, block)
        self.close_section()
        self.close_heading()

    def skip(self, line: int, reason: str, lines: int = 1, **values: object) -> None:
        """Report a part left out: `reason` marked N_(), its {names} filled with `values`."""
        self.note.skipped.append(Skipped.saying(line, reason, lines, **values))

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
            self.skip(line, N_('link under "{title}" kept by no card (no card in that section)'), title=section.title)

    def close_section(self) -> None:
        section = self.section
        if section is None:
            return
        if section.prose and section.intro:
            lines = sum(len(block.lines) for block in section.prose)
            reason = N_('the introduction under the note\'s title "{title}": not a card')
            self.skip(section.prose[0].line, reason, lines, title=section.title)
        elif section.prose:
            self.add(self.concept(section))
        if section is not self.heading and not section.carded:
            self.report_links(section)
        self.section = None

    def on_heading(self, index: int, block: Block) -> None:
        title, urls = plain(block.lines[0], self.refs)
        self.start_section(title, block.line, urls)
        if self.section is not None and index == self.title_at:
            self.section.intro = True

    def on_item(self, index: int, block: Block) -> None:
        card = item_card(block, self.refs)
        if card is not None:  # - `tmux ls` — list sessions
            card.source = self.source([])
            self.add(card)
            return
        text, urls = plain(block.lines[0], self.refs)
        after = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
        # a lone short bullet is a sub-heading; one of a link, only with prose under it (else
        # it is the link of the text above: `[Kitematic][1]` heads its paragraphs, `<https://...>` not)
        titled = not urls or (after is not None and after.kind == "para")
        if self.lone_item(index) and titled and len(text) <= SHORT_TITLE and not text.endswith(END_PUNCT):
            self.start_section(text, block.line, urls, sub=True)
        elif self.section and self.section.open and self.section.prose:
            self.section.prose.append(block)
        else:
            self.skip(block.line, N_("list item outside a heading's prose: {text}"), text=text[:40])

    def lone_item(self, index: int) -> bool:
        block = self.blocks[index]
        before = self.blocks[index - 1] if index else None
        after = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
        return not (before and before.kind == "item" and before.end == block.line - 1) and not (
            after and after.kind == "item" and after.line == block.end + 1
        )

    def on_para(self, index: int, block: Block) -> None:
        if self.intro_of(index):
            return  # on_code uses it
        texts = [plain(line, self.refs) for line in block.lines]
        if not any(text or urls for text, urls in texts):  # Obsidian's #tags or embeds alone: no words
            return
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
            assert self.section is not None  # the one just started
            self.section.prose.append(Block("para", block.line + 1, block.lines[1:]))
            self.section.open = False
        else:
            reason = N_("paragraph with no heading of its own (give it one to make a card): {text}")
            self.skip(block.line, reason, len(block.lines), text=texts[0][0][:40])

    def links(self, block: Block, urls: list[str]) -> None:
        if self.section is None:
            self.skip(block.line, N_("links before any heading"))
            return
        self.section.urls += urls
        self.section.link_lines.append(block.line)

    def terms(self, block: Block, texts: list[tuple[str, list[str]]]) -> bool:
        """A paragraph of short `term  description` lines: reversed cards; bare terms are reported."""
        if len(block.lines) < 2 or any(len(t) > 40 or t.endswith(END_PUNCT) for t, _ in texts):
            return False
        split = [re.split(r"\s{2,}|\s+[-–—]\s+|\s*[:：]\s+", t, maxsplit=1) for t, _ in texts]
        pairs = [[part.strip() for part in pair if part.strip()] for pair in split]  # "- x" has no term
        if not any(len(pair) == 2 for pair in pairs):
            return False
        for offset, pair in enumerate(pairs):
            if len(pair) == 2:
                self.add(Card("term", block.line + offset, pair[0], pair[1], self.source([]), pair[0]))
            else:
                self.skip(block.line + offset, N_("term without a description: {term}"), term=texts[offset][0][:40])
        return True

    def concept(self, section: _Section) -> Card:
        kept: list[str] = []
        size, lang = 0, self.note.lang
        joiner = "\n" if lang == "zh" else " "  # Chinese lines are seldom hard-wrapped
        for block in section.prose:
            text = joiner.join(plain(line, self.refs)[0] for line in block.lines)
            text = f"• {text}" if block.kind == "item" else text
            joins_list = (
                block.kind == "item" and kept and (kept[-1].endswith(END_PUNCT[2:4]) or kept[-1].startswith("•"))
            )
            if kept and size + len(text) > CONCEPT_BUDGET and not joins_list:
                reason = N_('left off the card "{title}" to keep it short')
                self.note.remarks.append(Skipped.saying(block.line, reason, title=section.title))
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
        if (
            block.kind != "para"
            or len(block.lines) != 1
            or after is None
            or after.kind != "code"
            or after.line - block.end > 2
        ):
            return False
        text = block.lines[0].strip()
        transcript = has_prompts(after.lang, after.lines)
        first_comment = after.lines[0].lstrip().startswith("#") and not transcript
        lone_command = command_count(after) == 1 and not first_comment
        return text.endswith((":", "：")) or (lone_command and len(text) <= 80) or _is_title(text)

    def intro(self, index: int) -> str | None:
        before = index - 1
        if before < 0 or not self.intro_of(before):
            return None
        text = plain(self.blocks[before].lines[0], self.refs)[0]
        code = self.blocks[index]
        # a comment above the command is its front; one under it, a remark (the card's note)
        first = next((line.lstrip() for line in code.lines if line.strip()), "")
        commented = not has_prompts(code.lang, code.lines) and first.startswith("#")
        if commented or command_count(code) != 1:
            remark = N_("read as the introduction of the code below: {text}")
            self.note.remarks.append(Skipped.saying(self.blocks[before].line, remark, text=text[:40]))
            return None
        return text.rstrip(":：")

    def on_table(self, index: int, block: Block) -> None:
        if self.section:
            self.section.open = False
        for card in table_cards(block, self.note, self.refs):
            card.source = self.source([])
            self.add(card)

    def on_html(self, index: int, block: Block) -> None:
        self.skip(block.line, N_("HTML, not read: {html}"), len(block.lines), html=block.lines[0].strip()[:40])

    def on_quote(self, index: int, block: Block) -> None:
        lines = [line for line in block.lines if line.strip()]
        callout = CALLOUT.match(lines[0]) if lines else None
        if callout:  # Obsidian's `> [!warning] Title`: the title leads, the marker goes
            title = [f"{callout[1]}:" if lines[1:] else callout[1]] if callout[1] else []
            lines = [*title, *lines[1:]]
        text = " ".join(plain(line, self.refs)[0] for line in lines)
        if not text:
            return
        if self.section:
            self.section.open = False
        previous = self.blocks[index - 1] if index else None
        right_after = (
            previous is not None
            and previous.kind == "code"
            and self.last_command is not None
            and self.last_command.line > previous.line
            and command_count(previous) == 1
        )
        about = (
            f"`{first_answer(self.last_command.back)}`"
            if right_after and self.last_command is not None
            else (self.section.title if self.section else self.note.title)
        )
        lang = self.note.lang
        front = beside(about, "有什么要注意的？") if lang == "zh" else f"What should you watch out for with {about}?"
        back = WARNING_PREFIX.sub("", text)
        if not back.strip():
            self.skip(block.line, N_('"{text}" with nothing to watch out for: not a card'), text=text)
            return
        if self.note.lang == "en":
            back = back[:1].upper() + back[1:]
        last = self.note.cards[-1] if self.note.cards else None
        if previous is not None and previous.kind == "quote" and last is not None and last.kind == "warning":
            assert isinstance(last.back, str)  # a warning's back is its text
            last.back += "\n" + back  # consecutive warnings make one card
            return
        self.add(Card("warning", block.line, front, back, self.source(BARE_URL.findall(text)), f"warning {about}"))


def _only_links(line: str) -> bool:
    rest = BARE_URL.sub("", REF_LINK.sub("", INLINE_LINK.sub("", line)))
    return not rest.strip(" *-")


def _is_title(text: str) -> bool:
    return 0 < len(text) <= SHORT_TITLE and not text.endswith(END_PUNCT)
