"""Answer checking: what counts as the same answer, and what does not."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from quiz.checking.compare import compare, lint_command
from quiz.checking.tables import parse_tools

# (rule, expected, typed): typed must be accepted
SAME = [
    ("whitespace", "docker logs -f web", "  docker   logs\t-f  web "),
    ("double quotes", "docker commit -m mytest web", 'docker commit -m "mytest" web'),
    ("single quotes", 'git commit -m "fix the bug"', "git commit -m 'fix the bug'"),
    ("escaped space", 'git commit -m "fix the bug"', r"git commit -m fix\ the\ bug"),
    ("bundled flags", "docker logs -f -t web", "docker logs -ft web"),
    ("bundled flags, reversed", "docker logs -f -t web", "docker logs -tf web"),
    ("bundle ending in a value", "sudo usermod -aG docker alice", "sudo usermod -a -G docker alice"),
    ("bundle with attached value", "sudo usermod -aG docker alice", "sudo usermod -aGdocker alice"),
    ("attached short value", "docker logs -n 5 web", "docker logs -n5 web"),
    ("bundled run flags", "docker run -i -t ubuntu bash", "docker run -it ubuntu bash"),
    ("options reordered", "docker run -d --name web -p 80:80 nginx", "docker run -p 80:80 --name web -d nginx"),
    ("option after argument", "docker logs -f web", "docker logs web -f"),
    ("options around argument", "docker rm -f -v web", "docker rm -f web -v"),
    ("repeated option reordered", "docker run -e A=1 -e B=2 app", "docker run -e B=2 -e A=1 app"),
    ("--name=value", "docker run --name web nginx", "docker run --name=web nginx"),
    ("long = short", "docker logs --follow web", "docker logs -f web"),
    ("long = short with value", "docker logs --tail 5 web", "docker logs -n 5 web"),
    ("long= = short", "docker build -t me/app:1 .", "docker build --tag=me/app:1 ."),
    ("-t takes a value for build", "docker build -t app .", "docker build . -t app"),
    ("-t is a flag for logs", "docker logs -t web", "docker logs web -t"),
    ("ps -l", "docker ps -l", "docker ps --latest"),
    ("save -o", "docker save -o ijse.test.tar ijse/mytest", "docker save ijse/mytest --output=ijse.test.tar"),
    ("load -i", "docker load -i images.tar", "docker load --input images.tar"),
    ("login -u", "docker login -u me", "docker login --username=me"),
    ("container ls = ps", "docker ps", "docker container ls"),
    ("container list = ps", "docker ps -a", "docker container list --all"),
    ("image ls = images", "docker images", "docker image ls"),
    ("image rm = rmi", "docker rmi ubuntu", "docker image rm ubuntu"),
    ("container rm = rm", "docker rm -v web", "docker container rm -v web"),
    ("container logs = logs", "docker logs -f web", "docker container logs --follow web"),
    ("image build = build", "docker build -t app .", "docker image build -t app ."),
    ("buildx build = build", "docker buildx build -t app .", "docker build --tag app ."),
    ("system info = info", "docker info", "docker system info"),
    ("volume list = volume ls", "docker volume ls", "docker volume list"),
    ("network remove = network rm", "docker network rm net1", "docker network remove net1"),
    ("placeholder", "docker logs -f <container>", "docker logs -f 23ad234"),
    ("placeholder as value", "docker run --name <name> nginx", "docker run --name=web nginx"),
    ("placeholder in a word", "docker cp <container>:<path> ./test.txt", "docker cp web:/tmp/a ./test.txt"),
    ("placeholder, non-ASCII name", "sudo usermod -aG docker <用户名>", "sudo usermod --append --groups docker bob"),
    ("gpasswd -a takes the user", "sudo gpasswd -a bob docker", "sudo gpasswd docker --add bob"),
    ("sudo wrapper options", "sudo -u root docker ps -a", "sudo --user=root docker container ls --all"),
    ("end of options", "docker rm -- web", "docker rm web"),
    ("global option spelling", "docker -H tcp://host:2375 ps", "docker --host=tcp://host:2375 ps"),
    ("pipe, equivalent sides", "docker ps -a | grep web", "docker container ls --all | grep web"),
    ("redirection spacing", "docker export web > web.tar", "docker export web >web.tar"),
    ("fd redirection", "docker logs web 2>&1 | less", "docker logs web 2>&1|less"),
    ("run passes the rest on", "docker run --rm -it ubuntu ls -la", "docker run -it --rm ubuntu ls -la"),
    ("top passes ps options on", "docker top 23ad234 -d 2", "docker container top 23ad234 -d 2"),
    ("no table: quoting", 'mytool commit -m "fix it"', "mytool commit -m 'fix it'"),
    ("no table: letter bundle split in place", "mytool -la", "mytool -l -a"),
    ("no table: bundle in any order", "mytool -la x", "mytool -al x"),
    ("no table: flags in any order before the first argument", "mytool -v --dry-run x", "mytool --dry-run -v x"),
    ("no table: --opt=value = --opt value", "mytool --out=a.txt x", "mytool --out a.txt x"),
    ("no table: --opt value = --opt=value", "mytool --out a.txt x", "mytool --out=a.txt x"),
]

# (rule, expected, typed): typed must be rejected
DIFFERENT = [
    ("another subcommand: rmi/rm", "docker rmi ubuntu", "docker rm ubuntu"),
    ("another subcommand: logs/log", "docker logs -f web", "docker log -f web"),
    ("another subcommand: start/restart", "docker start web", "docker restart web"),
    ("another listing: ps/images", "docker container ls", "docker images"),
    ("image rm is not rm", "docker image rm ubuntu", "docker rm ubuntu"),
    ("missing flag", "docker logs -f -t web", "docker logs -f web"),
    ("extra flag", "docker ps", "docker ps -a"),
    ("another flag", "docker rm -v web", "docker rm -f web"),
    ("missing bundled flag", "sudo usermod -aG docker alice", "sudo usermod -G docker alice"),
    ("another value", "docker logs --tail 5 web", "docker logs --tail 10 web"),
    ("another value, other spelling", "docker run --name web nginx", "docker run --name=db nginx"),
    ("value taken as -t's", "docker build -t app .", "docker build -t . app"),
    ("cp direction", "docker cp 23ad234:~/test.txt ./test.txt", "docker cp ./test.txt 23ad234:~/test.txt"),
    ("tag order", "docker tag app me/app:1", "docker tag me/app:1 app"),
    ("missing argument", "docker rename old new", "docker rename old"),
    ("missing optional argument", "docker commit -m mytest web ijse/test:mytag", "docker commit -m mytest web"),
    ("extra argument", "docker start web", "docker start web db"),
    ("run: options after the image go to the container", "docker run -d nginx", "docker run nginx -d"),
    ("commit: options come first", "docker commit -m mytest web", "docker commit web -m mytest"),
    ("exec: options come first", "docker exec -it web bash", "docker exec web -it bash"),
    ("global option is not a command option", "docker -H unix:///x.sock ps", "docker ps -H unix:///x.sock"),
    ("quotes that join words", 'git commit -m "fix it"', "git commit -m fix it"),
    ("redirection is not -o", "docker save -o f.tar img", "docker save img > f.tar"),
    ("pipe is not a sequence", "docker ps | grep web", "docker ps ; grep web"),
    ("missing pipe", "docker ps | grep web", "docker ps grep web"),
    ("quoted | is a word", 'echo "|" x', "echo | x"),
    ("quoted > is a word", "docker export web > web.tar", 'docker export web ">" web.tar'),
    ("placeholder needs an argument", "docker logs <container>", "docker logs"),
    ("placeholder is one argument", "docker logs <container>", "docker logs web db"),
    ("placeholder is not a flag", "docker rm <container>", "docker rm -f"),
    ("placeholder keeps the rest of its word", "docker cp <container>:/etc/hosts .", "docker cp web:/etc/passwd ."),
    ("gpasswd: user and group swapped", "sudo gpasswd -a bob docker", "sudo gpasswd -a docker bob"),
    ("sudo is part of the answer", "sudo usermod -aG docker alice", "usermod -aG docker alice"),
    ("flags are case-sensitive", "docker ps -a", "docker ps -A"),
    ("unknown option is not the known one", "docker logs --follow web", "docker logs --folow web"),
    ("no table: nothing moves past the first argument", "mytool -v x -q", "mytool -v -q x"),
    ("no table: long is not short", "mytool --verbose x", "mytool -v x"),
    ("no table: = keeps its value", "mytool --color=auto x", "mytool --color=always x"),
    ("no table: argument order", "foo a b", "foo b a"),
]


@pytest.mark.parametrize("rule, expected, typed", SAME, ids=[case[0] for case in SAME])
def test_equivalent_answers_match_both_ways(rule, expected, typed):
    assert compare(expected, typed).correct
    if "<" not in expected:  # a placeholder only stands in on the expected side
        assert compare(typed, expected).correct


@pytest.mark.parametrize("rule, expected, typed", DIFFERENT, ids=[case[0] for case in DIFFERENT])
def test_different_answers_do_not_match(rule, expected, typed):
    verdict = compare(expected, typed)
    assert not verdict.correct
    assert any(part.kind != "same" for part in verdict.diff)
    if "<" not in expected:  # a placeholder only stands in on the expected side
        assert not compare(typed, expected).correct


def parts(verdict):
    return [(part.kind, part.expected, part.typed) for part in verdict.diff]


def test_diff_names_missing_and_extra_flags():
    verdict = compare("docker logs -f web", "docker logs -t web")
    assert parts(verdict) == [
        ("same", "docker", "docker"),
        ("same", "logs", "logs"),
        ("extra", "", "-t"),
        ("missing", "-f", ""),
        ("same", "web", "web"),
    ]


def test_diff_marks_another_subcommand_wrong():
    verdict = compare("docker rmi ubuntu", "docker rm ubuntu")
    assert ("wrong", "rmi", "rm") in parts(verdict)


def test_diff_marks_another_value_wrong_and_keeps_typed_spelling():
    verdict = compare("docker logs --tail 5 web", "docker logs -n 10 web")
    assert ("wrong", "--tail 5", "-n 10") in parts(verdict)


def test_diff_accepts_aliases_and_shows_what_was_typed():
    verdict = compare("docker ps -a", "docker container ls --all")
    assert parts(verdict) == [("same", "docker", "docker"), ("same", "ps", "container ls"), ("same", "-a", "--all")]


def test_diff_of_arguments_in_another_order():
    verdict = compare("docker cp web:/a ./b", "docker cp ./b web:/a")
    assert parts(verdict) == [
        ("same", "docker", "docker"),
        ("same", "cp", "cp"),
        ("extra", "", "./b"),
        ("same", "web:/a", "web:/a"),
        ("missing", "./b", ""),
    ]


def test_diff_of_a_missing_word_in_a_command_without_table():
    verdict = compare("git push origin main", "git push main")
    assert parts(verdict) == [
        ("same", "git", "git"),
        ("same", "push", "push"),
        ("missing", "origin", ""),
        ("same", "main", "main"),
    ]


def test_diff_shows_an_extra_operator():
    verdict = compare("docker save -o f.tar img", "docker save img > f.tar")
    assert ("extra", "", ">") in parts(verdict)


def test_several_answers_any_one_matches():
    answers = ["docker ps -a", "docker ps --all --quiet"]
    verdict = compare(answers, "docker container ls -aq")
    assert verdict.correct
    assert verdict.expected == "docker ps --all --quiet"


def test_several_answers_diff_against_the_closest():
    answers = ("docker ps -a", "docker ps --all --quiet --no-trunc")
    verdict = compare(answers, "docker ps -q --no-trunc")
    assert not verdict.correct
    assert verdict.expected == "docker ps --all --quiet --no-trunc"
    assert verdict.mistakes == 1


def test_no_expected_answer_is_an_error():
    with pytest.raises(ValueError, match="no expected answer"):
        compare([], "docker ps")


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="kind"):
        compare("docker ps", "docker ps", kind="shell")


# ---------------------------------------------------------------- plain text

TEXT_SAME = [
    ("case", "Linux Container", "linux container"),
    ("surrounding and repeated whitespace", "Linux Container", "  Linux   Container \n"),
    ("composed = decomposed accent", "caf\u00e9", "cafe\u0301"),
    ("full-width letters", "LXC", "ＬＸＣ"),
]
TEXT_DIFFERENT = [
    ("accents count by default", "café", "cafe"),
    ("another word", "Linux Container", "Linux Containers"),
    ("word order", "copy on write", "write on copy"),
    ("missing word", "Linux Container", "Linux"),
]


@pytest.mark.parametrize("rule, expected, typed", TEXT_SAME, ids=[case[0] for case in TEXT_SAME])
def test_text_answers_that_match(rule, expected, typed):
    assert compare(expected, typed).correct
    assert compare(typed, expected).correct


@pytest.mark.parametrize("rule, expected, typed", TEXT_DIFFERENT, ids=[case[0] for case in TEXT_DIFFERENT])
def test_text_answers_that_do_not_match(rule, expected, typed):
    assert not compare(expected, typed).correct
    assert not compare(typed, expected).correct


def test_text_can_ignore_accents():
    assert compare("Élève café", "eleve CAFE", ignore_accents=True).correct
    assert not compare("Élève café", "eleve cafe").correct
    assert not compare("café", "cafes", ignore_accents=True).correct


def test_text_diff_is_word_by_word():
    verdict = compare("Linux Container", "linux containers")
    assert parts(verdict) == [("same", "Linux", "linux"), ("wrong", "Container", "containers")]


def test_auto_kind_takes_an_answer_with_options_as_a_command():
    # as text, case would be ignored; as a command it matters
    assert not compare("ls -l", "LS -L").correct
    assert compare("Copy on write", "copy ON write").correct


def test_kind_can_be_forced():
    assert not compare("docker", "Docker").correct  # a known tool: a command
    assert compare("docker", "Docker", kind="text").correct
    assert not compare("Linux Container", "linux container", kind="command").correct


# ---------------------------------------------------------------- tool tables

GIT = {
    "git": {
        "options": ["-C path", "--no-pager"],
        "commands": {
            "commit": {"options": ["-a, --all", "-m, --message msg", "--amend"]},
            "remote add": {"aliases": ["remote new"], "options": ["-f, --fetch"]},
        },
    }
}


def test_a_deck_table_teaches_a_new_tool():
    table = parse_tools(GIT)
    assert compare("git commit -a -m fix", "git commit --message=fix --all", tools=table).correct
    assert not compare("mytool commit -a -m fix", "mytool commit --message=fix --all").correct  # no table
    assert compare("git remote add -f up URL", "git remote new up URL --fetch", tools=[table]).correct
    assert not compare("git commit -a -m fix", "git commit -a -m fox", tools=table).correct


def test_a_deck_table_adds_to_the_bundled_commands_of_a_tool():
    table = parse_tools({"docker": {"commands": {"compose up": {"options": ["-d, --detach", "--build"]}}}})
    assert compare("docker compose up -d --build", "docker compose up --build --detach", tools=table).correct
    assert compare("docker ps -a", "docker container ls --all", tools=table).correct
    assert not compare("docker compose up -d", "docker compose up --build", tools=table).correct


def test_a_deck_table_replaces_a_bundled_command():
    table = parse_tools({"docker": {"commands": {"ps": {"options": ["-x, --extra"]}}}})
    assert compare("docker ps -x", "docker ps --extra", tools=table).correct
    assert not compare("docker ps -x", "docker ps --extra").correct


def test_a_deck_command_replaces_a_bundled_alias():
    table = parse_tools({"docker": {"commands": {"image ls": {"options": ["--mine", "-q, --quiet"]}}}})
    assert compare("docker image ls --mine -q", "docker image ls --quiet --mine", tools=table).correct
    assert not compare("docker images", "docker image ls", tools=table).correct
    assert compare("docker images", "docker image ls").correct


def test_a_wrapper_compares_the_command_it_runs_with_its_table():
    table = parse_tools({"time": {"wrapper": True, "options": ["-p, --portability"]}})
    assert compare("time -p docker ps -a", "time --portability docker container ls --all", tools=table).correct
    assert not compare("time -p docker ps -a", "time docker ps -a", tools=table).correct


BAD_TABLES = [
    ("not a mapping", ["docker"], "maps tool names to tools"),
    ("tool name with a space", {"my tool": {}}, "'my tool': a tool name is one word"),
    ("tool is a list", {"git": ["-a"]}, "git: expected a mapping"),
    ("unknown tool key", {"git": {"option": ["-a"]}}, 'git: unknown key "option"'),
    ("options not a list", {"git": {"options": "-a"}}, "git: options: expected a list of strings"),
    ("option without dash", {"git": {"options": ["all"]}}, 'git: options[0] "all": expected the option'),
    ("bad spelling", {"git": {"options": ["--"]}}, 'git: options[0] "--": -- is not an option spelling'),
    ("two value names", {"git": {"options": ["-C path dir"]}}, 'git: options[0] "-C path dir": more than one value'),
    ("spelling twice", {"git": {"options": ["-a", "-a, --all"]}}, 'git: options[1] "-a, --all": -a is already'),
    ("not a boolean", {"git": {"wrapper": "yes"}}, "git: wrapper must be true or false"),
    (
        "not a count",
        {"git": {"options_first": "yes"}},
        "git: options_first must be true, false or a count of arguments",
    ),
    ("wrapper with commands", {"s": {"wrapper": True, "commands": {"x": {}}}}, "s: a wrapper runs another"),
    ("commands not a mapping", {"git": {"commands": ["commit"]}}, "git: commands must map"),
    ("unknown command key", {"git": {"commands": {"commit": {"flags": []}}}}, 'git commit: unknown key "flags"'),
    ("command path is an option", {"git": {"commands": {"--x": {}}}}, "git: '--x' is not a command path"),
    ("bad command option", {"git": {"commands": {"commit": {"options": [3]}}}}, "git commit: options: expected"),
    ("alias is a command", {"git": {"commands": {"a": {}, "b": {"aliases": ["a"]}}}}, 'git b: alias "a" is already'),
]


@pytest.mark.parametrize("rule, data, message", BAD_TABLES, ids=[case[0] for case in BAD_TABLES])
def test_bad_tool_tables_are_rejected_with_a_clear_message(rule, data, message):
    with pytest.raises(ValueError) as error:
        parse_tools(data)
    assert message in str(error.value)


def test_every_bad_entry_is_named():
    data = {
        "git": {
            "options": ["-a", "oops", "-b x y"],
            "commands": {"commit": {"options": ["--ok", "-m msg", "-m"], "aliases": "ci"}},
        },
        "bad name": {},
    }
    with pytest.raises(ValueError) as error:
        parse_tools(data)
    message = str(error.value)
    for fragment in [
        'git: options[1] "oops"',
        'git: options[2] "-b x y"',
        'git commit: options[2] "-m": -m is already an option',
        "git commit: aliases: expected a list of strings",
        "'bad name': a tool name is one word",
    ]:
        assert fragment in message


# ------------------------------------------------------- the bundled tables

TOOLS_DIR = Path(__file__).resolve().parents[1] / "quiz" / "checking" / "command_tables"

# every command of the docker note the bundled decks come from (seeds/docker-note.md)
NOTE_COMMANDS = """\
docker login
docker build -t username/newimage:tag .
docker push username/newimage
docker rm -v 23ad234
docker run --rm ubuntu
docker info
docker version
docker search ubuntu
docker pull ubuntu
docker images
docker ps
docker ps -l
docker attach 23ad234
docker logs -f -t 23ad234
docker pause 23ad234
docker unpause 23ad234
docker start 23ad234
docker stop 23ad234
docker restart 23ad234
docker top 23ad234 -d 2
docker inspect 23ad234
docker kill 23ad234
docker diff 23ad234
docker cp 23ad234:~/test.txt ./test.txt
docker export 23ad234 > mytest.docker.tar
docker import ./mytest.docker.tar
docker commit -m mytest 23ad234 ijse/test:mytag
docker history ijse/test:mytag
docker rename ijse/test ijse/mytest
docker push ijse/mytest:mytag
docker rmi ubuntu
docker save -o ijse.test.tar ijse/mytest
docker build ./Dockerfile
sudo usermod -aG docker <用户名>
""".splitlines()

# the options and commands the issue asks the docker table to know
MORE_COMMANDS = """\
docker ps -a -q --format {{.ID}} -n 3 --no-trunc -s -f status=exited
docker logs --follow --timestamps --tail 10 --since 1h --until 5m --details web
docker logs -n 10 web
docker export -o web.tar web
docker commit -a me -c CMD -p web img
docker login -u me -p secret --password-stdin registry.example.com
docker rm -f -l web
docker rmi -f ubuntu
docker load -i images.tar
docker build -t app -f Dockerfile --build-arg A=1 --no-cache --pull --target prod --platform linux/amd64 .
docker build --progress plain --secret id=x --ssh default --load -o out .
docker run -d -i -t --rm --name web -p 80:80 -v /data:/data -e A=1 -w /app -u 1000 --network net --entrypoint sh nginx
docker run --restart always --env-file .env --mount type=bind,src=/a,dst=/b -h host --memory 1g --cpus 2 nginx
docker exec -it -e A=1 -u root -w /app -d web bash
docker volume ls -q
docker volume rm -f data
docker volume create --driver local data
docker volume inspect data
docker volume prune -f -a
docker network ls
docker network create -d bridge net
docker network rm net
docker network inspect net
docker network connect net web
docker container ls -a
docker container prune -f
docker image ls -a
docker image prune -a -f
docker image rm ubuntu
docker system prune -a -f --volumes
docker system df
docker create --name web nginx
docker stats --no-stream
docker port web
docker wait web
docker logout
docker tag app me/app:1
docker kill -s HUP web
docker stop -t 5 web
sudo -u root -E docker ps
sudo usermod --append --groups docker bob
""".splitlines()


def test_the_bundled_tables_load():
    names = set()
    for path in sorted(TOOLS_DIR.glob("*.yaml")):
        names |= set(parse_tools(yaml.safe_load(path.read_text(encoding="utf-8"))).tools)
    assert {"docker", "sudo", "usermod"} <= names


@pytest.mark.parametrize("command", NOTE_COMMANDS + MORE_COMMANDS)
def test_the_bundled_tables_know_every_command_the_decks_use(command):
    assert lint_command(command) == []


def deck_commands():
    """The answers of every command card in the bundled decks."""
    for path in sorted((TOOLS_DIR.parents[2] / "decks").glob("*.yaml")):
        for card in yaml.safe_load(path.read_text(encoding="utf-8")).get("cards", []):
            if card.get("type") == "command":
                back = card["back"]
                yield from [back] if isinstance(back, str) else back


def test_the_bundled_decks_have_command_cards():
    assert len(list(deck_commands())) >= 10


@pytest.mark.parametrize("command", list(deck_commands()))
def test_the_bundled_tables_know_every_command_of_the_bundled_decks(command):
    assert lint_command(command) == []


def test_lint_names_what_the_tables_cannot_read():
    assert lint_command("docker logs --folow web") == ["docker logs: unknown option --folow"]
    assert lint_command("docker frobnicate web") == ['docker: unknown command "frobnicate"']
    assert lint_command("docker ps -a | sudo usermod -G") == ["usermod: -G needs a value"]
    assert lint_command("mytool get pods") == []  # no table: the generic rule


# ----------------------------------------------------------------- properties

# Properties of command answers, for every bundled tool: tests/test_tables.py


@given(st.text(), st.sampled_from(["auto", "command", "text"]))
def test_any_answer_matches_itself(answer, kind):
    assert compare(answer, answer, kind=kind).correct


@given(st.text(alphabet="abcXYZ é\t"))
def test_text_ignores_case(answer):
    assert compare(answer, answer.upper(), kind="text").correct
