"""Broken and malicious data files in every place csr reads one: the personal and team
phrasebooks, config.toml, the shop's policy, KPI scheme and tone rules, the state and cache
files, import files and KPI sheets. csr must say which file is wrong (or, for its own state and
cache, quietly start afresh), never crash or hang, and never rewrite a file it could not read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import assert_clean, hang_guard, invoke, leftovers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csr_cli import paths

no_hang = pytest.fixture(autouse=True)(hang_guard)  # an in-process run that hangs fails


def laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        refs = ",".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


MALICIOUS: dict[str, bytes] = {
    "empty": b"",
    "garbage": bytes(range(256)) * 4,
    "nul": b"entries:\n  - id: a\x00b\n    variants: [x]\n",
    "utf16": "entries:\n  - id: a\n    variants: [亲]\n".encode("utf-16"),
    "gbk": "entries:\n  - id: a\n    variants: [亲，您好]\n".encode("gbk"),
    "deep": b"a: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
    "huge-scalar": b"a: " + b"x" * 1_000_000 + b"\n",
    "python-tag": b"!!python/object/apply:os.system ['echo pwned > /tmp/csr-pwned']\n",
    "merge-keys": b"base: &b {id: x}\nentries:\n  - <<: *b\n    variants: [y]\n",
    "duplicate-keys": b"entries: []\nentries: [1]\n",
    "wrong-types": b"entries: 5\nshipping: [1, 2]\nrefund_rate: {tiers: 3}\nbanned: yes\n",
    "list-top": b"- 1\n- 2\n",
    "unclosed": b"entries:\n  - {id: a, variants: [x\n",
    "tabs": b"entries:\n\t- id: a\n",
    "bom-only": b"\xef\xbb\xbf",
    "big-number": b"a: " + b"9" * 10_000 + b"\n",
    "bad-date": b"a: 2026-13-45\n",
    "toml-garbage": b"shop = \n[[[\n",
    "toml-types": b"shop = [1, 2]\nagent = {x = 1}\n",
    "json-garbage": b'{"a": [1, 2,, ]}',
    "laughs": laughs().encode(),
}

KPI_COMMAND = ["kpi", "--quality", "A", "--refund-rate", "2%", "--disputes", "A"]
KPI_COMMAND += ["--teamwork", "A", "--execution", "A"]
# (where the file goes, a command that reads it)
PLACES = {
    "personal phrasebook": (lambda: paths.personal_phrasebook(), ["reply", "bargain", "--no-copy"]),
    "team phrasebook": (lambda: paths.config_dir() / "team.yaml", ["list"]),
    "config": (lambda: paths.config_file(), ["config", "show"]),
    "shop policy": (lambda: paths.personal_policy(), ["shipping", "--to", "浙江", "--no-copy"]),
    "kpi scheme": (
        lambda: paths.personal_kpi_policy(),
        KPI_COMMAND,
    ),
    "tone rules": (lambda: paths.personal_tone_rules(), ["lint", "亲，您好"]),
    "rotation state": (lambda: paths.state_dir() / "rotation.json", ["reply", "bargain"]),
    "usage state": (lambda: paths.state_dir() / "usage.json", ["stats", "--json"]),
}
# Left to the shared YAML loader (datafile.py), covered by test_issue17's regression test.
POLICY_BOMB = {("shop policy", "laughs")}


@pytest.mark.parametrize("place", list(PLACES))
def test_malicious_files_in_every_place_csr_reads(
    place: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    locate, command = PLACES[place]
    path = locate()
    path.parent.mkdir(parents=True, exist_ok=True)
    if place == "team phrasebook":
        monkeypatch.setenv("CSR_PHRASEBOOK_PATH", str(path))
    for name, data in MALICIOUS.items():
        if (place, name) in POLICY_BOMB:
            continue
        path.write_bytes(data)
        outcome = invoke(command)
        try:
            assert_clean(outcome)
            if outcome.code == 2 and place not in ("rotation state", "usage state"):
                assert path.name in outcome.stderr, outcome.stderr
        except AssertionError as exc:
            raise AssertionError(f"{place} / {name}: {exc}") from None
        if place not in ("rotation state", "usage state"):
            assert path.read_bytes() == data, f"{place} / {name}: the file was rewritten"
    assert not Path("/tmp/csr-pwned").exists()


@pytest.mark.parametrize("name", ["garbage", "utf16", "deep", "python-tag", "unclosed", "nul"])
def test_writers_never_rewrite_a_file_they_cannot_read(name: str) -> None:
    path = paths.personal_phrasebook()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = MALICIOUS[name]
    path.write_bytes(data)
    for command in (
        ["add", "x", "--text", "亲"],
        ["rm", "x", "--yes"],
        ["config", "set", "shop", "小美家"],
    ):
        assert_clean(invoke(command))
        assert path.read_bytes() == data
    assert leftovers(path.parent) == []


@pytest.mark.parametrize("kind", ["phrasebook", "tone", "policy", "cities"])
@pytest.mark.parametrize(
    "garbage",
    [b"", b"not a database at all", b"SQLite format 3\x00" + b"\xff" * 4000, b'{"stamp": 1}'],
)
def test_corrupt_cache_files_are_rebuilt(kind: str, garbage: bytes) -> None:
    # Build every cache once, then spoil each of them.
    assert_clean(invoke(["shipping", "--to", "杭州", "--no-copy"]), codes=(0,))
    assert_clean(invoke(["lint", "亲，您好"]), codes=(0,))
    spoiled = [p for p in paths.cache_dir().iterdir() if p.name.startswith(kind)]
    for path in spoiled:
        path.write_bytes(garbage)
    for command in (
        ["reply", "bargain", "--no-copy"],
        ["search", "包邮"],
        ["lint", "您好，不行"],
        ["shipping", "--to", "杭州", "--no-copy"],
    ):
        assert_clean(invoke(command))


def test_a_cache_file_replaced_by_a_folder_or_fifo_does_not_stop_csr() -> None:
    import os

    assert_clean(invoke(["reply", "bargain", "--no-copy"]), codes=(0,))
    for path in list(paths.cache_dir().iterdir()):
        path.unlink()
        if path.name.startswith("phrasebook"):
            path.mkdir()
        else:
            os.mkfifo(path)
    assert_clean(invoke(["reply", "bargain", "--no-copy"]), codes=(0,))
    assert_clean(invoke(["lint", "亲，您好"]), codes=(0,))


def test_a_database_locked_by_another_process_is_only_a_cache() -> None:
    assert_clean(invoke(["list"]), codes=(0,))
    cache = next(p for p in paths.cache_dir().iterdir() if p.suffix == ".sqlite")
    holder = sqlite3.connect(cache)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert_clean(invoke(["reply", "bargain", "--no-copy"]))
    finally:
        holder.rollback()
        holder.close()


IMPORTS: dict[str, bytes] = {
    "x.csv": b"\xff\xfe\x00\x00garbage",
    "y.csv": "快捷编码,快捷短语,快捷短语分组\n".encode() + b'"unterminated,\n',
    "z.csv": "快捷编码,快捷短语,快捷短语分组\n".encode() + b"a," + b"x" * 200_000 + b",\n",
    "w.csv": "快捷编码,快捷短语,快捷短语分组\n".encode() + b"a,b,c,d,e,f\n",
    "v.csv": b"\x00" * 1000,
    "nul.csv": "快捷编码,快捷短语,快捷短语分组\nhy,亲\x00好,\n".encode(),
    "ctl.csv": "快捷编码,快捷短语,快捷短语分组\nhy,亲\x1b[2J好,\n".encode(),
    "formula.csv": "快捷编码,快捷短语,快捷短语分组\n=cmd|'/c calc'!A1,=1+1,@SUM(A1)\n".encode(),
    "entity.csv": "快捷编码,快捷短语,快捷短语分组\nhy,&#99999999999;&#0;&#xD800;,\n".encode(),
    "e.json": b'{"entries": [{"id": "x", "variants": [[[[[1]]]]]}]}',
    "f.json": b'{"entries": [{"id": "x", "variants": ["a"], "placeholders": {"a": {"b": 1}}}]}',
    "g.json": b"[" + b'{"id": "x", "variants": ["a"]},' * 2 + b"1]",
    "h.json": b'{"entries": [{"id": "' + b"a" * 100_000 + b'", "variants": ["x"]}]}',
    "i.json": b"NaN",
    "j.yaml": laughs().replace("a0:", "entries:\n  - id: x\n    variants: [y]\na0:").encode(),
    "k.yaml": b"entries:\n  - !!binary aGVsbG8=\n",
    "l.yaml": b"%YAML 9.9\n---\nentries: []\n",
    "m.xlsx": b"PK\x03\x04 not really a zip",
}


@pytest.mark.parametrize("name", list(IMPORTS))
def test_malicious_import_files_leave_the_phrasebook_alone(name: str, tmp_path: Path) -> None:
    path = paths.personal_phrasebook()
    path.parent.mkdir(parents=True, exist_ok=True)
    before = b"entries:\n  - id: mine\n    variants: [\xe4\xba\xb2]\n"
    path.write_bytes(before)
    source = tmp_path / name
    source.write_bytes(IMPORTS[name])
    outcome = invoke(["import", str(source)])
    assert_clean(outcome)
    if outcome.code != 0:
        assert path.read_bytes() == before
    text = path.read_text(encoding="utf-8")
    assert "\x00" not in text and "\x1b" not in text


SHEETS: dict[str, bytes] = {
    "team.csv": b"\xff\xfe garbage",
    "team2.csv": "姓名,服务质量\n张三,优\n".encode(),
    "team3.csv": (
        "name,quality,refund_rate,disputes,teamwork,execution,late\n"
        + "A,A,2%,A,A,A,99999999999999999999\n"
    ).encode(),
    "team4.csv": (
        "name,quality,refund_rate,disputes,teamwork,execution\n" + "=HYPERLINK(1),A,2%,A,A,A\n" * 3
    ).encode(),
    "team5.xlsx": b"PK\x03\x04\x14\x00garbage",
    "team6.xlsx": b"",
    "team7.csv": b"",
    "team8.csv": (
        "name,quality,refund_rate,disputes,teamwork,execution\n" + "x\x00,A,2%,A,A,A\n"
    ).encode(),
}


@pytest.mark.parametrize("name", list(SHEETS))
def test_malicious_kpi_sheets(name: str, tmp_path: Path) -> None:
    sheet = tmp_path / name
    sheet.write_bytes(SHEETS[name])
    out = tmp_path / "out.csv"
    outcome = invoke(["kpi", "--sheet", str(sheet), "-o", str(out)])
    assert_clean(outcome)
    if out.exists():
        assert not out.read_text(encoding="utf-8-sig").startswith(("=", "+", "-", "@"))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.csv", "a.json", "a.yaml"]))
def test_any_bytes_as_an_import_file(data: bytes, name: str, tmp_path: Path) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    assert_clean(invoke(["import", str(source), "--dry-run"]))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(max_size=300))
def test_any_text_as_config_toml(text: str) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_clean(invoke(["config", "show"]))
    assert_clean(invoke(["reply", "greet", "--no-copy"]))


def test_a_team_sheet_of_thousands_of_agents_is_ranked_in_linear_time(tmp_path: Path) -> None:
    """Ranking compared every agent with every other: 10k rows took 50 s, 100k never ended."""
    import time

    rows = ["name,quality,refund_rate,disputes,teamwork,execution,praise"]
    rows += [f"agent{n},{'ABCD'[n % 4]},{n % 9}%,A,B,C,{n % 5}" for n in range(20_000)]
    sheet = tmp_path / "big-team.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    started = time.monotonic()
    outcome = invoke(["kpi", "--sheet", str(sheet), "--json"])
    assert time.monotonic() - started < 15
    assert_clean(outcome, codes=(0,))
    import json

    agents = json.loads(outcome.stdout)["agents"]
    ranks = [agent["rank"] for agent in agents]
    scores = [agent["score"] for agent in agents]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    for n in range(1, len(agents)):
        assert (ranks[n] == ranks[n - 1]) == (scores[n] == scores[n - 1])
        if ranks[n] != ranks[n - 1]:
            assert ranks[n] == n + 1
