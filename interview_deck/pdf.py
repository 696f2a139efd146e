"""Print the cheat sheet's HTML to PDF with headless Chromium, JavaScript off."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
# A stuck browser must not hang the build forever; a healthy one needs a few seconds.
PRINT_TIMEOUT = 300
# How long a browser told to close may take to end its helper processes.
CLOSE_TIMEOUT = 10
# Printed as Chromium's own --print-to-pdf does: the sheet's @page size, backgrounds, no header.
PRINT_OPTIONS = {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False}
# Chromium's --remote-debugging-pipe reads commands from fd 3 and answers on fd 4; this puts
# the pipe's ends there, then becomes Chromium (a shell could not: dash takes one digit only).
START_ON_PIPE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


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
    """Print the sheet's HTML to `target` (paper size from its CSS), staged with the others.

    The sheet has no script and its policy forbids one; should one ever get in, the
    unsandboxed browser still must not run it. Chromium's command-line printing cannot turn
    JavaScript off (with `scriptEnabled=false` it prints nothing), so the page is printed
    through the DevTools protocol, with script execution disabled before it loads.
    """
    temporary = staging.reserve(target)
    try:
        # A helper process of a killed browser may still be writing to its profile.
        with tempfile.TemporaryDirectory(
            prefix="interview-deck-chromium-", ignore_cleanup_errors=True
        ) as folder:
            # The sheet is self-contained, so a copy prints the same as the file beside the deck.
            page = Path(folder) / "sheet.html"
            page.write_text(sheet, encoding="utf-8")
            with DevTools(chromium, Path(folder)) as browser:
                pdf = browser.print_page(page.as_uri())
        temporary.write_bytes(pdf)
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    except PrintError as e:
        raise OutputError([print_failed_problem(target, str(e))]) from None
    except OSError as e:
        raise OutputError([print_failed_problem(target, str(e))]) from None


class PrintError(Exception):
    """Chromium did not print the page; the message says why."""


class DevTools:
    """A headless Chromium driven through the DevTools protocol over a pipe."""

    def __init__(self, chromium: str, folder: Path) -> None:
        self.chromium = chromium
        self.folder = folder
        self.deadline = time.monotonic() + PRINT_TIMEOUT
        self.pending = b""
        self.last_id = 0
        self.closing = False

    def __enter__(self) -> DevTools:
        command_read, self.command_write = os.pipe()
        self.answer_read, answer_write = os.pipe()
        arguments = [
            *CHROMIUM_FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={self.folder / 'profile'}",
            "about:blank",
        ]
        start = [sys.executable, "-I", "-S", "-c", START_ON_PIPE]
        self.log = (self.folder / "chromium.log").open("w+b")
        try:
            self.process = subprocess.Popen(
                [*start, str(command_read), str(answer_write), self.chromium, *arguments],
                pass_fds=(command_read, answer_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.log,
            )
        finally:
            os.close(command_read)
            os.close(answer_write)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            os.close(self.command_write)
        with contextlib.suppress(OSError):
            os.close(self.answer_read)
        if self.closing:
            # Told to close, it shuts down its helper processes itself; give it time to.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=CLOSE_TIMEOUT)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.log.close()

    def print_page(self, url: str) -> bytes:
        """Load `url` with JavaScript disabled and return it printed as a PDF."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        session = attached["sessionId"]
        self.call("Emulation.setScriptExecutionDisabled", {"value": True}, session)
        self.call("Page.enable", {}, session)
        navigated = self.call("Page.navigate", {"url": url}, session)
        if navigated.get("errorText"):
            raise PrintError(f"cannot open the sheet: {navigated['errorText']}")
        self.wait_for("Page.loadEventFired", session)
        printed = self.call("Page.printToPDF", PRINT_OPTIONS, session)
        self.closing = True
        with contextlib.suppress(PrintError):
            self.call("Browser.close")
        return base64.b64decode(printed["data"])

    def call(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        """Send one command and return its result; raise PrintError if it failed."""
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self.command_write, json.dumps(message).encode() + b"\0")
        except OSError:
            raise PrintError(self.last_words()) from None
        while True:
            answer = self.read_message()
            if answer.get("id") == self.last_id:
                if "error" in answer:
                    raise PrintError(f"{method}: {answer['error'].get('message', answer['error'])}")
                return answer.get("result", {})

    def wait_for(self, event: str, session: str) -> None:
        """Read messages until `event` arrives for `session`."""
        while True:
            message = self.read_message()
            if message.get("method") == event and message.get("sessionId") == session:
                return

    def read_message(self) -> Any:
        """Return the next message from Chromium; raise PrintError if none comes in time."""
        while b"\0" not in self.pending:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.answer_read], [], [], remaining)[0]:
                raise PrintError(f"no answer in {PRINT_TIMEOUT} s")
            chunk = os.read(self.answer_read, 1 << 16)
            if not chunk:
                raise PrintError(self.last_words())
            self.pending += chunk
        message, self.pending = self.pending.split(b"\0", 1)
        return json.loads(message)

    def last_words(self) -> str:
        """Return what Chromium said on stderr before it stopped answering."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace") or "Chromium stopped"


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
