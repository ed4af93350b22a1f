"""The shop policy: the bundled defaults with a shop's file layered on top, validated strictly.

A shop file may be more generous than the law, never stricter: a value that undercuts the legal
floor is replaced by the legal value and a warning says so (`Policy.warnings`).
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

from csr_cli import paths
from csr_cli.datafile import cached_json, overlay, read_yaml
from csr_cli.dates import parse_date
from csr_cli.errors import PolicyError, UsageError
from csr_cli.money import parse_amount
from csr_cli.policy.regions import find_region

POLICY_ENV = "CSR_POLICY"
LEGAL_WINDOW_DAYS = 7
LEGAL_REFUND_DAYS = 7
# The most days any policy day count may be: a longer window or delay is a typo (an extra zero),
# and it keeps date arithmetic far from date.max.
MAX_DAYS = 365
SHOP_RULE = "shop rule"
LAW = "law"


class Category(str, Enum):
    general = "general"
    custom = "custom"
    perishable = "perishable"
    digital_opened = "digital-opened"
    periodical = "periodical"
    confirmed_nonreturnable = "confirmed-nonreturnable"


class Condition(str, Enum):
    new = "new"
    tried = "tried"
    worn = "worn"
    washed = "washed"
    tags_removed = "tags-removed"
    seal_broken = "seal-broken"
    activated = "activated"
    long_wear = "long-wear"


CATEGORIES = tuple(category.value for category in Category)
CONDITIONS = tuple(condition.value for condition in Condition)
# Consumer Rights Protection Law art. 25: the only categories a shop may exclude.
LEGAL_EXCLUSIONS = frozenset(CATEGORIES) - {"general"}
# Trying on or inspecting keeps goods intact (2017 measures), so these never block a return.
ALWAYS_INTACT = frozenset({"new", "tried"})


class Rule(NamedTuple):
    """The rule that decided an answer, and whether it is the shop's own or the law."""

    text: str
    source: str  # SHOP_RULE or LAW


class RefundPolicy(NamedTuple):
    deduct_outbound_shipping: bool
    due_within_days: int


class ShopProfile(NamedTuple):
    """The shop's own facts that replies state; None where the profile doesn't say."""

    name: str | None
    service_hours: str | None
    ship_by: str | None
    dispatch_days: int
    catalogue: Path | None


class Holiday(NamedTuple):
    name: str
    closed_from: date
    closed_to: date
    last_dispatch: date
    resume_day: date


class CompensationPolicy(NamedTuple):
    goodwill_rate: Decimal
    first_offer_rate: Decimal
    keep_damaged_rate: Decimal
    gift_price_below: Decimal
    gift_small: Decimal
    gift_large: Decimal


class ReturnPolicy(NamedTuple):
    window_days: int
    excluded_categories: frozenset[str]
    not_intact_conditions: frozenset[str]


class Zone(NamedTuple):
    name: str
    regions: tuple[str, ...]
    fee: Decimal
    days: str


class ShippingPolicy(NamedTuple):
    courier: str
    fee: Decimal
    days: str
    zones: tuple[Zone, ...]
    ems_fee: Decimal
    ems_days: str
    free_threshold: Decimal | None
    remote_regions: tuple[str, ...]  # in the file's order, as replies list them
    free_to_remote: bool
    not_served: frozenset[str]


class Policy(NamedTuple):
    shop: ShopProfile
    holidays: tuple[Holiday, ...]
    refund: RefundPolicy
    compensation: CompensationPolicy
    returns: ReturnPolicy
    shipping: ShippingPolicy
    files: tuple[str, ...]  # the files it was built from, defaults first
    warnings: tuple[str, ...]  # legal-floor corrections, for the agent to see


def default_policy_file() -> Path:
    return paths.bundled_policies_dir() / "default.yaml"


