"""Headless Chromium for the page tests: Debian's /usr/bin/chromium driven by its chromedriver.

Under CI=true a missing browser fails the test (``unavailable``); elsewhere it skips with a hint.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from tests.conftest import ROOT, unavailable

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def chromium_or_skip() -> None:
    """Call in the test body (not a fixture) so that CI reports FAILED, not ERROR."""
    problem = None
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        problem = f"{CHROMIUM} / {CHROMEDRIVER} missing: run `sudo bash scripts/install-chromium.sh`"
    else:
        try:
            import selenium  # noqa: F401
        except ImportError:
            problem = "selenium is not installed: pip install selenium"
    if problem:
        unavailable(problem)


@contextlib.contextmanager
def headless_chromium(profile_dir, size: str = "1280,900") -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # with an explicit driver path Selenium Manager fetches nothing
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--window-size={size}",
                f"--user-data-dir={profile_dir}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def severe_console_errors(browser) -> list[dict]:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def web_requests(browser) -> list[str]:
    """The URLs the page asked for over a web scheme (chrome:// entries are the browser's own)."""
    requested = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = [m["params"]["request"]["url"] for m in requested if m["method"] == "Network.requestWillBeSent"]
    return [u for u in urls if re.match(r"(https?|wss?|ftp):", u, re.I)]


class Tags(HTMLParser):
    """Every start tag of a page, as (tag, attributes), so tests see what a browser would parse."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
