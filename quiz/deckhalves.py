"""A large deck file read in two processes at once: its cards' second half by a forked child,
on the machine's second core, while this process reads the rest (quiz.deckfile.Reader).

The file is cut before an item of its `cards:` list: a line at the items' indentation that
starts with "- ". In a block list no quoted text, flow collection or block text of an
item can hold such a line without being cut off unfinished, which libyaml reports; the
child reads the second half as a document of its own, `cards:` and the items below the same
number of lines, so every line number is the file's. The two halves are taken only where
each read found no problem, the cards' ids are unique across them and the deck's limits
hold for both together; otherwise, and wherever a child cannot be forked, the file is read
whole, as it always is below SPLIT_AT, and the problems are worded from that reading.

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
_TOP_LEVEL = re.compile(r"\n[^\s#-]")  # a line that starts at the left edge, neither a comment nor an item
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
    HEAD_SHARE of the text, when nothing but its items follows that line; else None."""
    if len(text) < SPLIT_AT or "\r" in text or unicode_breaks(text):
        return None  # line ends that the child's line numbers would not count as the file's
    found = _CARDS.search(text)
    if found is None:
        return None
    item = re.compile(rf"^{found[1]}-[ \n]", re.MULTILINE)
    at = item.search(text, max(found.end(), int(len(text) * HEAD_SHARE)))
    if at is None or _TOP_LEVEL.search(text, found.end()):  # a key after the cards, or amid them
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
    if found is None or head.problems or head.unlisted or items is None:
        return None
    cards, first_line, held, tail_items = found
    held += head.held
    if first_line.keys() & head.first_line.keys() or len(head.cards) + len(cards) > MAX_CARDS or held > MAX_HELD:
        return None  # a card id in both halves, or the deck over a limit: the whole reading says where
    before = len(items)  # the head's items: the tail's positions follow them
    shifted = [
        CardSpec(key, ord, kind, content, tags, position + before, line)
        for key, ord, kind, content, tags, position, line in cards
    ]
    items.extend([None] * tail_items)
    reader.cards, reader.first_line, reader.held = head.cards + shifted, head.first_line | first_line, held
    return root


def _items(root: Node | None) -> list | None:
    """The item list of the root's `cards:` (as read: a None an item), or None."""
    if not isinstance(root, Map):
        return None
    cards = [value for key, value in root.pairs if isinstance(key, Scalar) and key.value == "cards"]
    return cards[0].items if len(cards) == 1 and isinstance(cards[0], Seq) else None
