"""Cities and the province-level region each is in (policies/cities.yaml): 杭州 → 浙江.

The table is read only when a name is not a region itself, and from a validated JSON copy in
the cache dir while the file is unchanged, so a normal run never imports yaml.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from csr_cli import paths
from csr_cli.datafile import cached_json, read_yaml
from csr_cli.errors import PolicyError, UsageError
from csr_cli.policy.regions import REGIONS, match_region, region_key

CACHE_SCHEMA = "1"
SECTIONS = ("cities", "other_names", "ambiguous")
# Under a province, the county-level cities it administers itself (仙桃, 石河子…).
DIRECT = "直辖"
# The peoples in autonomous prefectures' names, so 伊犁哈萨克自治州 is also found as 伊犁.
_PEOPLES = "朝鲜|土家|苗|哈萨克|蒙古|柯尔克孜|回|白|傣|景颇|彝|哈尼|壮|傈僳|藏|羌|侗|布依"
_SUFFIXES = rf"市|地区|盟|林区|(?:(?:{_PEOPLES})族?)*自治州"
_SUFFIX_RE = re.compile(rf"(?:{_SUFFIXES})$")
# What people add when they type a name: the official suffix, or "shi"/"city" after pinyin.
_TYPED_SUFFIX_RE = re.compile(rf"(?:{_SUFFIXES}|shi|city)$")

Groups = dict[str, tuple[str, ...]]


class Place(NamedTuple):
    """Where a parcel goes: a region (or zone), and the city the agent named, if any."""

    region: str
    city: str | None


class CityTable(NamedTuple):
    cities: dict[str, tuple[str, str]]  # name key -> (region, city as shown)
    ambiguous: dict[str, tuple[tuple[str, str], ...]]  # name key -> ((choice, region), …)

    def find(self, text: str, *, groups: Groups | None = None) -> Place:
        key = region_key(text)
        for candidate in dict.fromkeys((key, _TYPED_SUFFIX_RE.sub("", key))):
            if candidate in self.ambiguous:
                raise UsageError(_ambiguous(text, self.ambiguous[candidate]))
            if candidate in self.cities:
                return Place(*self.cities[candidate])
        raise UsageError(self._unknown(text, key, groups or {}))

    def _unknown(self, text: str, key: str, groups: Groups) -> str:
        zones = f" or a zone ({', '.join(groups)})" if groups else ""
        return (
            f"unknown region '{text}'; {self._suggest(key)}use a province (浙江, 浙江省, "
            f"Zhejiang), a city (杭州, 苏州市, 义乌, 喀什, Shenzhen){zones}; for a district or "
            "county, use its city"
        )

    def _suggest(self, key: str) -> str:
        """Cities that sound the same (杭洲, Yichun), else the closest spelling (Hangzou)."""
        import difflib  # only on the error path

        from pypinyin import lazy_pinyin

        def sound(name: str) -> str:
            return "".join(lazy_pinyin(name)).lower()

        typed = {sound(key), sound(_TYPED_SUFFIX_RE.sub("", key))}
        alike = sorted(place for place in set(self.cities.values()) if sound(place[1]) in typed)
        if alike:
            return f"did you mean {' or '.join(f'{city} ({region})' for region, city in alike)}? "
        names = {region_key(n): s for s, others in REGIONS.items() for n in (s, *others)}
        names.update((name, city) for name, (_, city) in self.cities.items())
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
        return f"did you mean {names[close[0]]}? " if close else ""


def _ambiguous(text: str, choices: tuple[tuple[str, str], ...]) -> str:
    named = [f"{choice} ({region})" for choice, region in choices]
    listed = f"{', '.join(named[:-1])} or {named[-1]}"
    return f"'{text}' could be {listed}; write one of those, or the province"


def find_place(text: str, *, groups: Groups | None = None) -> Place:
    """A region or zone by any of its names, else the region of the city named."""
    region = match_region(text, groups=groups)
    if region is not None:
        return Place(region, None)
    return load_cities().find(text, groups=groups)


def cities_file() -> Path:
    return paths.bundled_policies_dir() / "cities.yaml"


def load_cities(path: Path | None = None) -> CityTable:
    path = path or cities_file()

    def decode(data: Any) -> CityTable:
        return CityTable(
            {key: (region, city) for key, (region, city) in data["cities"].items()},
            {
                key: tuple((choice, region) for choice, region in choices)
                for key, choices in data["ambiguous"].items()
            },
        )

    return cached_json(
        "cities",
        [path],
        lambda: parse_cities(read_yaml(path, what="city table", error=PolicyError), str(path)),
        encode=lambda table: {"cities": table.cities, "ambiguous": table.ambiguous},
        decode=decode,
        version=CACHE_SCHEMA,
    )


def parse_cities(data: Any, source: str) -> CityTable:
    """Validate the parsed file into a table; every error names the file and the entry."""
    if not isinstance(data, dict) or not set(data) <= set(SECTIONS):
        raise PolicyError(f"{source}: the city table must be a mapping with {', '.join(SECTIONS)}")
    builder = _Builder(source)
    builder.ambiguous(_mapping(data.get("ambiguous"), source, "ambiguous"))
    for region, prefectures in _mapping(data.get("cities"), source, "cities").items():
        builder.region(str(region), _mapping(prefectures, source, f"cities.{region}"))
    for official, names in _mapping(data.get("other_names"), source, "other_names").items():
        builder.other_names(str(official), names)
    builder.choices()
    return CityTable(builder.cities, builder.choices_of)


def _mapping(value: Any, source: str, where: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PolicyError(f"{source}: {where}: must be a mapping")
    return value


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.cities: dict[str, tuple[str, str]] = {}
        self.official: dict[str, tuple[str, str]] = {}  # official name -> (region, city)
        self.choices_of: dict[str, tuple[tuple[str, str], ...]] = {}
        self.choice_names: list[tuple[str, str, str]] = []  # (ambiguous name, choice, region)

    def fail(self, where: str, problem: str) -> PolicyError:
        return PolicyError(f"{self.source}: {where}: {problem}")

    def province(self, name: str, where: str) -> str:
        region = match_region(name)
        if region is None:
            raise self.fail(where, f"unknown region '{name}'; use one of: {', '.join(REGIONS)}")
        return region

    def ambiguous(self, entries: dict[Any, Any]) -> None:
        for name, choices in entries.items():
            where = f"ambiguous.{name}"
            if match_region(str(name)) is not None:
                raise self.fail(where, "a region's own name is never ambiguous")
            choices = _mapping(choices, self.source, where)
            if len(choices) < 2 or not all(isinstance(choice, str) for choice in choices):
                raise self.fail(where, "list at least two choices, e.g. {苏州: 江苏, 宿州: 安徽}")
            listed = tuple(
                (choice, self.province(str(region), f"{where}.{choice}"))
                for choice, region in choices.items()
            )
            self.choices_of[region_key(str(name))] = listed
            self.choice_names.extend((str(name), choice, region) for choice, region in listed)

    def region(self, name: str, prefectures: dict[Any, Any]) -> None:
        first = next(iter(prefectures), "")
        region = self.province(name, f"cities.{name} ({first}…)")
        for prefecture, counties in prefectures.items():
            where = f"cities.{name}.{prefecture}"
            if not isinstance(counties, list):
                raise self.fail(
                    where, "must be a list of county-level cities, e.g. [义乌市], or []"
                )
            for city in counties if prefecture == DIRECT else [prefecture, *counties]:
                self.city(city, region, where)

    def city(self, name: Any, region: str, where: str) -> None:
        if not isinstance(name, str) or not _SUFFIX_RE.search(name):
            raise self.fail(
                where,
                f"'{name}' must be an official name with its suffix: 杭州市, 喀什地区, "
                "伊犁哈萨克自治州, 阿拉善盟",
            )
        short = _SUFFIX_RE.sub("", name)
        names = [name]
        if len(short) >= 2:  # 芒市 is never 芒
            names.append(short)
            if name.endswith("自治州"):
                names.append(f"{short}州")  # 伊犁州, 恩施州: how people say it
        shown = short if len(short) >= 2 and match_region(short) is None else name
        self.official[name] = (region, shown)
        for each in names:
            if match_region(each) is None:  # a region's own name wins: 海南 is the province
                self.add(region_key(each), (region, shown), f"{where}: {name}")

    def other_names(self, official: str, names: Any) -> None:
        where = f"other_names.{official}"
        if official not in self.official:
            raise self.fail(where, "not a city listed under cities; use its official name")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise self.fail(where, "must be a list of names, e.g. [Hangzhou]")
        for name in names:
            if match_region(name) is not None or region_key(name) in self.choices_of:
                raise self.fail(where, f"'{name}' is a region's name or listed as ambiguous")
            self.add(region_key(name), self.official[official], f"{where}: {name}")

    def choices(self) -> None:
        """A choice offered for an ambiguous name must itself lead to its region."""
        for name, choice, region in self.choice_names:
            self.add(region_key(choice), (region, choice), f"ambiguous.{name}.{choice}")

    def add(self, key: str, place: tuple[str, str], where: str) -> None:
        if key in self.choices_of:
            regions = {region for _, region in self.choices_of[key]}
            if place[0] not in regions:
                raise self.fail(where, f"'{key}' is ambiguous but its choices leave out {place[0]}")
            return
        known = self.cities.setdefault(key, place)
        if known[0] != place[0]:
            raise self.fail(
                where, f"'{key}' also names {known[1]} in {known[0]}; list it under ambiguous"
            )
