"""How long `csr import` takes for a quick-phrase sheet of 1k, 10k and 100k rows.

Each size is imported into an empty personal phrasebook by the installed console script, in a
fresh temporary config, state and cache folder (so no cache is reused), and timed from start to
exit. The sheet is shaped like a chat client's export: two rows in three have a shortcut code,
one in ten shares its code with an earlier row (so it merges as a variant), one in twenty is a
duplicate, and some phrases have line breaks (&#13;). The ratio of the 100k time to ten times
the 10k time shows whether the import is linear (1.0) or worse. Writes bench/import_results.md
and bench/import_results.json.

Usage: python bench/import_bench.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "快捷编码,快捷短语,快捷短语分组"
WORDS = "亲您好感谢光临咱们店铺这款宝贝面料舒适透气今天下单明天发货满包邮如有问题随时联系客服"


def write_sheet(path: Path, rows: int, seed: int = 17) -> None:
    rng = random.Random(seed)
    lines = [HEADER]
    for number in range(rows):
        text = "".join(rng.choices(WORDS, k=rng.randint(12, 40))) + f"～{number}"
        if number % 20 == 19:
            text = lines[-1].split(",")[1]  # a duplicate of the row before
        elif number % 7 == 0:
            text = text.replace("～", "&#13;～", 1)  # a line break, as the client writes it
        code = f"q{number}" if number % 3 else ""
        if number % 10 == 9:
            code = f"q{number - 1}" if (number - 1) % 3 else ""
        lines.append(f"{code},{text},分组{number % 30}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def csr() -> list[str]:
    script = Path(sys.executable).with_name("csr")
    return [str(script)] if script.exists() else [sys.executable, "-m", "csr_cli"]


def time_import(rows: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheet = folder / "快捷短语.csv"
        write_sheet(sheet, rows)
        env = {**os.environ}
        for name in ("config", "state", "cache"):
            env[f"CSR_{name.upper()}_DIR"] = str(folder / name)
        env.pop("CSR_PHRASEBOOK_PATH", None)
        started = time.perf_counter()
        done = subprocess.run(
            [*csr(), "import", str(sheet), "--json"],
            capture_output=True,
            env=env,
            timeout=600,
            check=True,
        )
        seconds = time.perf_counter() - started
        report = json.loads(done.stdout)
        size = (folder / "config" / "phrasebook.yaml").stat().st_size
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "ms_per_row": round(seconds * 1000 / rows, 3),
        "added": len(report["added"]),
        "merged": len(report["merged"]),
        "skipped": len(report["skipped"]),
        "file_mib": round(size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    results = [time_import(int(size)) for size in args.sizes.split(",")]
    by_rows = {result["rows"]: result for result in results}
    ratio = None
    if 10000 in by_rows and 100000 in by_rows:
        ratio = round(
            float(by_rows[100000]["seconds"]) / (10 * float(by_rows[10000]["seconds"])), 2
        )  # type: ignore[arg-type]
    stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    payload = {
        "python": platform.python_version(),
        "date": stamp,
        "results": results,
        "ratio_100k_to_10x10k": ratio,
    }
    (HERE / "import_results.json").write_text(json.dumps(payload, indent=2) + "\n")
    lines = [
        f"`csr import` of a quick-phrase sheet, Python {payload['python']}, {stamp} UTC "
        "(one run per size, empty phrasebook, no cache)",
        "",
        "| rows | time | per row | added | merged | skipped | phrasebook |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['seconds']} s | {r['ms_per_row']} ms | {r['added']:,} | "
            f"{r['merged']:,} | {r['skipped']:,} | {r['file_mib']} MiB |"
        )
    if ratio is not None:
        lines += ["", f"100k time ÷ (10 × 10k time) = {ratio} (1.0 is linear)."]
    (HERE / "import_results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
