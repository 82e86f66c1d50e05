"""What the notes hold in Anki: the note types (with the typed-answer Command type), each
field as HTML (cloze text made safe for Anki's parser), and the stable identities that
let a newer export update the notes Anki already has."""

from __future__ import annotations

import hashlib
import html
import re

from quiz.model import CLOZE_OPENING, CardKind, accepted_answers, localize

# Constant ids (in genanki's range): re-exports must name the same note types.
MODEL_IDS = {
    CardKind.BASIC: 1_607_392_319,
    CardKind.REVERSED: 1_607_392_320,
    CardKind.CLOZE: 1_607_392_321,
    CardKind.COMMAND: 1_607_392_322,
    CardKind.KEYS: 1_607_392_323,
}
MODEL_NAMES = {
    CardKind.BASIC: "quiz: Basic",
    CardKind.REVERSED: "quiz: Basic (and reversed card)",
    CardKind.CLOZE: "quiz: Cloze",
    CardKind.COMMAND: "quiz: Command",
    CardKind.KEYS: "quiz: Keys",
}
CSS = """\
.card { font-family: sans-serif; font-size: 20px; line-height: 1.5; text-align: left; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
.also { margin-top: .8em; }
.note { margin-top: 1em; font-size: 16px; color: #666; }
.nightMode .note { color: #aaa; }
"""
NOTE_BLOCK = '\n\n{{#Note}}<div class="note">{{Note}}</div>{{/Note}}'


# -- note types and fields ---------------------------------------------------------------


def note_type(kind: CardKind):
    import genanki

    if kind is CardKind.CLOZE:
        fields = ["Text", "Note"]
        templates = [("Cloze", "{{cloze:Text}}", "{{cloze:Text}}" + NOTE_BLOCK)]
    elif kind in (CardKind.COMMAND, CardKind.KEYS):
        fields = ["Front", "Back", "Also", "Note"]
        answer = '{{Front}}\n\n<hr id="answer">\n\n{{type:Back}}\n\n{{#Also}}<div class="also">{{Also}}</div>{{/Also}}'
        templates = [("Command", "{{Front}}\n\n{{type:Back}}", answer + NOTE_BLOCK)]
    else:
        fields = ["Front", "Back", "Note"]
        templates = [("Card 1", "{{Front}}", '{{FrontSide}}\n\n<hr id="answer">\n\n{{Back}}' + NOTE_BLOCK)]
        if kind is CardKind.REVERSED:
            templates.append(("Card 2", "{{Back}}", '{{FrontSide}}\n\n<hr id="answer">\n\n{{Front}}' + NOTE_BLOCK))
    return genanki.Model(
        MODEL_IDS[kind],
        MODEL_NAMES[kind],
        fields=[{"name": name} for name in fields],
        templates=[{"name": name, "qfmt": front, "afmt": back} for name, front, back in templates],
        css=CSS,
        model_type=genanki.Model.CLOZE if kind is CardKind.CLOZE else genanki.Model.FRONT_BACK,
    )


def note_fields(kind: CardKind, content: dict, lang: str, deck_lang: str) -> list[str]:
    """The note's fields as HTML, in the learner's language."""

    def text(name: str) -> str:
        return text_html(localize(content.get(name), lang, deck_lang))

    if kind is CardKind.CLOZE:
        return [cloze_html(localize(content.get("text"), lang, deck_lang)), text("note")]
    if kind in (CardKind.COMMAND, CardKind.KEYS):
        answers = accepted_answers(content["back"], lang, deck_lang)
        also = "<br>".join(code_html(answer) for answer in answers[1:])
        return [text("front"), code_html(answers[0]), also, text("note")]
    return [text("front"), text("back"), text("note")]


def text_html(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or "\n" in text:
        return html.escape(text, quote=False).replace("\n", "<br>")
    return text  # most text has nothing to escape: the scans take half the escaping's time (measured)


def code_html(command: str) -> str:
    return f"<code>{html.escape(command, quote=False)}</code>"


def cloze_html(text: str) -> str:
    """Cloze text as HTML; braces and "::" inside a deletion become character references,
    because Anki ends a deletion at the first "}}" (think `--format '{{.Names}}'`)."""
    out, position = [], 0
    while (match := CLOZE_OPENING.search(text, position)) is not None:
        end = _cloze_end(text, match.end())
        if end is None:
            break  # an unclosed deletion stays plain text
        out.append(text_html(text[position : match.start()]))
        answer, _, hint = _split_hint(text[match.end() : end])
        body = _cloze_safe(answer) + (f"::{_cloze_safe(hint)}" if hint else "")
        out.append(f"{{{{c{match[1]}::{body}}}}}")
        position = end + 2
    out.append(text_html(text[position:]))
    return "".join(out)


def _cloze_end(text: str, start: int) -> int | None:
    """Where the deletion opened before `start` closes, counting nested {{ }} pairs."""
    depth, index = 0, start
    while index < len(text) - 1:
        pair = text[index : index + 2]
        if pair == "{{":
            depth += 1
            index += 2
        elif pair == "}}":
            if depth == 0:
                return index
            depth -= 1
            index += 2
        else:
            index += 1
    return None


def _split_hint(body: str) -> tuple[str, str, str]:
    """answer::hint, splitting at the first "::" outside nested braces."""
    depth = 0
    for index in range(len(body) - 1):
        pair = body[index : index + 2]
        if pair == "{{":
            depth += 1
        elif pair == "}}":
            depth = max(0, depth - 1)
        elif pair == "::" and depth == 0:
            return body[:index], "::", body[index + 2 :]
    return body, "", ""


def _cloze_safe(text: str) -> str:
    return text_html(text).replace("{", "&#123;").replace("}", "&#125;").replace(":", "&#58;")


def plain_text(field_html: str) -> str:
    if "<" not in field_html and "&" not in field_html:
        return field_html
    return html.unescape(re.sub(r"<[^>]*>", " ", field_html)).strip()


# -- identities -------------------------------------------------------------------------


BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


BASE91_PAIRS = [a + b for a in BASE91 for b in BASE91]  # two digits at a time
PAIR = len(BASE91_PAIRS)
PAIR_2, PAIR_3, PAIR_4 = PAIR**2, PAIR**3, PAIR**4


def note_guid(deck: str, key: str) -> str:
    """Stable across exports: Anki finds the note again by it.

    genanki's guid_for("quiz", deck, key): a 64-bit SHA-256 prefix in Anki's base 91,
    without leading zero digits. 91^10 > 2^64, so five pairs of digits hold any prefix.
    """
    number = int.from_bytes(hashlib.sha256(f"quiz__{deck}__{key}".encode()).digest()[:8], "big")
    first, number = divmod(number, PAIR_4)
    second, number = divmod(number, PAIR_3)
    third, number = divmod(number, PAIR_2)
    fourth, fifth = divmod(number, PAIR)
    pairs = BASE91_PAIRS
    return (pairs[first] + pairs[second] + pairs[third] + pairs[fourth] + pairs[fifth]).lstrip(BASE91[0])


def _stable_id(*parts: str) -> int:
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return (1 << 40) + int.from_bytes(digest[:5], "big")  # never Anki's Default (1), fits a JS number


def anki_deck_id(deck: str) -> int:
    return _stable_id("quiz deck", deck)


def preset_id(deck: str) -> int:
    return _stable_id("quiz preset", deck)
