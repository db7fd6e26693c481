#!/usr/bin/env python3
"""Interop cases: real OpenTelemetry SDKs against `otel-doctor listen` and `check --listen`.

A Flask app run with the real `opentelemetry-instrument` (and a Node.js app with the real
auto-instrumentations) sends to otel-doctor's receiver; each case checks what arrived, or that
nothing did and `check --listen` names why. Everything runs on 127.0.0.1: the apps, the
receiver, and a small fake Honeycomb for `--forward`. Standard library only; `run.sh`
installs the SDKs and calls this with their paths.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
# An ingest key of the right shape that is obviously fake.
KEY = "hcaik_" + "0" * 54 + "fake"
MASKED_KEY = "hcaik_000…fake"


class CaseFailed(Exception):
    """What went wrong, then what the processes involved printed."""

    def __init__(self, message, *context):
        super().__init__("\n".join([message, *(str(c) for c in context if c)]))


def check(condition, message, *context):
    if not condition:
        raise CaseFailed(message, *context)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise CaseFailed(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def base_env():
    """A clean environment: nothing OTEL_* leaks in from the shell running the tests."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            # Traces only, exported quickly; metrics and logs have their own cases in Rust.
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_LOGS_EXPORTER": "none",
            "OTEL_BSP_SCHEDULE_DELAY": "200",
            # Node: no cloud detectors (they would probe metadata addresses off this machine),
            # and only the http instrumentation.
            "OTEL_NODE_RESOURCE_DETECTORS": "env,host,os,process",
            "OTEL_NODE_ENABLED_INSTRUMENTATIONS": "http",
            "NO_COLOR": "1",
        }
    )
    return env


class Lines:
    """Collects a process's output lines on a thread."""

    def __init__(self, stream):
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def snapshot(self):
        with self.lock:
            return list(self.lines)

    def text(self):
        return "\n".join(self.snapshot())


