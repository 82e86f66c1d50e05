"""Key sequences (vim's ``ciw``, tmux's ``Ctrl-b d``, Emacs's ``C-x C-s``), read key by
key, with no shell tokenising: ``ciw`` is the keys c, i, w; ``Ctrl-b``, ``C-b``, ``^b``,
``ctrl+B`` and ``<C-b>`` are one key, written ``C-b``; ``<Esc>``, ``Esc`` and ``Escape``
are ``Esc``. Letters keep their case (vim's ``dd`` is not ``DD``), except after Ctrl,
which a terminal cannot tell apart."""

from __future__ import annotations

import re

from quiz.checking.shell import Word

_NAMES = {
    "esc": "Esc",
    "escape": "Esc",
    "enter": "Enter",
    "return": "Enter",
    "ret": "Enter",
    "cr": "Enter",
    "tab": "Tab",
    "space": "Space",
    "spc": "Space",
    "bs": "Backspace",
    "backspace": "Backspace",
    "del": "Delete",
    "delete": "Delete",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pgup": "PageUp",
    "pagedown": "PageDown",
    "pgdn": "PageDown",
    "leader": "Leader",
    "lt": "<",
}
_MODIFIERS = {"c": "C", "ctrl": "C", "control": "C", "m": "M", "meta": "M", "alt": "M", "a": "M", "s": "S"}
_MODIFIER = r"(?:ctrl|control|meta|alt|shift|[cmas])[-+]"
_KEY = re.compile(
    rf"<(?P<bracketed>(?:{_MODIFIER})*[^<>\s]+)>"  # <C-w>, <Esc>, <leader>
    rf"|(?P<chord>(?:{_MODIFIER})+\S)(?![^\s<])"  # Ctrl-b, C-x, M-x, ctrl+shift+t
    r"|\^(?P<caret>[A-Za-z@\[\\\]^_?])"  # ^b
    r"|(?P<name>\b[A-Za-z][A-Za-z0-9]+\b)(?=\s|$)"  # Esc, Enter, F5 as words of their own
    r"|(?P<char>\S)",
    re.IGNORECASE,
)


def _chord(text: str) -> str:
    parts = re.split(r"[-+](?=.)", text)
    *modifiers, key = parts
    mods = sorted({"S" if m.lower() == "shift" else _MODIFIERS.get(m.lower(), m) for m in modifiers})
    key = _NAMES.get(key.lower(), key)
    if "C" in mods and len(key) == 1:
        key = key.lower()
    return "-".join([*mods, key])


def key_sequence(text: str) -> list[str]:
    """The keys of ``text``, each in one spelling."""
    keys = []
    for match in _KEY.finditer(text):
        kind, value = match.lastgroup, match.group(match.lastgroup or 0)
        if kind in ("bracketed", "chord"):
            keys.append(_chord(value))
        elif kind == "caret":
            keys.append("C-" + value.lower())
        elif kind == "name" and (value.lower() in _NAMES or re.fullmatch(r"[Ff]\d{1,2}", value)):
            keys.append(_NAMES.get(value.lower(), value.upper()))
        elif kind == "name":  # a word of letters: each letter a key (ciw, dd)
            keys.extend(value)
        else:
            keys.append(value)
    return keys


def key_words(text: str) -> list[Word]:
    """The keys as words for the diff; one word per key."""
    return [Word(key, key) for key in key_sequence(text)]
