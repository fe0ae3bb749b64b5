#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""metrics_check - fetch the daemon's metrics page and compare it, parsed
with the Prometheus client library's own text parser, with an exact set of
samples.

    metrics_check.py URL EXPECTED_FILE
        EXPECTED_FILE: one sample a line, "name{label="v",...} value" as
        the exposition format writes it. Every sample of the page must be
        listed and every listed sample must be on the page, with the same
        value; the families' types must be counter or gauge.
    metrics_check.py --status URL METHOD
        print the HTTP status of one request (no redirects followed).
Exit 0 when equal, 1 with the differences on stderr otherwise.
"""
import http.client
import sys
import urllib.parse

from prometheus_client.parser import text_string_to_metric_families


def fetch(url, method="GET"):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request(method, u.path or "/")
    r = c.getresponse()
    body = r.read().decode("utf-8")
    c.close()
    return r.status, r.getheader("Content-Type"), body


def samples(text, typed=True):
    out = {}
    for fam in text_string_to_metric_families(text):
        if typed and fam.type not in ("counter", "gauge"):
            sys.exit("family %s has type %s" % (fam.name, fam.type))
        for s in fam.samples:
            if s.name.endswith("_created"):
                continue
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in out:
                sys.exit("sample %r twice" % (key,))
            out[key] = s.value
    return out


def main():
    if sys.argv[1] == "--status":
        print(fetch(sys.argv[2], sys.argv[3])[0])
        return 0
    status, ctype, body = fetch(sys.argv[1])
    if status != 200 or not ctype.startswith("text/plain; version=0.0.4"):
        sys.exit("status %d, Content-Type %s" % (status, ctype))
    got = samples(body)
    with open(sys.argv[2]) as f:
        want = samples("".join(l for l in f if l.strip()), typed=False)
    bad = 0
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            print("%s%s: expected %s, page has %s" % (
                k[0], dict(k[1]), want.get(k), got.get(k)), file=sys.stderr)
            bad = 1
    if bad:
        print("the page was:\n" + body, file=sys.stderr)
    return bad


sys.exit(main())
