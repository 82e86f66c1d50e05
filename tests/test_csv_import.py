"""quiz import csv: spreadsheets and Anki's own "Notes in Plain Text" export as deck files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from quiz.cli import cli
from quiz.plumbing.yamlread import load
from quiz.storage.schema import cards_t, decks_t
from tests import ankipackages


def run(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), "import", "csv", *args])


def deck_file(tmp_path: Path, name: str) -> dict:
    return load((tmp_path / "data" / "quiz" / "decks" / f"{name}.yaml").read_text())


def test_a_tsv_with_anki_header_lines(db_path, tmp_path):
    path = tmp_path / "words.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#tags column:3\n"
        "hola\thello<br>hi\tes greeting\n"
        "adiós\tbye&nbsp;now\tes\n"
        "{{c1::Madrid}} is the capital\t\tgeo\n",
        encoding="utf-8",
    )
    result = run(db_path, str(path), "--deck", "spanish")
    assert result.exit_code == 0, result.output
    cards = deck_file(tmp_path, "spanish")["cards"]
    assert [(card.get("type", "basic"), card.get("front") or card.get("text"), card.get("back")) for card in cards] == [
        ("basic", "hola", "hello\nhi"),
        ("basic", "adiós", "bye now"),
        ("cloze", "{{c1::Madrid}} is the capital", None),
    ]
    assert [card["tags"] for card in cards] == [["es", "greeting"], ["es"], ["geo"]]


def test_a_csv_with_a_header_row_and_quoted_commas(db_path, tmp_path):
    path = tmp_path / "capitals.csv"
    path.write_text('front,back,tags\n"Paris, France",capital,geo\n"a ""quoted"" word",b,\n', encoding="utf-8")
    assert run(db_path, str(path)).exit_code == 0
    cards = deck_file(tmp_path, "capitals")["cards"]
    assert [(card["front"], card["back"], card.get("tags")) for card in cards] == [
        ("Paris, France", "capital", ["geo"]),
        ('a "quoted" word', "b", None),
    ]


def test_columns_say_what_each_holds(db_path, tmp_path):
    path = tmp_path / "cmds.csv"
    path.write_text("x;List all containers;docker ps -a;shell\n", encoding="utf-8")
    result = run(db_path, str(path), "--columns", "-,front,back,tags", "--deck", "cmds")
    assert result.exit_code == 0, result.output
    assert deck_file(tmp_path, "cmds")["cards"] == [
        {"id": "list-all-containers", "front": "List all containers", "back": "docker ps -a", "tags": ["shell"]}
    ]


def test_a_first_row_naming_the_columns_in_other_words_is_skipped_with_header(db_path, tmp_path):
    path = tmp_path / "cheats.csv"
    path.write_text("command,meaning,tags\ngit log,show history,git\n", encoding="utf-8")
    assert run(db_path, str(path), "--deck", "plain").exit_code == 0
    assert [card["front"] for card in deck_file(tmp_path, "plain")["cards"]] == ["command", "git log"]  # a card
    assert run(db_path, str(path), "--header", "--deck", "named").exit_code == 0
    # the names it knows (tags) say what their column holds, the others are the front and back in order
    assert [(c["front"], c["back"], c.get("tags")) for c in deck_file(tmp_path, "named")["cards"]] == [
        ("git log", "show history", ["git"])
    ]
    result = run(db_path, str(path), "--header", "--columns", "back,front,-", "--deck", "chosen")
    assert result.exit_code == 0, result.output
    assert [(c["front"], c["back"]) for c in deck_file(tmp_path, "chosen")["cards"]] == [("show history", "git log")]


def test_header_and_columns_are_for_csv_files(db_path, tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", "--header", str(tmp_path / "x.yaml")])
    assert result.exit_code != 0 and "--header" in result.output and "Traceback" not in result.output


def test_importing_again_keeps_each_cards_id_and_progress(db_path, tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("hola,hello\nadiós,bye\n", encoding="utf-8")
    assert run(db_path, str(path), "--deck", "words").exit_code == 0
    ids = [card["id"] for card in deck_file(tmp_path, "words")["cards"]]
    path.write_text("hola,hello there\nadiós,bye\nsí,yes\n", encoding="utf-8")  # an edit and a new row
    result = run(db_path, str(path), "--deck", "words")
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "1 updated" in result.output
    cards = deck_file(tmp_path, "words")["cards"]
    assert [card["id"] for card in cards][:2] == ids
    assert cards[0]["back"] == "hello there"


def test_rows_of_one_front_keep_their_ids_when_imported_again(db_path, tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("hola,hello\nhola,hi\nadiós,bye\n", encoding="utf-8")
    assert run(db_path, str(path), "--deck", "words").exit_code == 0
    ids = [card["id"] for card in deck_file(tmp_path, "words")["cards"]]
    assert len(set(ids)) == 3
    again = run(db_path, str(path), "--deck", "words")
    assert (again.exit_code, again.output.splitlines()[0]) == (0, "words: unchanged"), again.output
    path.write_text("hola,hello\nhola,hi\nhola,hey\nadiós,bye\n", encoding="utf-8")
    more = run(db_path, str(path), "--deck", "words")
    assert (more.exit_code, more.output.splitlines()[0]) == (0, "words: 1 added"), more.output
    cards = deck_file(tmp_path, "words")["cards"]
    assert [card["id"] for card in cards if card["back"] != "hey"] == ids


def test_anki_notes_in_plain_text(db_path, tmp_path):
    """Anki's own text export (guid, note type, deck and tags columns; HTML): the notes as cards, each
    with its note's GUID, cloze notes as cloze cards, typed-answer ones as command cards."""
    collection = ankipackages.new_collection(tmp_path / "anki" / "collection.anki2")
    ankipackages.add_sample_notes(collection)
    exported = tmp_path / "notes.txt"
    with ankipackages.opened(collection) as col:
        from anki.collection import DeckIdLimit

        col.export_note_csv(
            out_path=str(exported),
            limit=DeckIdLimit(col.decks.id_for_name("Shell")),
            with_html=True,
            with_tags=True,
            with_deck=True,
            with_notetype=True,
            with_guid=True,
        )
        notes = {
            note.guid: (col.models.get(note.mid)["name"], note.fields, note.tags)
            for note in (col.get_note(nid) for nid in col.find_notes('"deck:Shell"'))
        }
    result = run(db_path, str(exported), "--deck", "shell")
    assert result.exit_code == 0, result.output
    cards = {card["guid"]: card for card in deck_file(tmp_path, "shell")["cards"]}
    assert set(cards) == set(notes)
    for guid, (note_type, _fields, tags) in notes.items():
        card = cards[guid]
        kind = card.get("type", "basic")
        if note_type == "Cloze":
            assert kind == "cloze" and "{{c1::" in card["text"]
        elif note_type == "Basic (type in the answer)":
            assert kind == ("command" if "\n" not in card["back"] else "basic")
        else:
            assert kind == "basic"
        assert card.get("tags", []) == tags
        assert "<" not in json.dumps(card).replace("<tag>", "").replace("<b>", "")  # the HTML made text


