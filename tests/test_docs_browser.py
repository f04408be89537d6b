"""The site, built once by mkdocs in strict mode, in a real headless browser (Debian's chromium,
driven by Selenium) at 1366x768: spec text shows literally, every capability-matrix column header can be scrolled into view, ids do not
wrap, and no sampled page overflows the window sideways or loads anything from another host."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import kling_fal
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from support import GENERATED

pytestmark = pytest.mark.slow(23)  # seconds, roughly: scheduled early (conftest.py)

WIDTH, HEIGHT = 1366, 768
V26_I2V = "endpoints/v2.6/pro/image-to-video/"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on stderr."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs built by mkdocs in strict mode (a warning fails the build): the site's folder."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    """The built docs served on loopback; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, (
        "chromium and chromium-driver are installed by the README's test command (apt-get)"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--window-size={WIDTH},{HEIGHT}")
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    try:
        yield chrome
    finally:
        chrome.quit()


def test_mkdocs_builds_strict(built: Path) -> None:
    assert (built / "endpoints" / "v2.6" / "pro" / "image-to-video" / "index.html").is_file()


def open_page(browser: WebDriver, site: str, path: str) -> None:
    browser.get(site + path)
    assert browser.find_element(By.TAG_NAME, "article").text, path


def longest_endpoint_page() -> str:
    """The endpoint page with the most request fields."""
    endpoint_id = max(
        kling_fal.ENDPOINTS, key=lambda i: len(kling_fal.ENDPOINTS[i].input.model_fields)
    )
    return "endpoints/" + endpoint_id.removeprefix("fal-ai/kling-video/") + "/"


def test_voice_placeholders_are_visible_literally(browser: WebDriver, site: str) -> None:
    open_page(browser, site, V26_I2V)
    text = browser.find_element(By.TAG_NAME, "article").text  # what is rendered and visible
    assert "<<<voice_1>>>" in text and "<<<voice_2>>>" in text
    open_page(browser, site, "endpoints/v3/pro/image-to-video/")
    assert "@Element1" in browser.find_element(By.TAG_NAME, "article").text


def test_every_matrix_column_header_can_be_brought_into_view(browser: WebDriver, site: str) -> None:
    open_page(browser, site, "capabilities/")
    headers = browser.find_elements(By.CSS_SELECTOR, ".kling-matrix th")
    matrix = (GENERATED / "docs" / "capabilities.md").read_text(encoding="utf-8")
    expected = [
        c.strip()
        for line in matrix.splitlines()
        if line.startswith("| endpoint |")
        for c in line.strip("|").split("|")
    ]
    boxes = browser.execute_script(
        "return arguments[0].map(h => {"
        "  h.scrollIntoView({block: 'center', inline: 'center'});"
        "  const r = h.getBoundingClientRect();"
        "  const seen = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);"
        "  return [h.textContent.trim(), r.left, r.right, r.top, r.bottom, h.contains(seen)];"
        "});",
        headers,
    )
    assert [box[0] for box in boxes] == expected
    width, height = browser.execute_script("return [window.innerWidth, window.innerHeight]")
    for text, left, right, top, bottom, on_top in boxes:
        assert 0 <= left < right <= width and 0 <= top < bottom <= height, (text, left, right)
        assert on_top, f"{text!r} is covered by another element"


def test_ids_do_not_wrap(browser: WebDriver, site: str) -> None:
    for path in ("capabilities/", "endpoints/", longest_endpoint_page()):
        open_page(browser, site, path)
        ids = browser.find_elements(By.CSS_SELECTOR, "article td:first-child code")
        assert ids, path
        lines = browser.execute_script(
            "return arguments[0].map(e => [e.textContent, e.getClientRects().length]);", ids
        )
        assert all(count == 1 for _, count in lines), [t for t, c in lines if c != 1]


@pytest.mark.parametrize(
    "path", ["", "capabilities/", longest_endpoint_page(), "enums/VoiceIdEnum/", "guides/client/"]
)
def test_no_page_overflows_sideways(browser: WebDriver, site: str, path: str) -> None:
    open_page(browser, site, path)
    scroll, client = browser.execute_script(
        "const d = document.documentElement; return [d.scrollWidth, d.clientWidth];"
    )
    assert scroll <= client, (path, scroll, client)
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    assert [url for url in loaded if not url.startswith(site)] == [], path  # works offline
