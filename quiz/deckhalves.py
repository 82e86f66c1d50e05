"""A large deck file read in two processes at once: its cards' second half by a forked child,
on the machine's second core, while this process reads the rest (quiz.deckfile.Reader).

The file is cut before an item of its `cards:` list: a line at the items' indentation that
starts with "- ". In a block list no quoted text, flow collection or block text of an
item can hold such a line without being cut off unfinished, which libyaml reports; the
child reads the second half as a document of its own, `cards:` and the items below the same
number of lines, so every line number is the file's. The child's half is taken only where
neither read found a problem, the cards' ids are unique across the halves and the deck's
limits hold for both together. Where a problem was found, the first half's reading is the
whole file's up to the cut and the rest is read on from it here, each problem worded as the
whole reading words it; where the first half is not read to its end (a syntax error: the cut
inside something unfinished, maybe), and wherever no child is forked (below SPLIT_AT, off
Linux, with threads running), the file is read whole.

benchmarks/run.py's 100k-card deck (12 MB), medians of 9 alternating: loaded in 0.97 s, not
1.57 (quiz.decks.load_decks, on a machine with a second core free). HEAD_SHARE: with half the
text here, 1.06 s; with 56%, 1.14.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import sys
import threading
from typing import TYPE_CHECKING

from quiz.model import CardSpec
from quiz.plumbing.yamlnodes import Map, Node, Scalar, Seq
from quiz.plumbing.yamlread import Reported, read, unicode_breaks

if TYPE_CHECKING:
    from quiz.deckfile import Reader

# Characters: a smaller file is read whole, the halves would save it a few ms (benchmarks/run.py's
# deck of 2k cards, 0.23 MB: 23 ms against 29; of 8k, 0.95 MB: 80 against 114; medians of 5)
SPLIT_AT = 500_000
HEAD_SHARE = 0.53  # of the text read here: the child also pickles its cards, this process unpickles them
_CARDS = re.compile(r"^cards:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)-[ \n]", re.MULTILINE)


def read_deck(reader: Reader, text: str) -> Node | None:
    """The document's root as yamlread.read gives it, `reader` checking and keeping its cards."""
    cut = _cut(text)
    if cut is not None and sys.platform.startswith("linux") and threading.active_count() == 1:
        root = _in_halves(reader, text, cut)
        if root is not None:
            return root
    return read(text, reader.report, "cards", reader.card, reader.known_card)


def _cut(text: str) -> int | None:
    """Where the second half begins: the first item of the top-level `cards:` after
    HEAD_SHARE of the text, when nothing but its items (and comments) follows that line:
    no key, no document's end or second document; else None."""
    if len(text) < SPLIT_AT or "\r" in text or unicode_breaks(text):
        return None  # line ends that the child's line numbers would not count as the file's
    found = _CARDS.search(text)
    if found is None:
        return None
    indent = found[1]
    item = re.compile(rf"^{indent}-[ \n]", re.MULTILINE)
    at = item.search(text, max(found.end(), int(len(text) * HEAD_SHARE)))
    # a key after the cards or amid them, or a document's end or a second one (--- or ...)
    left_edge = re.compile(r"\n(?!- |-\n)[^\s#]" if indent == "" else r"\n[^\s#]")
    if at is None or left_edge.search(text, found.end()):
        return None
    return at.start()


def _in_halves(reader: Reader, text: str, cut: int) -> Node | None:
    """The root of the file read as two halves, their cards given to `reader`; None where the
    halves cannot be taken for the whole (`reader` is then as it was)."""
    from quiz.deckfile import MAX_CARDS, MAX_HELD, Reader

    lines_before = text.count("\n", 0, cut)
    tail_text = "\n" * (lines_before - 1) + "cards:\n" + text[cut:]
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its half's cards, or None, and nothing else of this process
        os.close(readable)
        try:
            tail = Reader(reader.path)
            items = _items(read(tail_text, tail.report, "cards", tail.card, tail.known_card))
            found = None
            if not (tail.problems or tail.unlisted or items is None):
                cards = [(c.key, c.ord, c.kind, c.content, c.tags, c.position, c.line) for c in tail.cards]
                found = (cards, tail.first_line, tail.held, len(items))
            data = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)  # whole, while the head is read
            with os.fdopen(writable, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(writable)
    head, data = Reader(reader.path), b""
    try:
        with os.fdopen(readable, "rb") as result:
            root = read(text[:cut], head.report, "cards", head.card, head.known_card)
            data = result.read()  # all of it: the child has written it whole
    except Reported:  # a problem in the head: the whole reading words it
        root = None
    finally:
        if not data:  # its half is not needed (a problem here, or Ctrl-C): the child is stopped
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    found = pickle.loads(data) if data else None
    items = _items(root)
    if items is None:  # a syntax error in the head (the cut inside something unfinished, maybe)
        return None
    if found is not None and not (head.problems or head.unlisted):
        cards, first_line, held, tail_items = found
        held += head.held
        clash = first_line.keys() & head.first_line.keys()
        if not clash and len(head.cards) + len(cards) <= MAX_CARDS and held <= MAX_HELD:
            before = len(items)  # the head's items: the tail's positions follow them
            shifted = [
                CardSpec(key, ord, kind, content, tags, position + before, line)
                for key, ord, kind, content, tags, position, line in cards
            ]
            items.extend([None] * tail_items)
            reader.cards, reader.first_line, reader.held = head.cards + shifted, head.first_line | first_line, held
            return root
    # A problem somewhere: the head was read as the whole file reads it, the tail is read on from
    # it here, so that each problem is worded as then (a card's number, the line of an id given
    # before). `quiz lint` of a 100k-card deck with one problem in its second half: 1.81 s, not 2.62
    # read in halves and then whole (medians of 3, alternating); the deck without it, 1.17 s.
    try:
        rest = _items(read(tail_text, head.report, "cards", head.card, head.known_card, len(items)))
    except Reported:
        _take(reader, head)
        raise
    if rest is None:
        return None
    items.extend(rest)
    _take(reader, head)
    return root


def _take(reader: Reader, head: Reader) -> None:
    """`reader` as `head` has read the file: the cards and problems it found, and its limits' counts."""
    for name in ("cards", "first_line", "held", "full", "problems", "unlisted", "unlisted_at"):
        setattr(reader, name, getattr(head, name))


def _items(root: Node | None) -> list | None:
    """The item list of the root's `cards:` (as read: a None an item), or None."""
    if not isinstance(root, Map):
        return None
    cards = [value for key, value in root.pairs if isinstance(key, Scalar) and key.value == "cards"]
    return cards[0].items if len(cards) == 1 and isinstance(cards[0], Seq) else None
