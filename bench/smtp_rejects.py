#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""smtp_rejects.py - drive rejected RCPT commands through a Postfix smtpd.

Usage: smtp_rejects.py HOST PORT CLIENTS SESSIONS RCPTS

CLIENTS threads each run SESSIONS SMTP sessions one after the other; a
session says EHLO, takes an outside address with XCLIENT, sends MAIL FROM
and then RCPTS commands RCPT TO an unknown local user, one at a time, each
answered by a (multi-line) 550. Prints one line:
  rejects=N seconds=S rate=R lines_per_reply=L
Exit status 1 on any unexpected reply or I/O error. Standard library only.
"""

import socket
import sys
import threading
import time


def reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line.endswith(b"\r\n"):
            raise IOError("connection closed")
        lines.append(line)
        if len(line) < 6 or line[3:4] == b" ":
            return lines


def session(host, port, rcpts, seen):
    s = socket.create_connection((host, port), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile("rb")
    reply(f)
    for cmd in (b"EHLO client.example", b"XCLIENT ADDR=192.0.2.7 NAME=[UNAVAILABLE]",
                b"EHLO client.example", b"MAIL FROM:<sender@client.example>"):
        s.sendall(cmd + b"\r\n")
        reply(f)
    n = 0
    for _ in range(rcpts):
        s.sendall(b"RCPT TO:<bob@test.example>\r\n")
        r = reply(f)
        if not r[0].startswith(b"550"):
            raise IOError("unexpected reply %r" % r[0])
        seen[0] = len(r)
        n += 1
    s.sendall(b"QUIT\r\n")
    reply(f)
    s.close()
    return n


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    clients, sessions, rcpts = (int(a) for a in sys.argv[3:6])
    counts = [0] * clients
    errors = []
    seen = [0]

    def run(i):
        try:
            for _ in range(sessions):
                counts[i] += session(host, port, rcpts, seen)
        except Exception as e:  # reported below, the run fails
            errors.append(str(e))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t0
    if errors:
        print("smtp_rejects: %s" % errors[0], file=sys.stderr)
        return 1
    total = sum(counts)
    print("rejects=%d seconds=%.2f rate=%.0f lines_per_reply=%d"
          % (total, dt, total / dt, seen[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
