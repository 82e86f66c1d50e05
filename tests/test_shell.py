"""The one tokenizer: the checker's words, and the review's highlighter colouring the same words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.document import Document

from quiz.checking.shell import spans, tokenise
from quiz.review.keys import ShellLexer


def highlighted(line: str) -> list[tuple[str, str]]:
    return ShellLexer().lex_document(Document(line))(0)


def test_a_redirection_of_a_descriptor_is_one_operator_for_both():
    line = "docker logs web 2>&1 | grep -i error"
    assert [word.raw for word in tokenise(line) if word.operator] == ["2>&1", "|"]
    assert ("class:sh.operator", "2>&1") in highlighted(line)
    assert ("class:sh.command", "grep") in highlighted(line)  # a command again after the pipe


def test_what_the_highlighter_colours():
    assert highlighted("sudo usermod -aG docker <user> > log 'a b'") == [
        ("class:sh.command", "sudo"),
        ("", " "),
        ("", "usermod"),
        ("", " "),
        ("class:sh.option", "-aG"),
        ("", " "),
        ("", "docker"),
        ("", " "),
        ("class:sh.placeholder", "<user>"),
        ("", " "),
        ("class:sh.operator", ">"),
        ("", " "),
        ("", "log"),
        ("", " "),
        ("class:sh.string", "'a b'"),
    ]


SHELLISH = st.text(alphabet=st.sampled_from(list("ab -'\"\\<>|&;()2=.中")), max_size=30)


@given(SHELLISH)
def test_the_highlighter_colours_exactly_the_checkers_words(line):
    fragments = highlighted(line)
    assert "".join(text for _, text in fragments) == line  # nothing typed is lost or doubled
    assert [text for style, text in fragments if text.strip()] == [
        word.raw for word in tokenise(line) if word.raw.strip()
    ]


@given(SHELLISH)
def test_spans_cover_the_line(line):
    assert "".join(text for _, text in spans(line)) == line
