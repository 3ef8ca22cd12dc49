#!/usr/bin/env python3
"""A webhook on 127.0.0.1 for the cross checks: answers every POST with 200 `ok`, appends each
body (one per line) to OUT, and writes its port to PORT_FILE.

Usage: hook.py PORT_FILE OUT"""
import http.server
import sys

port_file, out = sys.argv[1:3]


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with open(out, "ab") as f:
            f.write(body + b"\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
