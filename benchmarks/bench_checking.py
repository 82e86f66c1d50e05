"""Speed of answer checking (targets: under 200 µs per comparison; the bundled tables
loaded in under 20 ms on the first comparison).

`run()` returns (name, value, unit) rows for benchmarks/run.py; run this file
alone to print them.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quiz.checking.compare import compare

# (name, expected, typed): the comparisons a review session makes most
CASES = [
    ("typical docker command", "docker logs -f -t <container>", "docker logs 23ad234 --timestamps -f"),
    (
        "docker run, 8 options",
        "docker run -d --rm --name web -p 80:80 -v /data:/data -e A=1 -w /app -it nginx",
        "docker run -dit --rm -e A=1 --name=web -w /app -v /data:/data -p 80:80 nginx",
    ),
    (
        "wrong answer, with its diff",
        "docker cp 23ad234:~/test.txt ./test.txt",
        "docker cp ./test.txt 23ad234:test.txt -a",
    ),
    ("pipeline", "docker ps -a | grep web > out.txt", "docker container ls --all | grep web >out.txt"),
    ("git", 'git commit -am "fix the bug"', "git commit -a --message='fix the bug'"),
    ("kubectl", "kubectl get po -n kube-system -o wide", "kubectl -n kube-system get pods --output=wide"),
    ("tar, old style", "tar xzf backup.tgz -C /srv", "tar -C /srv -xzf backup.tgz"),
    ("ssh", "ssh -p 2222 -i ~/.ssh/id deploy@host uptime", "ssh deploy@host -i ~/.ssh/id -p2222 uptime"),
    ("tool without table (the generic rule)", "mytool -vq --out=a.txt src", "mytool -q -v --out a.txt src"),
    ("plain text", "Linux Container", "linux  container"),
]
ANSWERS = ["docker ps -l", "docker ps --latest", "docker container ls -l", "docker container ls --latest"]


def per_call_us(expected, typed, calls: int = 2000, repeats: int = 7) -> float:
    """Median over `repeats` runs of the mean time of one call, in µs."""
    compare(expected, typed)  # warm: tables loaded, regexes compiled
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            compare(expected, typed)
        runs.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(runs)


# The first comparison in a fresh process: the compiled tables read, git's table parsed.
FIRST = """
import time
from quiz.checking.compare import compare
start = time.perf_counter()
compare("git log -3 --oneline", "git log -n 3 --oneline")
print((time.perf_counter() - start) * 1e3)
"""


def first_load_ms(runs: int = 7) -> float:
    """Median over fresh processes of the first comparison (the tables loaded, one tool parsed)."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FIRST], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def run() -> list[tuple[str, float, str]]:
    rows = [("checking: first compare in a process (tables loaded)", round(first_load_ms(), 2), "ms")]
    for name, expected, typed in CASES:
        rows.append((f"checking: compare, {name}", round(per_call_us(expected, typed), 1), "µs"))
    rows.append(
        ("checking: compare, 4 accepted answers, none match", round(per_call_us(ANSWERS, "docker ps -a"), 1), "µs")
    )
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:<56} {value:>8} {unit}")
