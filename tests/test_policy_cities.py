"""The city table behind `csr shipping --to 杭州`: its coverage, pinyin and strict loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from csr_cli.errors import PolicyError
from csr_cli.policy.cities import DIRECT, CityTable, Place, cities_file, find_place, load_cities
from csr_cli.policy.regions import REGIONS, match_region

BUNDLED: dict[str, Any] = yaml.safe_load(cities_file().read_text(encoding="utf-8"))
MUNICIPALITIES = {"北京", "天津", "上海", "重庆", "香港", "澳门"}


def official_names() -> list[tuple[str, str, bool]]:
    """(name, region, prefecture-level?) for every city in the bundled file."""
    names = []
    for region, prefectures in BUNDLED["cities"].items():
        for prefecture, counties in prefectures.items():
            if prefecture != DIRECT:
                names.append((prefecture, region, True))
            names.extend((county, region, False) for county in counties)
    return names


def test_every_prefecture_and_county_level_city_of_the_mainland() -> None:
    names = official_names()
    mainland = [(name, level) for name, region, level in names if region != "台湾"]
    # The Ministry of Civil Affairs' list of 2025-12-31: 333 prefecture-level divisions and
    # 397 county-level cities, plus the 神农架 forestry district.
    assert sum(level for _, level in mainland) == 333
    assert len(mainland) - 333 == 398
    assert set(BUNDLED["cities"]) == set(REGIONS) - MUNICIPALITIES
    assert len({name for name, _, _ in names}) == len(names)


def test_every_city_is_found_by_its_official_name_with_or_without_suffix() -> None:
    table = load_cities()

    def region_of(name: str) -> str:
        return match_region(name) or table.find(name).region

    for name, region, _ in official_names():
        assert region_of(name) == region, name
        short = name.removesuffix("市").removesuffix("地区").removesuffix("盟")
        if len(short) >= 2 and short not in ("海南", "朝阳", "栖霞"):
            assert region_of(short) == region, short


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("义乌", Place("浙江", "义乌")),
        ("昆山", Place("江苏", "昆山")),
        ("喀什", Place("新疆", "喀什")),
        ("伊犁", Place("新疆", "伊犁")),
        ("伊犁哈萨克族自治州", Place("新疆", "伊犁")),
        ("阿里", Place("西藏", "阿里")),
        ("恩施州", Place("湖北", "恩施")),
        ("神农架林区", Place("湖北", "神农架")),
        ("石河子", Place("新疆", "石河子")),
        ("芒市", Place("云南", "芒市")),
        ("巴州", Place("新疆", "巴音郭楞")),
        ("Urumqi", Place("新疆", "乌鲁木齐")),
        ("LHASA", Place("西藏", "拉萨")),
        ("hangzhoushi", Place("浙江", "杭州")),
        ("浙江", Place("浙江", None)),
        ("Zhejiang Province", Place("浙江", None)),
        ("海南", Place("海南", None)),
        ("海南州", Place("青海", "海南藏族自治州")),
    ],
)
def test_find_place(text: str, place: Place) -> None:
    assert find_place(text) == place


def test_pinyin_names_never_hide_a_city_that_sounds_the_same() -> None:
    """A pinyin name shared by cities in two regions must be listed as ambiguous, not given."""
    from pypinyin import lazy_pinyin

    sounds: dict[str, set[str]] = {}
    for name, region, _ in official_names():
        short = name.removesuffix("市").removesuffix("地区")
        sounds.setdefault("".join(lazy_pinyin(short)), set()).add(region)
    table = load_cities()
    for official, others in BUNDLED["other_names"].items():
        region = table.find(official).region
        for other in filter(str.isascii, others):
            key = other.lower().replace("'", "").replace(" ", "")
            assert sounds.get(key, {region}) == {region}, other
    for name, choices in BUNDLED["ambiguous"].items():
        if name.isascii():
            assert set(choices.values()) <= sounds[name.lower()], name


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cities.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "cities:\n  浙红: {杭州市: []}\n",
            "cities.浙红 (杭州市…): unknown region '浙红'; use one of: 北京, 天津,",
        ),
        (
            "cities:\n  浙江: {杭州: []}\n",
            "cities.浙江.杭州: '杭州' must be an official name with its suffix",
        ),
        (
            "cities:\n  浙江: {杭州市: 建德市}\n",
            "cities.浙江.杭州市: must be a list of county-level cities",
        ),
        (
            "cities:\n  浙江: {朝阳市: []}\n  辽宁: {朝阳市: []}\n",
            "cities.辽宁.朝阳市: 朝阳市: '朝阳市' also names 朝阳 in 浙江; list it under ambiguous",
        ),
        (
            "cities:\n  浙江: {杭州市: []}\nother_names:\n  杭洲市: [Hangzhou]\n",
            "other_names.杭洲市: not a city listed under cities",
        ),
        (
            "cities:\n  浙江: {杭州市: []}\nother_names:\n  杭州市: [Zhejiang]\n",
            "other_names.杭州市: 'Zhejiang' is a region's name or listed as ambiguous",
        ),
        (
            "ambiguous:\n  朝阳: {朝阳市: 辽宁, 朝阳区: 北京市朝阳}\n",
            "ambiguous.朝阳.朝阳区: unknown region '北京市朝阳'",
        ),
        (
            "ambiguous:\n  朝阳: {朝阳市: 辽宁}\n",
            "ambiguous.朝阳: list at least two choices",
        ),
        (
            "cities:\n  吉林: {朝阳市: []}\nambiguous:\n  朝阳: {朝阳市: 辽宁, 朝阳区: 北京}\n",
            "'朝阳' is ambiguous but its choices leave out 吉林",
        ),
        ("towns: {}\n", "the city table must be a mapping with cities, other_names, ambiguous"),
        ("cities: [\n", ":2: YAML syntax error in the city table"),
    ],
)
def test_a_bad_table_is_an_error_naming_the_file_and_entry(
    tmp_path: Path, text: str, error: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_cities(path)
    assert str(caught.value).startswith(f"{path}:")
    assert error in str(caught.value)


def test_an_edited_table_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path, "cities:\n  浙江: {杭州市: []}\n")
    assert load_cities(path).find("杭州") == Place("浙江", "杭州")
    write(tmp_path, "cities:\n  浙江: {杭州市: [建德市]}\n")
    table = load_cities(path)
    assert isinstance(table, CityTable)
    assert table.find("建德") == Place("浙江", "建德")


def test_a_city_is_found_without_importing_yaml_once_cached() -> None:
    """The policy and the city table are parsed once, then read from their JSON copies."""
    probe = (
        "import sys\n"
        "from csr_cli.cli import main\n"
        "sys.argv = ['csr', 'shipping', '--to', '喀什', '--json', '--no-copy']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('yaml' in sys.modules)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    first, second = (run.stdout.rsplit("\n", 2)[-2] for run in runs)
    assert (first, second) == ("True", "False")
    assert json.loads(runs[1].stdout.rsplit("\n", 2)[0])["city"] == "喀什"
