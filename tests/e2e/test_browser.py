"""The query packs as favorites in a real Neo4j Browser (5.x, served by the local server),
driven by headless Chromium: import the favorites zip, paste a favorite, run it, read the table.

Runs on the tests' own Neo4j (tests/neo4j_server.py) with /usr/bin/chromium + chromedriver.
Under CI=true anything missing fails the tests; elsewhere they skip with a hint.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import urllib.request
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from allegiance.queries.browser import DEFAULT_AS_OF, DEFAULT_EXAMPLES, browser_favorites, write_favorites_zip
from allegiance.queries.pack import core_pack
from allegiance.queries.runner import bind, run_query
from tests import neo4j_server
from tests.conftest import ROOT, neo4j_server_or_fail, neo4j_with_example, unavailable

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 30  # seconds; the first query after connecting compiles the plan


def _chromium_or_fail(browser_url: str):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        unavailable(f"the headless browser test needs {', '.join(missing)}", "run: sudo bash scripts/install-chromium.sh")
    try:
        urllib.request.urlopen(browser_url, timeout=30).close()
    except OSError as e:
        unavailable(f"Neo4j Browser is not served at {browser_url}: {e}")


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for the module, started by the first test that needs it (see ``_page``)."""
    session: dict = {}
    yield session
    if "driver" in session:
        session["driver"].quit()
        shutil.rmtree(session["profile"], ignore_errors=True)


def _page(session: dict):
    """Chromium on the Neo4j Browser, connected through its own connect form. Called in the
    test body, not in a fixture, so that under CI=true a missing service reports FAILED."""
    neo4j_with_example().close()
    server = neo4j_server_or_fail()
    _chromium_or_fail(server.browser_url)
    if "driver" in session:
        return session["driver"]
    session["profile"] = tempfile.mkdtemp(prefix="allegiance-chromium-")  # fresh local storage
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={session['profile']}"):
        options.add_argument(arg)
    driver = session["driver"] = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.get(server.browser_url)
    wait = WebDriverWait(driver, WAIT)
    address = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, '[data-testid="boltaddress"]')))
    scheme, host = urlsplit(server.uri).scheme, urlsplit(server.uri).netloc
    Select(driver.find_element(By.CSS_SELECTOR, '[data-testid="bolt-scheme-select"]')).select_by_value(f"{scheme}://")
    # A React-controlled input: clear() is undone on the next render, select-all + delete is not.
    address.send_keys(Keys.CONTROL, "a")
    address.send_keys(Keys.DELETE, host)
    driver.find_element(By.CSS_SELECTOR, '[data-testid="username"]').send_keys("neo4j")
    driver.find_element(By.CSS_SELECTOR, '[data-testid="password"]').send_keys(neo4j_server.PASSWORD)
    driver.find_element(By.CSS_SELECTOR, '[data-testid="connect"]').click()
    _wait(driver, ec.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-testid="stream"]'),
                                                   "You are connected as user neo4j"), "the connection")
    return driver


def _paste(driver, text: str) -> None:
    """Paste into the Monaco editor the way a user's Ctrl+V does: a paste event with the
    text (typing it instead would add auto-closed brackets and auto-indent)."""
    editor = driver.find_element(By.CSS_SELECTOR, '[data-testid="activeEditor"] textarea')
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")  # the paste replaces whatever is there
    driver.execute_script(
        "const [area, text] = arguments; const data = new DataTransfer();"
        "data.setData('text/plain', text); area.focus();"
        "area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));",
        editor, text)


def _run(driver) -> None:
    driver.find_element(By.CSS_SELECTOR, '[data-testid="editor-Run"]').click()


def _wait(driver, condition, what: str):
    """WebDriverWait(...).until, failing with what the newest frame shows instead of a bare timeout."""
    try:
        return WebDriverWait(driver, WAIT).until(condition)
    except TimeoutException:
        frames = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stream"] [data-testid="frame"]')
        pytest.fail(f"timed out after {WAIT}s waiting for {what}; newest frame:\n"
                    f"{frames[0].text[:3000] if frames else '(none)'}")


def _newest_frame_text(driver, command_has: str):
    """A wait condition: the text of the newest frame once its command has ``command_has``
    (and is not the script that set the parameters) and it has finished (a result table or
    an error is shown)."""
    def check(_):
        try:
            frame = driver.find_element(By.CSS_SELECTOR, '[data-testid="stream"] [data-testid="frame"]')
            command = frame.find_element(By.CSS_SELECTOR, '[data-testid="frameCommand"]').text.strip()
            if command_has not in command or ":param" in command:
                return False
            # Finished: the status bar says "... completed after N ms" or "... completed in less
            # than 1 ms", the body "(no changes, no records)" (no status bar then), or an error shows.
            bars = frame.find_elements(By.CSS_SELECTOR, '[data-testid="frameStatusbar"]')
            errors = frame.find_elements(By.CSS_SELECTOR, '[data-testid="cypherFrameErrorMessage"]')
            text = frame.text
            done = errors or "no records" in text or any("completed" in bar.text.lower() for bar in bars)
            return text if done else False
        except StaleElementReferenceException:
            return False
    return check


def _script_statuses(driver, count: int):
    """A wait condition: the statuses of the newest multi-statement frame, once all ``count``
    statements have one other than waiting/pending."""
    def check(_):
        try:
            frame = driver.find_element(By.CSS_SELECTOR, '[data-testid="stream"] [data-testid="frame"]')
            icons = frame.find_elements(By.CSS_SELECTOR, '[data-testid="multi-statement-list-icon"]')
            statuses = [i.get_attribute("title").removeprefix("Status: ") for i in icons]
            return statuses if len(statuses) == count and not {"waiting", "pending"} & set(statuses) else False
        except StaleElementReferenceException:
            return False
    return check


