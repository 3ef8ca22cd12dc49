#!/usr/bin/env python3
"""A real Matrix homeserver (Synapse) on 127.0.0.1 for the tests, in a directory of its own:
generates a config (SQLite, no federation), starts it, registers a user through the shared
secret, logs in, creates a room with an alias, and prints one JSON line:
{"url", "token", "room_id", "alias"}. Then it stays up until its stdin closes.

Usage: synapse.py DIR"""
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

directory = sys.argv[1]
os.makedirs(directory, exist_ok=True)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
secret = "crier-test-shared-secret"
config = os.path.join(directory, "homeserver.yaml")
subprocess.run(
    [sys.executable, "-m", "synapse.app.homeserver", "--server-name", "localhost", "--config-path", config,
     "--data-directory", directory, "--generate-config", "--report-stats=no"],
    check=True, capture_output=True, cwd=directory,
)
with open(config, "a") as f:
    f.write(f"""
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
registration_shared_secret: "{secret}"
enable_registration: false
suppress_key_server_warning: true
trusted_key_servers: []
rc_message:
  per_second: 1000
  burst_count: 1000
rc_login:
  address: {{per_second: 1000, burst_count: 1000}}
  account: {{per_second: 1000, burst_count: 1000}}
  failed_attempts: {{per_second: 1000, burst_count: 1000}}
""")
log = open(os.path.join(directory, "synapse.out"), "w")
server = subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", "--config-path", config],
                          cwd=directory, stdout=log, stderr=log)
base = f"http://127.0.0.1:{port}"


def call(method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


for _ in range(600):
    try:
        call("GET", "/_matrix/client/versions")
        break
    except Exception:
        if server.poll() is not None:
            sys.exit("synapse exited: " + open(os.path.join(directory, "synapse.out")).read()[-2000:])
        time.sleep(0.1)
nonce = call("GET", "/_synapse/admin/v1/register")["nonce"]
mac = hmac.new(secret.encode(), b"\0".join([nonce.encode(), b"crier", b"crier-password", b"notadmin"]), hashlib.sha1)
call("POST", "/_synapse/admin/v1/register",
     {"nonce": nonce, "username": "crier", "password": "crier-password", "admin": False, "mac": mac.hexdigest()})
token = call("POST", "/_matrix/client/v3/login",
             {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "crier"},
              "password": "crier-password"})["access_token"]
room = call("POST", "/_matrix/client/v3/createRoom", {"room_alias_name": "builds", "name": "Builds"}, token)
print(json.dumps({"url": base, "token": token, "room_id": room["room_id"], "alias": "#builds:localhost"}), flush=True)
try:
    sys.stdin.read()
finally:
    server.terminate()
    server.wait(timeout=30)