@pytest.mark.parametrize(
    ("text", "message"),
    [("front,back\n,nothing\n", ":2:1: no front in this row"), ("just one\n", ":1:1: no back in this row")],
)
def test_a_bad_row_is_located_and_nothing_changes(db_path, tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    assert CliRunner().invoke(cli, ["--db", str(db_path), "decks"]).exit_code == 0
    before = db_path.read_bytes()
    result = run(db_path, str(path))
    assert result.exit_code != 0
    assert f"{path}{message}" in result.output and "Traceback" not in result.output
    assert db_path.read_bytes() == before
    assert not (tmp_path / "data" / "quiz" / "decks" / "bad.yaml").exists()


def test_a_deck_of_another_file_is_not_taken_over(db_path, tmp_path, write_deck):
    deck = write_deck("deck: words\ntitle: Words\nlang: en\ncards:\n  - {id: a, front: a, back: b}\n")
    assert CliRunner().invoke(cli, ["--db", str(db_path), "import", str(deck)]).exit_code == 0
    path = tmp_path / "words.csv"
    path.write_text("x,y\n", encoding="utf-8")
    result = run(db_path, str(path))
    assert result.exit_code != 0 and 'deck "words" exists already' in result.output


def test_the_import_is_in_the_collection(engine, tmp_path):
    from datetime import datetime, timezone

    from quiz.csvdeck import deck_text, read_table
    from quiz.decks import import_texts

    path = tmp_path / "t.csv"
    path.write_text("one,1\ntwo,2\n", encoding="utf-8")
    target = tmp_path / "decks" / "t.yaml"
    text = deck_text(path, read_table(path, None), "t", {})
    import_texts(engine, {target: text.encode()}, now=datetime.now(timezone.utc), zone=timezone.utc)
    with engine.connect() as conn:
        rows = conn.execute(select(cards_t.c.note_key).join(decks_t).where(decks_t.c.name == "t")).all()
    assert sorted(key for (key,) in rows) == ["one", "two"]
    assert target.read_text() == text


@pytest.mark.parametrize("command", ["csv", "anki"])
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("My Words", 'deck name "My Words" must be lowercase letters, digits and dashes'),
        ("w" * 51, "--deck is 51 characters long: at most 50"),
    ],
)
def test_a_deck_name_that_is_no_deck_name_is_refused_first(db_path, tmp_path, command, name, message):
    path = tmp_path / "words.csv"
    path.write_text("a,b\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", command, str(path), "--deck", name])
    assert result.exit_code != 0
    assert message in result.output
    assert not (tmp_path / "data" / "quiz" / "decks").exists()


