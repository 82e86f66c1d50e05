"""The review screen (the only prompt_toolkit user): screen.py runs the loop, render.py
says what is printed, keys.py holds the key bindings, the lexer and the toolbar,
words.py the screen's own words in the learner's language."""

from quiz.review.screen import run

__all__ = ["run"]