class Listen:
    """`otel-doctor listen --format json` on ports the OS picks."""

    def __init__(self, doctor, *extra):
        self.process = subprocess.Popen(
            # The cases judge what arrived, not listen's gate: apps without a key send batches
            # Honeycomb would refuse, which `--fail-on problem` turns into exit code 1.
            [doctor, "listen", "--format", "json", "--http", "127.0.0.1:0",
             "--grpc", "127.0.0.1:0", "--duration", "300", "--fail-on", "never", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=base_env(),
        )
        self.out = Lines(self.process.stdout)
        self.err = Lines(self.process.stderr)
        first = self._wait(lambda e: e.get("event") == "listening", 20)
        self.http_port = int(first["http"].rsplit(":", 1)[1])
        self.grpc_port = int(first["grpc"].rsplit(":", 1)[1])

    def events(self):
        return [json.loads(line) for line in self.out.snapshot()]

    def _wait(self, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for event in self.events():
                if predicate(event):
                    return event
            if self.process.poll() is not None and not any(map(predicate, self.events())):
                break
            time.sleep(0.1)
        raise CaseFailed(
            f"otel-doctor listen never printed the expected event in {timeout} s",
            self.out.text(), self.err.text(),
        )

    def batch_from(self, service, timeout=30):
        return self._wait(
            lambda e: e.get("event") == "batch"
            and any(r.get("service_name") == service for r in e["resources"]),
            timeout,
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        self.out.thread.join(5)
        self.err.thread.join(5)
        check(self.process.returncode == 0, "listen exited with an error", self.err.text())
        output = self.out.text() + self.err.text()
        check(KEY not in output, "listen printed the key in clear", output)
        return self.events()


class App:
    """An instrumented app on a free port; `hit` makes it create spans."""

    def __init__(self, command, env, cwd=None):
        self.port = free_port()
        env = dict(env, APP_PORT=str(self.port))
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env, cwd=cwd,
        )
        self.out = Lines(self.process.stdout)
        try:
            wait_for_port(self.port)
        except CaseFailed:
            self.stop()
            raise CaseFailed("the app did not start", self.out.text())

    def hit(self, path="/checkout", times=3):
        for _ in range(times):
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
                r.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.out.thread.join(5)
        return self.out.text()


class FakeHoneycomb:
    """Answers OTLP/HTTP as Honeycomb does: 401 with a protobuf google.rpc.Status without
    `x-honeycomb-team`, 200 with it. Records every request's path and headers."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                received.append((self.path, headers, len(body)))
                if "x-honeycomb-team" not in headers:
                    message = b"missing 'x-honeycomb-team' header"
                    status = bytes([0x08, 16, 0x12, len(message)]) + message
                    self._answer(401, status)
                else:
                    self._answer(200, b"")

            def _answer(self, code, body):
                self.send_response(code)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


class Runtime:
    """How to start the Python and the Node app."""

    def __init__(self, args):
        self.doctor = args.doctor
        self.venv = args.venv
        self.node_modules = args.node_modules

    def python(self, env, flags=()):
        bin_dir = os.path.join(self.venv, "bin")
        # The venv's own opentelemetry-instrument with the venv's python first on PATH:
        # otherwise sitecustomize cannot import opentelemetry and the app runs uninstrumented.
        env = dict(base_env(), **env)
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        command = [os.path.join(bin_dir, "opentelemetry-instrument"), *flags,
                   os.path.join(bin_dir, "python"), os.path.join(HERE, "python", "app.py")]
        return App(command, env)

    def node(self, env):
        env = dict(base_env(), **env)
        command = ["node", "--require", "@opentelemetry/auto-instrumentations-node/register",
                   os.path.join(HERE, "node", "app.js")]
        return App(command, env, cwd=self.node_modules)


def otlp_env(service, port, protocol="http/protobuf", **extra):
    env = {
        "OTEL_SERVICE_NAME": service,
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}",
        "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
    }
    env.update(extra)
    return env


def names_of(batch):
    return [name for r in batch["resources"] for name in r["names"]]


# --- the cases ----------------------------------------------------------------------------


def python_spans_arrive_over_http_protobuf(rt):
    listen = Listen(rt.doctor)
    app = rt.python(otlp_env("interop-flask", listen.http_port))
    try:
        app.hit()
        batch = listen.batch_from("interop-flask")
    finally:
        app.stop()
        listen.stop()
    check(batch["transport"] == "http/protobuf", "wrong transport", batch)
    check("GET /checkout" in names_of(batch), "no GET /checkout span", batch)
    attributes = batch["resources"][0]["attributes"]
    check(attributes.get("telemetry.sdk.language") == "python", "not the Python SDK", batch)
    check(batch["notes"] == [], "unexpected notes", batch)


def python_spans_arrive_over_grpc_with_gzip(rt):
    listen = Listen(rt.doctor)
    app = rt.python(otlp_env("interop-flask-grpc", listen.grpc_port, "grpc",
                             OTEL_EXPORTER_OTLP_COMPRESSION="gzip"))
    try:
        app.hit()
        batch = listen.batch_from("interop-flask-grpc")
    finally:
        app.stop()
        listen.stop()
    check(batch["transport"] == "grpc" and batch["listener"] == "grpc", "not gRPC", batch)
    check(batch["compression"] == "gzip", "not gzip", batch)


def python_grpc_on_the_http_port_is_reported(rt):
    listen = Listen(rt.doctor)
    app = rt.python(otlp_env("interop-flask-mixup", listen.http_port, "grpc"))
    try:
        app.hit()
        batch = listen.batch_from("interop-flask-mixup")
    finally:
        app.stop()
        listen.stop()
    check(batch["transport"] == "grpc" and batch["listener"] == "http", "not a mixup", batch)
    check(any(n.startswith("gRPC arrived on the OTLP/HTTP port") for n in batch["notes"]),
          "the port mixup is not reported", batch)


def python_forward_carries_the_key_to_upstream(rt):
    fake = FakeHoneycomb()
    listen = Listen(rt.doctor, "--forward", fake.url)
    keyed = rt.python(otlp_env("interop-keyed", listen.http_port,
                               OTEL_EXPORTER_OTLP_HEADERS=f"x-honeycomb-team={KEY}"))
    try:
        keyed.hit()
        with_key = listen.batch_from("interop-keyed")
    finally:
        keyed.stop()
    keyless = rt.python(otlp_env("interop-keyless", listen.http_port))
    try:
        keyless.hit()
        without_key = listen.batch_from("interop-keyless")
    finally:
        keyless.stop()
        events = listen.stop()
        fake.close()
    check(with_key["forward"]["status"] == 200, "upstream did not accept", with_key)
    check(with_key["headers"].get("x-honeycomb-team") == MASKED_KEY, "key not shown masked", with_key)
    arrived = [r for r in fake.received if r[1].get("x-honeycomb-team") == KEY]
    check(arrived and arrived[0][0] == "/v1/traces", "the key never reached upstream", fake.received)
    check(arrived[0][1].get("content-type") == "application/x-protobuf", "content type changed",
          arrived[0][1])
    check(without_key["forward"] == {
        "url": f"{fake.url}/v1/traces", "status": 401,
        "message": "missing 'x-honeycomb-team' header"}, "401 not decoded", without_key)
    check(any("missing 'x-honeycomb-team' header" in h for h in without_key["honeycomb"]),
          "the missing key is not predicted", without_key)
    summary = [e for e in events if e["event"] == "summary"][0]
    check(summary["forward"]["accepted"] >= 1 and summary["forward"]["refused"] >= 1,
          "forward summary", summary)


PYTHON_DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app.py .
CMD ["opentelemetry-instrument", "python", "app.py"]
"""


def workspace(directory, service, environment, command=None, image=None):
    """A compose workspace describing the app exactly as the case runs it: the Python app is
    built from a Dockerfile with the same pinned requirements; `command` overrides its CMD."""
    if image is None:
        for name in ("app.py", "requirements.txt"):
            shutil.copy(os.path.join(HERE, "python", name), directory)
        with open(os.path.join(directory, "Dockerfile"), "w") as f:
            f.write(PYTHON_DOCKERFILE)
    source = f"    image: {image}\n" if image else "    build: .\n"
    command_line = f"    command: {command}\n" if command else ""
    env_lines = "".join(f"      {k}: {v}\n" for k, v in environment.items())
    with open(os.path.join(directory, "docker-compose.yml"), "w") as f:
        f.write(
            f"services:\n  {service}:\n{source}    network_mode: host\n{command_line}"
            f"    environment:\n{env_lines}"
        )
    return directory


def run_check_listen(rt, directory, port, seconds, start_app):
    """`check --offline --listen SECS` on `directory` while the app runs and serves requests."""
    check_process = subprocess.Popen(
        [rt.doctor, "check", "--offline", "--format", "json", "--listen", str(seconds),
         "--http", f"127.0.0.1:{port}", "--grpc", "127.0.0.1:0", directory],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=base_env(),
    )
    wait_for_port(port)
    app = start_app()
    try:
        app.hit()
        stdout, stderr = check_process.communicate(timeout=seconds + 30)
    finally:
        app_output = app.stop()
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        raise CaseFailed("check --listen did not print a JSON report", stdout, stderr)
    return check_process.returncode, report, app_output


def step(report, step_id):
    for s in report["steps"]:
        if s["id"] == step_id:
            return s
    raise CaseFailed(f"no step {step_id}", json.dumps(report, indent=2))


def python_check_listen_passes_with_otlp(rt):
    port = free_port()
    env = otlp_env("interop-flask", port)
    with tempfile.TemporaryDirectory() as directory:
        workspace(directory, "flask", env)
        code, report, _ = run_check_listen(rt, directory, port, 30, lambda: rt.python(env))
    listened = step(report, "listen:flask")
    check(listened["status"] == "pass", "spans not received", json.dumps(report, indent=2))
    check(listened["summary"].startswith("spans received from interop-flask:"), "summary", listened)
    check(code == 0 and report["findings"] == [], "a clean workspace has findings",
          json.dumps(report, indent=2))


def python_console_exporter_sends_nothing_and_check_names_it(rt):
    """The seed's trap: `opentelemetry-instrument --traces_exporter console`."""
    port = free_port()
    env = otlp_env("interop-flask", port)
    command = "opentelemetry-instrument --traces_exporter console python app.py"
    with tempfile.TemporaryDirectory() as directory:
        workspace(directory, "flask", env, command=command)
        code, report, app_output = run_check_listen(
            rt, directory, port, 8,
            lambda: rt.python(env, flags=("--traces_exporter", "console")))
    check('"name": "GET /checkout"' in app_output,
          "the app did not print its spans to the console", app_output)
    check(code == 1, f"check exited {code}", json.dumps(report, indent=2))
    listened = step(report, "listen:flask")
    check(listened["status"] == "fail" and listened["summary"] == "nothing from interop-flask in 8 s",
          "silence not reported", listened)
    check(listened["details"][0].startswith("likely cause: config/exporter-not-otlp"),
          "the cause is not named", listened)
    check([f["rule"] for f in report["findings"]] == ["config/exporter-not-otlp"],
          "one root cause, one finding", json.dumps(report, indent=2))


def python_wrong_port_is_reported(rt):
    port = free_port()
    elsewhere = free_port()
    env = otlp_env("interop-flask", elsewhere)
    with tempfile.TemporaryDirectory() as directory:
        workspace(directory, "flask", env)
        code, report, _ = run_check_listen(rt, directory, port, 6, lambda: rt.python(env))
    listened = step(report, "listen:flask")
    check(listened["status"] == "fail", "spans arrived from nowhere", listened)
    check(code == 1, f"check exited {code}", json.dumps(report, indent=2))
    finding = [f for f in report["findings"] if f["rule"] == "listen/nothing-received"][0]
    check(f"OTEL_EXPORTER_OTLP_ENDPOINT=http://host.docker.internal:{port}" in finding["hint"],
          "no hint to point the app at the receiver", finding)


def python_http_json_is_refused_by_the_sdk_and_check_names_it(rt):
    """opentelemetry-python has no http/json exporter: the app runs, uninstrumented."""
    port = free_port()
    env = otlp_env("interop-flask", port, "http/json")
    with tempfile.TemporaryDirectory() as directory:
        workspace(directory, "flask", env)
        code, report, app_output = run_check_listen(rt, directory, port, 6, lambda: rt.python(env))
    check("Unsupported OTLP protocol" in app_output, "the SDK did not refuse http/json", app_output)
    listened = step(report, "listen:flask")
    check(listened["status"] == "fail", "spans arrived", listened)
    check(listened["details"][0].startswith("likely cause: deps/exporter-protocol-mismatch"),
          "the cause is not named", listened)


def node_spans_arrive_over_http_and_grpc(rt):
    listen = Listen(rt.doctor)
    http_app = rt.node(otlp_env("interop-node", listen.http_port))
    grpc_app = rt.node(otlp_env("interop-node-grpc", listen.grpc_port, "grpc"))
    try:
        http_app.hit()
        grpc_app.hit()
        over_http = listen.batch_from("interop-node")
        over_grpc = listen.batch_from("interop-node-grpc")
    finally:
        http_app.stop()
        grpc_app.stop()
        listen.stop()
    check(over_http["transport"] == "http/protobuf", "node default is http/protobuf", over_http)
    check(over_grpc["transport"] == "grpc", "not gRPC", over_grpc)
    language = over_http["resources"][0]["attributes"].get("telemetry.sdk.language")
    check(language == "nodejs", "not the Node SDK", over_http)


def node_forward_carries_the_key(rt):
    fake = FakeHoneycomb()
    listen = Listen(rt.doctor, "--forward", fake.url)
    app = rt.node(otlp_env("interop-node", listen.http_port,
                           OTEL_EXPORTER_OTLP_HEADERS=f"x-honeycomb-team={KEY}"))
    try:
        app.hit()
        batch = listen.batch_from("interop-node")
    finally:
        app.stop()
        listen.stop()
        fake.close()
    check(batch["forward"]["status"] == 200, "upstream did not accept", batch)
    check(any(r[1].get("x-honeycomb-team") == KEY for r in fake.received),
          "the key never reached upstream", fake.received)


def node_console_exporter_sends_nothing_and_check_names_it(rt):
    port = free_port()
    env = otlp_env("interop-node", port, OTEL_TRACES_EXPORTER="console")
    command = "node --require @opentelemetry/auto-instrumentations-node/register app.js"
    with tempfile.TemporaryDirectory() as directory:
        workspace(directory, "web", env, command=command, image="node:20-slim")
        code, report, app_output = run_check_listen(rt, directory, port, 8, lambda: rt.node(env))
    check("traceId" in app_output, "the app did not print its spans to the console", app_output)
    listened = step(report, "listen:web")
    check(listened["status"] == "fail", "silence not reported", listened)
    check(listened["details"][0].startswith("likely cause: config/exporter-not-otlp"),
          "the cause is not named", listened)


PYTHON_CASES = [
    python_spans_arrive_over_http_protobuf,
    python_spans_arrive_over_grpc_with_gzip,
    python_grpc_on_the_http_port_is_reported,
    python_forward_carries_the_key_to_upstream,
    python_check_listen_passes_with_otlp,
    python_console_exporter_sends_nothing_and_check_names_it,
    python_wrong_port_is_reported,
    python_http_json_is_refused_by_the_sdk_and_check_names_it,
]

NODE_CASES = [
    node_spans_arrive_over_http_and_grpc,
    node_forward_carries_the_key,
    node_console_exporter_sends_nothing_and_check_names_it,
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--doctor", required=True, help="the otel-doctor binary")
    parser.add_argument("--venv", required=True, help="a venv with the pinned Python SDK")
    parser.add_argument("--node-modules", help="a folder with the pinned Node SDK installed")
    parser.add_argument("cases", nargs="*", help="run only these cases")
    args = parser.parse_args()
    rt = Runtime(args)
    cases = PYTHON_CASES + (NODE_CASES if args.node_modules else [])
    if args.cases:
        cases = [c for c in cases if c.__name__ in args.cases]
    failed = []
    for case in cases:
        started = time.time()
        try:
            case(rt)
            print(f"ok    {case.__name__}  ({time.time() - started:.1f} s)", flush=True)
        except CaseFailed as failure:
            failed.append(case.__name__)
            print(f"FAIL  {case.__name__}  ({time.time() - started:.1f} s)\n{failure}", flush=True)
    if failed:
        print(f"\n{len(failed)} of {len(cases)} interop cases failed: {', '.join(failed)}")
        sys.exit(1)
    print(f"\nall {len(cases)} interop cases passed")


if __name__ == "__main__":
    main()
