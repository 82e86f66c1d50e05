"""quiz generate / quiz new: decks from Markdown notes, and the bundled Docker deck."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from quiz import notes
from quiz.checking.compare import compare
from quiz.cli import cli
from quiz.decks import load_deck

ROOT = Path(__file__).resolve().parents[1]
DOCKER_NOTE = ROOT / "decks" / "source" / "docker-note.md"
DATA = Path(__file__).parent / "data"


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result


def generated(tmp_path, note: Path, *extra) -> tuple[dict, str]:
    out = tmp_path / "deck.yaml"
    result = run("generate", str(note), "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    load_deck(out)  # what quiz lint runs: raises on any problem
    return yaml.safe_load(out.read_text(encoding="utf-8")), result.output


def by_id(deck: dict) -> dict:
    return {card["id"]: card for card in deck["cards"]}


# ---- the Docker note ------------------------------------------------------------


def test_the_docker_note_makes_the_expected_cards(tmp_path):
    deck, _ = generated(tmp_path, DOCKER_NOTE)
    kinds = [card["tags"][0] for card in deck["cards"]]
    assert (
        kinds.count("command"),
        kinds.count("concept"),
        kinds.count("warning"),
        kinds.count("term"),
        kinds.count("snippet"),
    ) == (30, 6, 1, 1, 3)
    assert deck["deck"] == "docker-note" and deck["title"] == "note" and deck["lang"] == "zh"
    cards = by_id(deck)
    assert cards["docker-ps-l"] == {
        "id": "docker-ps-l",
        "type": "command",
        "front": "列出最近的容器，包含未正在运行的",
        "back": "docker ps -l",
        "tags": ["command"],
    }
    assert cards["lxc"]["front"] == "什么是 LXC？"
    assert cards["lxc"]["back"].startswith("LXC（Linux Container）Linux Container容器是一种内核虚拟化技术")
    assert "• 与宿主机使用同一个内核，性能损耗小；" in cards["lxc"]["back"]
    assert cards["concept-vs"]["front"] == "容器和虚拟机有什么区别？"
    assert cards["kitematic"]["source"] == "https://github.com/docker/kitematic"
    assert cards["docker-build-t"]["source"] == "https://hub.docker.com/"
    assert cards["alpine"] == {
        "id": "alpine",
        "type": "reversed",
        "front": "alpine",
        "back": "体积小，内置完整的包管理器(apk)",
        "tags": ["term"],
    }
    assert cards["docker-info"]["back"] == ["docker info", "docker version"]
    assert cards["sudo-usermod-ag-docker"]["front"] == "用户加入docker用户组中，免去输入sudo语句。"
    warning = cards["warning-sudo-usermod-ag-docker"]
    assert warning["back"] == (
        "这条语句需要重新登陆终端才能生效\ndocker用户组的权限等同于root用户组，在生产环境中这样做可能会导致安全问题!"
    )
    assert cards["set-default-locale-for-the"]["back"] == (
        "ENV LC_ALL C.UTF-8\nENV LANG en_US.UTF-8\nENV LANGUAGE en_US.UTF-8"
    )


def test_ids_are_unique_readable_slugs(tmp_path):
    deck, _ = generated(tmp_path, DOCKER_NOTE)
    ids = [card["id"] for card in deck["cards"]]
    assert len(ids) == len(set(ids))
    assert {"docker-push", "docker-push-2", "docker-logs-f-t", "docker-rm-v"} <= set(ids)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yo hablo español, tú hablas inglés", "yo-hablo-espanol-tu-hablas"),
        ("Über die Brücke", "uber-die-brucke"),
        ("Ça va? Très bien", "ca-va-tres-bien"),
        ("中文：你好", ""),  # no ASCII word: the caller makes an id of a digest
    ],
)
def test_an_id_keeps_the_letters_of_accented_words(text, expected):
    from quiz.notes.cards import slug

    assert slug(text) == expected


def test_an_anki_decks_name_stays_what_earlier_imports_made_of_it():
    """A later import of the deck finds its file by this name: it is not folded like a card's id."""
    from quiz.anki.decktext import deck_name

    assert deck_name("Languages::Español", None) == "languages-espa-ol"
    assert deck_name("Über", "phone") == "phone-ber"


