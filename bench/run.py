"""`make bench`: start-up, full build, incremental rebuild and memory, side by side in one run.

The machine is shared and noisy, so every figure is a ratio of two things timed in
the same run, never an absolute time compared with a fixed limit.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "content" / "python-modules.md"
PYTHON = sys.executable
COPIES = 100
STARTUP_RUNS = 21
BUILD_RUNS = 3
FULL_BUILD_TARGET = 0.8
INCREMENTAL_TARGET = 0.1
# What any rebuild must load, before reading a guide: the CLI, the parser and the .apkg writer.
REBUILD_LIBRARIES = ("click", "markdown_it", "genanki")
RSS_NOTE = "the largest sum of VmRSS of the build and its workers, sampled every 5 ms from /proc"
# The large guide: the seed guide's questions this many times over (about 3 MB).
LARGE_COPIES = 130
# Memory a build may take per byte of guide, beyond what building the seed guide takes.
MEMORY_TARGET = 64
QUESTION_HEADING = re.compile(r"^(### \d+\. .*)$", re.MULTILINE)

TITLE_LINE = re.compile(r"^# (?P<title>.*Interview Guide.*)$", re.MULTILINE)
CODE_OPENER = re.compile(r"^```(?:python|text)[ \t]*$", re.MULTILINE)

# The unavoidable work, run in a fresh interpreter so no cache of ours can help it:
# every field through markdown-it-py, every code block through Pygments, one thread.
# It is given its fairest shape: one MarkdownIt, one HtmlFormatter, one lexer per language.
UNAVOIDABLE = r"""
import json, sys, time
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

texts = json.loads(open(sys.argv[1], encoding="utf-8").read())
formatter = HtmlFormatter(nowrap=True)
lexers = {}

def highlight_code(code, lang, attrs):
    lang = lang.strip().lower()
    if lang not in lexers:
        try:
            lexers[lang] = get_lexer_by_name(lang) if lang else None
        except ClassNotFound:
            lexers[lang] = None
    lexer = lexers[lang]
    return highlight(code, lexer, formatter) if lexer else code

md = MarkdownIt("commonmark", {"html": False, "highlight": highlight_code})
md.enable(["table", "strikethrough"])
start = time.perf_counter()
size = sum(len(md.render(text)) for text in texts)
print(json.dumps({"seconds": time.perf_counter() - start, "html_chars": size}))
"""


@dataclass(frozen=True)
class Target:
    """One figure, its limit and whether it met it."""

    name: str
    value: float
    limit: float
    unit: str

    @property
    def passed(self) -> bool:
        """True if the figure is within its limit."""
        return self.value <= self.limit


def main() -> int:
    """Run every measurement, print the figures and PASS/FAIL per target; exit 1 on a FAIL."""
    print(describe_machine())
    with tempfile.TemporaryDirectory(prefix="interview-deck-bench-") as scratch:
        root = Path(scratch)
        guides = generate_guides(root / "guides", COPIES)
        print(f"{len(guides)} guides generated from {GUIDE.relative_to(REPO)} in {root}\n")

        startup, click_time, help_time, imports_time = measure_startup(STARTUP_RUNS)
        print(f"1. start-up: --help {ms(help_time)} vs `import click` {ms(click_time)}", end="")
        print(f" (medians of {STARTUP_RUNS} interleaved runs)")

        fields = write_fields(guides, root / "fields.json")
        unavoidables, fulls, peaks = [], [], []
        # Interleaved, so that a burst of load from elsewhere hits both sides alike.
        for run in range(BUILD_RUNS):
            unavoidables.append(measure_unavoidable(fields))
            seconds, peak = measure_full_build(guides, root / f"out-{run}")
            fulls.append(seconds)
            peaks.append(peak)
        unavoidable, full, rss = min(unavoidables), min(fulls), max(peaks)
        print(f"2. full build of {len(guides)} guides: {ms(full)}", end="")
        print(f" vs unavoidable work {ms(unavoidable)} (best of {BUILD_RUNS} each, interleaved)")

        out = root / f"out-{BUILD_RUNS - 1}"
        incremental = measure_incremental(guides[COPIES // 2], out)
        print(f"3. incremental rebuild after editing one guide: {ms(incremental)}", end="")
        print(f" vs full build {ms(full)} (a fresh `build_deck.py build` of all {COPIES})")
        warm = measure_watch_rebuild(guides[COPIES // 3], out)
        print(f"   with `watch` running: {ms(warm)} from saving the guide to its rebuilt line")
        print(f"4. peak RSS of the full build: {rss / 2**20:.0f} MB ({RSS_NOTE})")
        large = generate_large_guide(root / "large" / "large.md", LARGE_COPIES)
        per_byte = measure_memory_per_byte(large, root / "out-large")
        print(f"5. memory per byte of guide: {per_byte:.0f} bytes, building one guide of", end="")
        print(f" {large.stat().st_size / 1e6:.1f} MB against the seed guide (peak RSS each)\n")
        print_floor(imports_time, unavoidable)

    targets = [
        Target("start-up (--help / import click)", startup, 1.5, "x"),
        Target("full build / unavoidable work", full / unavoidable, FULL_BUILD_TARGET, "x"),
        Target("incremental / full build", incremental / full, INCREMENTAL_TARGET, "x"),
        Target("incremental with watch / full build", warm / full, INCREMENTAL_TARGET, "x"),
        Target("peak RSS of the full build", rss / 2**20, 300, " MB"),
        Target("memory per byte of guide", per_byte, MEMORY_TARGET, "x"),
    ]
    for target in targets:
        verdict = "PASS" if target.passed else "FAIL"
        limit = f"{target.limit:g}{target.unit}"
        # Ratios get three decimals, so that one just over its limit does not print as equal.
        value = f"{target.value:.3f}" if target.unit == "x" else f"{target.value:.0f}"
        print(f"{verdict}  {target.name}: {value}{target.unit} (target ≤ {limit})")
    return 0 if all(t.passed for t in targets) else 1


def describe_machine() -> str:
    """Return the machine's cores, CPU model and RAM, for the figures to be read against."""
    cpu = "unknown CPU"
    memory = "unknown RAM"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = f"{int(found.group(1)) / 2**20:.1f} GB RAM" if found else memory
    return f"machine: {os.cpu_count()} cores ({cpu}), {memory}, Python {platform.python_version()}"


