"""Print the cheat sheet's HTML to PDF with headless Chromium, JavaScript off."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from interview_deck.errors import OutputError, Problem
from interview_deck.write import StagedOutputs, stage_outputs

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, and quiet: no sandbox (we may run as root), no calls home, no first-run screens.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# The sheet has no script; should one ever get in, the unsandboxed browser must not run it.
PRINT_FLAGS = ("--blink-settings=scriptEnabled=false", "--no-pdf-header-footer")
# A stuck browser must not hang the build forever; a healthy one needs a few seconds.
PRINT_TIMEOUT = 300


def find_chromium() -> str | None:
    """Return the Chromium to print with: $CHROMIUM, or the first one on PATH, or None."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return shutil.which(configured)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def write_pdf(html: Path, target: Path, chromium: str) -> None:
    """Print the sheet in the file `html` to `target`, renamed into place when done."""
    with stage_outputs() as staging:
        print_sheet(html.read_text(encoding="utf-8"), target, chromium, staging)


def print_sheet(sheet: str, target: Path, chromium: str, staging: StagedOutputs) -> None:
    """Print the sheet's HTML to `target` (paper size from its CSS), staged with the others."""
    temporary = staging.reserve(target)
    try:
        with tempfile.TemporaryDirectory(prefix="interview-deck-chromium-") as folder:
            # The sheet is self-contained, so a copy prints the same as the file beside the deck.
            page = Path(folder) / "sheet.html"
            page.write_text(sheet, encoding="utf-8")
            command = [
                chromium,
                *CHROMIUM_FLAGS,
                *PRINT_FLAGS,
                f"--user-data-dir={Path(folder) / 'profile'}",
                f"--print-to-pdf={temporary}",
                page.as_uri(),
            ]
            finished = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT, check=False
            )
        if finished.returncode != 0 or not temporary.stat().st_size:
            raise OutputError([print_failed_problem(target, finished.stderr)])
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    except subprocess.TimeoutExpired:
        raise OutputError(
            [print_failed_problem(target, f"no answer in {PRINT_TIMEOUT} s")]
        ) from None
    except OSError as e:
        raise OutputError([print_failed_problem(target, str(e))]) from None


def missing_chromium_problem(html: Path, target: Path) -> Problem:
    """Return the warning for a missing Chromium: how to install it, or how to print by hand."""
    kept = f"; {target} is left from an earlier build" if target.exists() else ""
    return Problem(
        target,
        0,
        "warning",
        "cannot print the PDF: Chromium is not installed. "
        "Install it (e.g. `apt-get install chromium`) "
        f"or set CHROMIUM to its path, or print {html} from a browser{kept}",
    )


def print_failed_problem(target: Path, detail: str) -> Problem:
    """Return the error for a Chromium that ran but wrote no PDF, with its last words."""
    last_line = next(
        (line for line in reversed(detail.strip().splitlines()) if line.strip()), "no output"
    )
    return Problem(target, 0, "error", f"cannot print the PDF with Chromium: {last_line.strip()}")
