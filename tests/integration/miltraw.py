#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""miltraw - a raw milter-protocol client for hostile-peer tests.

Speaks the MTA side of the Sendmail milter protocol (version 6) with no
checks of its own, so that a test can send what a real MTA never would:
an SMFIC_UNKNOWN without its terminating NUL, an unterminated macro, a
host name of any length.

    miltraw.py HOST:PORT|/path/to/socket STEP...

Each STEP is one command; the reply (if one is expected) is printed as
one line: the reply command character, a space, then the payload with
every byte outside printable ASCII written as \\xNN (CR LF as \\r\\n).

    optneg              negotiate (always sent first if not given)
    connect:NAME        SMFIC_CONNECT, family 4, 192.0.2.1:2525
    helo:NAME           SMFIC_HELO "NAME\\0"
    macro:C:NAME=VALUE  SMFIC_MACRO for command C, terminated
    macro-raw:C:TEXT    SMFIC_MACRO for command C, TEXT as given (no NUL)
    unknown:TEXT        SMFIC_UNKNOWN "TEXT\\0" (as Postfix sends it)
    unknown-nonul:TEXT  SMFIC_UNKNOWN "TEXT" without the NUL
    sleep:SECONDS       wait
    quit                SMFIC_QUIT

TEXT may contain \\xNN escapes. Exit status: 0 when every reply came,
1 when the milter closed the connection or timed out (printed as
"closed" or "timeout"), 2 on a usage error.
"""
import socket
import struct
import sys
import time

SMFIP_NR_CONN = 0x1000
SMFIP_NR_HELO = 0x2000
SMFIP_NR_UNKN = 0x20000
ALL_PROTOCOL = 0x1FFFFF  # every SMFIP_* step and no-reply flag (mfdef.h)
ALL_ACTIONS = 0x1FF


def unescape(text):
    """TEXT with \\xNN escapes as bytes."""
    out = bytearray()
    i = 0
    raw = text.encode("latin-1")
    while i < len(raw):
        if raw[i:i + 2] == b"\\x" and i + 4 <= len(raw):
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def show(data):
    """bytes as printable ASCII, other bytes escaped"""
    out = []
    for b in data:
        if b == 13:
            out.append("\\r")
        elif b == 10:
            out.append("\\n")
        elif 32 <= b < 127 and b != 92:
            out.append(chr(b))
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


class Milter:
    """one milter connection"""

    def __init__(self, where, timeout=10.0):
        if where.startswith("/"):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(where)
        else:
            host, port = where.rsplit(":", 1)
            self.sock = socket.create_connection((host, int(port)), timeout)
        self.flags = 0

    def send(self, cmd, payload=b""):
        """one packet: length, command, payload"""
        self.sock.sendall(struct.pack("!I", len(payload) + 1) + cmd + payload)

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def reply(self):
        """(command, payload) of the next packet"""
        (n,) = struct.unpack("!I", self._read(4))
        data = self._read(n)
        return data[:1], data[1:]

    def optneg(self):
        """negotiate; remember which events get no reply"""
        self.send(b"O", struct.pack("!III", 6, ALL_ACTIONS, ALL_PROTOCOL))
        cmd, data = self.reply()
        if cmd == b"O" and len(data) >= 12:
            self.flags = struct.unpack("!III", data[:12])[2]
        return cmd, data

    def quiet(self, flag):
        """the milter negotiated no reply for this event"""
        return bool(self.flags & flag)


def step(m, s):
    """run one STEP; the reply or None"""
    kind, _, arg = s.partition(":")
    if kind == "optneg":
        return m.optneg()
    if kind == "connect":
        m.send(b"C", unescape(arg) + b"\0" + b"4" + struct.pack("!H", 2525) +
               b"192.0.2.1\0")
        return None if m.quiet(SMFIP_NR_CONN) else m.reply()
    if kind == "helo":
        m.send(b"H", unescape(arg) + b"\0")
        return None if m.quiet(SMFIP_NR_HELO) else m.reply()
    if kind in ("macro", "macro-raw"):
        c, _, text = arg.partition(":")
        if kind == "macro":
            name, _, value = text.partition("=")
            body = unescape(name) + b"\0" + unescape(value) + b"\0"
        else:
            body = unescape(text)
        m.send(b"D", c.encode() + body)
        return None
    if kind in ("unknown", "unknown-nonul"):
        body = unescape(arg) + (b"\0" if kind == "unknown" else b"")
        m.send(b"U", body)
        return None if m.quiet(SMFIP_NR_UNKN) else m.reply()
    if kind == "sleep":
        time.sleep(float(arg))
        return None
    if kind == "quit":
        m.send(b"Q")
        return None
    raise ValueError("unknown step " + s)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    steps = argv[2:]
    if steps[0] != "optneg":
        steps.insert(0, "optneg")
    try:
        m = Milter(argv[1])
    except OSError as e:
        print("connect failed: %s" % e)
        return 1
    for s in steps:
        try:
            r = step(m, s)
        except ValueError as e:
            sys.stderr.write("miltraw: %s\n" % e)
            return 2
        except socket.timeout:
            print("timeout")
            return 1
        except (EOFError, OSError):
            print("closed")
            return 1
        if r is not None:
            print("%s %s" % (r[0].decode("latin-1"), show(r[1])))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
