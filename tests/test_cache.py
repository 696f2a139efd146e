"""Incremental builds: an unchanged guide is not rebuilt; any change to its inputs rebuilds it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from interview_deck import cache, cli
from interview_deck.build import BuildOptions, GuideFile, build
from interview_deck.cli import summarise

from .conftest import GUIDE, REPO, build_one


def snapshot(paths: tuple[Path, ...]) -> dict[Path, tuple[bytes, int]]:
    """Return each file's bytes and mtime in nanoseconds."""
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


def test_unchanged_guide_is_served_from_cache_and_outputs_are_untouched(
    guide: Path, options: BuildOptions
) -> None:
    first = build_one(guide, options)
    before = snapshot(first.outputs)

    second = build_one(guide, options)

    assert not first.cached
    assert second.cached
    assert snapshot(second.outputs) == before
    assert (second.questions, second.cards, second.outputs) == (30, 30, first.outputs)
    assert summarise(second).endswith("(cached)")
    assert not summarise(first).endswith("(cached)")


def test_edited_guide_is_rebuilt(guide: Path, options: BuildOptions) -> None:
    build_one(guide, options)
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("Module vs. Package vs. Script", "Modules Versus Packages"))

    result = build_one(guide, options)

    assert not result.cached
    sheet = options.out_dir / "python-modules.html"
    assert "Modules Versus Packages" in sheet.read_text(encoding="utf-8")


def test_changed_template_invalidates(
    guide: Path, options: BuildOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(cache.TEMPLATES, templates)
    monkeypatch.setattr(cache, "TEMPLATES", templates)
    build_one(guide, options)
    assert build_one(guide, options).cached

    css = templates / "card.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.field { color: red; }\n")

    assert not build_one(guide, options).cached
    assert build_one(guide, options).cached