def generate_guides(folder: Path, count: int) -> list[Path]:
    """Write `count` distinct copies of the guide: own title, a unique line in each code block."""
    folder.mkdir(parents=True)
    text = GUIDE.read_text(encoding="utf-8")
    guides = []
    for copy in range(1, count + 1):
        path = folder / f"guide-{copy:03d}.md"
        path.write_text(make_copy(text, copy), encoding="utf-8")
        guides.append(path)
    return guides


def make_copy(text: str, copy: int) -> str:
    """Return the guide with copy number `copy` in its title and a unique line in each block."""
    titled = TITLE_LINE.sub(f"# Copy {copy:03d} of \\g<title>", text, count=1)
    lines = []
    block = 0
    for line in titled.split("\n"):
        lines.append(line)
        if CODE_OPENER.fullmatch(line):
            block += 1
            lines.append(f"# bench copy {copy}, block {block}")
    return "\n".join(lines)


def generate_large_guide(target: Path, copies: int) -> Path:
    """Write one guide holding the seed guide's questions `copies` times, each title numbered."""
    target.parent.mkdir(parents=True)
    lines = GUIDE.read_text(encoding="utf-8").split("\n")
    title = next(i for i, line in enumerate(lines) if TITLE_LINE.fullmatch(line))
    # The chat's wrapper closes on the last bare fence; the questions are between.
    end = max(i for i, line in enumerate(lines) if line.strip() == "```")
    body = "\n".join(lines[title + 1 : end])
    parts = ["# Large — Interview Guide"]
    parts += [QUESTION_HEADING.sub(f"\\1 (part {copy})", body) for copy in range(1, copies + 1)]
    target.write_text("\n".join(parts), encoding="utf-8")
    return target


def measure_memory_per_byte(large: Path, out: Path) -> float:
    """Return the extra peak RSS of building `large` over building the seed, per extra byte."""
    command = [PYTHON, str(REPO / "build_deck.py"), "build", "--jobs", "1", "--out"]
    seed_peak = measure_peak_rss([*command, str(out / "seed"), str(GUIDE)])
    large_peak = measure_peak_rss([*command, str(out / "large"), str(large)])
    return (large_peak - seed_peak) / (large.stat().st_size - GUIDE.stat().st_size)


def measure_peak_rss(command: list[str]) -> int:
    """Return the peak RSS, in bytes, of a command that must succeed (its own high-water mark)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    # Linux gives ru_maxrss in kilobytes.
    return usage.ru_maxrss * 1024


def measure_startup(runs: int) -> tuple[float, float, float, float]:
    """Return `--help` / `import click`, and medians of both and of a rebuild's imports."""
    help_command = [PYTHON, str(REPO / "build_deck.py"), "--help"]
    click_command = [PYTHON, "-c", "import click"]
    imports_command = [PYTHON, "-c", f"import {', '.join(REBUILD_LIBRARIES)}"]
    helps, clicks, imports = [], [], []
    for _ in range(runs):
        helps.append(time_command(help_command))
        clicks.append(time_command(click_command))
        imports.append(time_command(imports_command))
    help_time, click_time = statistics.median(helps), statistics.median(clicks)
    return help_time / click_time, click_time, help_time, statistics.median(imports)


