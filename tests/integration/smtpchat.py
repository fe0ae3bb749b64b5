#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""smtpchat.py - scripted SMTP client for milter-explain's integration tests.

Usage: smtpchat.py [--timeout S] [--raw] [--echo] HOST PORT < script

The script on stdin holds one SMTP command per line (no CRLF needed; a
trailing CR is stripped).  smtpchat connects, reads the banner, sends each
line followed by CRLF and reads the complete (possibly multi-line) reply.
Every reply line is printed verbatim (without its CRLF) on stdout, in order,
banner included.  Nothing else goes to stdout unless --echo is given.

Special cases:
  * DATA: if the reply to DATA is 354, the following script lines are sent
    as message content without waiting for replies, up to and including a
    line consisting of "."; then the single end-of-data reply is read.
    Lines are sent as they are: do your own dot-stuffing.
  * XCLIENT / STARTTLS-free RSET etc. need nothing special: XCLIENT answers
    with a fresh 220 greeting, which is read and printed as its reply.
    Send EHLO/HELO again afterwards in the script, as RFC-conforming
    clients do.
  * No QUIT is added: put QUIT in the script if you want one.

Options:
  --timeout S  seconds to wait for connect and for each reply (default 10)
  --raw        print each reply line with its terminator made visible
               ("\\r\\n", or "\\n" for a bare LF, or "<no EOL>"), and exit 3
               at the end if any line did not end in CRLF
  --echo       also print each line sent, prefixed with "C: " (debug aid;
               breaks exact comparisons of the output)

Exit status:
  0  all went well
  2  usage error, connection refused/failed, timeout, I/O error
  3  (--raw) some reply line did not end in CRLF
  4  malformed reply line (not 3 digits followed by '-', ' ' or end of
     line, or a multi-line reply whose lines carry different codes)
  5  the server closed the connection while replies or commands remained
Diagnostics go to stderr.
"""

import argparse
import socket
import sys

EXIT_OK = 0
EXIT_ERR = 2
EXIT_CRLF = 3
EXIT_MALFORMED = 4
EXIT_CLOSED = 5


class Closed(Exception):
    """The server closed the connection."""


class Malformed(Exception):
    """A reply line is not well-formed."""


class Chat:
    def __init__(self, sock, raw, out):
        self.sock = sock
        self.raw = raw
        self.out = out
        self.buf = b""
        self.bad_eol = 0

    def _readline(self):
        """Return one line including its terminator (b'' on EOF)."""
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[: i + 1], self.buf[i + 1:]
                return line
            chunk = self.sock.recv(65536)
            if not chunk:
                line, self.buf = self.buf, b""
                return line
            self.buf += chunk

    def _emit(self, body, eol):
        if self.raw:
            shown = {b"\r\n": b"\\r\\n", b"\n": b"\\n", b"": b"<no EOL>"}[eol]
            self.out.write(body + shown + b"\n")
        else:
            self.out.write(body + b"\n")
        self.out.flush()

    def read_reply(self):
        """Read one complete reply; print its lines; return (code, lines)."""
        lines = []
        code = None
        while True:
            line = self._readline()
            if line == b"":
                if lines:
                    raise Closed("connection closed in the middle of a reply")
                raise Closed("connection closed while waiting for a reply")
            if line.endswith(b"\r\n"):
                body, eol = line[:-2], b"\r\n"
            elif line.endswith(b"\n"):
                body, eol = line[:-1], b"\n"
            else:
                body, eol = line, b""
            if eol != b"\r\n":
                self.bad_eol += 1
            self._emit(body, eol)
            lines.append(body)
            if (len(body) < 3 or not body[:3].isdigit()
                    or (len(body) > 3 and body[3:4] not in (b"-", b" "))):
                raise Malformed("malformed reply line: %r" % body)
            if code is None:
                code = body[:3]
            elif body[:3] != code:
                raise Malformed("reply code changes inside a multi-line "
                                "reply: %r after %r" % (body[:3], code))
            if eol == b"":
                raise Closed("connection closed in the middle of a line")
            if len(body) == 3 or body[3:4] == b" ":
                return int(code), lines

    def send(self, line):
        self.sock.sendall(line + b"\r\n")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Scripted SMTP client: one command per stdin line; "
                    "prints every reply line verbatim.")
    p.add_argument("--timeout", type=float, default=10.0,
                   help="seconds for connect and for each reply (default 10)")
    p.add_argument("--raw", action="store_true",
                   help="show line terminators; exit 3 unless all are CRLF")
    p.add_argument("--echo", action="store_true",
                   help="also print sent lines prefixed with 'C: '")
    p.add_argument("host")
    p.add_argument("port", type=int)
    try:
        return p.parse_args(argv)
    except SystemExit as e:
        sys.exit(EXIT_ERR if e.code else EXIT_OK)


def main(argv):
    args = parse_args(argv)
    out = sys.stdout.buffer
    script = sys.stdin.buffer.read().split(b"\n")
    if script and script[-1] == b"":
        script.pop()
    script = [l[:-1] if l.endswith(b"\r") else l for l in script]

    try:
        sock = socket.create_connection((args.host, args.port),
                                        timeout=args.timeout)
    except OSError as e:
        print("smtpchat: cannot connect to %s:%d: %s"
              % (args.host, args.port, e), file=sys.stderr)
        return EXIT_ERR
    sock.settimeout(args.timeout)
    chat = Chat(sock, args.raw, out)
    where = "banner"
    try:
        chat.read_reply()
        i = 0
        while i < len(script):
            cmd = script[i]
            i += 1
            where = cmd.decode("utf-8", "replace")
            if args.echo:
                out.write(b"C: " + cmd + b"\n")
            chat.send(cmd)
            code, _ = chat.read_reply()
            if cmd.strip().upper() == b"DATA" and code == 354:
                while i < len(script):
                    body = script[i]
                    i += 1
                    if args.echo:
                        out.write(b"C: " + body + b"\n")
                    chat.send(body)
                    if body == b".":
                        where = "end of DATA"
                        chat.read_reply()
                        break
        rc = EXIT_OK
        if args.raw and chat.bad_eol:
            print("smtpchat: %d reply line(s) did not end in CRLF"
                  % chat.bad_eol, file=sys.stderr)
            rc = EXIT_CRLF
        return rc
    except socket.timeout:
        print("smtpchat: timeout after %gs waiting for the reply to: %s"
              % (args.timeout, where), file=sys.stderr)
        return EXIT_ERR
    except Malformed as e:
        print("smtpchat: %s (reply to: %s)" % (e, where), file=sys.stderr)
        return EXIT_MALFORMED
    except Closed as e:
        print("smtpchat: %s (reply to: %s)" % (e, where), file=sys.stderr)
        return EXIT_CLOSED
    except (BrokenPipeError, ConnectionResetError) as e:
        print("smtpchat: server closed the connection (at: %s): %s"
              % (where, e), file=sys.stderr)
        return EXIT_CLOSED
    except OSError as e:
        print("smtpchat: I/O error (at: %s): %s" % (where, e),
              file=sys.stderr)
        return EXIT_ERR
    finally:
        out.flush()
        try:
            sock.close()
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
