"""Takes the user guide's screenshots from the demo, in Hebrew and English: `make screenshots`.

It loads the demo into a database of its own (the local one is left alone), serves it with
`kesher serve`, and drives Debian's Chromium (/usr/bin/chromium) through Playwright, as the
browser tests do. The pictures land in docs/images/, named as the guide links them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 860}


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    locale: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _serving(env: dict[str, str], port: int) -> Iterator[str]:
    server = subprocess.Popen(  # noqa: S603  (our own command, on a port we chose)
        [sys.executable, "-m", "kesher.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=1)  # noqa: S310
                break
            time.sleep(0.2)
        else:
            raise SystemExit(f"kesher serve did not answer on {url}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _demo_shots(env: dict[str, str]) -> list[Shot]:
    """The pages to show, found in the demo database by the names of the seeds' stories."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesher.settings")
    import django

    django.setup()
    from kesher.deals.models import Deal
    from kesher.people.models import Person

    avi = Person.objects.get(name="אבי רוזן").public_id
    michal = Person.objects.get(name="מיכל אברהם").public_id
    deal = Deal.objects.filter(person__public_id=michal).order_by("created_at").first()
    assert deal is not None, "the demo has lost the fashion company's deal"
    return [
        Shot("today-he", "/", "he-IL"),
        Shot("person-he", f"/people/{avi}/", "he-IL"),
        Shot("graph-he", f"/relationships/people/{avi}/graph/", "he-IL"),
        Shot("suggestions-he", "/introductions/suggestions/", "he-IL"),
        Shot("board-he", "/deals/", "he-IL"),
        Shot("deal-he", f"/deals/{deal.public_id}/", "he-IL"),
        Shot("reports-he", "/deals/reports/", "he-IL"),
        Shot("search-he", "/search/?q=ג'יפ", "he-IL"),
        Shot("today-en", "/", "en-GB"),
    ]


def _take(url: str, shots: list[Shot], email: str, password: str) -> None:
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for locale in sorted({shot.locale for shot in shots}):
                context = browser.new_context(base_url=url, locale=locale, viewport=VIEWPORT)
                page = context.new_page()
                page.goto("/accounts/login/")
                page.fill("input[name=email]", email)
                page.fill("input[name=password]", password)
                with page.expect_navigation():
                    page.press("input[name=password]", "Enter")
                for shot in (shot for shot in shots if shot.locale == locale):
                    page.goto(shot.path)
                    page.wait_for_load_state("networkidle")
                    target = IMAGES / f"{shot.name}.png"
                    page.screenshot(path=str(target))
                    print(f"{target.relative_to(ROOT)}  ({target.stat().st_size // 1024} KB)")
                context.close()
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="kesher-screenshots-") as folder:
        env = {
            **os.environ,
            "KESHER_DATABASE_URL": "",
            "KESHER_SQLITE_PATH": str(Path(folder) / "demo.sqlite3"),
            "KESHER_LANGUAGE": "en",
        }
        subprocess.run(
            [sys.executable, "-m", "kesher.cli", "demo", "--no-serve"], env=env, check=True
        )
        shots = _demo_shots(env)
        from kesher.demo.services import DEMO_EMAIL, DEMO_PASSWORD

        with _serving(env, _free_port()) as url:
            _take(url, shots, DEMO_EMAIL, DEMO_PASSWORD)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