@pytest.mark.parametrize("name", ["cards.csv", "cards.TSV", "cards.txt"])
def test_a_folder_called_csv_where_quiz_runs_leaves_the_command_as_it_is(db_path, tmp_path, monkeypatch, name):
    (tmp_path / "csv").mkdir()
    (tmp_path / name).write_text("hola,hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(db_path, name, "--deck", "spanish")
    assert result.exit_code == 0, result.output
    assert [card["front"] for card in deck_file(tmp_path, "spanish")["cards"]] == ["hola"]


@pytest.mark.parametrize(("text", "options"), [("", ()), ("\n\n", ()), ("front,back\n", ()), ("a;b\n", ("--header",))])
def test_a_file_without_cards_is_named_and_nothing_changes(db_path, tmp_path, text, options):
    path = tmp_path / "empty.csv"
    path.write_text(text, encoding="utf-8")
    result = run(db_path, str(path), *options)
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:1:1: no cards in this file"), result.output
    assert not (tmp_path / "data" / "quiz" / "decks").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["anki"], "quiz import anki takes one file: quiz import anki FILE.apkg"),
        (["anki", "a.apkg", "b.apkg"], "quiz import anki takes one file: quiz import anki FILE.apkg"),
        (["csv"], "quiz import csv takes one file: quiz import csv FILE.csv"),
        (["phone.apkg"], "phone.apkg is not a deck file: quiz import anki phone.apkg imports it"),
        (["all.colpkg", "x.yaml"], "all.colpkg is not a deck file: quiz import anki all.colpkg imports it"),
        (["words.tsv"], "words.tsv is not a deck file: quiz import csv words.tsv imports it"),
    ],
)
def test_a_package_or_table_given_the_wrong_way_says_the_command(db_path, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    for name in args[1:] if args[0] in ("anki", "csv") else args:
        (tmp_path / name).write_bytes(b"PK\x03\x04 not a deck")
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", *args])
    assert (result.exit_code, result.output.strip()) == (1, f"Error: {message}")
