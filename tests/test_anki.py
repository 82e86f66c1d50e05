"""Anki export, checked by importing the .apkg into the official `anki` package."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import quiz.i18n
from quiz import anki, storage
from quiz.cli import cli
from quiz.cli.progress import ProgressBar
from quiz.dailyqueue import QueueCard
from quiz.decks import import_files
from quiz.model import Rating, State
from quiz.scheduling import learner_date
from quiz.storage import cards_t, reviews_t

UTC = ZoneInfo("UTC")
ROLLOVER = 4
DECKS = Path(__file__).resolve().parent.parent / "decks"

DECK = """\
deck: shell
title: {en: Shell tools, zh: 命令行工具}
lang: en
cards:
  - id: ps-format
    type: command
    front: {en: "List container names only", zh: 只列出容器的名字}
    back:
      - docker ps --format '{{.Names}}'
      - docker container ls --format '{{.Names}}'
    note: {en: "Go templates: <b> is not bold & stays text", zh: 使用 Go 模板}
    tags: [docker, format]
  - id: amp
    front: "What does a && b do?"
    back: "Runs b only if a <succeeds>"
    tags: [shell]
  - id: alpine
    type: reversed
    front: alpine
    back: {en: A tiny image, zh: 极小的镜像}
  - id: names
    type: cloze
    text: "{{c1::docker ps --format '{{.Names}}'}} prints names; {{c2::-q::flag}} prints ids"
    note: Both read the same list.
