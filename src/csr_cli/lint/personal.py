"""Customers' personal data in a draft: phone, ID-card and bank-card numbers, e-mail and
street addresses. Each is masked by its fix, so `csr lint --fix` never sends one on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache

from csr_cli.lint.draft import Draft, Problem

PERSONAL_CODES = ("phone", "id-card", "bank-card", "email", "address")
NEVER_SEND = "never send a customer's personal data"

_BEFORE = r"(?<![0-9A-Za-z*+])"  # not inside a longer number, a masked number or a code
_AFTER = r"(?![0-9A-Za-z*])"
_PHONE = re.compile(_BEFORE + r"(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}" + _AFTER)
_ID_CARD = re.compile(_BEFORE + r"[1-9][0-9]{16}[0-9Xx]" + _AFTER)
_BANK_CARD = re.compile(_BEFORE + r"[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?" + _AFTER)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_UNITS = "号楼|号|弄|栋|幢|单元|室"
_ADDRESS = (
    r"[\u4e00-\u9fff]{2,4}?(?:省|市|区|县)"  # the first administrative unit
    r"[\u4e00-\u9fffA-Za-z0-9-]{0,30}?"  # more units, the road or the housing estate
    rf"[0-9]+(?:{_UNITS})(?:[0-9A-Za-z-]*(?:{_UNITS}|楼|层))*"  # house, building, unit, room
)
_STREET_LEVEL = re.compile(r"[路街巷弄栋幢室]|大道|胡同|单元|号楼")
_ADDRESS_LEAD_IN = "地址是为在到往至寄发送的"
# A long number right after 单号/订单 is an order or tracking number, not a card.
_ORDER_CONTEXT = re.compile(r"(?:单号|订单|编号|快递号|运单)[号码]?(?:是|为|：|:|\s)*$")
_ID_REGIONS = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_id_card(number: str) -> bool:
    """An 18-character PRC resident ID: region, a real birth date, and the GB 11643 check digit."""
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9Xx]", number) or number[:2] not in _ID_REGIONS:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
        % 11
    )
    return "10X98765432"[remainder] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def personal_problems(draft: Draft) -> Iterator[Problem]:
    yield from _numbers(draft)
    for match in _EMAIL.finditer(draft.normalised):
        local, _, domain = match.group().partition("@")
        masked = f"{local[0]}***@{domain}"
        yield draft.problem(
            "email", match.start(), match.end(), f"an e-mail address; {NEVER_SEND}", masked, masked
        )
    yield from _addresses(draft)


def _numbers(draft: Draft) -> Iterator[Problem]:
    text = draft.normalised
    ids: set[int] = set()
    for match in _PHONE.finditer(text):
        if not _order_number(text, match.start()):
            digits = re.sub(r"[^0-9]", "", match.group())[-11:]
            masked = f"{digits[:3]}****{digits[-4:]}"
            message = f"a mobile phone number; {NEVER_SEND}"
            yield draft.problem("phone", match.start(), match.end(), message, masked, masked)
    for match in _ID_CARD.finditer(text):
        if valid_id_card(match.group()) and not _order_number(text, match.start()):
            ids.add(match.start())
            masked = match.group()[:3] + "*" * 11 + match.group()[-4:]
            message = f"an ID-card number (its check digit is valid); {NEVER_SEND}"
            yield draft.problem("id-card", match.start(), match.end(), message, masked, masked)
    for match in _BANK_CARD.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group())
        if match.start() in ids or not luhn_valid(digits) or _order_number(text, match.start()):
            continue
        masked = "*" * (len(digits) - 4) + digits[-4:]
        message = f"a bank card number (it passes the Luhn check); {NEVER_SEND}"
        yield draft.problem("bank-card", match.start(), match.end(), message, masked, masked)


def _order_number(text: str, start: int) -> bool:
    return _ORDER_CONTEXT.search(text[max(0, start - 10) : start]) is not None


@cache
def _address_pattern() -> re.Pattern[str]:
    # Compiling the CJK ranges costs milliseconds; most replies never get this far.
    return re.compile(_ADDRESS)


def _addresses(draft: Draft) -> Iterator[Problem]:
    if not any(unit in draft.text for unit in "省市区县"):
        return
    for match in _address_pattern().finditer(draft.normalised):
        found = match.group()
        first_unit = re.search("[省市区县]", found)
        if first_unit is None or not _STREET_LEVEL.search(found, first_unit.end()):
            continue
        start = match.start()
        # the lazy match may begin with the words before the place name (寄到, 地址是)
        while found[0] in _ADDRESS_LEAD_IN and first_unit.start() - (start - match.start()) > 2:
            start += 1
            found = found[1:]
        yield draft.problem(
            "address",
            start,
            match.end(),
            f"a detailed street address; {NEVER_SEND}",
            "请买家在订单里核对收货地址，回复里不写完整地址",
        )
