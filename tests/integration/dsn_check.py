#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""dsn_check.py - compare the bounces of a relay with the DSN door and
of the same relay without it (tests/integration/test_dsn.sh).

usage: dsn_check.py ON_MAILDIR OFF_MAILDIR EXPECT_FILE
EXPECT_FILE has one line per message: its key ("SUBJECT|ORIGINAL
SUBJECT" for a bounce, "|SUBJECT" for other mail), then tab-separated
substrings that must follow each other in the door's text part (none:
the message must pass unchanged). Each Maildir (new/) must hold exactly
the messages listed, and each of them once. For each pair: Python's email package
reads both; the door's message is the other one with exactly one
insertion, at the end of its first text/plain part (queue ids, dates and
boundaries, which differ between two runs, are masked first); the
message/delivery-status parts are equal; the insertion decodes to the
expected text. Prints the first enriched text part of each language
file for the log; exits 1 with the reason on the first mismatch.
"""
import email
import email.policy
import re
import sys

MASKS = [
    (re.compile(rb"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ 0-9]\d [A-Z][a-z]{2} \d{4} "
                rb"\d\d:\d\d:\d\d [+-]\d{4}( \([A-Z]+\))?"), b"DATE"),
    (re.compile(rb"<\d{14}\.[0-9A-F]+@"), b"<MSGID@"),
    (re.compile(rb"[0-9A-F]{9,12}"), b"QUEUEID"),
]


def mask(raw):
    for rx, rep in MASKS:
        raw = rx.sub(rep, raw)
    return raw


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def parts(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if msg.get_content_type() != "multipart/report":
        return msg, None, None
    sub = msg.get_payload()
    return msg, sub[0], sub[1]


def status_bytes(part):
    """the delivery-status part as the message carries it"""
    return b"".join(p.as_bytes() for p in part.get_payload())


def check_pair(on_file, off_file, want):
    on = open(on_file, "rb").read()
    off = open(off_file, "rb").read()
    mon, moff = mask(on), mask(off)
    if not want:
        if mon != moff:
            fail("%s: changed by the door, compare with %s" % (on_file, off_file))
        return None
    # one insertion: the common prefix and suffix cover the whole of off
    pre = 0
    while pre < len(moff) and mon[pre] == moff[pre]:
        pre += 1
    suf = 0
    while suf < len(moff) - pre and mon[-1 - suf] == moff[-1 - suf]:
        suf += 1
    if pre + suf != len(moff):
        fail("%s: not one insertion into %s (differs at byte %d)" %
             (on_file, off_file, pre))
    inserted = mon[pre:len(mon) - suf]
    m1, text1, status1 = parts(on)
    m0, text0, status0 = parts(off)
    if text1 is None or text0 is None:
        fail("%s: not a multipart/report" % on_file)
    if mask(status_bytes(status1)) != mask(status_bytes(status0)):
        fail("%s: the delivery-status part differs" % on_file)
    if [p.get_content_type() for p in m1.walk()] != \
            [p.get_content_type() for p in m0.walk()]:
        fail("%s: the MIME structure differs" % on_file)
    body1 = text1.get_payload(decode=True).decode(text1.get_content_charset())
    body0 = text0.get_payload(decode=True).decode(text0.get_content_charset())
    if not body1.startswith(mask(body0.encode()).decode()) and \
            not mask(body1.encode()).startswith(mask(body0.encode())):
        fail("%s: the text part does not start with the original" % on_file)
    pos = 0
    for w in want:
        i = body1.find(w, pos)
        if i < 0:
            fail("%s: no %r after offset %d in:\n%s" % (on_file, w, pos, body1))
        pos = i + len(w)
    if not inserted.strip():
        fail("%s: nothing inserted" % on_file)
    return body1[len(body0):]


def key_of(path):
    """"SUBJECT|ORIGINAL SUBJECT" of a bounce, "|SUBJECT" of other mail"""
    msg = email.message_from_bytes(open(path, "rb").read(),
                                   policy=email.policy.compat32)
    if msg.get_content_type() != "multipart/report":
        return "|" + str(msg["Subject"])
    for p in msg.walk():
        if p.get_content_type() == "message/rfc822":
            return "%s|%s" % (msg["Subject"], p.get_payload()[0]["Subject"])
        if p.get_content_type() == "text/rfc822-headers":
            inner = email.message_from_string(p.get_payload())
            return "%s|%s" % (msg["Subject"], inner["Subject"])
    return str(msg["Subject"]) + "|"


def by_key(maildir):
    import os
    d = os.path.join(maildir, "new")
    out = {}
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        k = key_of(path)
        if k in out:
            fail("%s: two messages with key %r" % (maildir, k))
        out[k] = path
    return out


def main():
    on, off = by_key(sys.argv[1]), by_key(sys.argv[2])
    want = {}
    for line in open(sys.argv[3], encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        want[f[0]] = f[1:]
    for name, got in (("door on", on), ("door off", off)):
        if sorted(got) != sorted(want):
            fail("%s: messages %r, expected %r" % (name, sorted(got), sorted(want)))
    for k in sorted(want):
        added = check_pair(on[k], off[k], want[k])
        if added:
            print("# guidance added to %r (%s):" % (k, on[k]))
            for ln in added.splitlines():
                print("#   " + ln)
        print("ok %s" % k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