def test_what_is_skipped_is_listed_with_line_numbers(tmp_path):
    _, report = generated(tmp_path, DOCKER_NOTE)
    for expected in (
        "docker-note.md:28: skipped: command without a `# comment` above it: docker login",
        "docker-note.md:49: skipped: paragraph with no heading",
        "docker-note.md:8: skipped: term without a description: ubuntu",
        'docker-note.md:15: skipped: link under "read"',
        'docker-note.md:149: note: left off the card "LXC"',
    ):
        assert expected in report


def test_generated_yaml_is_readable(tmp_path):
    deck_text = tmp_path / "deck.yaml"
    generated(tmp_path, DOCKER_NOTE)
    text = deck_text.read_text(encoding="utf-8")
    assert "front: 什么是 LXC？" in text  # CJK unescaped, plain style
    assert "\\u" not in text
    assert "  - id: docker-ps-l  # docker-note.md:70 [" in text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("docker ps -a", "docker ps -a"),
        ("列出正在运行的容器", "列出正在运行的容器"),
        ("1.5e3", "1.5e3"),  # text in YAML 1.1 (a float needs a dot and a signed exponent)
        ("yes", '"yes"'),
        ("null", '"null"'),
        ("42", '"42"'),
        ("1:20", '"1:20"'),  # a base-60 number in YAML 1.1
        ("2024-01-02", '"2024-01-02"'),
        ("=", '"="'),
        ("a: b", '"a: b"'),
        ("see #3", '"see #3"'),
        ("*ref", '"*ref"'),  # an alias
        ("&anchor text", '"&anchor text"'),
        ("!tag text", '"!tag text"'),
        ("- item", '"- item"'),
    ],
)
def test_a_text_is_written_plain_only_when_it_reads_back_the_same(tmp_path, value, written):
    from quiz.notes.write import scalar

    assert scalar(value, 4) == written
    deck = tmp_path / "deck.yaml"
    deck.write_text(f"deck: x\ncards:\n  - id: a\n    front: {written}\n    back: b\n", encoding="utf-8")
    assert load_deck(deck).cards[0].content["front"] == value


