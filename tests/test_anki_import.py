"""quiz import anki: packages made and reviewed by the real `anki` package (tests/ankipackages.py),
read without it, and what quiz then holds compared with what Anki holds."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from quiz import anki, scheduling
from quiz.anki.importing import import_package
from quiz.cli import cli
from quiz.model import Rating, State
from quiz.plumbing.yamlread import load
from quiz.storage.schema import cards_t, decks_t, events_t, reviews_t
from tests import ankipackages
from tests.test_anki import answer, quiz_card, study_history

UTC = timezone.utc
ROLLOVER = 4
STATES = {0: State.NEW, 1: State.LEARNING, 2: State.REVIEW, 3: State.RELEARNING}


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> dict[str, Path]:
    """A collection with every kind of note, reviewed over 40 days in Anki, and its packages."""
    folder = tmp_path_factory.mktemp("anki")
    collection = ankipackages.new_collection(folder / "collection.anki2")
    ankipackages.add_sample_notes(collection)
    ankipackages.simulate_reviews(collection, 40)
    ankipackages.finish_touches(collection)
    return {
        "collection": collection,
        "apkg": ankipackages.export_apkg(collection, folder / "modern.apkg"),
        "legacy": ankipackages.export_apkg(collection, folder / "legacy.apkg", legacy=True),
        "colpkg": ankipackages.export_colpkg(collection, folder / "all.colpkg"),
    }


def run_import(engine, package: Path, folder: Path, **options):
    return import_package(engine, package, folder, now=datetime.now(UTC), zone=UTC, rollover_hour=ROLLOVER, **options)


def quiz_cards(engine) -> dict[tuple[str, int], dict]:
    """quiz's cards by (note guid, Anki's ord), with their log (reviews and events) by instant in ms."""
    c = cards_t.c
    with engine.connect() as conn:
        rows = conn.execute(select(cards_t, decks_t.c.name.label("deck")).join(decks_t)).mappings().all()
        reviews = conn.execute(select(reviews_t).order_by(reviews_t.c.reviewed_at)).mappings().all()
        events = conn.execute(select(events_t).order_by(events_t.c.at)).mappings().all()
    log: dict[int, list[tuple[int, str, int | None, int | None]]] = {}
    for row in reviews:
        log.setdefault(row["card_id"], []).append((ms(row["reviewed_at"]), "review", row["rating"], row["duration_ms"]))
    for row in events:
        log.setdefault(row["card_id"], []).append((ms(row["at"]), row["kind"], row["rating"], row["duration_ms"]))
    found = {}
    for row in rows:
        content = json.loads(row["content"])
        guid = content.get("guid") or anki.note_guid(row["deck"], row["note_key"])
        anki_ord = row["ord"] - 1 if row["kind"] == "cloze" else row["ord"]
        found[guid, anki_ord] = dict(row) | {"log": sorted(log.get(row[c.id.name], []))}
    return found


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def learner_day(moment: datetime) -> date:
    return scheduling.learner_date(moment, UTC, ROLLOVER)


def expected_log(revlog: list[dict]) -> list[tuple[int, str, int | None, int | None]]:
    """Anki's revlog as quiz's log is meant to hold it (Anki's manual's revlog types)."""
    kinds = {0: "review", 1: "review", 2: "review", 3: "cram", 5: "reschedule"}
    out = []
    for row in revlog:
        kind = kinds.get(row["type"]) or ("forget" if row["factor"] == 0 else "reschedule")
        rating = row["ease"] if kind in ("review", "cram") else None
        out.append((row["id"], kind, rating, row["time"] if rating else None))
    return sorted(out)


def assert_same_progress(anki_card: dict, quiz_card: dict, today: int) -> None:
    assert quiz_card["state"] == STATES[anki_card["type"]]
    assert quiz_card["reps"] == anki_card["reps"]
    assert quiz_card["lapses"] == anki_card["lapses"]
    assert quiz_card["flag"] == anki_card["flags"] & 7
    assert quiz_card["suspended"] == (anki_card["queue"] == -1)
    assert quiz_card["buried_until"] is None  # a buried card comes unburied, as Anki's own import brings it
    # quiz's export moves an answer on by 1 ms where another took its instant (Anki's ids are unique)
    expected = expected_log(anki_card["revlog"])
    assert [entry[1:] for entry in quiz_card["log"]] == [entry[1:] for entry in expected]
    assert all(0 <= anki[0] - mine[0] <= 1000 for mine, anki in zip(quiz_card["log"], expected))
    if anki_card["type"] == 0:
        assert quiz_card["due"] is None
        return
    assert quiz_card["stability"] == pytest.approx(anki_card["stability"], rel=0.01)
    assert quiz_card["difficulty"] == pytest.approx(anki_card["difficulty"], rel=0.01)
    due = anki_card["due"]
    if due > 10**9:  # intraday learning: an instant
        assert quiz_card["due"] == datetime.fromtimestamp(due, UTC)
    else:  # a day number: as many days from today in both
        assert (learner_day(quiz_card["due"]) - learner_day(datetime.now(UTC))).days == due - today


@pytest.mark.parametrize("kind", ["apkg", "legacy", "colpkg"])
def test_every_cards_state_due_date_and_review_log_are_what_anki_holds(engine, reviewed, tmp_path, kind):
    report = run_import(engine, reviewed[kind], tmp_path / "decks")
    held = ankipackages.card_states(reviewed["collection"])
    timing = held.pop(("", -1))
    cards = quiz_cards(engine)
    assert set(cards) == set(held)
    assert report.new_cards == len(held)
    for key, anki_card in held.items():
        assert_same_progress(anki_card, cards[key], timing["today"])
    studied = [card for card in held.values() if card["type"] != 0]
    assert len(studied) > 10 and any(card["revlog"] for card in studied)
    # the package's buried card: Anki's own import of the package unburies it too
    buried = [key for key, card in held.items() if card["queue"] in (-2, -3)]
    assert buried
    other = ankipackages.new_collection(tmp_path / "anki" / "collection.anki2")
    ankipackages.import_apkg(other, reviewed["apkg"])
    assert all(ankipackages.card_states(other)[key]["queue"] not in (-2, -3) for key in buried)
    assert {STATES[card["type"]] for card in studied} >= {State.LEARNING, State.REVIEW}


def snapshot(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            for table in (decks_t, cards_t, reviews_t, events_t)
        )


def test_importing_the_same_package_again_changes_nothing(engine, reviewed, tmp_path):
    run_import(engine, reviewed["apkg"], tmp_path / "decks")
    files = {path: path.read_bytes() for path in (tmp_path / "decks").iterdir()}
    before = snapshot(engine)
    for kind in ("apkg", "legacy", "colpkg"):
        again = run_import(engine, reviewed[kind], tmp_path / "decks")
        assert (again.new_cards, again.reviews, again.files) == (0, 0, [])
        assert again.merged_cards == len(before[1])
    assert snapshot(engine) == before
    assert {path: path.read_bytes() for path in (tmp_path / "decks").iterdir()} == files


def test_note_types_become_deck_files_quiz_reads_back(engine, reviewed, tmp_path):
    report = run_import(engine, reviewed["apkg"], tmp_path / "decks")
    names = sorted(path.name for path in report.files)
    assert names == sorted(
        ["shell.yaml", "languages-spanish.yaml", next(p.name for p in report.files if "deck-" in p.name)]
    )
    texts = {card["guid"]: card for card in _deck_cards(report.files)}
    held = ankipackages.card_states(reviewed["collection"])
    held.pop(("", -1))
    by_type: dict[str, list[dict]] = {}
    for (guid, _ord), anki_card in held.items():
        by_type.setdefault(anki_card["notetype"], []).append(texts[guid])
    assert {card.get("type", "basic") for card in by_type["Basic"]} == {"basic"}
    assert {card.get("type") for card in by_type["Basic (and reversed card)"]} == {"reversed"}
    assert {card.get("type") for card in by_type["Cloze"]} == {"cloze"}
    typed = by_type["Basic (type in the answer)"]  # typed in one line; an answer of several lines is revealed
    assert {card.get("type", "basic") for card in typed} == {"command", "basic"}
    assert all((card.get("type") == "command") == ("\n" not in card["back"]) for card in typed)
    assert {card.get("type", "basic") for card in by_type["Basic (optional reversed card)"]} == {"basic", "reversed"}
    assert {card.get("type", "basic") for card in by_type["Vocab"]} == {"basic"}
    assert all(card.get("note") for card in by_type["Vocab"])  # the third field kept
    assert report.simplified == {"Vocab": len({c["guid"] for c in by_type["Vocab"]})}
    notes = {guid: card["fields"] for (guid, _ord), card in held.items()}
    shown = sum(field.count("<img") + field.count("[sound:") for fields in notes.values() for field in fields)
    assert report.media_shown == shown > 0
    # HTML made plain text: line breaks and code kept, references decoded, media left out
    for (guid, _ord), anki_card in held.items():
        card, fields = texts[guid], anki_card["fields"]
        if anki_card["notetype"] == "Cloze":
            assert (card["text"], card.get("note")) == (PLAIN[fields[0]], PLAIN[fields[1]] or None)
        elif anki_card["notetype"] != "Vocab":
            assert (card["front"], card["back"]) == (PLAIN[fields[0]], PLAIN[fields[1]])


# The sample notes' fields (tests/ankipackages.py) as a deck file is to hold them
PLAIN = {
    "List <b>all</b> containers": "List all containers",
    "docker ps -a": "docker ps -a",
    "Show the last&nbsp;10 lines": "Show the last 10 lines",
    "<div>tail -n 10 file</div><div><br></div>": "tail -n 10 file",
    "What does <code>&lt;tag&gt;</code> mean in HTML?": "What does <tag> mean in HTML?",
    "An element: &lt;b&gt; makes <b>bold</b>": "An element: <b> makes bold",
    "A loop over files": "A loop over files",
    '<pre><code>for f in *.txt; do\n  wc -l "$f"\ndone</code></pre>': 'for f in *.txt; do\n  wc -l "$f"\ndone',
    'Which command shows this?<br><img src="x.png">': "Which command shows this?",
    "top<br>(or htop)": "top\n(or htop)",
    "top (or htop)": "top (or htop)",
    "Say it [sound:a.mp3]": "Say it",
    "the <i>answer</i>": "the answer",
    "el perro": "el perro",
    "the dog": "the dog",
    "la casa": "la casa",
    "the house": "the house",
    "<b>hablar</b>": "hablar",
    "to speak": "to speak",
    "mañana": "mañana",
    "tomorrow<br>morning": "tomorrow\nmorning",
    "el&nbsp;agua": "el agua",
    "the water": "the water",
    "¿Dónde está?": "¿Dónde está?",
    "Where is it?": "Where is it?",
    "狗": "狗",
    "房子": "房子",
    "说话": "说话",
    "明天": "明天",
    "水": "水",
    "在哪儿？": "在哪儿？",
    "{{c1::grep -r}} searches {{c2::recursively::how}}": "{{c1::grep -r}} searches {{c2::recursively::how}}",
    "Add <code>-n</code> for line numbers": "Add -n for line numbers",
    "我{{c1::喜欢}}学{{c2::中文}}，{{c3::每天::when}}都学。": "我{{c1::喜欢}}学{{c2::中文}}，{{c3::每天::when}}都学。",
    "<div>每天 = every day</div>": "每天 = every day",
    "<pre><code>{{c1::git rebase -i HEAD~3}}\n{{c2::git push -f}}</code></pre>": (
        "{{c1::git rebase -i HEAD~3}}\n{{c2::git push -f}}"
    ),
    "rewrites&nbsp;history": "rewrites history",
    "The capital of {{c1::Spain}} is {{c2::Madrid::city}}": "The capital of {{c1::Spain}} is {{c2::Madrid::city}}",
    '<img src="x.png">': "",
}


def test_the_decks_options_become_the_deck_files_settings(engine, reviewed, tmp_path):
    from quiz.plumbing.yamlread import load

    report = run_import(engine, reviewed["apkg"], tmp_path / "decks")
    shell = load(next(path for path in report.files if path.name == "shell.yaml").read_text())
    settings = shell["settings"]
    assert settings["desired_retention"] == ankipackages.DESIRED_RETENTION
    assert settings["learning_steps"] == ["1m", "10m"] and settings["relearning_steps"] == ["10m"]
    assert settings["new_per_day"] == 8  # simulate_reviews's limit
    assert settings["review_order"] == "retrievability"
    assert settings["easy_days"] == {"wednesday": "reduced", "saturday": "reduced", "sunday": "minimum"}
    assert settings["parameters"] == pytest.approx(ankipackages.FSRS_PARAMS, abs=1e-4)


def _deck_cards(paths: list[Path]) -> list[dict]:
    from quiz.plumbing.yamlread import load

    return [card for path in paths for card in load(path.read_text())["cards"]]


def test_an_export_of_the_imported_decks_goes_back_to_the_same_anki_notes(engine, reviewed, tmp_path):
    report = run_import(engine, reviewed["apkg"], tmp_path / "decks")
    out = tmp_path / "back.apkg"
    anki.export_decks(engine, [], out, lang="en", clock=anki.Clock(datetime.now(UTC), UTC, ROLLOVER))
    with zipfile.ZipFile(out) as archive:
        raw = archive.read("collection.anki2")
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.deserialize(raw)
    exported = {guid for (guid,) in db.execute("SELECT guid FROM notes")}
    imported = {card["guid"] for card in _deck_cards(report.files)}
    assert exported == imported


def test_a_dry_run_changes_nothing_and_writes_no_file(engine, reviewed, tmp_path):
    before = snapshot(engine)
    report = run_import(engine, reviewed["apkg"], tmp_path / "decks", dry_run=True)
    assert report.new_cards > 0 and report.reviews > 0
    assert snapshot(engine) == before
    assert not (tmp_path / "decks").exists()


def test_a_prefix_names_the_decks(engine, reviewed, tmp_path):
    report = run_import(engine, reviewed["apkg"], tmp_path / "decks", prefix="phone")
    assert all(sync.deck.startswith("phone-") for sync in report.decks)


def test_damaged_and_unknown_packages_give_one_line_and_change_nothing(db_path, reviewed, tmp_path):
    bundled = CliRunner().invoke(cli, ["--db", str(db_path), "decks"])
    assert bundled.exit_code == 0
    before = db_path.read_bytes()
    raw = reviewed["apkg"].read_bytes()
    newer = io.BytesIO()
    with zipfile.ZipFile(newer, "w") as archive, zipfile.ZipFile(reviewed["apkg"]) as original:
        for name in original.namelist():
            archive.writestr(name, b"\x08\x04" if name == "meta" else original.read(name))
    cut = io.BytesIO()
    with zipfile.ZipFile(cut, "w") as archive, zipfile.ZipFile(reviewed["apkg"]) as original:
        archive.writestr("meta", original.read("meta"))
        archive.writestr("collection.anki21b", original.read("collection.anki21b")[:5000])
    cases = {
        "text.apkg": (b"not a zip at all", "not a readable Anki package"),
        "half.apkg": (raw[: len(raw) // 2], "not a readable Anki package"),
        "newer.apkg": (newer.getvalue(), "newer Anki"),
        "cut.apkg": (cut.getvalue(), "damaged Anki package"),
    }
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = CliRunner().invoke(cli, ["--db", str(db_path), "import", "anki", str(path)])
        assert result.exit_code != 0, name
        assert words in result.output and len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output
    assert db_path.read_bytes() == before


def test_merging_back_the_phone_round_trip(engine, write_deck, tmp_path):
    """quiz export anki -> reviews in Anki -> export from Anki -> quiz import anki: the reviews made in
    Anki are added once, each card takes the state of the side that answered it last."""
    from quiz.decks import import_files

    deck = write_deck(
        """
        deck: shell
        title: Shell
        lang: en
        cards:
          - {id: ps-a, type: command, front: List all containers, back: docker ps -a}
          - {id: amp, front: "What does a && b do?", back: Runs b when a exits 0}
          - {id: names, type: cloze, text: "{{c1::grep -r}} searches {{c2::recursively}}"}
        """
    )
    started = datetime.now(UTC) - timedelta(days=70)
    import_files(engine, [deck], now=started)
    with engine.connect() as conn:
        ids = [card_id for (card_id,) in conn.execute(select(cards_t.c.id).order_by(cards_t.c.id))]
    for card_id in ids:  # answered in quiz from 70 days ago
        study_history(engine, card_id, [Rating.GOOD, Rating.GOOD, Rating.GOOD], started + timedelta(minutes=card_id))
    quiz_log = {card: list(entry["log"]) for card, entry in quiz_cards(engine).items()}
    out = tmp_path / "quiz.apkg"
    anki.export_decks(
        engine, [], out, lang="en", clock=anki.Clock(datetime.now(UTC), UTC, ROLLOVER), with_progress=True
    )
    phone = ankipackages.new_collection(tmp_path / "phone" / "collection.anki2")
    ankipackages.import_apkg(phone, out)
    ankipackages.simulate_reviews(phone, 40, new_per_day=0)  # the 40 days that end yesterday
    back = ankipackages.export_apkg(phone, tmp_path / "phone.apkg")
    report = run_import(engine, back, tmp_path / "decks")
    assert (report.new_cards, report.files, report.merged_cards) == (0, [], len(ids))
    held = ankipackages.card_states(phone)
    timing = held.pop(("", -1))
    cards = quiz_cards(engine)
    made_in_anki = 0
    for key, anki_card in held.items():
        assert_same_progress(anki_card, cards[key], timing["today"])
        assert cards[key]["log"][: len(quiz_log[key])] == quiz_log[key]  # quiz's own, unchanged
        made_in_anki += len(cards[key]["log"]) - len(quiz_log[key])
    assert made_in_anki == report.reviews > 0
    before = snapshot(engine)
    again = run_import(engine, back, tmp_path / "decks")
    assert again.reviews == 0 and snapshot(engine) == before
    # answered in quiz after the phone's export: quiz's state stays, the package's is older
    card_id = ids[0]
    answer(engine, card_id, Rating.EASY, datetime.now(UTC))
    mine = quiz_card(engine, card_id)
    run_import(engine, back, tmp_path / "decks")
    assert quiz_card(engine, card_id) == mine


def test_notes_new_in_anki_are_added_to_the_deck_file_the_learner_edited(engine, tmp_path):
    """A second package of the same Anki deck: its new notes are added after the last card of
    the deck file quiz wrote, each an entry of its own, and the learner's edits of the file
    stay as they are."""
    from quiz.decks import import_files

    collection = ankipackages.new_collection(tmp_path / "anki" / "collection.anki2")

    def add_note(front: str, back: str) -> None:
        with ankipackages.opened(collection) as col:
            note = col.new_note(col.models.by_name("Basic"))
            note.fields[0], note.fields[1] = front, back
            col.add_note(note, col.decks.id("Spanish", create=True))

    add_note("hablar", "to speak")
    first = run_import(engine, ankipackages.export_apkg(collection, tmp_path / "one.apkg"), tmp_path / "decks")
    (path,) = first.files
    cards_part = path.read_text(encoding="utf-8").replace("back: to speak", "back: to speak, to talk")
    path.write_text(cards_part + "# my own notes\n", encoding="utf-8")
    import_files(engine, [path])
    add_note("nadar", "to swim")
    second = run_import(engine, ankipackages.export_apkg(collection, tmp_path / "two.apkg"), tmp_path / "decks")
    assert (second.files, second.new_cards, second.merged_cards) == ([path], 1, 1)
    text = path.read_text(encoding="utf-8")
    # after the last card, a blank line between entries; the learner's comment after the cards stays after them
    assert text.startswith(cards_part.rstrip("\n") + "\n\n  - id: nadar\n"), text
    assert text.endswith("\n# my own notes\n") and text.count("# my own notes") == 1
    cards = {card["id"]: card for card in load(text)["cards"]}
    assert (cards["hablar"]["back"], cards["nadar"]["back"]) == ("to speak, to talk", "to swim")
    with engine.connect() as conn:
        assert sorted(conn.execute(select(cards_t.c.note_key)).scalars()) == ["hablar", "nadar"]


def test_anki_decks_whose_names_come_to_one_keep_their_notes_apart(engine, tmp_path):
    """Spanish::Verbs, Spanish Verbs and spanish_verbs are all spanish-verbs in quiz's words: each
    gets a deck file of its own (-2, -3 by the decks' age), and every note is imported, again to
    the same decks when a later package brings a note to the youngest deck only."""
    collection = ankipackages.new_collection(tmp_path / "anki" / "collection.anki2")

    def add(deck: str, *fronts: str) -> None:
        with ankipackages.opened(collection) as col:
            deck_id = col.decks.id(deck, create=True)
            for front in fronts:
                note = col.new_note(col.models.by_name("Basic"))
                note.fields[0], note.fields[1] = front, f"to {front}"
                col.add_note(note, deck_id)

    add("Spanish::Verbs", "hablar", "comer")
    add("Spanish Verbs", "vivir")
    add("spanish_verbs", "nadar")
    first = run_import(engine, ankipackages.export_apkg(collection, tmp_path / "one.apkg"), tmp_path / "decks")
    assert (first.notes, first.new_cards) == (4, 4)
    assert sorted(path.name for path in first.files) == [
        "spanish-verbs-2.yaml",
        "spanish-verbs-3.yaml",
        "spanish-verbs.yaml",
    ]
    titles = {path.stem: load(path.read_text())["title"] for path in first.files}
    assert titles == {
        "spanish-verbs": "Spanish::Verbs",
        "spanish-verbs-2": "Spanish Verbs",
        "spanish-verbs-3": "spanish_verbs",
    }
    add("spanish_verbs", "correr")
    second = run_import(engine, ankipackages.export_apkg(collection, tmp_path / "two.apkg"), tmp_path / "decks")
    assert ([path.name for path in second.files], second.new_cards) == (["spanish-verbs-3.yaml"], 1)
    with engine.connect() as conn:
        query = select(decks_t.c.name, cards_t.c.note_key).join(decks_t).where(decks_t.c.name.like("spanish%"))
        assert sorted(conn.execute(query).all()) == [
            ("spanish-verbs", "comer"),
            ("spanish-verbs", "hablar"),
            ("spanish-verbs-2", "vivir"),
            ("spanish-verbs-3", "correr"),
            ("spanish-verbs-3", "nadar"),
        ]


def test_a_field_longer_than_a_deck_file_holds_is_cut_and_said(db_path, tmp_path):
    collection = ankipackages.new_collection(tmp_path / "anki" / "collection.anki2")
    with ankipackages.opened(collection) as col:
        for front, back in (("long", "word " * 2500), ("short", "ok")):
            note = col.new_note(col.models.by_name("Basic"))
            note.fields[0], note.fields[1] = front, back
            col.add_note(note, col.decks.id("Default"))
    package = ankipackages.export_apkg(collection, tmp_path / "long.apkg")
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", "anki", str(package), "-o", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "1 note had a field longer than 10,000 characters: cut there" in result.output
    cards = {card["id"]: card for card in load((tmp_path / "d" / "default.yaml").read_text())["cards"]}
    assert cards["long"]["back"] == ("word " * 2500).strip()[:10_000] and cards["short"]["back"] == "ok"


def test_cards_reviewed_without_fsrs_get_the_memory_state_anki_would_compute(engine, tmp_path):
    """SM-2 reviews (FSRS off in Anki): no memory state in the package; quiz computes one from each
    card's review log, the one Anki computes when FSRS is switched on."""
    collection = ankipackages.new_collection(tmp_path / "sm2" / "collection.anki2")
    with ankipackages.opened(collection) as col:
        col.set_config("fsrs", False)
    ankipackages.add_sample_notes(collection)
    ankipackages.simulate_reviews(collection, 40)
    package = ankipackages.export_apkg(collection, tmp_path / "sm2.apkg")
    run_import(engine, package, tmp_path / "decks")
    held = ankipackages.card_states(collection)
    held.pop(("", -1))
    cards = quiz_cards(engine)
    with ankipackages.opened(collection) as col:
        col.set_config("fsrs", True)
        computed = {key: col.compute_memory_state(card["id"]) for key, card in held.items() if card["type"] != 0}
    assert len(computed) > 10
    for key, state in computed.items():
        assert held[key]["stability"] is None  # nothing in the package: computed
        assert cards[key]["stability"] == pytest.approx(state.stability, rel=0.01), key
        assert cards[key]["difficulty"] == pytest.approx(state.difficulty, rel=0.01), key


def test_the_command_reports_backs_up_first_and_restores_the_collection_as_it_was(db_path, reviewed, tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db_path), "decks"]).exit_code == 0
    result = runner.invoke(cli, ["--db", str(db_path), "import", "anki", str(reviewed["apkg"]), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    held = ankipackages.card_states(reviewed["collection"])
    held.pop(("", -1))
    assert report["new_cards"] == len(held) and report["merged_cards"] == 0
    assert report["reviews_added"] == sum(len(card["revlog"]) for card in held.values())
    assert report["schedules_taken"] == sum(card["type"] != 0 for card in held.values())
    assert all(Path(path).is_file() for path in report["files"])
    backups = json.loads(runner.invoke(cli, ["--db", str(db_path), "backups", "--json"]).output)
    assert [backup["reason"] for backup in backups][:1] == ["import"]
    decks = json.loads(runner.invoke(cli, ["--db", str(db_path), "decks", "--json"]).output)
    assert {"shell", "languages-spanish"} <= {deck["deck"] for deck in decks}
    restored = runner.invoke(cli, ["--db", str(db_path), "restore", backups[0]["path"]])
    assert restored.exit_code == 0, restored.output
    decks = json.loads(runner.invoke(cli, ["--db", str(db_path), "decks", "--json"]).output)
    assert "shell" not in {deck["deck"] for deck in decks}


def test_a_folder_called_anki_where_quiz_runs_leaves_the_command_as_it_is(db_path, reviewed, tmp_path, monkeypatch):
    (tmp_path / "anki").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", "anki", str(reviewed["apkg"]), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new_cards"] > 0
    # a deck folder of that name is still imported as one, beside a deck file
    (tmp_path / "anki" / "one.yaml").write_text("deck: one\ncards:\n  - {id: a, front: A, back: B}\n")
    (tmp_path / "two.yaml").write_text("deck: two\ncards:\n  - {id: a, front: A, back: B}\n")
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", "anki", "two.yaml"])
    assert result.exit_code == 0, result.output
    decks = json.loads(CliRunner().invoke(cli, ["--db", str(db_path), "decks", "--json"]).output)
    assert {"one", "two"} <= {deck["deck"] for deck in decks}


def test_with_the_import_the_learner_reviews_what_anki_had_due(db_path, reviewed, tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db_path), "import", "anki", str(reviewed["apkg"])]).exit_code == 0
    held = ankipackages.card_states(reviewed["collection"])
    timing = held.pop(("", -1))
    due_in_anki = sum(
        1
        for (guid, _ord), card in held.items()
        if (card["queue"] in (2, 3) and card["due"] <= timing["today"]) or card["queue"] == 1
    )
    due = json.loads(runner.invoke(cli, ["--db", str(db_path), "cards", "--due", "today", "--json"]).output)
    assert len([card for card in due if card["state"] != "new"]) == due_in_anki > 0


def test_the_optimizer_learns_from_the_reviews_anki_learns_from(engine, reviewed, tmp_path):
    """Anki's training items (rslib fsrs/params.rs) from its own log, and quiz's from the same log
    imported: as many, and the same log loss and RMSE for the same parameters."""
    from quiz import optimize
    from quiz.storage import reports

    run_import(engine, reviewed["apkg"], tmp_path / "decks")
    with engine.connect() as conn:
        items, _cards, _recalled = optimize.training_items(reports.review_history(conn, None), UTC, ROLLOVER)
    parameters = list(ankipackages.FSRS_PARAMS)
    with ankipackages.opened(reviewed["collection"]) as col:
        anki_items = col._backend.compute_fsrs_params(
            search="", current_params=[], ignore_revlogs_before_ms=0, num_of_relearning_steps=1, health_check=False
        ).fsrs_items
        anki_fit = col._backend.evaluate_params_legacy(params=parameters, search="", ignore_revlogs_before_ms=0)
    assert len(items) == anki_items > 30
    log_loss, rmse = optimize._evaluate(parameters, items)
    assert log_loss == pytest.approx(anki_fit.log_loss, abs=1e-3)
    assert rmse == pytest.approx(anki_fit.rmse_bins, abs=1e-3)
