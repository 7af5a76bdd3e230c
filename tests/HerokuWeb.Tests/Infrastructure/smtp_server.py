"""A real SMTP server for the tests, aiosmtpd's (Debian: python3-aiosmtpd); SmtpServer.cs starts it.

Listens on a free port of 127.0.0.1 and prints "port N"; writes each message it accepts to the mail
directory as NNNN.eml, with NNNN.json beside it (envelope, whether the session was encrypted, the login),
before it answers 250; stops when its stdin closes. With --hold N, the first N messages are never answered
(held-NNNN marks each in the mail directory), as a mail server that hangs in the middle of a send.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# aiosmtpd 1.4 warns about its own use of a deprecated attribute on every login, and about a login
# without TLS, which the tests ask for on purpose.
warnings.simplefilter("ignore")

parser = argparse.ArgumentParser()
parser.add_argument("--tls", choices=["none", "starttls", "implicit"], required=True)
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--login")
parser.add_argument("--password")
parser.add_argument("--maildir", required=True)
parser.add_argument("--hold", type=int, default=0)
args = parser.parse_args()


class Handler:
    def __init__(self):
        self.count = 0
        self.held = 0

    async def handle_DATA(self, server, session, envelope):
        if self.held < args.hold:
            self.held += 1
            open(os.path.join(args.maildir, f"held-{self.held:04d}"), "w").close()
            # No answer until the client gives up or goes away.
            await asyncio.Event().wait()
        self.count += 1
        base = os.path.join(args.maildir, f"{self.count:04d}")
        with open(base + ".eml", "wb") as message:
            message.write(envelope.original_content)
        # Written aside and renamed: a reader that lists the .json files while the server writes sees whole ones only.
        with open(base + ".json.partial", "w", encoding="utf-8") as details:
            json.dump({
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "tls": server.transport.get_extra_info("ssl_object") is not None,
                "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            }, details)
        os.replace(base + ".json.partial", base + ".json")
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    accepted = (isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == args.login and auth_data.password.decode() == args.password)
    # handled=False: aiosmtpd answers 235 or 535 itself.
    return AuthResult(success=accepted, handled=False, auth_data=auth_data)


async def main():
    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    handler = Handler()

    def session():
        return SMTP(handler,
                    tls_context=context if args.tls == "starttls" else None,
                    authenticator=authenticate if args.login else None,
                    auth_required=bool(args.login),
                    # A login over plain TCP only where the test asks for one and no TLS at all; without a
                    # login, no AUTH is offered before TLS.
                    auth_require_tls=args.tls != "none" or not args.login)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(session, "127.0.0.1", 0, ssl=context if args.tls == "implicit" else None)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    # The tests hold stdin open: when it closes, or the test run dies, the server stops.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


asyncio.run(main())