def _run_favorite_then_query(driver, name: str, expected: list[str]) -> str:
    """A user's steps, as the file's header says: paste the favorite, run it (parameters set,
    every statement succeeds), then delete the lines down to the last :param, run again and
    read the table."""
    text = browser_favorites(core_pack())[f"{name}.cypher"]
    lines = text.splitlines()
    last_param = max(i for i, line in enumerate(lines) if line.startswith(":param"))
    # The Browser shows a command on one line: compare the query's first line, spaces collapsed.
    first_line = " ".join(lines[last_param + 1].split())
    _paste(driver, text)
    _run(driver)
    statuses = _wait(driver, _script_statuses(driver, _statements(text)), f"the {name} script")
    assert statuses == ["success"] * len(statuses), f"{name}: {statuses}"
    _paste(driver, "\n".join(lines[last_param + 1:]))
    _run(driver)
    shown = _wait(driver, _newest_frame_text(driver, first_line), f"the {name} query's result")
    missing = [item for item in expected if item not in shown]
    assert not missing, f"{name}: {missing} not in the result frame:\n{shown[:2000]}"
    return shown


def _dates_on_screen(name: str, shown: str) -> None:
    """The table shows each row's dates as the command line does, as text ("2020-05",
    "unknown", "ongoing"), and none of the encoded bounds the store holds."""
    query = core_pack()[name]
    store = neo4j_with_example()
    try:
        given = {k: v for k, v in DEFAULT_EXAMPLES.get(name, {}).items() if k in {p.name for p in query.params}}
        rows = run_query(store, query, given, as_of=DEFAULT_AS_OF)
        _, raw = store.run(query.cypher, bind(query, store, given, as_of=DEFAULT_AS_OF))
    finally:
        store.close()
    dates = [c.name for c in query.columns if c.type == "date"]
    words = {"start": "unknown", "end": "ongoing"}
    texts = {f'"{row[c] or words[c]}"' for row in rows for c in dates}
    assert rows and texts, name
    assert not [t for t in texts if t not in shown], f"{name}: {texts} not all in the result frame:\n{shown[:2000]}"
    keys = {str(v) for row in raw for v in row if isinstance(v, int) and not isinstance(v, bool) and v > 9999}
    assert keys and not [k for k in keys if k in shown], f"{name}: encoded bounds {keys} shown:\n{shown[:2000]}"


def _statements(text: str) -> int:
    """How many statements the Browser runs for a favorite: its :param lines and the query."""
    return sum(1 for line in text.splitlines() if line.startswith(":param")) + 1


def test_favorites_zip_lands_in_the_favorites_drawer(chromium, tmp_path):
    """Dropping the zip on the Browser (its own drop handler, fed a real File) adds one
    favorite per query in an `allegiance` folder, each named by its first comment line."""
    page = _page(chromium)
    archive = write_favorites_zip(core_pack(), tmp_path / "allegiance-favorites.zip")
    page.execute_script(
        "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));"
        "const data = new DataTransfer();"
        "data.items.add(new File([bytes], 'allegiance-favorites.zip', {type: 'application/zip'}));"
        "const zone = document.querySelector('.filedrop');"
        "for (const type of ['dragenter', 'dragover', 'drop'])"
        "  zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));",
        base64.b64encode(archive.read_bytes()).decode())
    page.find_element(By.CSS_SELECTOR, '[data-testid="navigationFavorites"]').click()
    WebDriverWait(page, WAIT).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, '[data-testid="expandFolder-allegiance"]'))).click()
    titles = WebDriverWait(page, WAIT).until(lambda d: [
        e.text for e in d.find_elements(
            By.CSS_SELECTOR, '[data-testid="savedScriptsFolder-allegiance"] [data-testid^="scriptTitle-"]')] or False)
    expected = {f"{q.name}: {q.question}" for q in core_pack().values()}
    assert set(titles) == expected
    # Clicking a favorite puts it in the editor; running it sets the parameters and runs the query.
    text = browser_favorites(core_pack())["who-backs-whom.cypher"]
    page.find_element(By.CSS_SELECTOR, '[data-testid^="scriptTitle-who-backs-whom:"]').click()
    page.find_element(By.CSS_SELECTOR, '[data-testid="navigationFavorites"]').click()  # close the drawer
    _run(page)
    statements = _statements(text)
    assert _wait(page, _script_statuses(page, statements), "the script") == ["success"] * statements


def test_pasted_favorites_run_and_show_their_tables(chromium):
    page = _page(chromium)
    shown = _run_favorite_then_query(page, "control", ["Government of National Accord", "al-Watiya Air Base"])
    _dates_on_screen("control", shown)
    shown = _run_favorite_then_query(page, "who-backs-whom", ["Turkey", "Government of National Accord", "gna",
                                                              "Libyan National Army"])
    _dates_on_screen("who-backs-whom", shown)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.save_screenshot(str(ARTIFACTS / "neo4j-browser.png"))


@pytest.mark.parametrize("name", sorted(core_pack()))
def test_every_favorite_runs_without_error(chromium, name):
    """Every file, pasted whole and run, sets its parameters and its query succeeds."""
    page = _page(chromium)
    text = browser_favorites(core_pack())[f"{name}.cypher"]
    statements = _statements(text)
    _paste(page, text)
    _run(page)
    assert _wait(page, _script_statuses(page, statements), "the script") == ["success"] * statements
