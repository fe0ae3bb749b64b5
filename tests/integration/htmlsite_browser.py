#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""htmlsite_browser - open the help site in headless Chromium.

usage: htmlsite_browser.py CHROMIUM SITE_DIR SHOT_DIR

Takes screenshots of a code page, comparison pages and provider pages at
phone (390 px)
and desktop (1280 px) widths into SHOT_DIR, checks that each is a PNG of
that width, then checks the index's filter box with --dump-dom: the page
reads ?q= into the box and runs the same code as on typing, so a query must
narrow the list (and only to items holding every word), a query matching
nothing must show the "no match" note; and the page as served (what a
browser without JavaScript shows) must hide the box and list every code. Every Chromium run is bounded in
time and needs no network (file:// URLs only). Exit 0 or 1.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

TIMEOUT = 90  # seconds per Chromium run
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio"]


def chromium(binary, args, profile_root):
    """Run Chromium once with a fresh profile; return stdout."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=profile_root)
    try:
        r = subprocess.run([binary] + FLAGS + ["--user-data-dir=" + profile]
                           + args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT,
                           check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if r.returncode != 0:
        raise RuntimeError("chromium %s: exit %d: %s" %
                           (" ".join(args), r.returncode,
                            r.stderr.decode(errors="replace")[-800:]))
    return r.stdout.decode("utf-8", errors="replace")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError("%s: not a PNG" % path)
    return struct.unpack(">II", head[16:24])


class Index(HTMLParser):
    """The filterable items of a dumped index and what is hidden."""

    def __init__(self):
        super().__init__()
        self.items, self.hidden = [], {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-k" in a:
            self.items.append((a["data-k"], "hidden" in a))
        if "id" in a:
            self.hidden[a["id"]] = "hidden" in a


def dump_index(binary, url, profile_root):
    p = Index()
    p.feed(chromium(binary, ["--dump-dom", url], profile_root))
    if not p.items:
        raise RuntimeError("chromium --dump-dom %s: no items" % url)
    return p


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    binary, site, shots = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    os.makedirs(shots, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="htmlsite-browser-")
    problems = []
    try:
        for page in ("en/5.1.1.html", "en/235-vs-502.html", "fr/550-vs-554.html",
                     "en/provider-microsoft365.html", "fr/provider-orange.html"):
            for width, height in ((390, 1400), (1280, 1000)):
                name = "%s-%d.png" % (page.replace("/", "-")[:-5], width)
                out = os.path.join(shots, name)
                if os.path.exists(out):
                    os.unlink(out)
                chromium(binary, ["--window-size=%d,%d" % (width, height),
                                  "--screenshot=" + out,
                                  "file://%s/%s" % (site, page)], tmp)
                w, h = png_size(out)
                if (w, h) != (width, height) or os.path.getsize(out) < 5000:
                    problems.append("%s: %dx%d, %d bytes" %
                                    (name, w, h, os.path.getsize(out)))
                print("htmlsite_browser: screenshot %s (%dx%d)" % (out, w, h))
        index = "file://%s/en/index.html" % site
        full = dump_index(binary, index, tmp)
        total = len(full.items)
        if total < 100 or any(h for _, h in full.items):
            problems.append("index without a filter: %d items, some hidden"
                            % total)
        if full.hidden.get("filterbox", True):
            problems.append("the filter box stays hidden with JavaScript on")
        for query, must in (("mailbox", ["mailbox"]),
                            ("5.1.1", ["5.1.1"]),
                            ("550 vs", ["550", "vs"]),
                            ("LOGIN failed", ["login", "failed"])):
            got = dump_index(binary, index + "?q=" + query.replace(" ", "+"), tmp)
            shown = [k for k, h in got.items if not h]
            bad = [k for k in shown if not all(w in k for w in must)]
            print("htmlsite_browser: filter %r: %d of %d items shown" %
                  (query, len(shown), total))
            if not 0 < len(shown) < total or bad:
                problems.append("filter %r: %d of %d shown, %d wrong: %s" %
                                (query, len(shown), total, len(bad), bad[:3]))
            if got.hidden.get("none") is False:
                problems.append("filter %r: the no-match note shows" % query)
        got = dump_index(binary, index + "?q=zzqx", tmp)
        if any(not h for _, h in got.items) or got.hidden.get("none", True):
            problems.append("filter 'zzqx': items left or no no-match note")
        got = dump_index(binary, "file://%s/fr/index.html?q=boite" % site, tmp)
        if not any(not h for _, h in got.items):
            problems.append("filter 'boite' (fr, for boîte) shows nothing")
        got = Index()  # what a browser without JavaScript shows
        with open(os.path.join(site, "en", "index.html"), encoding="utf-8") as f:
            got.feed(f.read())
        if len(got.items) != total or any(h for _, h in got.items) or \
           not got.hidden.get("filterbox", False):
            problems.append("without JavaScript: the box shows or items hide")
        else:
            print("htmlsite_browser: without JavaScript: box hidden, all "
                  "%d items listed" % total)
        shot = os.path.join(shots, "en-index-filter-390.png")
        chromium(binary, ["--window-size=390,900", "--screenshot=" + shot,
                          index + "?q=mailbox"], tmp)
        print("htmlsite_browser: screenshot %s" % shot)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        problems.append(str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for p in problems:
        print("htmlsite_browser: FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
