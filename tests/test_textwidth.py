"""Widths in terminal cells, against an oracle written from the Unicode data alone."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from quiz.plumbing.textwidth import clip, display_width, pad


def cells(text: str) -> int:
    """Wide and fullwidth characters take two cells; combining marks and format characters
    (zero-width space, joiners) none; the rest one."""
    total = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue
        total += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return total


def test_accents_zero_width_and_cjk():
    assert display_width("cafe\u0301") == 4  # NFD: the accent is a second code point, no cell of its own
    assert display_width("a\u200bb") == 2  # a zero-width space
    assert display_width("中文 docker") == 11
    assert display_width("ＡＢ") == 4  # fullwidth letters


# (A joiner is left out: wcwidth reads what follows it as part of an emoji sequence.)
TEXT = st.text(alphabet=st.sampled_from(list("aé中文Ａ \u0301\u0308\u200b\u2060")), max_size=30)


@given(TEXT)
def test_the_width_is_the_unicode_datas(text):
    assert display_width(text) == cells(text)


@given(TEXT, st.integers(1, 20))
def test_clip_fits_and_pad_fills(text, width):
    clipped = clip(text, width)
    assert cells(clipped) <= width
    if cells(text) <= width:
        assert clipped == text
        assert cells(pad(text, width)) == width and pad(text, width).startswith(text)
        assert cells(pad(text, width, right=True)) == width and pad(text, width, right=True).endswith(text)
    else:
        assert clipped.endswith("…")


def test_a_line_of_help_never_ends_in_an_opening_bracket():
    from quiz.plumbing.textwidth import cjk_pieces

    assert cjk_pieces("可以退出（Ctrl-D 或") == ["可", "以", "退", "出", "（Ctrl-D ", "或"]
    assert cjk_pieces("（注释）的") == ["（注", "释）", "的"]
    assert cjk_pieces("plain text") == ["plain text"]
