"""Print the cheat sheet's HTML to PDF with headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from interview_deck.errors import OutputError, Problem
from interview_deck.write import create_temporary

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
# A stuck browser must not hang the build forever; a healthy one needs a few seconds.
PRINT_TIMEOUT = 300


def find_chromium() -> str | None:
    """Return the Chromium to print with: $CHROMIUM, or the first one on PATH, or None."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return shutil.which(configured)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def require_chromium(html: Path, target: Path) -> str:
    """Return the Chromium to print `html` to `target` with; raise OutputError if there is none."""
    chromium = find_chromium()
    if chromium is None:
        raise OutputError([missing_chromium_problem(html, target)])
    return chromium


def write_pdf(html: Path, target: Path, chromium: str) -> None:
    """Print `html` to `target` (paper size from the sheet's CSS); rename into place when done."""
    temporary = create_temporary(target)
    try:
        with tempfile.TemporaryDirectory(prefix="interview-deck-chromium-") as profile:
            command = [
                chromium,
                *CHROMIUM_FLAGS,
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={temporary}",
                html.resolve().as_uri(),
            ]
            finished = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT, check=False
            )
        if finished.returncode != 0 or not temporary.stat().st_size:
            raise OutputError([print_failed_problem(target, finished.stderr)])
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except subprocess.TimeoutExpired:
        raise OutputError(
            [print_failed_problem(target, f"no answer in {PRINT_TIMEOUT} s")]
        ) from None
    except OSError as e:
        raise OutputError([print_failed_problem(target, str(e))]) from None
    finally:
        temporary.unlink(missing_ok=True)


def missing_chromium_problem(html: Path, target: Path) -> Problem:
    """Return the error for a missing Chromium: how to install it, or how to print by hand."""
    return Problem(
        target,
        0,
        "error",
        "cannot print the PDF: Chromium is not installed. "
        "Install it (e.g. `apt-get install chromium`) "
        f"or set CHROMIUM to its path; or build without --pdf and print {html} from a browser",
    )


def print_failed_problem(target: Path, detail: str) -> Problem:
    """Return the error for a Chromium that ran but wrote no PDF, with its last words."""
    last_line = next(
        (line for line in reversed(detail.strip().splitlines()) if line.strip()), "no output"
    )
    return Problem(target, 0, "error", f"cannot print the PDF with Chromium: {last_line.strip()}")
