"""The report as a person sees it: rendered in a real headless Chromium.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
NUL-separated JSON messages on file descriptors 3 and 4), so no extra Python package and
no network port is needed. Skips when no Chromium is installed (Debian: ``apt-get
install chromium``). Screenshots go to ``$CORPUSKIT_SCREENSHOTS`` (default: the test's
temporary folder).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_report_fixtures import (
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    hostile_documents,
    write_sample_output,
)

from corpuskit.report import write_report_from_dir

CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium found (install Debian's `chromium` package)"
)
TIMEOUT = 30.0


class Chromium:
    """A headless Chromium with one page, spoken to over the DevTools pipe.

    More pages (tabs) of the same browser come from :meth:`new_page`: one browser
    process serves the whole module, so the tests never hold two browsers in memory.
    """

    def __init__(self, user_data_dir: Path) -> None:
        # Keep our pipe ends above fd 4 so dup2 onto 3 and 4 never maps an fd onto itself
        # (which would keep its close-on-exec flag and lose it in the browser).
        to_browser_r, self._to_browser, self._from_browser, from_browser_w = (
            _high_fd(fd) for fd in (*os.pipe(), *os.pipe())
        )

        def wire_fds() -> None:  # runs in the child: the protocol expects fds 3 and 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                f"--user-data-dir={user_data_dir}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            preexec_fn=wire_fds,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._ids = itertools.count(1)
        self._replies: dict[int, dict[str, Any]] = {}
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.all_events: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.page = self._attach()

    def _attach(self) -> Page:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, target, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        return page

    @contextlib.contextmanager
    def new_page(self) -> Iterator[Page]:
        """A fresh tab with its own events, closed afterwards."""
        page = self._attach()
        try:
            yield page
        finally:
            with contextlib.suppress(RuntimeError, queue.Empty):
                self.send("Target.closeTarget", targetId=page.target)

    # the first page, for the tests that share it
    @property
    def events(self) -> list[dict[str, Any]]:
        return self.page.events

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def screenshot(self, path: Path, selector: str | None = None) -> Path:
        return self.page.screenshot(path, selector)

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_browser, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                self._messages.put(json.loads(raw))

    def _pump(self, deadline: float) -> None:
        message = self._messages.get(timeout=max(deadline - time.monotonic(), 0.01))
        if "id" in message:
            self._replies[message["id"]] = message
        else:
            self.all_events.append(message)

    def send(self, method: str, *, session: str | None = None, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while message_id not in self._replies:
            self._pump(deadline)
        reply = self._replies.pop(message_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, queue.Empty, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)


class Page:
    """One tab of a :class:`Chromium`: its commands and the events it sent."""

    def __init__(self, browser: Chromium, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session

    @property
    def events(self) -> list[dict[str, Any]]:
        return [e for e in self.browser.all_events if e.get("sessionId") == self.session]

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.send(method, session=self.session, **params)

    def wait_for(self, method: str, after: int = 0) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for event in self.events[after:]:
                if event.get("method") == method:
                    return event
            self.browser._pump(deadline)

    def open(self, url: str) -> None:
        mark = len(self.events)
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired", after=mark)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, selector: str | None = None) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if selector is not None:
            box = self.evaluate(
                f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                ".getBoundingClientRect(); return {x: r.x + scrollX, y: r.y + scrollY, "
                "width: r.width, height: Math.min(r.height, 1400)}; })()"
            )
            params.update(clip={**box, "scale": 1}, captureBeyondViewport=True)
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = write_sample_output(tmp_path_factory.mktemp("run"))
    return write_report_from_dir(folder)


@pytest.fixture(scope="module")
def browser(report):
    """One Chromium for the module, its first page showing the sample report."""
    with tempfile.TemporaryDirectory(prefix="corpuskit-chromium-") as profile:
        chromium = Chromium(Path(profile))
        chromium.page.open(report.as_uri())
        yield chromium
        chromium.close()


def _high_fd(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def _errors(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(json.dumps(params.get("args"), ensure_ascii=False))
        elif method == "Runtime.exceptionThrown":
            found.append(json.dumps(params.get("exceptionDetails"), ensure_ascii=False))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            found.append(params["entry"].get("text", ""))
    return found


def test_no_console_errors_and_no_csp_violations(browser):
    assert _errors(browser.events) == []


def test_no_network_requests_beyond_the_file(browser, report):
    urls = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert urls and all(url == report.as_uri() for url in urls), urls


def test_no_dialog_opened(browser):
    assert not [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]


def test_hostile_strings_render_as_text(browser):
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("document.querySelectorAll('[onerror]').length") == 0
    body = browser.evaluate("document.body.innerText")
    assert HOSTILE_SCRIPT in body
    assert HOSTILE_IMG in body


# For each text block: the direction its first strong letter calls for (rule labels and
# removed spans carry their own dir and do not count: the kept text decides) and the
# direction Chromium laid it out in.
_DIRECTIONS = """Array.from(document.querySelectorAll('.text, .title')).map(e => {
  const copy = e.cloneNode(true);
  copy.querySelectorAll('a.code, [dir]').forEach(x => x.remove());
  const first = copy.textContent.match(/[A-Za-z\\u0600-\\u06FF]/);
  const wanted = first ? (/[A-Za-z]/.test(first[0]) ? 'ltr' : 'rtl') : null;
  return [wanted, getComputedStyle(e).direction, e.textContent.slice(0, 40)];
})"""


def test_arabic_text_is_laid_out_right_to_left(browser):
    blocks = browser.evaluate(_DIRECTIONS)
    assert sum(1 for wanted, _, _ in blocks if wanted == "rtl") >= 10
    assert any(wanted == "ltr" for wanted, _, _ in blocks)
    wrong = [(wanted, got, text) for wanted, got, text in blocks if wanted and wanted != got]
    assert wrong == []


def test_a_block_starting_with_a_removed_dateline_stays_right_to_left(browser):
    # The dateline strip puts a Latin rule label first; the Arabic text still decides.
    direction = browser.evaluate(
        "getComputedStyle(Array.from(document.querySelectorAll('#documents .text'))"
        ".find(e => e.querySelector('mark') && e.firstElementChild.textContent === 'BP201'))"
        ".direction"
    )
    assert direction == "rtl"


def test_charts_have_size(browser):
    sizes = browser.evaluate(
        "Array.from(document.querySelectorAll('svg.chart')).map(s => "
        "{const r = s.getBoundingClientRect(); return [r.width, r.height]})"
    )
    assert len(sizes) >= 5
    assert all(w > 100 and h > 40 for w, h in sizes)
    assert browser.evaluate("document.querySelectorAll('svg.chart rect').length") > 10


def test_removals_and_side_by_side_clusters_are_present(browser):
    assert browser.evaluate("document.querySelectorAll('#documents mark.strip').length") >= 3
    assert browser.evaluate("document.querySelectorAll('#rules mark.strip').length") >= 3
    columns = browser.evaluate(
        "Array.from(document.querySelectorAll('.pair .side-by-side')).map(e => "
        "getComputedStyle(e).gridTemplateColumns.split(' ').length)"
    )
    assert columns and set(columns) == {2}
    assert browser.evaluate("document.querySelectorAll('.pair ins.diff').length") > 0
    assert browser.evaluate("document.querySelectorAll('.pair del.diff').length") > 0


def test_filter_box_hides_non_matching_sources(browser):
    visible = browser.evaluate(
        "(() => { const box = document.querySelector('input[data-filter=source-rows]');"
        "box.value = 'alweeam'; box.dispatchEvent(new Event('input'));"
        "const rows = Array.from(document.querySelectorAll('#source-rows tr'));"
        "const shown = rows.filter(r => !r.hidden).map(r => r.cells[0].textContent);"
        "box.value = ''; box.dispatchEvent(new Event('input')); return shown; })()"
    )
    assert visible == ["alweeam"]


def test_screenshots(browser, report, tmp_path_factory):
    folder = Path(os.environ.get("CORPUSKIT_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    overview = browser.screenshot(folder / "report-overview.png")
    pair = browser.screenshot(folder / "report-cluster.png", selector=".pair")
    for path in (overview, pair):
        assert path.stat().st_size > 5000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_readable_without_javascript(browser, report):
    with browser.new_page() as page:
        page.call("Emulation.setScriptExecutionDisabled", value=True)
        page.open(report.as_uri())
        # Runtime.evaluate still works with page scripts disabled.
        assert page.evaluate("document.querySelectorAll('.doc').length") >= 3
        assert page.evaluate("getComputedStyle(document.querySelector('.pair')).display") != "none"
        assert page.evaluate(
            "Array.from(document.querySelectorAll('input.filter')).every(i => i.hidden)"
        )


def test_csp_blocks_markup_that_slipped_through(browser, report, tmp_path):
    """Defence in depth: even injected markup can neither run nor fetch anything."""
    injected = (
        "<script>window.injected = true; fetch('http://127.0.0.1:9/leak');</script>"
        '<img src="http://127.0.0.1:9/pixel.png">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/style.css">'
    )
    html = report.read_text(encoding="utf-8").replace("<main>", "<main>" + injected, 1)
    tampered = tmp_path / "tampered.html"
    tampered.write_text(html, encoding="utf-8")
    with browser.new_page() as page:
        page.open(tampered.as_uri())
        assert page.evaluate("window.injected === undefined")
        # Chromium announces the injected requests, then fails each one as CSP-blocked.
        requests = {
            e["params"]["requestId"]: e["params"]["request"]["url"]
            for e in page.events
            if e.get("method") == "Network.requestWillBeSent"
        }
        blocked = {
            e["params"]["requestId"]
            for e in page.events
            if e.get("method") == "Network.loadingFailed"
            and e["params"].get("blockedReason") == "csp"
        }
        outside = {rid for rid, url in requests.items() if url != tampered.as_uri()}
        assert outside and outside <= blocked
        assert not [
            e
            for e in page.events
            if e.get("method") == "Network.responseReceived" and e["params"]["requestId"] in outside
        ]
        assert any("Content Security Policy" in text for text in _errors(page.events))


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    """The report that ``corpuskit clean`` writes for the bundled sample (seeds/)."""
    pipeline = pytest.importorskip("corpuskit.pipeline")
    out = tmp_path_factory.mktemp("seeds") / "out"
    pipeline.clean(pipeline.seed_inputs(), out)
    return out / "report.html"


def test_report_of_the_seed_run_renders_cleanly(browser, seed_report):
    with browser.new_page() as page:
        page.open(seed_report.as_uri())
        assert _errors(page.events) == []
        urls = {
            e["params"]["request"]["url"]
            for e in page.events
            if e.get("method") == "Network.requestWillBeSent"
        }
        assert urls == {seed_report.as_uri()}
        blocks = page.evaluate(_DIRECTIONS)
        assert sum(1 for wanted, _, _ in blocks if wanted == "rtl") >= 10
        assert [b for b in blocks if b[0] and b[0] != b[1]] == []
        assert page.evaluate("document.querySelectorAll('#documents mark.strip').length")
        assert page.evaluate("document.querySelectorAll('.pair .side-by-side').length")
        assert page.evaluate(
            "Array.from(document.querySelectorAll('svg.chart')).every(s => "
            "s.getBoundingClientRect().width > 100)"
        )


# Where the characters of the first "0.91" after the near copy's id are drawn, left to
# right: [x of "0", x of "1"]. Reversed by a leaking override, "0.91" would read "19.0".
_SIMILARITY_AFTER_HOSTILE_ID = """(() => {
  const cell = Array.from(document.querySelectorAll('#duplicates td'))
    .find(td => td.textContent.includes('ar-\\u202e2'));
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode()) && !node.data.includes('0.91')) {}
  const at = node.data.indexOf('0.91');
  const x = i => {
    const range = document.createRange();
    range.setStart(node, at + i);
    range.setEnd(node, at + i + 1);
    return range.getBoundingClientRect().left;
  };
  return [x(0), x(3)];
})()"""


def test_a_bidi_override_in_an_id_does_not_reverse_the_rest_of_its_line(browser, tmp_path):
    report = write_report_from_dir(write_sample_output(tmp_path / "run", hostile_documents()))
    with browser.new_page() as page:
        page.open(report.as_uri())
        zero, one = page.evaluate(_SIMILARITY_AFTER_HOSTILE_ID)
        assert zero < one, "0.91 after the id is drawn right to left"
        assert page.evaluate("document.body.innerText.includes('\\u2400')"), (
            "a NUL in the text shows as ␀"
        )
