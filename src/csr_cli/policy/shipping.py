"""Shipping fee, free shipping, courier and days to a region (../shared/policy_rules.md)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple

from csr_cli.errors import PolicyError
from csr_cli.money import ZERO, fmt, fmt_chat
from csr_cli.policy.cities import Place, find_place
from csr_cli.policy.model import SHOP_RULE, Rule, ShippingPolicy, Zone
from csr_cli.policy.result import Working, calculation_json, not_a_case


class Courier(str, Enum):
    standard = "standard"
    ems = "ems"


EMS_NAME = "EMS"


class ShippingResult(NamedTuple):
    working: Working
    region: str
    city: str | None  # the city the agent named, in `region`
    fee: Decimal
    free: bool | None  # None: no order amount given, so not known yet
    courier: str
    days: str
    remote: bool
    short_of_free: Decimal | None  # how much more the order needs for free shipping

    @property
    def headline(self) -> str:
        if self.free and self.fee:
            free = " (the order ships free by the default courier; this is the EMS difference)"
        else:
            free = " (free)" if self.free else ""
        where = f"{self.city} ({self.region})" if self.city else self.region
        return f"shipping to {where}: {fmt(self.fee)} by {self.courier}, {self.days} days{free}"

    def to_json(self) -> dict[str, object]:
        return calculation_json(self)

    def case_fields(self) -> dict[str, Any]:
        not_a_case(self.working)

    def facts(self) -> dict[str, object]:
        return {
            "fee": fmt(self.fee),
            "free": self.free,
            "courier": self.courier,
            "days": self.days,
            "region": self.region,
            "city": self.city,
            "remote": self.remote,
            "short_of_free": None if self.short_of_free is None else fmt(self.short_of_free),
        }


class _Leg(NamedTuple):
    courier: str
    fee: Decimal
    days: str
    chosen_ems: bool  # EMS by the buyer's choice, not because the courier can't reach


def shipping_quote(
    *,
    to: str,
    amounts: Sequence[Decimal] = (),
    courier: Courier | None,
    policy: ShippingPolicy,
) -> ShippingResult:
    """The shipping of an order (or of several orders paid together to one address, which ship
    once: one fee, and the free-shipping threshold applies to their sum) to `to`."""
    amount = sum(amounts, ZERO) if amounts else None
    combined = len(amounts) > 1
    place = find_place(to, groups={zone.name: zone.regions for zone in policy.zones})
    region, city = place.region, place.city
    if region in policy.not_served:
        where = f"{city} in {region}" if city else region
        raise PolicyError(
            f"the shop's policy has no rate for {where} (cross-border); quote it by hand or "
            "add it to shipping in your policy file"
        )
    zone = _zone(region, policy)
    remote = region in policy.remote_regions
    steps_before = (
        [
            f"{len(amounts)} orders to one address ship once: {' + '.join(map(fmt, amounts))} = {fmt(amount or ZERO)}"
        ]
        if combined
        else []
    )
    standard_fee = zone.fee if zone else policy.fee
    leg, steps, warnings = _leg(
        place=place, zone=zone, remote=remote, courier=courier, policy=policy
    )
    free = _free(amount=amount, remote=remote, policy=policy)
    fee = leg.fee
    if free:
        fee = max(leg.fee - standard_fee, ZERO) if leg.chosen_ems else ZERO
        steps.append(_free_step(amount=amount, leg=leg, standard_fee=standard_fee, policy=policy))
    short = None
    if free is False and policy.free_threshold is not None and amount is not None:
        if remote and not policy.free_to_remote:
            steps.append(f"free shipping does not cover remote regions such as {region}")
        else:
            short = policy.free_threshold - amount
            steps.append(
                f"{fmt(amount)} < {fmt(policy.free_threshold)}: add {fmt(short)} more for "
                "free shipping"
            )
    if amount is None and policy.free_threshold is not None:
        steps.append(f"free shipping from {fmt(policy.free_threshold)} (no --amount given)")
    return ShippingResult(
        region=region,
        city=city,
        fee=fee,
        free=free,
        courier=leg.courier,
        days=leg.days,
        remote=remote,
        short_of_free=short,
        working=Working(
            rule=_rule(policy),
            steps=(*steps_before, *steps),
            warnings=tuple(warnings),
            reply_id=_reply_id(free=free, leg=leg, remote=remote, short=short, combined=combined),
            reply_values={
                "region": city or region,  # the buyer named the city: 发往喀什
                "courier": leg.courier,
                "shipping": fmt_chat(fee),
                "days": leg.days,
                "threshold": fmt_chat(policy.free_threshold or ZERO),
                "amount": fmt_chat(short or ZERO),
                "total": fmt_chat(amount or ZERO),
            },
        ),
    )


def _zone(region: str, policy: ShippingPolicy) -> Zone | None:
    return next(
        (zone for zone in policy.zones if region == zone.name or region in zone.regions), None
    )


def _leg(
    *,
    place: Place,
    zone: Zone | None,
    remote: bool,
    courier: Courier | None,
    policy: ShippingPolicy,
) -> tuple[_Leg, list[str], list[str]]:
    """The courier that carries the parcel, with the working and any warning."""
    region, city = place.region, place.city
    within = f"{city} is in {region}" if city else ""
    warnings = []
    if remote:
        if courier is Courier.standard:
            warnings.append(f"{policy.courier} can't reach {region}: the parcel goes by EMS")
        subject = f"{within}, a" if city else f"{region} is a"
        step = (
            f"{subject} remote region the courier can't reach → EMS {fmt(policy.ems_fee)}, "
            f"{policy.ems_days} days"
        )
        return _Leg(EMS_NAME, policy.ems_fee, policy.ems_days, False), [step], warnings
    if courier is Courier.ems:
        step = f"EMS by choice → {fmt(policy.ems_fee)}, {policy.ems_days} days"
        step = f"{within} → {step}" if city else step
        return _Leg(EMS_NAME, policy.ems_fee, policy.ems_days, True), [step], warnings
    fee, days = (zone.fee, zone.days) if zone else (policy.fee, policy.days)
    where = within or region
    if zone and zone.name != region:
        where = f"{within}, in {zone.name}" if city else f"{region} is in {zone.name}"
    step = f"{where} → {policy.courier} {fmt(fee)}, {days} days"
    return _Leg(policy.courier, fee, days, False), [step], warnings


def _free(*, amount: Decimal | None, remote: bool, policy: ShippingPolicy) -> bool | None:
    if amount is None:
        return None
    if policy.free_threshold is None or (remote and not policy.free_to_remote):
        return False
    return amount >= policy.free_threshold


def _free_step(
    *, amount: Decimal | None, leg: _Leg, standard_fee: Decimal, policy: ShippingPolicy
) -> str:
    reached = f"{fmt(amount or ZERO)} ≥ {fmt(policy.free_threshold or ZERO)}: free shipping"
    if not leg.chosen_ems:
        return f"{reached} → fee 0.00"
    difference = max(leg.fee - standard_fee, ZERO)
    return (
        f"{reached} covers {fmt(standard_fee)} by {policy.courier}; EMS by choice → the buyer "
        f"pays the difference {fmt(leg.fee)} − {fmt(standard_fee)} = {fmt(difference)}"
    )


def _rule(policy: ShippingPolicy) -> Rule:
    zones = "".join(f", {zone.name} {fmt(zone.fee)}" for zone in policy.zones)
    free = (
        f"free from {fmt(policy.free_threshold)}"
        if policy.free_threshold is not None
        else "no free shipping"
    )
    return Rule(
        f"Shipping: {policy.courier} {fmt(policy.fee)}{zones}; EMS {fmt(policy.ems_fee)} "
        f"nationwide; {free}; regions the courier can't reach go by EMS",
        SHOP_RULE,
    )


def _reply_id(
    *, free: bool | None, leg: _Leg, remote: bool, short: Decimal | None, combined: bool
) -> str:
    if combined and free and not leg.chosen_ems:
        return "shipping-combined-free"
    if combined and short is not None:
        return "shipping-combined"
    if free:
        return "shipping-ems-difference" if leg.chosen_ems else "shipping-free"
    if short is not None:
        return "shipping-almost-free"
    return "shipping-remote-ems" if remote else "shipping-quote"