"""
DECK_NOTES, DECK_CARDS = 4, 6  # the reversed note has two cards, the cloze two deletions


def make_clock(now: datetime) -> anki.Clock:
    return anki.Clock(now, UTC, ROLLOVER)


def learner_day(instant: datetime) -> date:
    return (instant.astimezone(timezone.utc) - timedelta(hours=ROLLOVER)).date()


@pytest.fixture
def anki_col(tmp_path):
    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    col.set_config("fsrs", True)
    yield col
    col.close()


def import_apkg(col: Collection, path: Path):
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def note_of(col: Collection, guid: str):
    (note_id,) = col.db.list("SELECT id FROM notes WHERE guid = ?", guid)
    return col.get_note(note_id)


def export(engine, tmp_path, now, name="out.apkg", **options) -> Path:
    path = tmp_path / name
    options.setdefault("lang", "en")
    anki.export_decks(engine, options.pop("names", []), path, clock=make_clock(now), **options)
    return path


def test_notes_cards_fields_tags_and_note_types(engine, write_deck, tmp_path, anki_col):
    import_files(engine, [write_deck(DECK)])
    log = import_apkg(anki_col, export(engine, tmp_path, datetime.now(timezone.utc)))

    assert len(log.new) == DECK_NOTES
    assert anki_col.note_count() == DECK_NOTES
    assert anki_col.card_count() == DECK_CARDS
    command = note_of(anki_col, anki.note_guid("shell", "ps-format"))
    assert command.note_type()["name"] == "quiz: Command"
    assert dict(command.items()) == {
        "Front": "List container names only",
        "Back": "<code>docker ps --format '{{.Names}}'</code>",
        "Also": "<code>docker container ls --format '{{.Names}}'</code>",
        "Note": "Go templates: &lt;b&gt; is not bold &amp; stays text",
    }
    assert sorted(command.tags) == ["docker", "format"]
    basic = note_of(anki_col, anki.note_guid("shell", "amp"))
    assert basic.note_type()["name"] == "quiz: Basic"
    assert dict(basic.items()) == {
        "Front": "What does a &amp;&amp; b do?",
        "Back": "Runs b only if a &lt;succeeds&gt;",
        "Note": "",
    }
    assert basic.tags == ["shell"]
    reversed_note = note_of(anki_col, anki.note_guid("shell", "alpine"))
    assert reversed_note.note_type()["name"] == "quiz: Basic (and reversed card)"
    assert [card.ord for card in reversed_note.cards()] == [0, 1]
    assert dict(reversed_note.items()) == {"Front": "alpine", "Back": "A tiny image", "Note": ""}
    cloze = note_of(anki_col, anki.note_guid("shell", "names"))
    assert cloze.note_type()["name"] == "quiz: Cloze"
    assert sorted(card.ord for card in cloze.cards()) == [0, 1]
    assert cloze["Note"] == "Both read the same list."
    assert anki_col.decks.by_name("Shell tools") is not None


def test_command_cards_ask_to_type_the_command(engine, write_deck, tmp_path, anki_col):
    import_files(engine, [write_deck(DECK)])
    import_apkg(anki_col, export(engine, tmp_path, datetime.now(timezone.utc)))

    command = note_of(anki_col, anki.note_guid("shell", "ps-format"))
    template = command.note_type()["tmpls"][0]
    assert "{{type:Back}}" in template["qfmt"] and "{{type:Back}}" in template["afmt"]
    assert "{{Note}}" in template["afmt"]
    card = command.cards()[0]
    assert "[[type:Back]]" in card.question()
    typed = anki_col.compare_answer(command["Back"], "docker ps --format '{{.Names}}'")
    assert "typeGood" in typed and "typeBad" not in typed and "typeMissed" not in typed
    wrong = anki_col.compare_answer(command["Back"], "docker ps -a")
    assert "typeBad" in wrong or "typeMissed" in wrong


def visible_text(rendered: str) -> str:
    without_style = re.sub(r"<style>.*?</style>", "", rendered, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", without_style))


def test_braces_inside_a_cloze_do_not_end_it(engine, write_deck, tmp_path, anki_col):
    import_files(engine, [write_deck(DECK)])
    import_apkg(anki_col, export(engine, tmp_path, datetime.now(timezone.utc)))

    cloze = note_of(anki_col, anki.note_guid("shell", "names"))
    first, second = sorted(cloze.cards(), key=lambda card: card.ord)
    question, answer = visible_text(first.question()), visible_text(first.answer())
    assert ".Names" not in question and "[...]" in question
    assert "docker ps --format '{{.Names}}' prints names" in answer
    assert "Both read the same list." in answer  # the note is shown on the back
    assert "[flag]" in visible_text(second.question())
    assert "-q prints ids" in visible_text(second.answer())


def test_language_is_the_learners_by_default_and_can_be_chosen(
    engine, write_deck, tmp_path, anki_col, location, monkeypatch
):
    import_files(engine, [write_deck(DECK)])
    runner = CliRunner()
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    quiz.i18n.use(None)  # the language is looked up once per process
    by_default = runner.invoke(cli, ["--db", location, "export", "anki", "shell", "-o", str(tmp_path / "zh.apkg")])
    assert by_default.exit_code == 0, by_default.output
    chosen = runner.invoke(
        cli, ["--db", location, "export", "anki", "shell", "-o", str(tmp_path / "en.apkg"), "--lang", "en"]
    )
    assert chosen.exit_code == 0, chosen.output

    import_apkg(anki_col, tmp_path / "zh.apkg")
    command = note_of(anki_col, anki.note_guid("shell", "ps-format"))
    assert (command["Front"], command["Note"]) == ("只列出容器的名字", "使用 Go 模板")
    assert note_of(anki_col, anki.note_guid("shell", "alpine"))["Back"] == "极小的镜像"
    assert anki_col.decks.by_name("命令行工具") is not None
    english = Collection(str(tmp_path / "english.anki2"))
    try:
        import_apkg(english, tmp_path / "en.apkg")
        assert note_of(english, anki.note_guid("shell", "ps-format"))["Front"] == "List container names only"
        assert english.decks.by_name("Shell tools") is not None
    finally:
        english.close()


def test_exporting_again_after_an_edit_updates_instead_of_duplicating(engine, write_deck, tmp_path, anki_col):
    import_files(engine, [DECKS / "docker.yaml", write_deck(DECK)])
    with engine.connect() as conn:
        quiz_cards = len(conn.execute(select(cards_t.c.id)).all())
    now = datetime.now(timezone.utc)
    first = import_apkg(anki_col, export(engine, tmp_path, now - timedelta(minutes=5), "first.apkg"))
    notes, cards = anki_col.note_count(), anki_col.card_count()
    assert cards == quiz_cards
    assert len(first.new) == notes

    import_files(engine, [write_deck(DECK.replace("Runs b only if a <succeeds>", "Runs b when a exits 0"))])
    second = import_apkg(anki_col, export(engine, tmp_path, now, "second.apkg"))

    assert len(second.new) == 0
    assert (anki_col.note_count(), anki_col.card_count()) == (notes, cards)
    assert note_of(anki_col, anki.note_guid("shell", "amp"))["Back"] == "Runs b when a exits 0"
    assert len(second.updated) >= 1


# -- progress -----------------------------------------------------------------------------


def queue_card(engine, card_id: int) -> QueueCard:
    with engine.connect() as conn:
        row = conn.execute(select(cards_t).where(cards_t.c.id == card_id)).one()
        schedule = storage.schedule_of(conn, card_id)
    return QueueCard(row.id, "shell", row.note_key, row.ord, row.kind, row.content, row.tags, schedule)


def answer(engine, card_id: int, rating: Rating, when: datetime):
    with engine.connect() as conn:
        settings = storage.deck_settings(
            conn, conn.execute(select(cards_t.c.deck_id).where(cards_t.c.id == card_id)).scalar()
        )
    return storage.answer(engine, queue_card(engine, card_id), rating, when, settings, duration_ms=4200)


def study_history(engine, card_id: int, ratings: list[Rating], start: datetime) -> None:
    """Answer at pinned times: steps when they fall due, reviews on their due day, each
    later in the day than the last, so whole days elapsed equal calendar days (as Anki counts)."""
    when = start
    for index, rating in enumerate(ratings):
        schedule = answer(engine, card_id, rating, when).schedule
        if schedule.state == State.REVIEW:
            due_day = learner_day(schedule.due)
            when = datetime(due_day.year, due_day.month, due_day.day, 12, tzinfo=timezone.utc) + timedelta(
                minutes=20 * (index + 1)
            )
        else:
            when = schedule.due


def card_ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {f"{row.note_key}/{row.ord}": row.id for row in conn.execute(select(cards_t))}


def quiz_card(engine, card_id: int):
    with engine.connect() as conn:
        return conn.execute(select(cards_t).where(cards_t.c.id == card_id)).one()


def anki_card(col: Collection, guid: str, ord_: int):
    return next(card for card in note_of(col, guid).cards() if card.ord == ord_)


@pytest.fixture
def studied(engine, write_deck):
    """A deck with a card in review (with a lapse), a suspended one, one in learning, the rest new."""
    import_files(engine, [write_deck(DECK)])
    ids = card_ids(engine)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    today = learner_day(now)
    start = datetime(today.year, today.month, today.day, 12, tzinfo=timezone.utc) - timedelta(days=150)
    ratings = [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.GOOD]
    study_history(engine, ids["amp/0"], ratings, start)
    study_history(engine, ids["alpine/0"], [Rating.GOOD, Rating.GOOD, Rating.EASY], start + timedelta(days=1))
    storage.set_suspended(engine, ids["alpine/0"], True)
    # Answered so that its next step falls before the day's end (04:00), whenever the test runs:
    # a step that crosses it makes the card a day-learning one (queue 3) in Anki.
    day_end = datetime(today.year, today.month, today.day, ROLLOVER, tzinfo=timezone.utc) + timedelta(days=1)
    answer(engine, ids["ps-format/0"], Rating.AGAIN, min(now - timedelta(seconds=30), day_end - timedelta(minutes=10)))
    assert quiz_card(engine, ids["amp/0"]).due < now + timedelta(days=400)  # the history fits before today
    return ids, now


def test_progress_brings_schedules_suspension_and_memory_state(engine, tmp_path, anki_col, studied):
    ids, now = studied
    import_apkg(anki_col, export(engine, tmp_path, now, with_progress=True))
    today = anki_col.sched.today

    reviewed = quiz_card(engine, ids["amp/0"])
    card = anki_card(anki_col, anki.note_guid("shell", "amp"), 0)
    assert (card.type, card.queue) == (2, 2)
    assert card.due - today == (learner_day(reviewed.due) - learner_day(now)).days
    assert card.ivl == (learner_day(reviewed.due) - learner_day(reviewed.last_review)).days
    assert (card.reps, card.lapses) == (reviewed.reps, reviewed.lapses) == (8, 1)
    assert card.memory_state.stability == pytest.approx(reviewed.stability, abs=1e-4)  # Anki keeps 4 decimals
    assert card.memory_state.difficulty == pytest.approx(reviewed.difficulty, abs=1e-3)  # and 3 here
    assert card.desired_retention == pytest.approx(0.9, rel=1e-6)

    suspended = anki_card(anki_col, anki.note_guid("shell", "alpine"), 0)
    assert (suspended.type, suspended.queue) == (2, -1)
    assert anki_card(anki_col, anki.note_guid("shell", "alpine"), 1).queue == 0  # its sibling is still new

    learning = quiz_card(engine, ids["ps-format/0"])
    card = anki_card(anki_col, anki.note_guid("shell", "ps-format"), 0)
    assert (card.type, card.queue) == (1, 1)
    assert card.due == int(learning.due.timestamp())
    assert (card.type, card.queue, card.reps) == (1, 1, 1)

    new = anki_card(anki_col, anki.note_guid("shell", "names"), 0)
    assert (new.type, new.queue, new.reps) == (0, 0, 0)


def test_progress_brings_the_review_log(engine, tmp_path, anki_col, studied):
    ids, now = studied
    path = export(engine, tmp_path, now, with_progress=True)
    import_apkg(anki_col, path)

    with engine.connect() as conn:
        history = conn.execute(
            select(reviews_t).where(reviews_t.c.card_id == ids["amp/0"]).order_by(reviews_t.c.reviewed_at)
        ).all()
    card = anki_card(anki_col, anki.note_guid("shell", "amp"), 0)
    revlog = anki_col.db.all("SELECT id, ease, type, time, ivl FROM revlog WHERE cid = ? ORDER BY id", card.id)
    assert [row[0] for row in revlog] == [int(r.reviewed_at.timestamp() * 1000) for r in history]
    assert [row[1] for row in revlog] == [r.rating for r in history]
    kinds = {State.NEW: 0, State.LEARNING: 0, State.REVIEW: 1, State.RELEARNING: 2}
    assert [row[2] for row in revlog] == [kinds[State(r.state_before)] for r in history]
    assert {row[3] for row in revlog} == {4200}
    last = history[-1]
    assert revlog[-1][4] == (learner_day(last.due_after) - learner_day(last.reviewed_at)).days
    assert anki_col.db.scalar("SELECT count() FROM revlog") == 8 + 3 + 1
    # With FSRS, Anki keeps the difficulty after each answer in the factor, shifted to 100..1100.
    factors = anki_col.db.list("SELECT factor FROM revlog WHERE cid = ? ORDER BY id", card.id)
    assert [shifted_difficulty(factor) for factor in factors] == [
        pytest.approx(r.difficulty_after, abs=0.005) for r in history
    ]
    assert shifted_difficulty(card.factor) == pytest.approx(quiz_card(engine, ids["amp/0"]).difficulty, abs=0.005)

    again = import_apkg(anki_col, path)  # the same file twice: nothing doubles
    assert len(again.new) == 0
    assert anki_col.db.scalar("SELECT count() FROM revlog") == 8 + 3 + 1


def test_json_says_what_anki_finds_in_the_file(engine, tmp_path, anki_col, studied, location):
    result = CliRunner().invoke(
        cli, ["--db", location, "export", "anki", "-o", str(tmp_path / "p.apkg"), "--with-progress", "--json"]
    )
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    import_apkg(anki_col, Path(written["path"]))
    decks = [deck for deck in anki_col.decks.all_names_and_ids() if deck.id != 1]  # 1: Anki's Default
    assert (written["decks"], written["notes"], written["cards"], written["reviews"]) == (
        len(decks),
        anki_col.note_count(),
        anki_col.card_count(),
        anki_col.db.scalar("SELECT count() FROM revlog"),
    )

    without = CliRunner().invoke(cli, ["--db", location, "export", "anki", "-o", str(tmp_path / "q.apkg"), "--json"])
    assert json.loads(without.stdout)["reviews"] is None  # not exported, so not counted as 0


def test_the_summary_counts_in_words(engine, write_deck, tmp_path, location):
    import_files(engine, [write_deck(DECK)])
    answer(engine, card_ids(engine)["amp/0"], Rating.GOOD, datetime.now(timezone.utc) - timedelta(minutes=5))
    result = CliRunner().invoke(
        cli, ["--db", location, "export", "anki", "shell", "-o", str(tmp_path / "one.apkg"), "--with-progress"]
    )
    assert result.exit_code == 0, result.output
    assert f"1 deck, {DECK_NOTES} notes, {DECK_CARDS} cards, 1 review\n" in result.stdout


def shifted_difficulty(factor: int) -> float:
    return (factor / 1000 - 0.1) * 9 + 1


def test_ankis_fsrs_on_the_review_log_agrees_with_quiz(engine, tmp_path, anki_col, studied):
    ids, now = studied
    import_apkg(anki_col, export(engine, tmp_path, now, with_progress=True))

    for key, guid in (("amp/0", "amp"), ("alpine/0", "alpine")):
        ours = quiz_card(engine, ids[key])
        theirs = anki_col.compute_memory_state(anki_card(anki_col, anki.note_guid("shell", guid), 0).id)
        assert theirs.stability == pytest.approx(ours.stability, rel=0.01)
        assert theirs.difficulty == pytest.approx(ours.difficulty, rel=0.01)


def test_a_leech_tags_its_note_leech_as_anki_does(engine, write_deck, tmp_path, anki_col):
    # One lapse makes a leech here; the leech is the reversed note's second card, so the
    # note (written with its first card) must learn it from a sibling.
    import_files(engine, [write_deck(DECK.replace("lang: en\n", "lang: en\nsettings: {leech_threshold: 1}\n"))])
    ids = card_ids(engine)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    today = learner_day(now)
    start = datetime(today.year, today.month, today.day, 12, tzinfo=timezone.utc) - timedelta(days=60)
    study_history(engine, ids["alpine/1"], [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN], start)
    study_history(engine, ids["amp/0"], [Rating.GOOD, Rating.GOOD, Rating.GOOD], start)
    assert quiz_card(engine, ids["alpine/1"]).leech and not quiz_card(engine, ids["amp/0"]).leech

    import_apkg(anki_col, export(engine, tmp_path, now, with_progress=True))

    alpine = note_of(anki_col, anki.note_guid("shell", "alpine"))
    assert alpine.tags == ["leech"]
    assert anki_card(anki_col, anki.note_guid("shell", "alpine"), 1).queue == -1  # a leech is suspended
    assert anki_card(anki_col, anki.note_guid("shell", "alpine"), 0).queue == 0
    assert note_of(anki_col, anki.note_guid("shell", "amp")).tags == ["shell"]
    assert sorted(note_of(anki_col, anki.note_guid("shell", "ps-format")).tags) == ["docker", "format"]
    plain = Collection(str(tmp_path / "plain.anki2"))  # without progress, no review history: no leech
    try:
        import_apkg(plain, export(engine, tmp_path, now, "plain.apkg"))
        assert note_of(plain, anki.note_guid("shell", "alpine")).tags == []
    finally:
        plain.close()


def test_fitted_parameters_and_settings_travel_as_the_deck_preset(engine, write_deck, tmp_path, anki_col):
    parameters = [
        0.3,
        1.1,
        2.9,
        14.0,
        7.1,
        0.6,
        1.9,
        0.01,
        1.4,
        0.15,
        0.95,
        1.9,
        0.1,
        0.3,
        2.3,
        0.2,
        3.0,
        0.5,
        0.3,
        0.1,
        0.2,
    ]
    settings = (
        "settings: {desired_retention: 0.85, new_per_day: 7, learning_steps: [2m, 15m], review_order: random,"
        f" easy_days: {{saturday: reduced, sunday: minimum}}, parameters: {parameters}}}\n"
    )
    import_files(engine, [write_deck(DECK.replace("lang: en\n", "lang: en\n" + settings))])
    import_apkg(anki_col, export(engine, tmp_path, datetime.now(timezone.utc)))

    preset = anki_col.decks.config_dict_for_deck_id(anki_col.decks.id_for_name("Shell tools"))
    assert preset["desiredRetention"] == pytest.approx(0.85, rel=1e-6)
    assert preset["new"]["perDay"] == 7
    assert preset["new"]["delays"] == [2.0, 15.0]
    assert preset["fsrsParams6"] == pytest.approx(parameters, rel=1e-6)
    assert preset["reviewOrder"] == 8  # Anki's REVIEW_CARD_ORDER_RANDOM
    assert preset["easyDaysPercentages"] == [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0]  # Monday first


# -- errors ------------------------------------------------------------------------------------


def test_unknown_deck_is_one_clear_line(engine, write_deck, tmp_path, location):
    import_files(engine, [write_deck(DECK)])
    result = CliRunner().invoke(cli, ["--db", location, "export", "anki", "nope", "-o", str(tmp_path / "x.apkg")])
    assert result.exit_code == 1
    assert "unknown deck nope" in result.output and "Traceback" not in result.output
    assert list(tmp_path.glob("*.apkg*")) == []


@pytest.mark.parametrize("where", ["missing/x.apkg", "a-file/x.apkg", "folder", "/proc/x.apkg"])
def test_unwritable_path_is_one_clear_line_and_leaves_nothing(engine, write_deck, tmp_path, location, where):
    # /proc: a folder where not even root may create a file.
    import_files(engine, [write_deck(DECK)])
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "folder").mkdir()
    target = tmp_path / where
    result = CliRunner().invoke(cli, ["--db", location, "export", "anki", "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert f"cannot write {target}" in result.output and "Traceback" not in result.output
    assert [p for p in tmp_path.rglob("*") if p.is_file() and "apkg" in p.name] == []


def test_an_interrupted_export_leaves_no_file(engine, write_deck, tmp_path, monkeypatch):
    import_files(engine, [write_deck(DECK)])
    with zipfile.ZipFile(tmp_path / "out.apkg", "w") as previous:
        previous.writestr("collection.anki2", b"the previous export")
    before = (tmp_path / "out.apkg").read_bytes()

    writestr = zipfile.ZipFile.writestr

    def interrupt_after_the_collection(archive, name, data, *args, **kwargs):
        if name == "media":  # the media list, written after the collection
            raise KeyboardInterrupt
        return writestr(archive, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupt_after_the_collection)
    with pytest.raises(KeyboardInterrupt):
        export(engine, tmp_path, datetime.now(timezone.utc))
    assert sorted(p.name for p in tmp_path.iterdir() if "apkg" in p.name) == ["out.apkg"]
    assert (tmp_path / "out.apkg").read_bytes() == before


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_large_exports_show_a_progress_bar(engine, tmp_path, location):
    lines = ["deck: big", "title: Big", "cards:"]
    lines += [f"  - {{id: c{i}, front: 'q {i}', back: 'a {i}'}}" for i in range(6000)]
    deck = tmp_path / "big.yaml"
    deck.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_files(engine, [deck])
    terminal = Terminal()
    with ProgressBar(terminal, "exporting") as progress:
        export(engine, tmp_path, datetime.now(timezone.utc), "big.apkg", on_progress=progress.update)
    assert "exporting" in terminal.getvalue() and "100%" in terminal.getvalue()

    result = CliRunner().invoke(cli, ["--db", location, "export", "anki", "big", "-o", str(tmp_path / "cli.apkg")])
    assert result.exit_code == 0, result.stderr
    assert "exporting" in result.stderr  # not a terminal: the label alone
    assert "6000 cards" in result.stdout
    col = Collection(str(tmp_path / "check.anki2"))
    try:
        import_apkg(col, tmp_path / "cli.apkg")
        assert col.card_count() == 6000
    finally:
        col.close()


def test_the_progress_is_full_only_when_the_file_is_written(engine, write_deck, tmp_path):
    import_files(engine, [write_deck(DECK)])
    target = tmp_path / "out.apkg"
    seen = []
    export(
        engine,
        tmp_path,
        datetime.now(timezone.utc),
        with_progress=True,
        on_progress=lambda done, total: seen.append((done, total, target.exists())),
    )
    done = [step[0] for step in seen]
    (total,) = {step[1] for step in seen}
    assert done == sorted(done) and total >= DECK_NOTES + DECK_CARDS
    assert [written for step, _, written in seen if step == total] == [True]


def test_small_exports_show_no_progress_bar(engine, write_deck, tmp_path):
    import_files(engine, [write_deck(DECK)])
    terminal = Terminal()
    with ProgressBar(terminal, "exporting") as progress:
        export(engine, tmp_path, datetime.now(timezone.utc), on_progress=progress.update)
    assert terminal.getvalue() == ""


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "UTC"]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    rollover=st.integers(0, 23),
    instant=st.datetimes(datetime(1990, 1, 1), datetime(2060, 1, 1), timezones=st.just(timezone.utc)),
)
def test_the_packages_days_are_the_learners_days(zone, rollover, instant):
    clock = anki.Clock(datetime(2026, 11, 28, tzinfo=timezone.utc), ZoneInfo(zone), rollover)
    epoch_ms = round(instant.timestamp() * 1000)
    moment = datetime.fromtimestamp(epoch_ms / 1000, timezone.utc)
    assert clock.day(epoch_ms) == learner_date(moment, ZoneInfo(zone), rollover).toordinal()


@pytest.mark.parametrize(
    "zone, change",
    [
        ("Europe/Berlin", datetime(2026, 3, 29, 1)),
        ("Europe/Berlin", datetime(2026, 10, 25, 1)),
        ("Australia/Lord_Howe", datetime(2026, 4, 4, 15)),
    ],
)
def test_days_stay_the_learners_across_a_change_of_clocks(zone, change):
    clock = anki.Clock(datetime(2026, 11, 28, tzinfo=timezone.utc), ZoneInfo(zone), 2)
    start = change.replace(tzinfo=timezone.utc) - timedelta(days=1)
    for minutes in range(0, 3 * 24 * 60, 5):
        moment = start + timedelta(minutes=minutes)
        epoch_ms = round(moment.timestamp() * 1000)
        assert clock.day(epoch_ms) == learner_date(moment, ZoneInfo(zone), 2).toordinal(), moment


@settings(max_examples=300, deadline=None)
@given(deck=st.text(min_size=1), key=st.text(min_size=1))
def test_note_guids_are_genankis(deck, key):
    import genanki

    assert anki.note_guid(deck, key) == genanki.guid_for("quiz", deck, key)


def test_flags_forgets_reschedules_and_cram_answers_go_as_anki_logs_them(engine, tmp_path, anki_col, studied):
    ids, now = studied
    target = {key: storage.Target(ids[key], key) for key in ("amp/0", "alpine/0")}
    storage.set_flags(engine, [ids["amp/0"]], 2)
    storage.forget(engine, [target["alpine/0"]], now - timedelta(minutes=3))
    new_due = datetime(*learner_day(now + timedelta(days=5)).timetuple()[:3], ROLLOVER, tzinfo=timezone.utc)
    storage.reschedule(engine, [target["amp/0"]], new_due, now - timedelta(minutes=2))
    crammed = quiz_card(engine, ids["ps-format/0"])
    with engine.connect() as conn:
        schedule = storage.schedule_of(conn, ids["ps-format/0"])
    storage.cram_answer(engine, ids["ps-format/0"], schedule, Rating.HARD, now, 900)
    assert quiz_card(engine, ids["ps-format/0"]) == crammed  # cramming changes no schedule
    import_apkg(anki_col, export(engine, tmp_path, now, with_progress=True))

    amp = anki_card(anki_col, anki.note_guid("shell", "amp"), 0)
    assert amp.user_flag() == 2 and amp.due - anki_col.sched.today == 5
    ease, kind, ivl, factor = anki_col.db.first(
        "SELECT ease, type, ivl, factor FROM revlog WHERE cid = ? ORDER BY id DESC", amp.id
    )
    assert (ease, kind, ivl) == (0, 4, 5) and factor > 0  # Manual, no button; not a reset
    alpine = anki_card(anki_col, anki.note_guid("shell", "alpine"), 0)
    assert alpine.type == 0 and alpine.user_flag() == 0
    assert anki_col.db.first("SELECT ease, type, factor FROM revlog WHERE cid = ? ORDER BY id DESC", alpine.id) == [
        0,
        4,
        0,
    ]
    ps = anki_card(anki_col, anki.note_guid("shell", "ps-format"), 0)
    assert anki_col.db.first(
        "SELECT ease, type, ivl, factor, time FROM revlog WHERE cid = ? ORDER BY id DESC", ps.id
    ) == [2, 3, 0, 0, 900]
    # Anki's FSRS reads the log as quiz does: the manual change and the cram answer are no reviews
    for key, card in (("amp/0", amp), ("ps-format/0", ps)):
        ours, theirs = quiz_card(engine, ids[key]), anki_col.compute_memory_state(card.id)
        assert theirs.stability == pytest.approx(ours.stability, rel=0.01)
        assert theirs.difficulty == pytest.approx(ours.difficulty, rel=0.01)
