"""The review screen's own words, in the learner's language (English, or Chinese for `zh*`).

Card texts follow the learner's language through the deck; these are the labels
around them. Intervals (`10m`, `3d`) and key names stay as they are in both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from quiz.model import Rating, counted


@dataclass(frozen=True)
class Words:
    ratings: dict[Rating, str]
    right: str
    not_quite: str
    # Labels before a command line, padded to one display width so the commands line up.
    you_typed: str
    expected: str
    answer: str
    back_in: str  # after a rating: `→ Good · back in 3d`
    rate_prompt: str
    keys_prompt: str  # before a typed key sequence
    toolbar: str  # new, learning, review, done, elapsed
    quit_warning: str
    unknown_command: str  # the command typed
    help_hint: str
    marks: dict[str, str]  # what a diff mark means: wrong, extra, missing
    dash_hint: str
    suspended: str  # deck, card id
    buried: str
    nothing_to_undo: str
    card_changed: str  # answered in another quiz process since this one queued it
    waiting: str  # the write lock is held elsewhere: the answer waits to be saved
    undone: str  # what was undone
    actions: dict[str, str]  # session.Action kinds
    leech: str  # lapses, deck, card id
    help_sections: tuple[str, str, str]  # answering, rating, commands
    help_lines: tuple[str, str, str]
    reviewed: str  # how many cards
    again_retention: str  # again, retention, time
    nothing_due: str
    left_for_today: str  # how many cards
    next_due: str  # when
    new_tomorrow: str
    nothing_scheduled: str
    in_: str  # interval, local time
    tomorrow: str  # time
    date_format: str  # for strftime, beyond tomorrow
    cards: Callable[[int], str]  # a count of cards: '1 card', '3 cards', '3 张卡片'


ENGLISH = Words(
    ratings={Rating.AGAIN: "Again", Rating.HARD: "Hard", Rating.GOOD: "Good", Rating.EASY: "Easy"},
    right="✓ right",
    not_quite="✗ not quite",
    you_typed="  you typed ",
    expected="  expected  ",
    answer="  answer    ",
    back_in=" · back in {}\n",
    rate_prompt="rate> ",
    keys_prompt="keys> ",
    toolbar=" new {} · learning {} · review {}  │  done {}  │  {} ",
    quit_warning=" Ctrl-C again to quit ",
    unknown_command="unknown command {}",
    help_hint=" (:help lists them)\n",
    marks={"wrong": "wrong", "extra": "extra", "missing": "missing"},
    dash_hint="  – and — are dashes, not hyphens: a long option starts with two hyphens, --\n",
    suspended="suspended: it stays out of reviews until quiz unsuspend {} {}\n",
    buried="buried until tomorrow\n",
    nothing_to_undo="nothing to undo\n",
    card_changed="this card was answered elsewhere (another quiz process?): left as that one saved it\n",
    waiting="another quiz process is writing to the collection: your answer waits and is saved when it is done…\n",
    undone="undone: {} of the previous card\n",
    actions={"answer": "answer", "suspend": "suspension", "bury": "burying"},
    leech="Leech: this card lapsed {} times and is now suspended. Rewrite it, then: quiz unsuspend {} {}\n",
    help_sections=("Answering\n", "Rating (one key, no Enter)\n", "Commands (Tab completes)\n"),
    help_lines=(
        (
            "  command cards: type the command, Enter submits; an empty answer reveals it\n"
            "  other cards: Enter or Space reveals the answer\n"
        ),
        "  1 Again  2 Hard  3 Good  4 Easy   Enter: the marked choice   u: undo the last answer\n",
        (
            "  :undo  :suspend  :bury  :skip  :help (or ?)  :quit (or Ctrl-D)\n"
            "  On a card whose answer starts with :, only the full command names are commands.\n"
            "  Ctrl-C clears the input; twice quits. Every answer is saved at once.\n"
        ),
    ),
    reviewed="Reviewed {}",
    again_retention=" · {} Again · retention {} · {}\n",
    nothing_due="Nothing due right now.\n",
    left_for_today="{} left for today: quiz review to go on.\n",
    next_due="Next card due {}.\n",
    new_tomorrow="New cards wait for tomorrow (daily limit reached).\n",
    nothing_scheduled="No cards scheduled.\n",
    in_="in {} ({})",
    tomorrow="tomorrow {}",
    date_format="%a %d %b",
    cards=lambda count: counted(count, "card"),
)

CHINESE = Words(
    ratings={Rating.AGAIN: "重来", Rating.HARD: "困难", Rating.GOOD: "良好", Rating.EASY: "简单"},
    right="✓ 正确",
    not_quite="✗ 不太对",
    you_typed="  你输入的  ",
    expected="  标准答案  ",
    answer="  答案      ",
    back_in=" · {}后再见\n",
    rate_prompt="评分> ",
    keys_prompt="按键> ",
    toolbar=" 新卡 {} · 学习中 {} · 复习 {}  │  已完成 {}  │  {} ",
    quit_warning=" 再按一次 Ctrl-C 退出 ",
    unknown_command="没有这个命令：{}",
    help_hint="（:help 列出全部命令）\n",
    marks={"wrong": "错误", "extra": "多余", "missing": "缺少"},
    dash_hint="  – 和 — 是破折号，不是连字符：长选项以两个连字符 -- 开头\n",
    suspended="已暂停：运行 quiz unsuspend {} {} 之前不会再出现\n",
    buried="已搁置到明天\n",
    nothing_to_undo="没有可以撤销的操作\n",
    card_changed="这张卡片刚在另一个 quiz 进程里作答过：保留那边保存的结果\n",
    waiting="另一个 quiz 进程正在写入：你的回答在等待，写入结束后立即保存…\n",
    undone="已撤销上一张卡片的{}\n",
    actions={"answer": "评分", "suspend": "暂停", "bury": "搁置"},
    leech="难记卡片：这张卡片已遗忘 {} 次，现已暂停。请改写它，然后运行 quiz unsuspend {} {}\n",
    help_sections=("作答\n", "评分（按一个键，不用回车）\n", "命令（Tab 补全）\n"),
    help_lines=(
        ("  命令卡片：输入命令，回车提交；直接回车显示答案\n  其他卡片：回车或空格显示答案\n"),
        "  1 重来  2 困难  3 良好  4 简单   回车：选中的评分   u：撤销上一次评分\n",
        (
            "  :undo  :suspend  :bury  :skip  :help（或 ?）  :quit（或 Ctrl-D）\n"
            "  答案以 : 开头的卡片上，只有完整的命令名才算命令。\n"
            "  Ctrl-C 清空输入，连按两次退出。每次评分都立即保存。\n"
        ),
    ),
    reviewed="复习了 {}",
    again_retention=" · 重来 {} 次 · 记住率 {} · 用时 {}\n",
    nothing_due="现在没有要复习的卡片。\n",
    left_for_today="今天还剩 {}：运行 quiz review 继续。\n",
    next_due="下一张卡片 {} 到期。\n",
    new_tomorrow="新卡片明天再学（已达到每日上限）。\n",
    nothing_scheduled="没有安排任何卡片。\n",
    in_="{}后（{}）",
    tomorrow="明天 {}",
    date_format="%m月%d日",
    cards="{} 张卡片".format,
)


def words_for(lang: str) -> Words:
    return CHINESE if lang.lower().startswith("zh") else ENGLISH
