#!/usr/bin/env python3
"""What crier costs, side by side with what users would use instead.

Runs every command in interleaved rounds (one of each per round, so drift in the machine hits
all alike) against a webhook server on 127.0.0.1 started here, and reports medians and
ratios: the time to deliver one notification (crier, a bare curl POST, Apprise), the peak
resident memory of one delivery, a fan-out to 10 destinations that each answer after 0.5 s,
the cost of rendering a large event, the binary's and the image's size, and the time of a
clean release build.

Usage: bench/bench.py [--quick] [--crier PATH] [--apprise PATH] [--image-bytes N]
Needs Python's standard library and GNU time (Debian's `time`, for peak memory); curl and
Apprise are measured when found.
"""

import argparse
import http.server
import json
import os
import platform
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Hook(http.server.BaseHTTPRequestHandler):
    """Answers every POST with 200 `ok`; /slow/ answers after half a second."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/slow/"):
            time.sleep(0.5)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class Api(http.server.BaseHTTPRequestHandler):
    """A GitHub API stand-in that answers every GET after 100 ms: the run, its jobs, the
    workflow's earlier runs."""

    protocol_version = "HTTP/1.1"
    LATENCY = 0.1

    def do_GET(self):
        time.sleep(self.LATENCY)
        if "/jobs" in self.path:
            body = {"total_count": 1, "jobs": [{"id": 1, "name": "test", "status": "completed", "conclusion": "failure",
                    "html_url": "https://github.com/acme/widgets/actions/runs/1/job/1", "started_at": "2026-12-01T09:00:00Z",
                    "completed_at": "2026-12-01T09:01:00Z", "steps": [{"name": "Run tests", "conclusion": "failure"}]}]}
        elif "/workflows/" in self.path:
            body = {"total_count": 1, "workflow_runs": [{"id": 0, "run_number": 41, "conclusion": "success",
                    "html_url": "https://github.com/acme/widgets/actions/runs/0", "head_sha": "0" * 40}]}
        else:
            body = {"id": 1, "workflow_id": 1, "run_started_at": "2026-12-01T09:00:00Z", "head_branch": "main"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections of a 10-way fan-out on a busy machine, and a
    # retry then measures the backoff instead of crier.
    request_queue_size = 64


TIME = "/usr/bin/time"


def measure(argv, env=None):
    """Wall time (s) and peak resident memory (KiB) of one run; fails loudly on a non-zero exit.

    The memory comes from GNU time, which starts the command from its own small process: a
    child forked from Python would count Python's memory, held until its exec."""
    fd, rss_file = tempfile.mkstemp(prefix="crier-bench-rss-")
    os.close(fd)
    started = time.perf_counter()
    done = subprocess.run(
        [TIME, "-o", rss_file, "-f", "%M", *argv],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    elapsed = time.perf_counter() - started
    with open(rss_file) as f:
        kib = int(f.read().strip().splitlines()[-1])
    os.unlink(rss_file)
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {done.stderr.decode(errors='replace').strip()[:500]}")
    return elapsed, kib


def rounds(commands, n):
    """Runs each command once per round, n rounds; returns {name: ([seconds], [KiB])}."""
    results = {name: ([], []) for name in commands}
    for _ in range(n):
        for name, (argv, env) in commands.items():
            seconds, kib = measure(argv, env)
            results[name][0].append(seconds)
            results[name][1].append(kib)
    return results


def clean_env(extra=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(extra or {})
    return env


def push_event(commits, message_bytes, body_bytes=0):
    """A push event with `commits` commits (each with a body of `body_bytes`) and a head
    commit message of `message_bytes`."""
    line = "A long commit message line, with \"quotes\" & <tags>. "
    message = (line * (message_bytes // 52 + 1))[:message_bytes]
    body = (line * (body_bytes // 52 + 1))[:body_bytes]
    commit = lambda i: {
        "id": f"{i:040x}",
        "message": f"Commit {i}\n\nBody of commit {i}.{body}",
        "author": {"name": "Ada", "email": "ada@example.com", "username": "ada"},
        "url": f"https://github.com/acme/widgets/commit/{i:040x}",
    }
    return {
        "ref": "refs/heads/main",
        "before": "0" * 39 + "1",
        "after": f"{commits:040x}",
        "commits": [commit(i) for i in range(commits)],
        "head_commit": {**commit(commits), "message": message},
        "repository": {"name": "widgets", "full_name": "acme/widgets", "html_url": "https://github.com/acme/widgets"},
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a few rounds, no clean build: proves the script works")
    p.add_argument("--crier", default=os.path.join(ROOT, "target/x86_64-unknown-linux-musl/release/crier"))
    p.add_argument("--apprise", default=shutil.which("apprise"))
    p.add_argument("--image-bytes", type=int, help="the image's size, as .ci/image-check reports it")
    args = p.parse_args()
    n = 3 if args.quick else 30

    server = Server(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    body = '{"text": "Build 42 of acme/widgets failed"}'

    commands = {
        "crier": ([args.crier, "--to", f"{url}/hook", "--status", "failure"], clean_env()),
    }
    if shutil.which("curl"):
        commands["curl"] = (
            ["curl", "-sS", "-o", "/dev/null", "-H", "Content-Type: application/json", "-d", body, f"{url}/hook"],
            clean_env(),
        )
    if args.apprise:
        commands["apprise"] = (
            [args.apprise, "-b", "Build 42 of acme/widgets failed", f"json://127.0.0.1:{server.server_address[1]}/hook"],
            clean_env(),
        )
    delivery = rounds(commands, n)

    fan_out_argv = [args.crier, "--status", "failure", "--retries", "0"]
    for i in range(10):
        fan_out_argv += ["--to", f"{url}/slow/{i}"]
    fan_out = rounds({"crier, 10 slow destinations": (fan_out_argv, clean_env())}, max(3, n // 3))

    tmp = tempfile.mkdtemp(prefix="crier-bench-")
    event = os.path.join(tmp, "push-1000.json")
    with open(event, "w") as f:
        json.dump(push_event(1000, 100 * 1024), f)
    render_argv = [args.crier, "--print-payload", "--event-file", event, "--status", "failure"]
    for fmt in ("slack", "teams", "discord", "webhook"):
        render_argv += ["--to", f"{fmt}+https://hooks.example.invalid/{fmt}"]
    render = rounds({"render 4 payloads, 1,000-commit event": (render_argv, clean_env())}, n)

    # The largest event GitHub sends (25 MB: 2,000 commits with long messages), through
    # every built-in HTTP template at once.
    huge = os.path.join(tmp, "push-25mb.json")
    with open(huge, "w") as f:
        json.dump(push_event(2000, 10 * 1024, 11 * 1024), f)
    huge_bytes = os.path.getsize(huge)
    huge_argv = [args.crier, "--print-payload", "--event-file", huge, "--status", "failure"]
    for fmt in ("slack", "teams", "discord", "ringcentral", "googlechat", "mattermost", "webhook"):
        huge_argv += ["--to", f"{fmt}+https://hooks.example.invalid/{fmt}"]
    huge_render = rounds({"render 7 payloads, 25 MB event": (huge_argv, clean_env())}, max(3, n // 3))

    # The run's history: three lookups at once against an API answering after 100 ms.
    api = Server(("127.0.0.1", 0), Api)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    github = clean_env({
        "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/widgets", "GITHUB_RUN_ID": "1",
        "GITHUB_API_URL": f"http://127.0.0.1:{api.server_address[1]}", "GITHUB_REF_NAME": "main",
        "GITHUB_REF": "refs/heads/main", "GITHUB_WORKFLOW_REF": "acme/widgets/.github/workflows/ci.yml@refs/heads/main",
        "INPUT_GITHUB-TOKEN": "bench-token",
    })
    no_token = {k: v for k, v in github.items() if k != "INPUT_GITHUB-TOKEN"}
    lookups = rounds({
        "without lookups": ([args.crier, "--to", f"{url}/hook", "--status", "failure"], no_token),
        "with lookups": ([args.crier, "--to", f"{url}/hook", "--status", "run", "--on", "changes"], github),
    }, max(3, n // 3))
    api.shutdown()

    # The action's launcher on a Linux runner, its binary in the tool cache: what it adds over
    # running the binary directly (finding it, checking its SHA-256).
    import hashlib
    action = os.path.join(tmp, "action")
    cache = os.path.join(tmp, "cache", "town-crier", "v9.9.9")
    os.makedirs(action)
    os.makedirs(cache)
    shutil.copy(os.path.join(ROOT, "action", "launch.sh"), action)
    shutil.copy(args.crier, os.path.join(cache, "crier-linux-amd64"))
    digest = hashlib.sha256(open(args.crier, "rb").read()).hexdigest()
    with open(os.path.join(action, "SHA256SUMS"), "w") as f:
        f.write(f"{digest}  crier-linux-amd64\n")
    with open(os.path.join(action, "VERSION"), "w") as f:
        f.write("v9.9.9\n")
    runner = clean_env({"RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_TOOL_CACHE": os.path.join(tmp, "cache")})
    launcher = rounds({
        "binary": ([args.crier, "--version"], runner),
        "launcher": (["bash", os.path.join(action, "launch.sh"), "--version"], runner),
    }, n)

    build_seconds = None
    if not args.quick:
        target = os.path.join(tmp, "target")
        started = time.perf_counter()
        built = subprocess.run(
            ["cargo", "build", "--release", "--locked", "--target", "x86_64-unknown-linux-musl", "--target-dir", target],
            cwd=ROOT, capture_output=True, text=True,
            env=dict(os.environ),
        )
        if built.returncode != 0:
            raise SystemExit(f"the clean build failed:\n{built.stderr[-2000:]}")
        build_seconds = time.perf_counter() - started
    shutil.rmtree(tmp, ignore_errors=True)
    server.shutdown()

    report(args, n, delivery, fan_out, render, (huge_bytes, huge_render), lookups, launcher, build_seconds)


def report(args, n, delivery, fan_out, render, huge, lookups, launcher, build_seconds):
    med = lambda xs: statistics.median(xs)
    ms = lambda s: f"{s * 1000:.1f} ms"
    mib = lambda kib: f"{kib / 1024:.1f} MiB"
    crier_s = med(delivery["crier"][0])
    crier_kib = med(delivery["crier"][1])
    version = subprocess.run([args.crier, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"## Benchmarks ({'quick, ' if args.quick else ''}{n} interleaved rounds)\n")
    print(f"{version}; {platform.machine()}, {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}\n")
    print("| delivery of one notification to 127.0.0.1 | median time | vs crier | peak RSS |")
    print("|---|---|---|---|")
    for name, (seconds, kib) in delivery.items():
        print(f"| {name} | {ms(med(seconds))} | {med(seconds) / crier_s:.2f}× | {mib(med(kib))} |")
    print()
    fan = next(iter(fan_out.values()))
    rend = next(iter(render.values()))
    binary = os.path.getsize(args.crier)
    print("| measure | result | target |")
    print("|---|---|---|")
    if "curl" in delivery:
        ratio = crier_s / med(delivery["curl"][0])
        print(f"| crier's delivery vs curl | {ratio:.2f}× curl's time | ≤ 1.2× |")
    if "apprise" in delivery:
        ratio = med(delivery["apprise"][0]) / crier_s
        print(f"| Apprise's delivery vs crier | crier {ratio:.0f}× faster | ≥ 30× |")
    print(f"| peak RSS of one delivery | {mib(crier_kib)} | ≤ 8 MiB |")
    print(f"| 10 destinations answering after 0.5 s | {ms(med(fan[0]))} | ≤ 1.2 s |")
    print(f"| `--print-payload`, 4 formats, 1,000 commits, 100 KB message | {ms(med(rend[0]))}, {mib(med(rend[1]))} | |")
    huge_bytes, huge_render = huge
    big = next(iter(huge_render.values()))
    print(f"| `--print-payload`, 7 formats, {huge_bytes / 1e6:.0f} MB push event (2,000 commits) | {ms(med(big[0]))}, {mib(med(big[1]))} | ≤ 500 ms, ≤ 100 MiB |")
    added = med(lookups["with lookups"][0]) - med(lookups["without lookups"][0])
    print(f"| the run's history (3 lookups, API answering after 100 ms) | adds {ms(added)} | ≤ 2 round trips (200 ms) |")
    print(f"| the action's launcher, binary cached (Linux) | adds {ms(med(launcher['launcher'][0]) - med(launcher['binary'][0]))} | ≤ 50 ms |")
    print(f"| static binary (stripped) | {binary / 1e6:.2f} MB | ≤ 6 MB |")
    if args.image_bytes:
        print(f"| image | {args.image_bytes / 1e6:.2f} MB | ≤ 15 MB |")
    if build_seconds is not None:
        print(f"| clean release build (static, LTO) | {build_seconds:.0f} s | |")
    else:
        print("| clean release build | not measured in quick mode | |")
    print(f"\nbench: {len(delivery) + 5} passed, 0 failed")


if __name__ == "__main__":
    main()