def test_changed_tool_code_invalidates(
    guide: Path, options: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_one(guide, options)
    real = cache.hash_folder
    monkeypatch.setattr(
        cache, "hash_folder", lambda folder, pattern: real(folder, pattern) + "-edited"
    )

    assert not build_one(guide, options).cached


@pytest.mark.parametrize(
    "change",
    [{"sheet": "compact"}, {"paper": "letter"}, {"parent": "Interview Prep"}],
    ids=["sheet", "paper", "parent"],
)
def test_changed_option_invalidates(
    guide: Path, options: BuildOptions, change: dict[str, str]
) -> None:
    build_one(guide, options)
    changed = replace(options, **change)  # type: ignore[arg-type]

    assert not build_one(guide, changed).cached
    assert build_one(guide, changed).cached
    assert not build_one(guide, options).cached


def valid_entry(guide: Path, options: BuildOptions) -> dict[str, object]:
    """Return the guide's current cache entry, decoded."""
    entry: dict[str, object] = json.loads(cache.entry_path(GuideFile(guide), options).read_text())
    return entry


CORRUPTIONS = {
    "garbage bytes": lambda entry: b"\x00\xff\xfe garbage \x80",
    "truncated json": lambda entry: json.dumps(entry).encode()[:40],
    "empty file": lambda entry: b"",
    "a list": lambda entry: b"[1, 2, 3]",
    "other version": lambda entry: json.dumps({**entry, "version": "0.0.1"}).encode(),
    "other format": lambda entry: json.dumps({**entry, "format": 999}).encode(),
    # Issues 13 and 16 each wrote a format 3 of their own before they were merged.
    "format 3": lambda entry: json.dumps({**entry, "format": 3}).encode(),
    "other key": lambda entry: json.dumps({**entry, "key": "0" * 64}).encode(),
    "count as text": lambda entry: json.dumps({**entry, "questions": "30"}).encode(),
    "outputs missing": lambda entry: json.dumps({**entry, "outputs": None}).encode(),
    "no outputs": lambda entry: json.dumps({**entry, "outputs": []}).encode(),
    "output wrong size": lambda entry: json.dumps(
        {**entry, "outputs": [{**o, "size": 1} for o in entry["outputs"]]}
    ).encode(),
    "error as warning": lambda entry: json.dumps(
        {**entry, "warnings": [{"path": "x", "line": 1, "severity": "error", "message": "m"}]}
    ).encode(),
}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_corrupt_or_foreign_entry_is_ignored(
    guide: Path, options: BuildOptions, corrupt: object
) -> None:
    build_one(guide, options)
    entry_file = cache.entry_path(GuideFile(guide), options)
    entry_file.write_bytes(corrupt(valid_entry(guide, options)))  # type: ignore[operator]

    result = build_one(guide, options)

    assert not result.cached
    assert all(p.exists() for p in result.outputs)
    # The rebuild replaced the bad entry with a good one.
    assert build_one(guide, options).cached


def test_same_guide_in_another_folder_is_not_served_from_cache(
    guide: Path, options: BuildOptions, tmp_path: Path
) -> None:
    build_one(guide, options)
    elsewhere = tmp_path / "elsewhere" / guide.name
    elsewhere.parent.mkdir()
    shutil.copyfile(guide, elsewhere)

    assert not build_one(elsewhere, options).cached
    assert build_one(elsewhere, options).cached


def test_deleted_output_is_rebuilt(guide: Path, options: BuildOptions) -> None:
    first = build_one(guide, options)
    sheet = options.out_dir / "python-modules.html"
    expected = sheet.read_bytes()
    sheet.unlink()

    result = build_one(guide, options)

    assert not result.cached
    assert sheet.read_bytes() == expected
    assert result.outputs == first.outputs


def test_edited_output_is_rebuilt(guide: Path, options: BuildOptions) -> None:
    build_one(guide, options)
    deck = options.out_dir / "python-modules.apkg"
    deck.write_bytes(b"not a deck")

    assert not build_one(guide, options).cached
    assert deck.read_bytes().startswith(b"PK")


def test_changed_image_invalidates(guide: Path, options: BuildOptions) -> None:
    image = guide.parent / "diagram.png"
    image.write_bytes(b"\x89PNG first version")
    text = guide.read_text(encoding="utf-8")
    guide.write_text(
        text.replace("**Sample Code:**", "![diagram](diagram.png)\n\n**Sample Code:**", 1)
    )
    build_one(guide, options)
    assert build_one(guide, options).cached

    image.write_bytes(b"\x89PNG second version")

    assert not build_one(guide, options).cached


def test_failed_build_is_not_cached(guide: Path, options: BuildOptions) -> None:
    guide.write_text("# Empty guide\n\nNo questions here.\n", encoding="utf-8")

    [first] = build([guide], options)
    [second] = build([guide], options)

    assert first.failed and second.failed
    assert not second.cached
    assert not cache.entry_path(GuideFile(guide), options).exists()


def test_parallel_build_keeps_input_order_and_caches_every_guide(
    guide: Path, options: BuildOptions
) -> None:
    copies = [guide.parent / f"{name}.md" for name in ("zeta", "alpha", "mid")]
    for copy in copies:
        shutil.copyfile(guide, copy)
    paths = [*copies, guide]

    first = build(paths, options, jobs=2)
    second = build(paths, options, jobs=2)

    assert [r.path for r in first] == paths == [r.path for r in second]
    assert not any(r.cached or r.failed for r in first)
    assert all(r.cached for r in second)


def test_cli_prints_one_plain_line_per_guide(guide: Path, options: BuildOptions) -> None:
    shutil.copyfile(guide, guide.parent / "second.md")
    arguments = ["build", str(guide.parent), "--out", str(options.out_dir)]

    first = CliRunner().invoke(cli.cli, arguments)
    second = CliRunner().invoke(cli.cli, arguments)

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert len(first.output.splitlines()) == 2
    assert not any(line.endswith("(cached)") for line in first.output.splitlines())
    assert len(second.output.splitlines()) == 2
    assert all(line.endswith("(cached)") for line in second.output.splitlines())


def test_slow_build_on_a_terminal_shows_a_progress_bar(
    guide: Path, options: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = [guide.parent / f"copy-{i}.md" for i in range(3)]
    for copy in copies:
        shutil.copyfile(guide, copy)
    # Every build is "slow" and stderr "a terminal", so the bar takes over after the first guide.
    monkeypatch.setattr(cli, "PROGRESS_DELAY", -1.0)
    monkeypatch.setattr(cli, "is_terminal", lambda: True)
    shown: list[int] = []

    class RecordingBar:
        def __init__(self, length: int, label: str, file: object) -> None:
            self.length = length

        def __enter__(self) -> RecordingBar:
            return self

        def __exit__(self, *exc: object) -> None:
            shown.append(self.length)

        def update(self, steps: int) -> None:
            shown.append(steps)

    monkeypatch.setattr(click, "progressbar", RecordingBar)
    result = CliRunner().invoke(
        cli.cli, ["build", str(guide.parent), "--out", str(options.out_dir)]
    )

    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 4
    # One guide was printed before the bar, which then counted the other three.
    assert shown == [1, 1, 1, 1, 4]


STARTUP_PROBE = """
import sys
from interview_deck.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit:
    pass
heavy = ("genanki", "pygments", "anki", "watchfiles")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy or m == "interview_deck.write"))
"""


@pytest.mark.parametrize(
    "arguments", [["--help"], ["build", "--help"], ["watch", "--help"], ["check", str(GUIDE)]]
)
def test_help_and_check_do_not_import_heavy_modules(arguments: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", STARTUP_PROBE, *arguments],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert run.stdout.splitlines()[-1] == "[]"


# A token type no lexer gives Python code: a block coloured with it came from the cache.
CACHED_KIND, CACHED_CLASS = "Generic.Heading", "gh"
EDIT_PROSE = ("Module vs. Package vs. Script", "Modules Versus Packages")
EDIT_CODE = ("import os            # 'os' is a module", "import posixpath  # edited")


def plant_cached_blocks(guide: Path, options: BuildOptions, environment: str | None = None) -> int:
    """Recolour every code block the cache keeps for the guide as CACHED_KIND; return how many."""
    code = json.loads(cache.code_path(GuideFile(guide), options).read_text())
    code["blocks"] = {
        key: [[CACHED_KIND, "".join(text for _, text in tokens)]]
        for key, tokens in code["blocks"].items()
    }
    if environment is not None:
        code["environment"] = environment
    cache.code_path(GuideFile(guide), options).write_text(json.dumps(code))
    return len(code["blocks"])


def count_cached_blocks(sheet: str) -> int:
    """Return how many of the sheet's code blocks were coloured from planted tokens."""
    return len(
        re.findall(
            rf'<code class="language-\w+"><span class="line"><span class="{CACHED_CLASS}">', sheet
        )
    )


def edit_guide(guide: Path, old: str, new: str) -> None:
    """Replace text in the guide, which must contain it."""
    text = guide.read_text(encoding="utf-8")
    assert old in text
    guide.write_text(text.replace(old, new), encoding="utf-8")


def test_edited_prose_reuses_every_highlighted_block(guide: Path, options: BuildOptions) -> None:
    build_one(guide, options)
    blocks = (options.out_dir / "python-modules.html").read_text().count('<pre class="highlight">')
    planted = plant_cached_blocks(guide, options)
    edit_guide(guide, *EDIT_PROSE)

    result = build_one(guide, options)

    sheet = (options.out_dir / "python-modules.html").read_text(encoding="utf-8")
    assert not result.cached
    assert "Modules Versus Packages" in sheet
    assert planted == blocks > 20
    assert count_cached_blocks(sheet) == planted


def test_edited_code_block_is_highlighted_afresh(guide: Path, options: BuildOptions) -> None:
    build_one(guide, options)
    planted = plant_cached_blocks(guide, options)
    edit_guide(guide, *EDIT_CODE)

    build_one(guide, options)

    sheet = (options.out_dir / "python-modules.html").read_text(encoding="utf-8")
    assert count_cached_blocks(sheet) == planted - 1
    assert '<span class="nn">posixpath</span>' in sheet


def test_highlighted_blocks_from_another_environment_are_ignored(
    guide: Path, options: BuildOptions
) -> None:
    build_one(guide, options)
    # As if the entry was written with another Pygments, template or option.
    plant_cached_blocks(guide, options, environment="0" * 64)
    edit_guide(guide, *EDIT_PROSE)

    build_one(guide, options)

    sheet = (options.out_dir / "python-modules.html").read_text(encoding="utf-8")
    assert count_cached_blocks(sheet) == 0
    assert '<span class="nn">os</span>' in sheet


def test_highlighted_blocks_of_format_3_are_ignored(guide: Path, options: BuildOptions) -> None:
    # Issue 16's format 3 kept tokens as now (issue 13's kept HTML): only the number differs.
    build_one(guide, options)
    plant_cached_blocks(guide, options)
    path = cache.code_path(GuideFile(guide), options)
    path.write_text(json.dumps({**json.loads(path.read_text()), "format": 3}))
    edit_guide(guide, *EDIT_PROSE)

    build_one(guide, options)

    sheet = (options.out_dir / "python-modules.html").read_text(encoding="utf-8")
    assert count_cached_blocks(sheet) == 0
    assert '<span class="nn">os</span>' in sheet


@pytest.mark.parametrize("blocks", [["a list"], {"key": 7}, "text"], ids=repr)
def test_malformed_highlighted_blocks_are_ignored(
    guide: Path, options: BuildOptions, blocks: object
) -> None:
    build_one(guide, options)
    code = json.loads(cache.code_path(GuideFile(guide), options).read_text())
    code["blocks"] = blocks
    cache.code_path(GuideFile(guide), options).write_text(json.dumps(code))
    edit_guide(guide, *EDIT_PROSE)

    build_one(guide, options)

    sheet = (options.out_dir / "python-modules.html").read_text(encoding="utf-8")
    assert '<span class="nn">os</span>' in sheet


REBUILD_PROBE = """
import sys
from interview_deck.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit as e:
    assert not e.code, e.code
print("pygments.lexers.python" in sys.modules)
"""


@pytest.mark.parametrize(
    ("edit", "lexer_loaded"), [(EDIT_PROSE, False), (EDIT_CODE, True)], ids=["prose", "code"]
)
def test_fresh_rebuild_loads_a_lexer_only_for_new_code(
    guide: Path, options: BuildOptions, edit: tuple[str, str], lexer_loaded: bool
) -> None:
    command = [
        sys.executable,
        "-c",
        REBUILD_PROBE,
        "build",
        str(guide),
        "--out",
        str(options.out_dir),
    ]
    subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    edit_guide(guide, *edit)

    run = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)

    assert run.stdout.splitlines()[-1] == str(lexer_loaded)
