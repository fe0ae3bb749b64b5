#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""bounce_check.py - read a bounce as its sender does and check the reply.

Usage: bounce_check.py --mta postfix|exim --rcpt ADDR --first LINE
                       --guidance FILE [--print] BOUNCE

BOUNCE is one delivered message (a Maildir file). It is parsed with the
standard email package; the human-readable part (text/plain) is searched
for the paragraph about ADDR, which holds the remote server's reply as
the sending MTA reports it:

  postfix  "<ADDR>: host ... said: 550-5.1.1 line 550-5.1.1 line ...
            (in reply to RCPT TO command)": the reply's lines joined with
           spaces, codes kept, re-wrapped at about 78 columns.
  exim     "  ADDR" then indented lines, one per reply line with its
           codes; a line folded after ": " goes on without codes.

LINE is the reply's first line as the MX wrote it ("550 5.1.1 <...>: ...")
and FILE the guidance lines the footer map answered, one per line. The
checks: the first line and every guidance line are there, in order and
whole; every reply code after the first guidance line follows the end of
a sentence; the last guidance line is the last of the reply (nothing was
cut). --print writes the paragraph as the sender reads it to stdout.
Exit 0 when all checks pass, 1 with the reasons on stderr otherwise.
"""
import argparse
import email
import email.policy
import re
import sys

CODE = r"\d{3}[ -]\d\.\d{1,3}\.\d{1,3}"
SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")


def body_text(path):
    """The text/plain part of the report (the first one)."""
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            return part.get_content()
    raise SystemExit("no text/plain part in %s" % path)


def paragraph(text, opens):
    """The lines from the first one that opens(line) to the next blank
    line, or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if opens(line):
            out = [line]
            for nxt in lines[i + 1:]:
                if not nxt.strip():
                    break
                out.append(nxt)
            return out
    return None


def postfix_paragraph(text, rcpt):
    """The paragraph that starts with <rcpt>:, as lines."""
    return paragraph(text, lambda line: line.startswith("<%s>:" % rcpt))


def exim_paragraph(text, rcpt):
    """The indented block after the line naming rcpt, as lines."""
    return paragraph(text, lambda line: line.strip() == rcpt)


def check_postfix(para, first, guidance, errors):
    """Joined text: pieces in order, codes after sentence ends."""
    joined = " ".join(l.strip() for l in para)
    joined = re.sub(r"\s+", " ", joined)
    tail = " (in reply to RCPT TO command)"
    if not joined.endswith(tail):
        errors.append("no '(in reply to ...)' at the end")
    body = joined[: -len(tail)] if joined.endswith(tail) else joined
    first_text = re.sub(r"^" + CODE + " ", "", first)
    pos = body.find(first_text)
    if pos < 0:
        errors.append("first line missing: %s" % first_text)
        return
    start = None
    for g in guidance:
        at = body.find(g, pos)
        if at < 0:
            errors.append("guidance missing or out of order: %s" % g)
            return
        start = at if start is None else start
        pos = at + len(g)
    if guidance and not body.endswith(guidance[-1]):
        errors.append("the reply does not end with its last guidance line")
    if start is None:
        return
    for m in re.finditer(CODE, body[start:]):
        before = body[: start + m.start()].rstrip()
        if not SENTENCE_END.search(before):
            errors.append("code %s after '...%s'" % (m.group(0), before[-30:]))


def exim_lines(para):
    """The reply's lines: a code starts one, a fold continues it."""
    out = []
    for raw in para:
        s = raw.strip()
        m = re.match(r"^(" + CODE + r") (.*)$", s)
        if m:
            out.append([m.group(1), m.group(2)])
        elif out:
            out[-1][1] += " " + s
    return out


def check_exim(para, first, guidance, errors):
    """Kept lines: each guidance line is one reply line, whole."""
    lines = exim_lines(para)
    if lines:
        lines[-1][1] = re.sub(r": retry timeout exceeded$", "", lines[-1][1])
    texts = [t for _, t in lines]
    first_text = re.sub(r"^" + CODE + " ", "", first)
    want = [first_text] + list(guidance)
    if texts != want:
        errors.append("reply lines differ:\n  got  %r\n  want %r" % (texts, want))
    for i in range(2, len(texts)):
        if not SENTENCE_END.search(texts[i - 1]):
            errors.append("code of line %d after '...%s'" % (i + 1, texts[i - 1][-30:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mta", choices=["postfix", "exim"], required=True)
    ap.add_argument("--rcpt", required=True)
    ap.add_argument("--first", required=True)
    ap.add_argument("--guidance", required=True)
    ap.add_argument("--print", action="store_true")
    ap.add_argument("bounce")
    a = ap.parse_args()
    with open(a.guidance, encoding="utf-8") as f:
        guidance = [l.rstrip("\n") for l in f if l.strip()]
    text = body_text(a.bounce)
    find = postfix_paragraph if a.mta == "postfix" else exim_paragraph
    para = find(text, a.rcpt)
    if para is None:
        print("no paragraph for %s in %s:\n%s" % (a.rcpt, a.bounce, text), file=sys.stderr)
        return 1
    if a.print:
        print("\n".join(para))
    errors = []
    (check_postfix if a.mta == "postfix" else check_exim)(para, a.first, guidance, errors)
    for e in errors:
        print("%s %s: %s" % (a.mta, a.rcpt, e), file=sys.stderr)
    if errors:
        print("\n".join(para), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
