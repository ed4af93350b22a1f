"""Start-up, search and index-build benchmark for csr.

Measures, with this interpreter in one run, every figure as a ratio to the floor
(`python -c pass`) measured in the same run:

- start-up: the hot commands (reply, search, each calculator), `--version` and `--help`, on the
  fast path and on the Typer path (CSR_NO_FASTPATH=1), medians of interleaved runs;
- `csr reply` while another process writes to disk with an fsync per MiB: median and p99;
- on the bundled phrasebook and synthetic ones of 1k/10k/100k entries: cold `--version`,
  `reply` and `search`, the in-process query time, the index build time and peak memory.

Writes bench/results.json and bench/results.md and prints the tables. No figure here is a test:
the machine is shared, so compare ratios from one run.

Usage: python bench/bench.py [--sizes 1000,10000,100000] [--runs 21] [--load-runs 100]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from synthetic import write_phrasebook

HERE = Path(__file__).resolve().parent
QUERIES = [
    "能便宜点吗",
    "亲 能少点不",
    "我一米六五穿哪个码",
    "快递三天没动了",
    "yj",
    "baoyou",
    "bargain",
    "【订单号：2026112312345678】衣服收到了 袖子那里开线了 怎么处理？？",
    "亲 你们家的衣服质量怎么样 会不会起球 洗了会不会掉色 江浙沪几天能到",
    "退货运费谁出",
]
QUERY_SCRIPT = """
import json, resource, statistics, sys, time
from csr_cli.search.ranking import search
from csr_cli.phrasebook.cache import open_phrasebook
book = open_phrasebook()
queries = json.loads(sys.argv[1])
times = []
for _ in range(5):
    for query in queries:
        started = time.perf_counter()
        search(book, query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({"median_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95)],
                  "max_ms": times[-1],
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# In-process `csr lint` of a 200-character reply, after the rules are loaded and compiled once.
LINT_SCRIPT = """
import json, statistics, time
from csr_cli.lint.checker import lint_text
reply = ("亲，非常抱歉让您久等了，因为最近订单比较多，仓库按付款顺序发货，咱们已经帮您备注优先处理。" * 5)[:200]
lint_text(reply)
times = []
for _ in range(200):
    started = time.perf_counter()
    lint_text(reply)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps({"lint_median_ms": statistics.median(times)}))
"""


def package_dir() -> Path:
    import csr_cli

    return Path(csr_cli.__file__).parent


def csr_command() -> list[str]:
    script = Path(sys.executable).with_name("csr")
    return [str(script)] if script.exists() else [sys.executable, "-m", "csr_cli"]


# Start-up figures, as (label, arguments to csr, extra environment). The floor comes first.
STARTUP: list[tuple[str, list[str], dict[str, str]]] = [
    ("reply bargain", ["reply", "bargain", "--no-copy"], {}),
    ("search 能便宜点吗", ["search", "能便宜点吗"], {}),
    ("refund 190 --shipping 10", ["refund", "190", "--shipping", "10", "--no-copy"], {}),
    ("compensate 250 --offer 30", ["compensate", "250", "--offer", "30", "--no-copy"], {}),
    (
        "return-check",
        ["return-check", "--signed", "2026-11-01", "--on", "2026-11-05", "--no-copy"],
        {},
    ),
    ("shipping --to 杭州", ["shipping", "--to", "杭州", "--amount", "60", "--no-copy"], {}),
    ("exchange 159 179", ["exchange", "159", "179", "--no-copy"], {}),
    ("--help", ["--help"], {}),
    ("--version", ["--version"], {}),
    ("reply bargain (Typer path)", ["reply", "bargain", "--no-copy"], {"CSR_NO_FASTPATH": "1"}),
    ("search (Typer path)", ["search", "能便宜点吗"], {"CSR_NO_FASTPATH": "1"}),
    (
        "refund (Typer path)",
        ["refund", "190", "--shipping", "10", "--no-copy"],
        {"CSR_NO_FASTPATH": "1"},
    ),
    ("--help (Typer path)", ["--help"], {"CSR_NO_FASTPATH": "1"}),
]
TARGETS = {
    "reply bargain": 4.0,
    "search 能便宜点吗": 5.0,
    "refund 190 --shipping 10": 5.0,
    "--help": 8.0,
}

# Another process writing to disk: 1 MiB at a time, each followed by an fsync, for at most the
# given seconds (the benchmark stops it as soon as its replies are done).
DISK_WRITER = """
import os, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
block = os.urandom(1 << 20)
end = time.monotonic() + seconds
with open(path, "wb") as handle:
    while time.monotonic() < end:
        handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())
        if handle.tell() >= 256 << 20:
            handle.seek(0)
            handle.truncate()
"""


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, stdout) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024, output.decode()


def median_ms(command: list[str], env: dict[str, str], runs: int) -> float:
    measured(command, env)  # warm the OS file cache and the csr cache
    return statistics.median(measured(command, env)[0] * 1000 for _ in range(runs))


def cold_runs(env: dict[str, str], runs: int) -> dict[str, float]:
    csr = csr_command()
    return {
        "version_ms": median_ms([*csr, "--version"], env, runs),
        "reply_ms": median_ms([*csr, "reply", "bargain", "--no-copy"], env, runs),
        "search_ms": median_ms([*csr, "search", "能便宜点吗"], env, runs),
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def startup_runs(env: dict[str, str], runs: int) -> dict[str, object]:
    """Medians of interleaved runs (the order rotates each round), as ms and × the floor."""
    csr = csr_command()
    commands = [("floor", [sys.executable, "-c", "pass"], env)]
    commands += [(label, [*csr, *args], {**env, **extra}) for label, args, extra in STARTUP]
    for _label, command, command_env in commands:  # warm the caches (table, help, policy)
        measured(command, command_env)
        measured(command, command_env)
    times: dict[str, list[float]] = {label: [] for label, _, _ in commands}
    for round_ in range(runs):
        shift = round_ % len(commands)
        for label, command, command_env in commands[shift:] + commands[:shift]:
            times[label].append(measured(command, command_env)[0] * 1000)
    medians = {label: statistics.median(values) for label, values in times.items()}
    floor = medians["floor"]
    return {
        "floor_ms": floor,
        "rows": [
            {
                "command": label,
                "median_ms": medians[label],
                "ratio": medians[label] / floor,
                "target": TARGETS.get(label),
            }
            for label, _, _ in commands
            if label != "floor"
        ],
    }


def disk_load_run(env: dict[str, str], tmp: str, runs: int) -> dict[str, object]:
    """`csr reply` idle and while another process writes with fsyncs: median and p99."""
    reply = [*csr_command(), "reply", "bargain", "--no-copy"]
    floor_cmd = [sys.executable, "-c", "pass"]
    idle = [measured(reply, env)[0] * 1000 for _ in range(runs)]
    floor_idle = statistics.median(measured(floor_cmd, env)[0] * 1000 for _ in range(15))
    writer = subprocess.Popen(
        [sys.executable, "-c", DISK_WRITER, str(Path(tmp) / "disk-load.bin"), "300"],
        stdin=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)  # let the writer's first fsyncs start
        loaded = [measured(reply, env)[0] * 1000 for _ in range(runs)]
        floor_loaded = statistics.median(measured(floor_cmd, env)[0] * 1000 for _ in range(15))
    finally:
        writer.terminate()
        writer.wait()
    return {
        "runs": runs,
        "idle_median_ms": statistics.median(idle),
        "idle_p99_ms": percentile(idle, 0.99),
        "loaded_median_ms": statistics.median(loaded),
        "loaded_p99_ms": percentile(loaded, 0.99),
        "loaded_max_ms": max(loaded),
        "floor_idle_ms": floor_idle,
        "floor_loaded_ms": floor_loaded,
    }


def phrasebook_run(label: str, env: dict[str, str], runs: int) -> dict[str, object]:
    build_s, build_mib, _ = measured(
        [
            sys.executable,
            "-c",
            "from csr_cli.phrasebook.cache import open_phrasebook; open_phrasebook()",
        ],
        env,
    )
    result: dict[str, object] = {
        "phrasebook": label,
        "build_s": build_s,
        "build_peak_mib": build_mib,
    }
    result.update(cold_runs(env, runs))
    _, _, output = measured([sys.executable, "-c", QUERY_SCRIPT, json.dumps(QUERIES)], env)
    result.update({f"query_{k}": v for k, v in json.loads(output).items()})
    cache = Path(env["CSR_CACHE_DIR"])
    result["cache_mib"] = sum(f.stat().st_size for f in cache.glob("*.sqlite")) / 2**20
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--load-runs", type=int, default=100)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    with tempfile.TemporaryDirectory() as tmp:
        base_env = {
            **os.environ,
            "CSR_NO_COPY": "1",
            "CSR_STATE_DIR": f"{tmp}/state",
            "CSR_CONFIG_DIR": f"{tmp}/config",
            "NO_COLOR": "1",
        }
        base_env.pop("CSR_PHRASEBOOK_PATH", None)
        base_env.pop("CSR_NO_FASTPATH", None)
        # An installed csr has compiled bytecode (pip writes it); make a source checkout match.
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package_dir())], check=True)
        bundled_env = {**base_env, "CSR_CACHE_DIR": f"{tmp}/c0"}
        startup = startup_runs(bundled_env, args.runs)
        disk = disk_load_run(bundled_env, tmp, args.load_runs)
        floor = median_ms([sys.executable, "-c", "pass"], base_env, args.runs)
        _, _, lint_output = measured([sys.executable, "-c", LINT_SCRIPT], base_env)
        rows = [phrasebook_run("bundled", bundled_env, args.runs)]
        for size in sizes:
            started = time.perf_counter()
            team = write_phrasebook(Path(tmp) / f"synthetic-{size}.yaml", size)
            print(
                f"generated {size} entries in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
            env = {**base_env, "CSR_CACHE_DIR": f"{tmp}/c{size}", "CSR_PHRASEBOOK_PATH": str(team)}
            rows.append(phrasebook_run(f"+{size} synthetic", env, args.runs))
    report = {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "floor_ms": floor,
        **json.loads(lint_output),
        "runs": args.runs,
        "startup": startup,
        "disk_load": disk,
        "rows": rows,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    (HERE / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    table = render(report)
    (HERE / "results.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


def render(report: dict[str, Any]) -> str:
    startup, disk = report["startup"], report["disk_load"]
    start_floor = startup["floor_ms"]
    lines = [
        f"Python {report['python']}, {report['cpus']} CPUs, load average "
        f"{report['load_average']:.1f} at the end, {report['date']}. Every figure is also given "
        "as × the floor (`python -c pass`) measured in the same run.",
        "",
        f"Start-up: medians of {report['runs']} interleaved runs; floor {start_floor:.1f} ms.",
        "",
        "| command | median | × floor | target |",
        "| --- | --- | --- | --- |",
    ]
    for row in startup["rows"]:
        target = row["target"]
        verdict = (
            "" if target is None else f"≤ {target:g}× " + ("✓" if row["ratio"] <= target else "✗")
        )
        lines.append(
            f"| `csr {row['command']}` | {row['median_ms']:.1f} ms | {row['ratio']:.2f}× | {verdict} |"
        )
    idle_floor, load_floor = disk["floor_idle_ms"], disk["floor_loaded_ms"]
    p99_over_median = disk["loaded_p99_ms"] / disk["loaded_median_ms"]
    lines += [
        "",
        f"`csr reply bargain`, {disk['runs']} runs each, idle and while another process writes "
        "1 MiB blocks with an fsync after each (floor idle "
        f"{idle_floor:.1f} ms, under load {load_floor:.1f} ms):",
        "",
        "| | median | p99 | max |",
        "| --- | --- | --- | --- |",
        f"| idle | {disk['idle_median_ms']:.1f} ms ({disk['idle_median_ms'] / idle_floor:.2f}×) "
        f"| {disk['idle_p99_ms']:.1f} ms ({disk['idle_p99_ms'] / idle_floor:.2f}×) | |",
        f"| disk load | {disk['loaded_median_ms']:.1f} ms ({disk['loaded_median_ms'] / load_floor:.2f}×) "
        f"| {disk['loaded_p99_ms']:.1f} ms ({disk['loaded_p99_ms'] / load_floor:.2f}×) "
        f"| {disk['loaded_max_ms']:.1f} ms ({disk['loaded_max_ms'] / load_floor:.2f}×) |",
        "",
        f"p99 under disk load / median under disk load: {p99_over_median:.2f} (target ≤ 2 "
        + ("✓" if p99_over_median <= 2 else "✗")
        + ")",
        "",
    ]
    floor = float(report["floor_ms"])
    lines += [
        f"Phrasebook sizes: floor {floor:.1f} ms (median of {report['runs']} runs).",
        "",
        "| phrasebook | --version | reply bargain | search | search/reply | query median / p95 / max"
        " | build | build peak | cache |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["rows"]:
        cells = [
            row["phrasebook"],
            *(
                f"{row[k]:.0f} ms ({row[k] / floor:.1f}×)"
                for k in ("version_ms", "reply_ms", "search_ms")
            ),
            f"{row['search_ms'] / row['reply_ms']:.2f}",
            " / ".join(
                f"{row[k]:.1f} ms ({row[k] / floor:.2f}×)"
                for k in ("query_median_ms", "query_p95_ms", "query_max_ms")
            ),
            f"{row['build_s']:.1f} s ({row['build_s'] * 1000 / floor:.0f}×)",
            f"{row['build_peak_mib']:.0f} MiB",
            f"{row['cache_mib']:.0f} MiB",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lint = report["lint_median_ms"]
    lines += [
        "",
        f"`csr lint` of a 200-character reply, in process: {lint:.2f} ms ({lint / floor:.3f}×)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
