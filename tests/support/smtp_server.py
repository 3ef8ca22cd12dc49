"""A real SMTP server for crier's tests, built on aiosmtpd.

It listens on 127.0.0.1, prints "READY <port>" once it accepts connections, and writes one
JSON file per delivered message into --out: envelope, whether the session was TLS, who
authenticated, and the message parsed into its parts. Options:

  --starttls CERT KEY    offer STARTTLS and require it before MAIL
  --implicit-tls CERT KEY  speak TLS from the first byte (SMTPS)
  --auth USER:PASSWORD   require AUTH with exactly these credentials
  --defer N              answer the first N DATA commands with 451 (try again later)
  --reject               answer every DATA command with 550
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self, out, defer, reject):
        self.out = out
        self.defer = defer
        self.reject = reject
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return "550 5.7.1 Message rejected by policy"
        if self.defer > 0:
            self.defer -= 1
            return "451 4.3.0 Temporary failure, try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({"content_type": part.get_content_type(), "body": part.get_content()})
        auth = session.auth_data
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": auth.login.decode() if isinstance(auth, LoginPassword) else None,
            "content_type": message.get_content_type(),
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "date": message["date"] is not None,
            "message_id": str(message["message-id"] or ""),
            "parts": parts,
        }
        self.count += 1
        path = os.path.join(self.out, f"{time.time():.6f}-{self.count}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 OK queued"


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--starttls", nargs=2)
    p.add_argument("--implicit-tls", nargs=2)
    p.add_argument("--auth")
    p.add_argument("--defer", type=int, default=0)
    p.add_argument("--reject", action="store_true")
    args = p.parse_args()

    kwargs = {}
    if args.starttls:
        kwargs.update(tls_context=tls_context(*args.starttls), require_starttls=True)
    if args.implicit_tls:
        kwargs.update(ssl_context=tls_context(*args.implicit_tls))
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            )
            if ok:
                return AuthResult(success=True, auth_data=auth_data)
            # Not handled here: aiosmtpd answers 535 itself.
            return AuthResult(success=False, handled=False)

        kwargs.update(
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=bool(args.starttls or args.implicit_tls),
        )

    port = free_port()
    controller = Controller(
        Recorder(args.out, args.defer, args.reject), hostname="127.0.0.1", port=port, **kwargs
    )
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        # Until the test closes our stdin or kills us.
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
