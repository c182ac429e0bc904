"""The review flow in a real headless Chromium (Debian's package) against a real uvicorn.

Log in, open the candidate from the queue, decide "duplicate", and see the all-units
feed lose one item; then check the pages fit a phone-width viewport.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from domain.registry import Registry
from feeds.config import FeedConfig
from storage.db import Store
from tests.conftest import NewDbUrl
from tests.dedup.conftest import seed_pair
from tests.servers import free_port, uvicorn_server
from web.app import create_app
from web.auth import auth_routes, install
from web.review import review_routes

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "mat-khau-trinh-duyet"


def _need_chromium() -> None:
    if os.path.exists(CHROMIUM) and shutil.which("chromium"):
        return
    reason = f"{CHROMIUM} not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _feed_items(base: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/all.json", timeout=10) as r:
        return [i["id"] for i in json.load(r)["items"]]


def test_review_in_chromium(
    tmp_path: Path, new_db_url: NewDbUrl, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need_chromium()
    # The English UI names pair statuses as they are stored (``duplicate``, ``pending``).
    monkeypatch.setenv("VNFEEDS_LANG", "en")
    from playwright.sync_api import sync_playwright

    store = Store(new_db_url("browser"))
    cid, _, _ = seed_pair(store, registry, "editor", PASSWORD)
    app = create_app(
        store,
        registry,
        FeedConfig(base_url="http://127.0.0.1", version_ttl=0.0),
        extra_routes=review_routes() + auth_routes(),
    )
    install(app, "browser-test-secret-0123456789")
    with uvicorn_server(app, free_port()) as base, sync_playwright() as pw:
        assert len(_feed_items(base)) == 2
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/review")
            assert "/login" in page.url
            page.fill("#username", "editor")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/review")
            page.click(f"li[data-candidate='{cid}'] a")
            page.wait_for_url(f"{base}/review/{cid}")
            assert page.locator("del.d, ins.d").count() > 0, "word differences are highlighted"
            page.click("button[value=duplicate]")
            page.wait_for_selector("#decided")
            assert page.inner_text("#status") == "duplicate"
            deadline = time.monotonic() + 5
            while len(_feed_items(base)) != 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(_feed_items(base)) == 1, "the all-units feed shows one item per cluster"
            # undo from the history brings the second item back
            page.click("button[data-undo]")
            page.wait_for_selector("#status")
            assert page.inner_text("#status") == "pending"
            deadline = time.monotonic() + 5
            while len(_feed_items(base)) != 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(_feed_items(base)) == 2

            phone = browser.new_page(
                viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True
            )
            # cookies() feeds add_cookies as Playwright documents; its stubs type the two
            # as TypedDicts that differ only in Optional values
            phone.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
            for path in (f"/review/{cid}", "/review", "/review/log", "/login"):
                phone.goto(base + path)
                fits = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
                assert fits, f"{path} scrolls sideways at phone width"
            phone.goto(f"{base}/review/{cid}")
            phone.screenshot(path=str(tmp_path / "review-phone.png"))
            if os.environ.get("VNFEEDS_SCREENSHOTS"):
                shutil.copy(tmp_path / "review-phone.png", os.environ["VNFEEDS_SCREENSHOTS"])
            assert (tmp_path / "review-phone.png").stat().st_size > 1000
            box = phone.locator("button[value=distinct]").bounding_box()
            assert box is not None and box["x"] + box["width"] <= 360
        finally:
            browser.close()
    store.dispose()
