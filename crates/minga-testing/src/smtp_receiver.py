"""A real SMTP receiver for minga's tests (see smtp.rs).

Usage: /usr/bin/python3 smtp_receiver.py --dir DIR [--delay-ms N] [--reject-rcpt SUBSTRING] [--fail-first N]

Listens on 127.0.0.1 on a port the OS picks, prints `PORT <n>` once it accepts
connections, and stores every accepted message in DIR as NNNNNN.eml (the exact
DATA bytes) plus NNNNNN.json ({"mail_from": ..., "rcpt_tos": [...]}). The json
is renamed into place before the .eml, so a reader that sees the .eml can read
the json. Exits when stdin is closed or on SIGTERM/SIGINT.

Needs Debian's python3-aiosmtpd (1.4).
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import threading

from aiosmtpd.smtp import SMTP

DATA_SIZE_LIMIT = 64 * 1024 * 1024


class Handler:
    def __init__(self, args):
        self.dir = args.dir
        self.delay = args.delay_ms / 1000.0
        self.reject_rcpt = args.reject_rcpt
        self.fail_left = args.fail_first
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt and self.reject_rcpt in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # The delay comes first: a message is stored only once it is
        # accepted, so a sender that stops while it waits has delivered nothing.
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        if self.fail_left > 0:
            self.fail_left -= 1
            return "451 4.3.0 try again later"
        self.store(envelope)
        return "250 OK"

    def store(self, envelope):
        self.count += 1
        name = "%06d" % self.count
        # aiosmtpd reports the null sender (MAIL FROM:<>) as "<>"; store it as "".
        mail_from = "" if envelope.mail_from == "<>" else envelope.mail_from
        meta = {"mail_from": mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        write_atomically(os.path.join(self.dir, name + ".json"), json.dumps(meta).encode("utf-8"))
        write_atomically(os.path.join(self.dir, name + ".eml"), envelope.original_content)


def write_atomically(path, data):
    directory, base = os.path.split(path)
    tmp = os.path.join(directory, "." + base + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


async def serve(args):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handler = Handler(args)

    def factory():
        # hostname given so aiosmtpd does not do a (possibly slow) getfqdn().
        return SMTP(handler, hostname="localhost", decode_data=False, data_size_limit=DATA_SIZE_LIMIT)

    server = await loop.create_server(factory, host="127.0.0.1", port=0)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def watch_stdin():
        # Blocks until the parent closes our stdin (or dies).
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()

    port = server.sockets[0].getsockname()[1]
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()

    await stop.wait()
    server.close()


def main():
    parser = argparse.ArgumentParser(description="SMTP receiver for tests")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--reject-rcpt", default=None)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    if not os.path.isdir(args.dir):
        sys.exit("smtp_receiver: --dir %s is not a directory" % args.dir)
    asyncio.run(serve(args))
    # Skip interpreter teardown; everything is on disk already.
    os._exit(0)


if __name__ == "__main__":
    main()