def test_printing_to_stdout_and_naming_the_deck():
    result = CliRunner().invoke(cli, ["generate", str(DATA / "git-note.md"), "--deck", "git"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["deck"] == "git"


# ---- notes of other styles ------------------------------------------------------------


def test_an_english_git_note(tmp_path):
    deck, report = generated(tmp_path, DATA / "git-note.md")
    assert deck["title"] == "Git everyday" and deck["lang"] == "en"
    cards = by_id(deck)
    assert len(cards) == 8
    assert cards["rebase-vs-merge"]["front"] == "What is the difference between Rebase and merge?"
    assert cards["rebase-vs-merge"]["source"] == "https://git-scm.com/book/en/v2/Git-Branching-Rebasing"
    assert cards["staging-area"]["front"] == "What is Staging area?"
    assert cards["git-log-oneline-graph-all"]["back"] == "git log --oneline --graph --all"  # `\` joined
    assert cards["warning-rebase-vs-merge"]["back"] == "Never rebase commits that others have already pulled."
    assert "git-note.md:33: skipped: paragraph with no heading of its own" in report


def test_a_chinese_kubectl_note(tmp_path):
    deck, report = generated(tmp_path, DATA / "kubectl-note.md")
    assert deck["title"] == "kubectl 速查" and deck["lang"] == "zh"
    cards = by_id(deck)
    assert len(cards) == 6
    assert cards["pod"]["front"] == "什么是 Pod？"
    assert cards["kubectl-get-pods"]["front"] == "列出当前命名空间的所有 Pod"
    assert cards["kubectl-exec-it-nginx-7d8b-sh"]["front"] == "进入容器执行命令：nginx-7d8b sh"  # the values named
    assert cards["kubectl-exec-it-nginx-7d8b-sh"]["back"] == "kubectl exec -it nginx-7d8b -- sh"
    assert 'kubectl-note.md:33: skipped: link under "参考"' in report
    assert "kubectl-note.md:20: note: several commands under one comment" in report


def test_commands_and_dockerfile_lines_in_one_block_stay_apart(tmp_path):
    note = tmp_path / "mixed.md"
    note.write_text(
        "# Mixed\n\n```\n# Build the base\nRUN apt-get update\napt-get install -y curl\n"
        "# List containers\ndocker ps\nRUN echo hi\n```\n",
        encoding="utf-8",
    )
    deck, report = generated(tmp_path, note)  # passes the deck checks
    backs = {card["tags"][0]: card["back"] for card in deck["cards"]}
    assert backs == {"snippet": "RUN apt-get update\napt-get install -y curl", "command": "docker ps"}
    assert "mixed.md:9: skipped: command without a `# comment` above it: RUN echo hi" in report


def test_a_note_without_front_matter_or_headings_is_titled_by_its_file(tmp_path):
    note = tmp_path / "my-Notes.md"
    note.write_text("```\n# list files\nls -la\n```\n", encoding="utf-8")
    deck, _ = generated(tmp_path, note)
    assert deck["deck"] == "my-notes" and deck["title"] == "my-Notes"
    assert deck["cards"] == [
        {"id": "ls-la", "type": "command", "front": "list files", "back": "ls -la", "tags": ["command"]}
    ]


def test_bad_input_is_one_line_and_writes_nothing(tmp_path):
    result = run("generate", str(tmp_path / "missing.md"), "-o", str(tmp_path / "x.yaml"))
    assert result.exit_code == 1 and "missing.md: cannot read" in result.output
    assert not (tmp_path / "x.yaml").exists()
    result = run("generate", str(DOCKER_NOTE), "--deck", "Not A Name")
    assert result.exit_code == 1 and "--deck" in result.output
    existing = tmp_path / "e.yaml"
    existing.write_text("keep me", encoding="utf-8")
    result = run("generate", str(DOCKER_NOTE), "-o", str(existing))
    assert result.exit_code == 1 and "--update" in result.output
    assert existing.read_text(encoding="utf-8") == "keep me"


def test_a_deck_goes_only_where_it_can_be_written_and_keeps_the_files_mode(tmp_path):
    result = run("generate", str(DOCKER_NOTE), "-o", str(tmp_path / "no" / "such" / "x.yaml"))
    assert result.exit_code == 1 and "cannot write" in result.output and "no folder" in result.output
    deck_path = tmp_path / "deck.yaml"
    assert run("generate", str(DOCKER_NOTE), "-o", str(deck_path)).exit_code == 0
    assert deck_path.stat().st_mode & 0o777 == 0o666 & ~current_umask()  # as any new file, not private
    deck_path.chmod(0o640)
    assert run("generate", str(DOCKER_NOTE), "--update", str(deck_path)).exit_code == 0
    assert deck_path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["deck.yaml"]  # no temporary file left


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---- --update -------------------------------------------------------------------------


def test_update_keeps_ids_and_hand_edits_and_removes_nothing(tmp_path):
    note = tmp_path / "note.md"
    shutil.copy(DOCKER_NOTE, note)
    deck_path = tmp_path / "deck.yaml"
    assert run("generate", str(note), "-o", str(deck_path)).exit_code == 0
    text = deck_path.read_text(encoding="utf-8")
    assert "front: 暂停运行的容器：23ad234" in text  # the front names the container to type
    text = text.replace("front: 暂停运行的容器：23ad234", "front: 暂停一个正在运行的容器")  # a hand edit
    text = text.replace("  - id: docker-kill", "  # my comment\n  - id: docker-kill")
    text += "\n  - id: my-own\n    front: written by hand\n    back: kept\n"
    deck_path.write_text(text, encoding="utf-8")
    changed = DOCKER_NOTE.read_text(encoding="utf-8")
    changed = changed.replace("# 列出目前运行的容器", "# 列出正在运行的容器")  # comment alone
    changed = changed.replace("docker ps -l", "docker ps --latest")  # command alone
    changed = changed.replace("# 暂停运行的容器", "# 暂停容器")  # under a hand edit
    changed = changed.replace("# 显示容器文件系统的改动\ndocker diff 23ad234", "# 文件改动\ndocker diff web")
    changed += "\n```\n# 列出所有卷\ndocker volume ls\n```\n"
    note.write_text(changed, encoding="utf-8")

    result = run("generate", str(note), "--update", str(deck_path))
    assert result.exit_code == 0, result.output
    load_deck(deck_path)
    after = deck_path.read_text(encoding="utf-8")
    cards = by_id(yaml.safe_load(after))
    assert cards["docker-ps"]["front"] == "列出正在运行的容器"
    assert cards["docker-ps-l"]["back"] == "docker ps --latest"
    assert cards["docker-pause"]["front"] == "暂停一个正在运行的容器"  # the hand edit wins
    assert cards["my-own"] == {"id": "my-own", "front": "written by hand", "back": "kept"}
    assert "  # my comment\n  - id: docker-kill" in after
    assert cards["docker-volume-ls"]["back"] == "docker volume ls"
    assert cards["docker-diff"]["back"] == "docker diff 23ad234"  # gone from the note, still here
    assert cards["docker-diff-web"]["back"] == "docker diff web"
    assert "no longer in the note, kept (delete it by hand to retire it): docker-diff" in result.output
    assert "kept your edits: docker-pause" in result.output
    assert "added: docker-volume-ls" in result.output


def test_update_of_an_unchanged_note_changes_nothing(tmp_path):
    deck_path = tmp_path / "deck.yaml"
    assert run("generate", str(DOCKER_NOTE), "-o", str(deck_path)).exit_code == 0
    before = deck_path.read_text(encoding="utf-8")
    result = run("generate", str(DOCKER_NOTE), "--update", str(deck_path))
    assert result.exit_code == 0
    assert deck_path.read_text(encoding="utf-8") == before


def test_update_into_the_hand_curated_bundled_deck_keeps_every_card(tmp_path):
    deck_path = tmp_path / "docker.yaml"
    shutil.copy(ROOT / "decks" / "docker.yaml", deck_path)
    before = by_id(yaml.safe_load(deck_path.read_text(encoding="utf-8")))
    result = run("generate", str(DOCKER_NOTE), "--update", str(deck_path))
    assert result.exit_code == 0, result.output
    after = by_id(yaml.safe_load(deck_path.read_text(encoding="utf-8")))
    assert after == before  # its cards carry the marks of the note's cards they correct
    assert "added:" not in result.output


def test_update_follows_marks_to_cards_rewritten_or_merged_by_hand(tmp_path):
    note = tmp_path / "note.md"
    note.write_text(
        "# Images\n\n```\n# Rename an image\ndocker rename old new\n"
        "# Tag an image\ndocker tag a b\n# List images\ndocker images\n```\n",
        encoding="utf-8",
    )
    deck_path = tmp_path / "deck.yaml"
    assert run("generate", str(note), "-o", str(deck_path)).exit_code == 0
    text = deck_path.read_text(encoding="utf-8")
    marks = re.findall(r"\[[0-9a-f]{8}\]", text)
    assert len(marks) == 3
    # By hand: the two naming cards become one correct card that keeps both marks; the last is
    # rewritten entirely but keeps its mark. No text of theirs matches the note any more.
    header = text[: text.index("  - id:")]
    deck_path.write_text(
        header
        + f"""  - id: tag-image  # from the note {marks[0]} {marks[1]}
    type: command
    front: Give an image a second name
    back: docker image tag <image> <name>
  - id: list-images  # rewritten {marks[2]}
    type: command
    front: Show the local images
    back: docker image ls
""",
        encoding="utf-8",
    )
    result = run("generate", str(note), "--update", str(deck_path))
    assert result.exit_code == 0, result.output
    assert "added:" not in result.output
    assert set(by_id(yaml.safe_load(deck_path.read_text(encoding="utf-8")))) == {"tag-image", "list-images"}
    assert result.output.count("kept your edits: tag-image") == 2


# ---- quiz new -------------------------------------------------------------------------------


def test_new_writes_a_starter_deck_with_every_card_type(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "git-basics")
    assert result.exit_code == 0, result.output
    spec = load_deck(tmp_path / "git-basics.yaml")
    assert spec.name == "git-basics"
    assert {card.kind.value for card in spec.cards} == {"basic", "reversed", "cloze", "command"}
    assert "#" in (tmp_path / "git-basics.yaml").read_text(encoding="utf-8")
    assert run("new", "git-basics").exit_code == 1  # never overwrites
    assert run("new", "Bad Name").exit_code == 1


# ---- the bundled deck -------------------------------------------------------------------


BUNDLED = yaml.safe_load((ROOT / "decks" / "docker.yaml").read_text(encoding="utf-8"))


def test_the_bundled_deck_passes_lint():
    load_deck(ROOT / "decks" / "docker.yaml")


KEPT_IDS = [
    "ps-l",
    "logs-f-t",
    "run-rm",
    "rm-v",
    "cp-from-container",
    "save-o",
    "tag-image",
    "build-f",
    "usermod-docker",
    "lxc",
    "hypervisor",
    "containers-vs-vms",
    "docker-group-root",
    "image-alpine",
    "image-busybox",
    "image-debian",
    "layers-overlayfs",
    "export-import",
    "top-ps",
]


def test_the_bundled_deck_keeps_the_first_decks_ids():
    assert set(KEPT_IDS) <= {card["id"] for card in BUNDLED["cards"]}


def note_commands() -> list[str]:
    note = notes.generate(DOCKER_NOTE.read_text(encoding="utf-8"))
    lines = [
        c
        for card in note.cards
        if card.kind == "command"
        for c in (card.back if isinstance(card.back, list) else [card.back])
    ]
    return lines + ["docker login"]  # the one the generator skips: it has no comment above it


WRONG_IN_THE_NOTE = {
    "docker top 23ad234 -d 2",
    "docker cp 23ad234:~/test.txt ./test.txt",
    "docker import ./mytest.docker.tar",
    "docker rename ijse/test ijse/mytest",
    "docker build ./Dockerfile",
}


@pytest.mark.parametrize("command", note_commands())
def test_the_bundled_deck_has_every_command_of_the_note(command):
    """A right command is accepted by a command card; a wrong one is explained in a note."""
    backs = [card["back"] for card in BUNDLED["cards"] if card.get("type") == "command"]
    accepted = any(compare(back, command).correct for back in backs)
    if command in WRONG_IN_THE_NOTE:
        assert not accepted
        assert any(
            command in str(card.get("note", {}).get("zh", "")) and command in card["note"]["en"]
            for card in BUNDLED["cards"]
            if isinstance(card.get("note"), dict)
        )
    else:
        assert accepted


def test_the_note_has_about_thirty_commands():
    assert len(note_commands()) == 32


def test_the_bundled_deck_is_bilingual_and_has_cloze_and_reversed_cards():
    for card in BUNDLED["cards"]:
        for field in ("front", "text", "note"):
            if field in card and not (field == "front" and card.get("type") == "reversed"):
                assert set(card[field]) >= {"zh", "en"}, (card["id"], field)
    kinds = [card.get("type", "basic") for card in BUNDLED["cards"]]
    assert kinds.count("reversed") >= 4 and kinds.count("cloze") >= 7
    cloze_text = " ".join(card["text"]["en"] for card in BUNDLED["cards"] if card.get("type") == "cloze")
    for flag in ("rm {{c1::-v}}", "run {{c1::--rm}}", "logs {{c1::-f}} {{c2::-t}}", "ps {{c1::-l}}"):
        assert flag in cloze_text
    assert {"image-ubuntu", "image-debian", "image-alpine", "image-busybox"} <= {c["id"] for c in BUNDLED["cards"]}


@pytest.mark.parametrize(
    "topic",
    [
        "LXC",
        "hypervisor",
        "virtual machine",
        "AUFS",
        "volume",
        "Kitematic",
        "UTF-8",
        "docker group",
        "webhook",
        "three principles",
    ],
)
def test_the_bundled_deck_covers_every_concept_of_the_note(topic):
    text = " ".join(str(card) for card in BUNDLED["cards"]).lower()
    assert topic.lower() in text


def test_a_note_with_no_cards_is_refused_in_one_line_and_nothing_is_written(tmp_path):
    from click.testing import CliRunner

    from quiz.cli import cli

    note = tmp_path / "empty.md"
    note.write_text("just a thought, no heading\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["generate", str(note), "-o", str(tmp_path / "deck.yaml")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: empty.md: no cards to make (what was left out, and why, is listed above)"
    )
    assert not (tmp_path / "deck.yaml").exists()
