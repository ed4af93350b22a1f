"""The shop profile's facts as reply values: every courier, fee, threshold, day count, date and
service time a bundled reply states comes from here, so a reply never contradicts the policy the
calculators use. `phrasebook.placeholders.PROFILE_PLACEHOLDERS` names them."""

from __future__ import annotations

from datetime import date

from csr_cli.dates import fmt_chat_date
from csr_cli.money import fmt_chat
from csr_cli.policy.model import Holiday, Policy

LIST_SEPARATOR = "、"


def profile_values(policy: Policy, *, today: date) -> dict[str, str]:
    """The value of each profile placeholder the policy states (a None fact is left out, so a
    reply that needs it asks for it instead of guessing)."""
    shipping = policy.shipping
    values = {
        "courier": shipping.courier,
        "shipping_fee": fmt_chat(shipping.fee),
        "delivery_days": shipping.days,
        "shipping_rates": shipping_rates(policy),
        "delivery_times": delivery_times(policy),
        "ems_fee": fmt_chat(shipping.ems_fee),
        "ems_days": shipping.ems_days,
        "remote_regions": LIST_SEPARATOR.join(shipping.remote_regions),
        "return_days": str(policy.returns.window_days),
        "refund_days": str(policy.refund.due_within_days),
        "dispatch_days": str(policy.shop.dispatch_days),
    }
    if shipping.free_threshold is not None:
        values["threshold"] = fmt_chat(shipping.free_threshold)
    optional = {
        "shop": policy.shop.name,
        "service_hours": policy.shop.service_hours,
        "ship_by": policy.shop.ship_by,
    }
    values.update({key: value for key, value in optional.items() if value is not None})
    holiday = current_holiday(policy.holidays, today)
    if holiday is not None:
        values.update(
            holiday=holiday.name,
            closed_from=fmt_chat_date(holiday.closed_from),
            closed_to=fmt_chat_date(holiday.closed_to),
            last_dispatch=fmt_chat_date(holiday.last_dispatch),
            resume_day=fmt_chat_date(holiday.resume_day),
        )
    return values


def profile_conditions(policy: Policy) -> dict[str, bool]:
    """Whether the shop has each rule of `placeholders.PROFILE_CONDITIONS`."""
    return {
        "remote-top-up": not policy.shipping.free_to_remote,
        "deducts-outbound-shipping": policy.refund.deduct_outbound_shipping,
    }


def shipping_rates(policy: Policy) -> str:
    """The fees as a reply states them: 江浙沪5元，其他地区10元."""
    zones = [f"{zone.name}{fmt_chat(zone.fee)}元" for zone in policy.shipping.zones]
    rest = "其他地区" if zones else "全国"
    return "，".join([*zones, f"{rest}{fmt_chat(policy.shipping.fee)}元"])


def delivery_times(policy: Policy) -> str:
    """The usual days in transit: 江浙沪1-2天，其他地区2-4天."""
    zones = [f"{zone.name}{zone.days}天" for zone in policy.shipping.zones]
    rest = "其他地区" if zones else "全国"
    return "，".join([*zones, f"{rest}{policy.shipping.days}天"])


def current_holiday(holidays: tuple[Holiday, ...], today: date) -> Holiday | None:
    """The holiday whose dispatch pause is in progress, else the next one to come."""
    for holiday in holidays:  # sorted by date
        if today < holiday.resume_day:
            return holiday
    return None
