"""The question a concept card asks about its heading: the heading itself when it is one
("What is a pane?"), the difference of two things ("Rebase vs merge"), how to do what a
heading names as an action ("Checking a service": "How do you check a service?",
"查看日志": "如何查看日志？"), what a name is ("Pod": "什么是 Pod？", "镜像": "什么是镜像？")."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
VERSUS = re.compile(r"\s*(?<![A-Za-z])(?:[Vv][Ss]\.?|versus)(?![A-Za-z])\s*|\s*[与和]\s*")
# verbs that open a heading naming an action, in their base form
_VERB_WORDS = """
add attach back build change check clean clone commit configure connect copy create debug delete
deploy detach disable edit enable expose fetch find forward get inspect install kill limit list log
manage merge monitor mount move open pull push read rebase remove rename restart restore run save
scale search set share show start stop switch tag test undo update upgrade use view write
"""
VERBS = _VERB_WORDS.split()
DOUBLED = {"run", "stop", "get", "set", "debug", "commit", "tag", "log", "ship", "map", "plan", "drop"}  # running
_ZH_VERB_WORDS = """
如何 怎么 怎样 安装 配置 使用 创建 启动 停止 重启 查看 删除 设置 管理 运行 构建 更新 连接 复制 移动
搜索 查找 编辑 保存 清理 添加 推送 拉取 合并 提交 部署 调试 测试 挂载 导出 导入 备份 恢复 登录 切换
打开 关闭 列出 进入 修改 生成 检查 监控 限制 暴露 转发 回滚 撤销
"""
ZH_VERBS = tuple(_ZH_VERB_WORDS.split())


def _gerund(verb: str) -> str:
    if verb in DOUBLED:
        return verb + verb[-1] + "ing"
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    return verb + "ing"


BASE = {_gerund(verb): verb for verb in VERBS} | {verb: verb for verb in VERBS}


def question(title: str, lang: str) -> str:
    """The question a concept card asks about a heading."""
    if title.endswith(("?", "？")):
        return title  # already a question: "What is a pane?"
    words = title.split()
    if lang == "zh" or CJK.search(title):
        if title.startswith(ZH_VERBS):
            return f"{title}？" if title.startswith(("如何", "怎么", "怎样")) else f"如何{title}？"
        versus = VERSUS.split(title)
        if len(versus) == 2:
            return f"{versus[0]}和{versus[1]}有什么区别？"
        if is_term(title):
            return beside("什么是", title) + "？"
        if len(title) <= 10 and not re.search(r"[\s，,。：:；;（(]", title):
            return f"{title}是什么？"
        return f"关于「{title}」，笔记里讲了什么？"  # a long phrase: no question fits it better
    versus = VERSUS.split(title)
    if len(versus) == 2:
        return f"What is the difference between {versus[0]} and {versus[1]}?"
    first = words[0].lower() if words else ""
    if first in BASE and len(words) > 1:
        return f"How do you {' '.join([BASE[first], *words[1:]])}?"
    if is_term(title):
        return f"What is {title}?"
    phrase = title[0].lower() + title[1:] if words[0][1:].islower() else title
    plural = words[-1].endswith("s") and not words[-1].endswith("ss")
    return f"What {'are' if plural else 'is'} {phrase}?"


def beside(left: str, right: str) -> str:
    """Two pieces of a Chinese sentence, a space between them only where one is not Chinese:
    什么是 Pod？ but 什么是概念？"""
    return left + ("" if CJK.match(left[-1:]) and CJK.match(right[:1]) else " ") + right


def is_term(title: str) -> bool:
    """A name rather than a phrase: at most two words, or a short Chinese word."""
    if CJK.search(title):
        return len(title) <= 6 and " " not in title
    return len(title.split()) <= 2
