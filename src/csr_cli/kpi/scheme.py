"""The KPI scheme on disk: policies/kpi.yaml, with one shop file layered on top, validated strictly.

The shop file is the first of: `--policy FILE`, the file named by CSR_KPI_POLICY, `kpi.yaml` in
the config folder. It overrides the bundled scheme key by key (nested sections merge, lists are
replaced whole). Every problem names the file and the field.
"""

from __future__ import annotations

import itertools
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from csr_cli import paths
from csr_cli.datafile import deep_merge
from csr_cli.errors import PolicyError, UsageError
from csr_cli.kpi.scoring import (
    GRADED_ITEMS,
    Grade,
    KpiPolicy,
    Level,
    PointRange,
    RefundTier,
    parse_rate,
)

POLICY_ENV = "CSR_KPI_POLICY"
FILE_NAME = "kpi.yaml"
TOP_KEYS = (
    *GRADED_ITEMS,
    *("refund_rate", "attendance", "deductions", "additions", "pass_ratio", "bonus", "base_pay"),
)


def bundled_file() -> Path:
    return paths.bundled_policies_dir() / FILE_NAME


def user_file() -> Path:
    return paths.personal_kpi_policy()


def shop_file(explicit: Path | None = None) -> Path | None:
    """The shop's own scheme, if any: --policy, then CSR_KPI_POLICY, then the config folder."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(POLICY_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    user = user_file()
    return user if user.is_file() else None


def load_policy(explicit: Path | None = None) -> KpiPolicy:
    default = _read(bundled_file())
    policy = _Checker(bundled_file()).policy(default)
    shop = shop_file(explicit)
    if shop is None:
        return policy
    return _Checker(shop).policy(deep_merge(default, _read(shop)))


def _read(path: Path) -> dict[str, Any]:
    import yaml

    if path.exists() and not path.is_file():  # reading a FIFO would wait forever
        raise PolicyError(
            f"{path}: not a regular file (a folder, FIFO or device); name the KPI scheme's "
            "YAML file"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))  # Notepad adds a BOM
    except OSError as exc:
        raise PolicyError(
            f"{path}: cannot read the KPI policy ({exc.strerror}); check the path"
        ) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = " ".join(str(exc).split())
        raise PolicyError(f"{path}: not a valid YAML file: {problem}") from None
    except (ValueError, RecursionError):  # a 5000-digit number, nesting thousands deep
        raise PolicyError(
            f"{path}: holds a number too long or nesting too deep to be a KPI scheme; fix the file"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: must be a mapping of sections such as refund_rate, base_pay")
    return data


class _Checker:
    """Turns the parsed YAML into a KpiPolicy; every failure names the file and field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> NoReturn:
        raise PolicyError(f"{self.path}: {field}: {problem}")

    def section(self, value: Any, field: str, keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(field, f"must be a mapping with {', '.join(keys)}")
        for key in value:
            if key not in keys:
                self.fail(field, f"unknown key '{key}'; use {', '.join(keys)}")
        for key in keys:
            if key not in value:
                self.fail(field, f"'{key}' is missing")
        return value

    def points(self, value: Any, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(field, f"must be a whole number of points, 0 or more (got {value!r})")
        return value

    def point_range(self, value: Any, field: str) -> PointRange:
        data = self.section(value, field, ("min", "max"))
        low, high = (
            self.points(data["min"], f"{field}.min"),
            self.points(data["max"], f"{field}.max"),
        )
        if not 1 <= low <= high:
            self.fail(field, f"needs 1 <= min <= max (got {low}-{high})")
        return PointRange(low, high)

    def rate(self, value: Any, field: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(field, f"must be a percentage such as 5% (got {value!r})")
        try:
            return parse_rate(str(value))
        except UsageError as exc:
            self.fail(field, str(exc))

    def money(self, value: Any, field: str) -> Decimal:
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = Decimal("NaN")
        if isinstance(value, bool) or not amount.is_finite() or amount < 0:
            self.fail(field, f"must be an amount in yuan such as 2000 (got {value!r})")
        if amount != amount.quantize(Decimal("0.01")):
            self.fail(field, f"has more than two decimals ({value!r})")
        return amount

    def grades(self, value: Any, field: str) -> dict[Grade, int]:
        data = self.section(value, field, tuple(grade.value for grade in Grade))
        points = {
            grade: self.points(data[grade.value], f"{field}.{grade.value}") for grade in Grade
        }
        ordered = list(points.values())
        if ordered != sorted(ordered, reverse=True):
            self.fail(field, "a better grade may not earn fewer points than a worse one")
        return points

    def refund(self, value: Any, field: str) -> tuple[tuple[RefundTier, ...], int]:
        data = self.section(value, field, ("tiers", "above"))
        tiers_raw = data["tiers"]
        if not isinstance(tiers_raw, list) or not tiers_raw:
            self.fail(f"{field}.tiers", "must be a list of {up_to, points} tiers")
        tiers = tuple(self.tier(raw, f"{field}.tiers[{n}]") for n, raw in enumerate(tiers_raw, 1))
        above = self.points(data["above"], f"{field}.above")
        for lower, higher in itertools.pairwise(tiers):
            if higher.up_to <= lower.up_to or higher.points > lower.points:
                self.fail(f"{field}.tiers", "list tiers by rising up_to, with points not rising")
        if above > tiers[-1].points:
            self.fail(f"{field}.above", "may not earn more than the last tier")
        return tiers, above

    def tier(self, value: Any, field: str) -> RefundTier:
        data = self.section(value, field, ("up_to", "points"))
        return RefundTier(
            self.rate(data["up_to"], f"{field}.up_to"),
            self.points(data["points"], f"{field}.points"),
        )

    def policy(self, data: dict[str, Any]) -> KpiPolicy:
        self.section(data, "top level", TOP_KEYS)
        tiers, above = self.refund(data["refund_rate"], "refund_rate")
        attendance = self.section(
            data["attendance"], "attendance", ("points", "per_late", "per_leave", "per_absence")
        )
        minus = self.section(data["deductions"], "deductions", ("per_low_review", "complaint"))
        plus = self.section(data["additions"], "additions", ("per_praise", "outstanding"))
        bonus = self.section(data["bonus"], "bonus", ("full",))
        base = self.section(data["base_pay"], "base_pay", tuple(level.value for level in Level))

        def attendance_points(key: str) -> int:
            return self.points(attendance[key], f"attendance.{key}")

        policy = KpiPolicy(
            grades={key: self.grades(data[key], key) for key in GRADED_ITEMS},
            refund_tiers=tiers,
            refund_above=above,
            attendance=attendance_points("points"),
            per_late=attendance_points("per_late"),
            per_leave=attendance_points("per_leave"),
            per_absence=attendance_points("per_absence"),
            per_low_review=self.points(minus["per_low_review"], "deductions.per_low_review"),
            complaint=self.point_range(minus["complaint"], "deductions.complaint"),
            per_praise=self.points(plus["per_praise"], "additions.per_praise"),
            outstanding=self.point_range(plus["outstanding"], "additions.outstanding"),
            pass_ratio=self.rate(data["pass_ratio"], "pass_ratio"),
            full_bonus=self.money(bonus["full"], "bonus.full"),
            base_pay={
                level: self.money(base[level.value], f"base_pay.{level.value}") for level in Level
            },
        )
        if policy.total == 0:
            self.fail("top level", "the items' best points add up to 0; give them points")
        return policy