def shop_policy_file(option: Path | None) -> Path | None:
    """The shop's file: --policy, else CSR_POLICY, else policy.yaml in the config dir, else none."""
    if option is not None:
        if not option.is_file():
            raise UsageError(
                f"policy_file: '{option}' {_not_a_file(option)}; pass the path of a policy YAML",
                fields=("policy_file",),
            )
        return option
    from_env = os.environ.get(POLICY_ENV)
    if from_env:
        path = Path(from_env).expanduser()
        if not path.is_file():
            raise PolicyError(
                f"{POLICY_ENV} names '{path}', which {_not_a_file(path)}; fix or unset it"
            )
        return path
    personal = paths.personal_policy()
    return personal if personal.is_file() else None


def _not_a_file(path: Path) -> str:
    if path.is_dir():
        return "is a folder, not a policy file"
    if path.exists():  # reading a FIFO or a device would wait forever
        return "is not a regular file (a FIFO or device)"
    return "does not exist"


def load_policy(option: Path | None = None) -> Policy:
    default_file = default_policy_file()
    defaults = _read(default_file)
    shop_file = shop_policy_file(option)
    shop = _read(shop_file) if shop_file else {}
    if shop_file:
        _check_keys(shop, defaults, str(shop_file), "")
    reader = _Reader(overlay(defaults, shop), shop, str(default_file), str(shop_file or ""))
    return reader.build(tuple(str(f) for f in (default_file, shop_file) if f))


def _read(path: Path) -> dict[str, Any]:
    """The parsed policy file, from the JSON cache while the file is unchanged."""
    return cached_json("policy", [path], lambda: _parse(path))


