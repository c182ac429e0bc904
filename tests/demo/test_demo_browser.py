"""The demo as a new user sees it, in Debian's Chromium: index, a feed, login, a decision, status.

``vnfeeds demo`` runs as the README says (its own fresh database, its printed demo
editor); the browser opens the index, clicks a unit's RSS link and sees the feed as a
readable page, logs in with the printed account, decides a pair and reads the status
page. On every page the text is in one language: no English msgid of the catalogue
(whose Vietnamese differs) appears in a Vietnamese page.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from feeds.i18n import catalogue_path, gettext
from tests.dedup.test_browser import ARGS, CHROMIUM, _need_chromium
from tests.servers import free_port

EDITOR = re.compile(r"^demo editor:\s+user (\S+)\s+password (\S+)", re.M)
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)s|<[^>]+>")
URLS = re.compile(r"\bhttps?://\S+|\B/[\w./?=&-]+")


def english_phrases() -> list[re.Pattern[str]]:
    """Patterns of the catalogue's English text that a Vietnamese page must not show."""
    with catalogue_path("vi").open("rb") as f:
        cat = read_po(f)
    out = []
    for m in cat:
        if not m.id or not m.string or m.string == m.id:
            continue
        shown = PLACEHOLDER_OR_TAG.sub(" ", str(m.string))  # what the page shows of it
        for frag in PLACEHOLDER_OR_TAG.split(str(m.id)):
            frag = frag.strip(" .,:;()'“”/·#←→")
            if re.search(r"[A-Za-z]{2}", frag) and frag not in shown:
                out.append(re.compile(rf"(?<![\w-]){re.escape(frag)}(?![\w-])"))
    return out


PHRASES = english_phrases()


def english_on(page: Any) -> list[str]:
    """English UI phrases in the page's visible text, title and tooltips (URLs aside, and
    the last-error cells: a crawler's own error text inside a health reason is shown as
    written; the reasons themselves are checked on their own)."""
    text = page.evaluate(
        """() => {
          const b = document.body.cloneNode(true);
          b.querySelectorAll('td.err, script, style').forEach(e => e.remove());
          const attrs = [...document.querySelectorAll('[title],[placeholder],[aria-label]')]
            .map(e => [e.title, e.placeholder, e.getAttribute('aria-label')].join(' '));
          return [document.title, b.innerText, ...attrs].join('\\n');
        }"""
    )
    text = URLS.sub(" ", text)
    return sorted({p.pattern for p in PHRASES if p.search(text)})


def _read_until(proc: subprocess.Popen[str], marker: str, timeout: float) -> str:
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    out: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        out.append(line)
        if marker in line:
            return "".join(out)
    raise AssertionError("the demo never got to serving:\n" + "".join(out)[-3000:])


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.slow
@pytest.mark.browser
def test_a_new_user_walks_the_demo(tmp_path: Path) -> None:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNFEEDS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vnfeeds", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = _read_until(proc, "Ctrl-C to stop.", timeout=900)
        m = EDITOR.search(printed)
        assert m, printed
        user, password = m[1], m[2]
        assert printed.count(password) == 1  # printed once
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/review" in printed
        _wait_http(base + "/")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                _walk(browser.new_page(), base, user, password)
            finally:
                browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _walk(page: Any, base: str, user: str, password: str) -> None:
    vi = "vi"
    # 1. the index, then a unit's RSS link: a readable page, not a wall of XML
    page.goto(base + "/")
    assert page.get_attribute("html", "lang") == vi
    assert english_on(page) == []
    rss = page.locator("tr.unit .feeds a", has_text="RSS").first
    href = rss.get_attribute("href")
    assert href and href.endswith(".rss")
    rss.click()
    page.wait_for_selector("#hint")
    assert page.url == href
    assert page.input_value("#feed-url") == href  # the URL to copy into a reader
    assert gettext("This is a news feed.", vi) in page.inner_text("#hint")
    assert page.locator("ol.items li").count() > 0
    assert page.get_attribute("html", "lang") == vi
    assert english_on(page) == []

    # 2. log in with the printed demo editor, decide a pair
    page.goto(base + "/review")
    assert "/login" in page.url
    assert english_on(page) == []
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/review")
    assert english_on(page) == []
    first = page.locator("ul#queue li[data-candidate] a").first
    cid = first.get_attribute("href")
    first.click()
    page.wait_for_url(base + str(cid))
    reasons = page.inner_text("ul.reasons")
    assert gettext("pending", vi) == page.inner_text("#status")
    assert "jaccard" not in reasons and "Jaccard" in reasons  # the explanation in Vietnamese
    assert english_on(page) == []
    page.click("button[value=duplicate]")
    page.wait_for_selector("#decided")
    assert page.inner_text("#status") == gettext("duplicate", vi)
    assert user in page.inner_text("#decided")
    assert english_on(page) == []

    # 3. status: times in Vietnam time, said once, ISO 8601 in the tooltip
    page.goto(base + "/status")
    assert "UTC+07:00" in page.inner_text("#zone")
    times = page.locator("time[datetime]")
    assert times.count() > 0
    iso = times.first.get_attribute("datetime") or ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", iso), iso
    assert times.first.get_attribute("title") == iso
    assert times.first.inner_text() == iso[:10] + " " + iso[11:16]
    moved = page.inner_text("tr[data-unit='hoabinh-stc'] td.err")  # the replica that moved
    assert moved.startswith("đã chuyển hẳn sang http://"), moved
    nexts = page.locator("td.next").all_inner_texts()
    assert nexts and all(t == gettext("scheduler not running", vi) for t in nexts), nexts
    assert english_on(page) == []
    page.locator("tr[data-unit] a").first.click()
    page.wait_for_selector("#zone")
    assert english_on(page) == []
