"""Start-up, search and index-build benchmark for csr.

Measures, with this interpreter in one run: the floor (`python -c pass`), cold `csr --version`,
cold `csr reply bargain --no-copy`, cold `csr search "能便宜点吗"` on the bundled phrasebook and
on synthetic phrasebooks of 1k/10k/100k entries, the in-process query time, the index build
time and peak memory. Writes bench/results.json and bench/results.md and prints the table.

Usage: python bench/bench.py [--sizes 1000,10000,100000] [--runs 15]
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
    parser.add_argument("--runs", type=int, default=15)
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
        # An installed csr has compiled bytecode (pip writes it); make a source checkout match.
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package_dir())], check=True)
        floor = median_ms([sys.executable, "-c", "pass"], base_env, args.runs)
        _, _, lint_output = measured([sys.executable, "-c", LINT_SCRIPT], base_env)
        rows = [phrasebook_run("bundled", {**base_env, "CSR_CACHE_DIR": f"{tmp}/c0"}, args.runs)]
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
        "floor_ms": floor,
        **json.loads(lint_output),
        "runs": args.runs,
        "rows": rows,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    (HERE / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    table = render(report)
    (HERE / "results.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


def render(report: dict[str, object]) -> str:
    floor = float(report["floor_ms"])  # type: ignore[arg-type]
    lines = [
        f"Python {report['python']}, floor `python -c pass` = {floor:.1f} ms (median of "
        f"{report['runs']} runs), {report['date']}",
        "",
        "| phrasebook | --version | reply bargain | search | search/reply | query median / p95 / max"
        " | build | build peak | cache |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["rows"]:  # type: ignore[attr-defined]
        cells = [
            row["phrasebook"],
            *(
                f"{row[k]:.0f} ms ({row[k] / floor:.1f}×)"
                for k in ("version_ms", "reply_ms", "search_ms")
            ),
            f"{row['search_ms'] / row['reply_ms']:.2f}",
            f"{row['query_median_ms']:.1f} / {row['query_p95_ms']:.1f} / {row['query_max_ms']:.1f} ms",
            f"{row['build_s']:.1f} s",
            f"{row['build_peak_mib']:.0f} MiB",
            f"{row['cache_mib']:.0f} MiB",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"`csr lint` of a 200-character reply, in process: {report['lint_median_ms']:.2f} ms",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
