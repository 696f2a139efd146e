"""A wheel carries the templates, so a plain (not editable) install can build decks."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_installed_wheel_builds_a_guide_outside_the_checkout(tmp_path: Path) -> None:
    # Built from a copy: setuptools leaves a build/ folder beside the sources.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "interview_deck", "templates"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copyfile
        copy(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.name for p in (REPO / "templates").iterdir()}
    assert {f"interview_deck/templates/{name}" for name in templates} <= names
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), wheel],
        check=True,
        capture_output=True,
    )
    out = tmp_path / "out"
    # Run from elsewhere, with only the installed copy of the package importable.
    environment = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "interview_deck", "build", str(REPO / "content"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
    )

    probe = [sys.executable, "-c", "import interview_deck; print(interview_deck.TEMPLATES)"]
    used = subprocess.run(probe, capture_output=True, text=True, cwd=tmp_path, env=environment)
    # Your own templates override the packed ones file by file, from the installed copy too.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "card.css").write_text(".card { color: rebeccapurple; }\n", encoding="utf-8")
    own = subprocess.run(
        [sys.executable, "-m", "interview_deck", "build", str(REPO / "content"), "--out",
         str(tmp_path / "own"), "--templates", str(mine)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    assert used.stdout.strip() == str(site / "interview_deck" / "templates")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "python-modules.apkg",
        "python-modules.html",
    ]
    assert own.returncode == 0, own.stderr
    assert read_css(tmp_path / "own" / "python-modules.apkg").startswith(".card { color: rebecca")
    assert read_css(out / "python-modules.apkg").startswith("/* Card styles")


def read_css(apkg: Path) -> str:
    """Return the CSS of the note type in an .apkg."""
    with zipfile.ZipFile(apkg) as archive:
        connection = sqlite3.connect(":memory:")
        connection.deserialize(archive.read("collection.anki2"))
    (models,) = connection.execute("select models from col").fetchone()
    connection.close()
    [model] = json.loads(models).values()
    css: str = model["css"]
    return css