def _parse(path: Path) -> dict[str, Any]:
    data = read_yaml(path, what="policy", error=PolicyError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a policy file must be a mapping (refund:, shipping:, …)")
    return data


def _check_keys(overlay: Any, defaults: Any, source: str, where: str) -> None:
    """Reject keys the defaults don't have, so a typo never silently does nothing."""
    if isinstance(defaults, dict):
        if not isinstance(overlay, dict):
            raise PolicyError(f"{source}: {where} must be a mapping")
        for key, value in overlay.items():
            if key not in defaults:
                allowed = ", ".join(str(k) for k in defaults)
                raise PolicyError(f"{source}: unknown key '{where}{key}'; allowed here: {allowed}")
            _check_keys(value, defaults[key], source, f"{where}{key}.")
    elif isinstance(defaults, list) and defaults and isinstance(defaults[0], dict):
        if not isinstance(overlay, list):
            raise PolicyError(f"{source}: {where.rstrip('.')} must be a list")
        for number, item in enumerate(overlay, start=1):
            _check_keys(item, defaults[0], source, f"{where.rstrip('.')}[{number}].")


_DAYS_RE = re.compile(r"([0-9]{1,3})(?:-([0-9]{1,3}))?")


class _Reader:
    """Typed access to the merged document; errors name the file the bad value came from."""

    def __init__(self, data: dict[str, Any], overlay: dict[str, Any], default: str, shop: str):
        self.data, self.overlay, self.default, self.shop = data, overlay, default, shop
        self.warnings: list[str] = []

    def build(self, files: tuple[str, ...]) -> Policy:
        return Policy(
            shop=self._shop(),
            holidays=self._holidays(),
            refund=self._refund(),
            compensation=self._compensation(),
            returns=self._returns(),
            shipping=self._shipping(),
            files=files,
            warnings=tuple(self.warnings),
        )

    def source(self, key: str) -> str:
        node: Any = self.overlay
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return self.default
            node = node[part]
        return self.shop

    def raw(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise PolicyError(f"{self.default}: '{key}' is missing")
            node = node[part]
        return node

    def fail(self, key: str, problem: str) -> PolicyError:
        return PolicyError(f"{self.source(key)}: {key}: {problem}")

    def floor(self, key: str, message: str) -> None:
        self.warnings.append(f"{self.source(key)}: {key}: {message}")

    def boolean(self, key: str) -> bool:
        value = self.raw(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false (got {value!r})")
        return value

    def day_count(self, key: str, minimum: int = 0) -> int:
        value = self.raw(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not minimum <= value <= MAX_DAYS
        ):
            raise self.fail(
                key, f"must be a whole number of days from {minimum} to {MAX_DAYS} (got {value!r})"
            )
        return value

    def amount(self, key: str, value: Any = None) -> Decimal:
        value = self.raw(key) if value is None else value
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.fail(key, f"must be an amount in yuan, e.g. 10 or 9.9 (got {value!r})")
        try:
            return parse_amount(str(value), key)
        except UsageError as exc:
            raise PolicyError(f"{self.source(key)}: {exc}") from None

    def rate(self, key: str) -> Decimal:
        value = self.raw(key)
        try:
            rate = Decimal(str(value))
        except InvalidOperation:
            rate = Decimal(-1)
        if isinstance(value, bool) or not rate.is_finite() or not 0 <= rate <= 1:
            raise self.fail(key, f"must be a fraction between 0 and 1, e.g. 0.10 (got {value!r})")
        return rate

    def days(self, key: str, value: Any = None) -> str:
        value = self.raw(key) if value is None else value
        text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
        match = _DAYS_RE.fullmatch(text)
        low, high = (int(match[1]), int(match[2] or match[1])) if match else (0, -1)
        if not low <= high <= MAX_DAYS:
            raise self.fail(key, f"must be days like 3 or 2-4, at most {MAX_DAYS} (got {value!r})")
        return text

    def names(self, key: str, allowed: tuple[str, ...]) -> list[str]:
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, f"must be a list of names from: {', '.join(allowed)}")
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise self.fail(key, f"unknown '{unknown[0]}'; use names from: {', '.join(allowed)}")
        return list(value)

    def regions(self, key: str, value: Any = None) -> tuple[str, ...]:
        value = self.raw(key) if value is None else value
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, "must be a list of region names, e.g. [新疆, 西藏]")
        try:
            return tuple(find_region(item) for item in value)
        except UsageError as exc:
            raise self.fail(key, str(exc)) from None

    def text(self, key: str, example: str, value: Any = None) -> str | None:
        value = self.raw(key) if value is None else value
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise self.fail(key, f"must be a text, e.g. {example} (or null)")
        return str(value).strip()

    def calendar_date(self, key: str, value: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value), key)
        except UsageError as exc:
            raise PolicyError(f"{self.source(key)}: {exc}") from None

    def _shop(self) -> ShopProfile:
        catalogue = self.text("shop.catalogue", "products.yaml")
        path = None
        if catalogue is not None:
            # A relative path is read from the folder of the file that names it.
            path = Path(self.source("shop.catalogue")).parent / Path(catalogue).expanduser()
        return ShopProfile(
            name=self.text("shop.name", "小美家"),
            service_hours=self.text("shop.service_hours", '"9:00-23:00"'),
            ship_by=self.text("shop.ship_by", '"16:00"'),
            dispatch_days=self.day_count("shop.dispatch_days"),
            catalogue=path,
        )

    def _holidays(self) -> tuple[Holiday, ...]:
        key = "holidays"
        raw = self.raw(key)
        fields = ("name", "closed_from", "closed_to", "last_dispatch", "resume_day")
        if not isinstance(raw, list):
            raise self.fail(key, f"must be a list of {{{', '.join(fields)}}}")
        holidays = []
        for number, item in enumerate(raw, start=1):
            where = f"{key}[{number}]"
            if not isinstance(item, dict) or set(item) != set(fields):
                raise self.fail(where, f"each holiday needs exactly {', '.join(fields)}")
            name = self.text(where, "春节", item["name"]) or ""
            dates = [self.calendar_date(f"{where}.{field}", item[field]) for field in fields[1:]]
            closed_from, closed_to, last_dispatch, resume_day = dates
            if not last_dispatch <= closed_from <= closed_to < resume_day:
                raise self.fail(
                    where, "dates must run last_dispatch ≤ closed_from ≤ closed_to < resume_day"
                )
            holidays.append(Holiday(name, closed_from, closed_to, last_dispatch, resume_day))
        return tuple(sorted(holidays, key=lambda holiday: holiday.closed_from))

    def _refund(self) -> RefundPolicy:
        due = self.day_count("refund.due_within_days", 1)
        if due > LEGAL_REFUND_DAYS:
            self.floor(
                "refund.due_within_days",
                f"{due} days is later than the law allows (the refund is due within "
                f"{LEGAL_REFUND_DAYS} days of receiving the return, 消费者权益保护法 art. 25); "
                f"using {LEGAL_REFUND_DAYS}",
            )
            due = LEGAL_REFUND_DAYS
        return RefundPolicy(self.boolean("refund.deduct_outbound_shipping"), due)

    def _compensation(self) -> CompensationPolicy:
        return CompensationPolicy(
            goodwill_rate=self.rate("compensation.goodwill_rate"),
            first_offer_rate=self.rate("compensation.first_offer_rate"),
            keep_damaged_rate=self.rate("compensation.keep_damaged_rate"),
            gift_price_below=self.amount("compensation.missing_gift.price_below"),
            gift_small=self.amount("compensation.missing_gift.small"),
            gift_large=self.amount("compensation.missing_gift.large"),
        )

    def _returns(self) -> ReturnPolicy:
        window = self.day_count("returns.window_days")
        if window < LEGAL_WINDOW_DAYS:
            self.floor(
                "returns.window_days",
                f"{window} days is shorter than the legal {LEGAL_WINDOW_DAYS}-day no-reason "
                f"return (消费者权益保护法 art. 25); using {LEGAL_WINDOW_DAYS}",
            )
            window = LEGAL_WINDOW_DAYS
        excluded = self.names("returns.excluded_categories", CATEGORIES)
        for category in sorted(set(excluded) - LEGAL_EXCLUSIONS):
            self.floor(
                "returns.excluded_categories",
                f"'{category}' goods may not be excluded from no-reason returns (the law "
                "allows only custom, perishable, digital-opened, periodical and "
                "confirmed-nonreturnable goods); ignoring it",
            )
        conditions = self.names("returns.not_intact_conditions", CONDITIONS)
        for condition in sorted(set(conditions) & ALWAYS_INTACT):
            self.floor(
                "returns.not_intact_conditions",
                f"'{condition}' goods are intact (trying on or inspecting is normal, 2017 "
                "measures on no-reason returns); ignoring it",
            )
        return ReturnPolicy(
            window_days=window,
            excluded_categories=frozenset(excluded) & LEGAL_EXCLUSIONS,
            not_intact_conditions=frozenset(conditions) - ALWAYS_INTACT,
        )

    def _shipping(self) -> ShippingPolicy:
        courier = self.raw("shipping.courier")
        if not isinstance(courier, str) or not courier.strip():
            raise self.fail("shipping.courier", "must be the courier's name, e.g. 中通快递")
        threshold = self.raw("shipping.free_threshold")
        return ShippingPolicy(
            courier=courier.strip(),
            fee=self.amount("shipping.fee"),
            days=self.days("shipping.days"),
            zones=self._zones(),
            ems_fee=self.amount("shipping.ems.fee"),
            ems_days=self.days("shipping.ems.days"),
            free_threshold=None if threshold is None else self.amount("shipping.free_threshold"),
            remote_regions=self.regions("shipping.remote_regions"),
            free_to_remote=self.boolean("shipping.free_to_remote"),
            not_served=frozenset(self.regions("shipping.not_served")),
        )

    def _zones(self) -> tuple[Zone, ...]:
        key = "shipping.zones"
        raw = self.raw(key)
        if not isinstance(raw, list):
            raise self.fail(key, "must be a list of {name, regions, fee, days}")
        zones = []
        for item in raw:
            if not isinstance(item, dict) or set(item) != {"name", "regions", "fee", "days"}:
                raise self.fail(key, "each zone needs exactly name, regions, fee and days")
            if not isinstance(item["name"], str) or not item["name"].strip():
                raise self.fail(key, "a zone's name must be a text, e.g. 江浙沪")
            zones.append(
                Zone(
                    name=item["name"].strip(),
                    regions=self.regions(key, item["regions"]),
                    fee=self.amount(key, item["fee"]),
                    days=self.days(key, item["days"]),
                )
            )
        return tuple(zones)
