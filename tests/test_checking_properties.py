"""Properties of the answer checker that hold for every command of every bundled table:
reordering options never changes the verdict, dropping or changing an option or an argument
always makes the answer wrong (but for what the table calls implied or incidental), and
expanding a bundle of short flags never changes it."""

from hypothesis import assume, given
from hypothesis import strategies as st

from quiz.checking import knowledge
from quiz.checking.compare import compare


def same(expected: str, typed: str) -> bool:
    return compare(expected, typed, kind="command").correct


TOOLS = {name: knowledge.bundled_tool(name) for name in knowledge.bundled_specs()}
COMMANDS = sorted(
    (name, path, tool.command(path) if path else tool.own)
    for name, tool in TOOLS.items()
    if tool is not None and not tool.wrapper
    for path in (tool.commands or [()])
)
VALUE = st.from_regex(r"x[0-9]{1,3}", fullmatch=True)  # no synonym, option, image tag or glob


def spellings(command):
    by_option = {}
    for spelling, option in command.options.items():
        by_option.setdefault(option, []).append(spelling)
    return by_option


@st.composite
def invocations(draw):
    """(words before the options, option groups, arguments, the command, the tool)."""
    name, path, command = draw(st.sampled_from(COMMANDS))
    tool = TOOLS[name]
    options = spellings(command)
    groups = []
    if options:
        chosen = draw(st.lists(st.sampled_from(sorted(options, key=lambda o: o.name)), max_size=4, unique=True))
        for option in chosen:
            spelling = draw(st.sampled_from(sorted(options[option])))
            if option.takes_value and option.optional:
                groups.append([spelling])
            elif option.takes_value and spelling.startswith("--") and tool.equals and draw(st.booleans()):
                groups.append([f"{spelling}={draw(VALUE)}"])
            elif option.takes_value:
                groups.append([spelling, draw(VALUE)])
            else:
                groups.append([spelling])
    args = draw(st.lists(VALUE, max_size=3, unique=True))
    return [name, *path], groups, args, command, tool


def line(head, groups, args):
    return " ".join([*head, *(word for group in groups for word in group), *args])


@given(invocations())
def test_a_command_always_matches_itself(invocation):
    head, groups, args, _, _ = invocation
    assert same(line(head, groups, args), line(head, groups, args))


@given(invocations(), st.data())
def test_swapping_two_arguments_is_wrong(invocation, data):
    head, groups, args, _, _ = invocation
    assume(len(args) >= 2)
    i, j = data.draw(st.sampled_from([(i, j) for i in range(len(args)) for j in range(i)]))
    swapped = list(args)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    assert not same(line(head, groups, args), line(head, groups, swapped))


@given(invocations(), st.data())
def test_reordering_options_never_changes_the_verdict(invocation, data):
    head, groups, args, command, _ = invocation
    reordered = data.draw(st.permutations(groups))
    if command.options_first:  # options stay before the argument they end at
        typed = line(head, reordered, args)
    else:  # options may go anywhere among the arguments, which keep their order
        slots = data.draw(st.lists(st.integers(0, len(args)), min_size=len(groups), max_size=len(groups)))
        words = []
        for k in range(len(args) + 1):
            words += [word for group, slot in zip(reordered, slots) if slot == k for word in group]
            words += args[k : k + 1]
        typed = " ".join([*head, *words])
    assert same(line(head, groups, args), typed)


@given(invocations(), st.data())
def test_dropping_any_option_or_argument_is_wrong(invocation, data):
    head, groups, args, command, _ = invocation
    pieces = [("group", k) for k in range(len(groups))] + [("arg", k) for k in range(len(args))]
    assume(pieces)
    kind, k = data.draw(st.sampled_from(pieces))
    implied = incidental = False  # what the table says of the dropped option
    if kind == "group":
        fewer = line(head, groups[:k] + groups[k + 1 :], args)
        name = command.options[groups[k][0].partition("=")[0]].name
        rest = {command.options[group[0].partition("=")[0]].name for j, group in enumerate(groups) if j != k}
        implied = any(name in command.implies.get(other, ()) for other in rest)  # docker ps -l is -l -a
        incidental = name in command.incidental  # docker ps --no-trunc lists what docker ps lists
    else:
        fewer = line(head, groups, args[:k] + args[k + 1 :])
    full = line(head, groups, args)
    assert same(full, fewer) == implied
    assert same(fewer, full) == (implied or incidental)


@given(invocations(), st.data())
def test_changing_any_value_or_argument_is_wrong(invocation, data):
    head, groups, args, _, _ = invocation
    targets = [("arg", k) for k in range(len(args))]
    targets += [("group", k) for k, group in enumerate(groups) if len(group) == 2 or "=" in group[0]]
    assume(targets)
    kind, k = data.draw(st.sampled_from(targets))
    changed_groups, changed_args = [list(group) for group in groups], list(args)
    if kind == "arg":
        changed_args[k] = "y" + args[k]
    elif len(groups[k]) == 2:
        changed_groups[k][1] = "y" + groups[k][1]
    else:
        changed_groups[k][0] = changed_groups[k][0] + "y"
    assert not same(line(head, groups, args), line(head, changed_groups, changed_args))


def letter_flags(command):
    return sorted(s for s, o in command.options.items() if len(s) == 2 and s[1].isalpha() and not o.takes_value)


BUNDLING = [(name, path, command) for name, path, command in COMMANDS if len(letter_flags(command)) >= 2]


@given(st.sampled_from(BUNDLING), st.data())
def test_expanding_a_bundle_of_short_flags_never_changes_the_verdict(found, data):
    name, path, command = found
    flags = data.draw(st.lists(st.sampled_from(letter_flags(command)), min_size=2, max_size=4, unique=True))
    assume(len({command.options[f] for f in flags}) == len(flags))  # two spellings of one option: one flag
    args = data.draw(st.lists(VALUE, max_size=2, unique=True))
    head = [name, *path]
    apart, bundled = line(head, [[f] for f in flags], args), line(head, [["-" + "".join(f[1] for f in flags)]], args)
    assert same(apart, bundled)
    assert same(bundled, apart)