def print_floor(imports_time: float, unavoidable: float) -> None:
    """Print how close targets 2 and 3 together let a fresh incremental rebuild come."""
    allowed = FULL_BUILD_TARGET * INCREMENTAL_TARGET
    print(
        f"Floor: targets 2 and 3 together ask a fresh incremental rebuild to take at most "
        f"{FULL_BUILD_TARGET:g} x {INCREMENTAL_TARGET:g} = {allowed:.2f}x the unavoidable work "
        f"({ms(allowed * unavoidable)}). A fresh process that only imports "
        f"{', '.join(REBUILD_LIBRARIES)} takes {ms(imports_time)} = "
        f"{imports_time / unavoidable:.2f}x (median of {STARTUP_RUNS}).\n"
    )


def write_fields(guides: list[Path], target: Path) -> Path:
    """Write every field of every guide (and each intro) as a JSON list of Markdown texts."""
    from interview_deck.parse import parse_guide
    from interview_deck.read import read_source

    texts = []
    for path in guides:
        guide = parse_guide(read_source(path))
        texts.append(guide.intro)
        for question in guide.questions:
            texts += [field.body for field in question.fields]
    target.write_text(json.dumps(texts), encoding="utf-8")
    return target


def measure_unavoidable(fields: Path) -> float:
    """Return the time, in a fresh interpreter, to render every field and its code."""
    command = [PYTHON, "-c", UNAVOIDABLE, str(fields)]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    return float(json.loads(run.stdout)["seconds"])


def measure_full_build(guides: list[Path], out: Path) -> tuple[float, int]:
    """Return the time of a full build through the CLI into a fresh folder, and its peak RSS."""
    command = [
        PYTHON,
        str(REPO / "build_deck.py"),
        "build",
        str(guides[0].parent),
        "--out",
        str(out),
    ]
    seconds, peak = time_command_with_rss(command)
    check_outputs(out, len(guides))
    return seconds, peak


def measure_incremental(guide: Path, out: Path) -> float:
    """Return the time to rebuild after editing one guide, with every other guide up to date."""
    times = []
    for run in range(BUILD_RUNS):
        with guide.open("a", encoding="utf-8") as handle:
            handle.write(f"\nEdited in run {run}.\n")
        command = [
            PYTHON,
            str(REPO / "build_deck.py"),
            "build",
            str(guide.parent),
            "--out",
            str(out),
        ]
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        rebuilt = [line for line in finished.stdout.splitlines() if "(cached)" not in line]
        if rebuilt != [line for line in finished.stdout.splitlines() if guide.name in line]:
            raise SystemExit(f"expected only {guide.name} to be rebuilt, got:\n{finished.stdout}")
    return min(times)


def measure_watch_rebuild(guide: Path, out: Path) -> float:
    """Return the best time from saving one guide to `watch` printing the line of its rebuild."""
    command = [PYTHON, str(REPO / "build_deck.py"), "watch", str(guide.parent), "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    times = []
    try:
        read_until(process, "Watching")
        for run in range(BUILD_RUNS):
            # Let the watcher settle, so the save is one change and not part of the last.
            time.sleep(1.0)
            started = time.perf_counter()
            with guide.open("a", encoding="utf-8") as handle:
                handle.write(f"\nEdited while watching, run {run}.\n")
            read_until(process, guide.name)
            times.append(time.perf_counter() - started)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate()
    return min(times)


def read_until(process: subprocess.Popen[str], text: str) -> str:
    """Return the first line of the process's output that contains `text`."""
    assert process.stdout is not None
    for line in process.stdout:
        if text in line:
            return line
    raise SystemExit(f"the process ended before printing {text!r}")


def check_outputs(out: Path, count: int) -> None:
    """Stop the benchmark if the build did not write a deck and a sheet per guide."""
    decks, sheets = list(out.glob("*.apkg")), list(out.glob("*.html"))
    if len(decks) != count or len(sheets) != count:
        raise SystemExit(
            f"{out}: expected {count} decks and sheets, found {len(decks)} and {len(sheets)}"
        )


def time_command(command: list[str]) -> float:
    """Return the wall time of a command that must succeed."""
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    return time.perf_counter() - started


def time_command_with_rss(command: list[str]) -> tuple[float, int]:
    """Return a command's wall time and the peak of the summed RSS of it and its descendants."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, sum_tree_rss(process.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors.decode()}")
    return seconds, peak


def sum_tree_rss(root: int) -> int:
    """Return the summed VmRSS, in bytes, of a process and all its descendants."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        # A process may end while /proc is read.
        with contextlib.suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = read_ppid(stat)
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier += children
    return sum(read_rss(pid) for pid in tree)


def read_ppid(stat: Path) -> int:
    """Return the parent pid from /proc/<pid>/stat (the field after the parenthesised name)."""
    return int(stat.read_text().rsplit(")", 1)[1].split()[1])


def read_rss(pid: int) -> int:
    """Return a process's VmRSS in bytes, or 0 if it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmRSS:\s*(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else 0


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    sys.exit(main())
