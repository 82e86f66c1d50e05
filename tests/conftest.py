"""Every test gets its own collection file; the learner's real directories are never touched."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz import app


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "quiz.db"


@pytest.fixture
def engine(db_path):
    """A fresh collection at the current schema, without the bundled decks."""
    engine = app.open_collection(str(db_path), with_bundled=False)
    yield engine
    engine.dispose()


@pytest.fixture
def write_deck(tmp_path):
    """Write a deck file from an indented YAML string; returns its path."""

    def write(text: str, name: str = "deck.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
