"""Screenshots of the main pages in English and Arabic, at laptop and phone widths.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--languages en ar]
                                            [--widths 1280 390] [--username officer_fr]

Sets up a throwaway demo instance of its own, as `make run` does (a fresh SQLite database
under a temporary directory, `migrate`, `seed_demo` with a generated password, DEBUG on and
multi-factor authentication off), serves it with `runserver` on a free local port, signs in as
a demo officer in headless Chromium (the distribution's, /usr/bin/chromium, driven by
Playwright) and saves `<out>/<page>-<language>-<width>.png` (full-page). The compiled
catalogues under locale/ are used, so run `make install` first (the Makefile does).

Nothing outside the temporary directory and <out> is written; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# (file name, path or None for the first case of the case list)
PAGES = [
    ("dashboard", "/"),
    ("case-list", "/cases/"),
    ("case-detail", None),
    ("contacts", "/contacts/"),
    ("messages", "/messages/"),
]
CASE_LINK = re.compile(r"^/cases/[0-9a-f-]{36}/$")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BASE_DIR / "docs" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "ar"])
    parser.add_argument("--widths", nargs="+", type=int, default=[1280, 390])
    parser.add_argument("--username", default="officer_fr")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"Chromium is needed at {CHROMIUM}.", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory(prefix="ncb-screenshots-") as var_dir:
        env = demo_env(Path(var_dir))
        print("Setting up a demo instance (migrations, demo data)...")
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--password", password)
        port = free_port()
        # Fixed argument lists: our own interpreter and manage.py, no shell, no outside input.
        server = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port)
            saved = take_screenshots(
                base_url=f"http://127.0.0.1:{port}",
                username=args.username,
                password=password,
                languages=args.languages,
                widths=args.widths,
                out=args.out,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in saved:
        print(path)
    return 0


def demo_env(var_dir: Path) -> dict[str, str]:
    """The environment of `make run`'s demo, but with a database and var dir of its own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    env.update(
        DEBUG="1",
        NCB_REQUIRE_MFA="0",
        NCB_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir}/db.sqlite3",
    )
    return env


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the demo server did not answer on port {port}")


def take_screenshots(
    *,
    base_url: str,
    username: str,
    password: str,
    languages: list[str],
    widths: list[int],
    out: Path,
) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            for language in languages:
                for width in widths:
                    context = browser.new_context(
                        viewport={"width": width, "height": 900 if width > 600 else 844},
                        device_scale_factor=1,
                    )
                    page = context.new_page()
                    sign_in(page, base_url=base_url, username=username, password=password)
                    # The switcher's cookie, as choosing the language in the footer sets it.
                    context.add_cookies(
                        [{"name": "django_language", "value": language, "url": base_url}]
                    )
                    for name, path in PAGES:
                        page.goto(base_url + (path or first_case_path(page, base_url)))
                        page.wait_for_load_state("networkidle")
                        target = out / f"{name}-{language}-{width}.png"
                        page.screenshot(path=str(target), full_page=True)
                        shrink_png(target)
                        saved.append(target)
                    context.close()
        finally:
            browser.close()
    return saved


def shrink_png(path: Path) -> None:
    """256 colours without dithering: the pages are flat colours and text, so the image looks
    the same at a third of the size (these files are committed)."""
    from PIL import Image  # installed with reportlab

    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    palette.save(path, optimize=True)


def sign_in(page, *, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"signing in as {username} failed")


def first_case_path(page, base_url: str) -> str:
    page.goto(f"{base_url}/cases/")
    for href in page.locator("a[href^='/cases/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    ):
        if CASE_LINK.match(href):
            return href
    raise RuntimeError("the case list shows no case")


if __name__ == "__main__":
    sys.exit(main())
