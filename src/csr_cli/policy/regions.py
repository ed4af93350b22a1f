"""China's province-level regions under the names agents type: 浙江, 浙江省, Zhejiang, zhejiang."""

from __future__ import annotations

import re

from csr_cli.errors import UsageError

# Short Chinese name -> the other names it goes by (full official name, pinyin, English).
REGIONS: dict[str, tuple[str, ...]] = {
    "北京": ("北京市", "beijing", "peking"),
    "天津": ("天津市", "tianjin"),
    "上海": ("上海市", "shanghai"),
    "重庆": ("重庆市", "chongqing"),
    "河北": ("河北省", "hebei"),
    "山西": ("山西省", "shanxi"),
    "辽宁": ("辽宁省", "liaoning"),
    "吉林": ("吉林省", "jilin"),
    "黑龙江": ("黑龙江省", "heilongjiang"),
    "江苏": ("江苏省", "jiangsu"),
    "浙江": ("浙江省", "zhejiang"),
    "安徽": ("安徽省", "anhui"),
    "福建": ("福建省", "fujian"),
    "江西": ("江西省", "jiangxi"),
    "山东": ("山东省", "shandong"),
    "河南": ("河南省", "henan"),
    "湖北": ("湖北省", "hubei"),
    "湖南": ("湖南省", "hunan"),
    "广东": ("广东省", "guangdong"),
    "海南": ("海南省", "hainan"),
    "四川": ("四川省", "sichuan"),
    "贵州": ("贵州省", "guizhou"),
    "云南": ("云南省", "yunnan"),
    "陕西": ("陕西省", "shaanxi"),
    "甘肃": ("甘肃省", "gansu"),
    "青海": ("青海省", "qinghai"),
    "台湾": ("台湾省", "taiwan"),
    "内蒙古": ("内蒙古自治区", "neimenggu", "neimongol", "innermongolia"),
    "广西": ("广西壮族自治区", "广西自治区", "guangxi"),
    "西藏": ("西藏自治区", "xizang", "tibet"),
    "宁夏": ("宁夏回族自治区", "宁夏自治区", "ningxia"),
    "新疆": ("新疆维吾尔自治区", "新疆自治区", "xinjiang"),
    "香港": ("香港特别行政区", "xianggang", "hongkong"),
    "澳门": ("澳门特别行政区", "aomen", "macau", "macao"),
}

_LOOKUP: dict[str, str] = {
    name: short for short, others in REGIONS.items() for name in (short, *others)
}


# Official suffixes people add or drop; some write 新疆维吾尔族自治区 or 广西省.
_SUFFIX_RE = re.compile(r"(?:省|市|(?:维吾尔族?|壮族|回族)?自治区|特别行政区|sheng|shi|province)$")


def region_key(text: str) -> str:
    """Case, spaces, hyphens and apostrophes never matter: "Inner Mongolia" = innermongolia."""
    return re.sub(r"[\s\-'’_]+", "", text).lower()


def match_region(text: str, *, groups: dict[str, tuple[str, ...]] | None = None) -> str | None:
    """The short Chinese name of a region, a group name (e.g. 江浙沪) from `groups`, or None."""
    key = region_key(text)
    for group in groups or {}:
        if key == region_key(group):
            return group
    return _LOOKUP.get(key) or _LOOKUP.get(_SUFFIX_RE.sub("", key))


def find_region(text: str, *, groups: dict[str, tuple[str, ...]] | None = None) -> str:
    """As `match_region`, but an unknown name is a usage error that suggests the closest."""
    found = match_region(text, groups=groups)
    if found is None:
        raise UsageError(_unknown(text, region_key(text)))
    return found


def _unknown(text: str, key: str) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(key, list(_LOOKUP), n=1, cutoff=0.6)
    hint = f"did you mean {_LOOKUP[close[0]]}? " if close else ""
    return (
        f"unknown region '{text}'; {hint}use a province-level name in Chinese or pinyin "
        f"(浙江, 浙江省, Zhejiang): {', '.join(REGIONS)}"
    )
