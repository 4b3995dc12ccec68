"""Headless Chromium for the tests that open memprof's SVGs as a user would.

    from browser import chromium, check, have_chromium
    r = chromium(["--screenshot=out.png", "file:///path/chart.svg"])
    check("bands=9" in r.stdout, "every band is drawn")
"""
import shutil
import subprocess
import sys
import tempfile


def have_chromium():
    return bool(shutil.which("chromium") or shutil.which("chromium-browser"))


def chromium(args, timeout=120):
    """Runs Chromium headless with a fresh profile (removed afterwards); returns the finished process."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp()
    try:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", "--user-data-dir=" + profile] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def check(cond, message):
    if not cond:
        sys.exit("FAIL: " + message)
    print("ok:", message)
