"""Money in yuan: strict parsing of what agents type, fen rounding, and two-decimal formatting.

Amounts are `Decimal` everywhere; binary floats never touch money.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from csr_cli.errors import UsageError

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# After NFKC (which folds ￥ into ¥, full-width digits and ．into ASCII): an optional currency
# sign, digits with up to two decimals, an optional 元/块 or "yuan".
_AMOUNT_RE = re.compile(
    r"^(?P<sign>[-+]?)\s*[¥$]?\s*(?P<number>\d+(?:\.\d+)?)\s*(?:元|块|yuan|rmb)?$"
)
_EXAMPLES = "e.g. 190, 190.5, ¥190 or 190元"
MAX_YUAN_DIGITS = 10  # up to 9,999,999,999.99 yuan: above any order, within Decimal precision


def parse_amount(text: str, option: str) -> Decimal:
    """`text` as yuan; a UsageError naming `option` for anything that is not a plain amount."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    if not cleaned:
        raise UsageError(f"{option} needs an amount in yuan, {_EXAMPLES}")
    match = _AMOUNT_RE.match(cleaned)
    if match is None:
        raise UsageError(f"{option} is not an amount (got '{text}'); use {_EXAMPLES}")
    if match["sign"] == "-" and Decimal(match["number"]) != 0:
        raise UsageError(f"{option} must not be negative (got '{text}')")
    number = match["number"]
    if "." in number and len(number.split(".")[1]) > 2:
        raise UsageError(
            f"{option} has more than two decimals (got '{text}'); amounts are yuan and fen, "
            "e.g. 9.99"
        )
    if len(number.split(".")[0].lstrip("0")) > MAX_YUAN_DIGITS:
        raise UsageError(
            f"{option} is too large (got '{text}'); a shop amount has at most "
            f"{MAX_YUAN_DIGITS} digits before the decimal point"
        )
    return Decimal(number).quantize(FEN)


def parse_amounts(text: str, option: str) -> list[Decimal]:
    """A comma-separated list of amounts, e.g. `120,80` (Chinese commas and 、 work too)."""
    parts = re.split(r"[,，、;；\s]+", text.strip())
    if not any(parts):
        raise UsageError(f"{option} needs a comma-separated list of amounts, e.g. 120,80")
    return [parse_amount(part, option) for part in parts if part]


def round_down(value: Decimal) -> Decimal:
    """Caps round down to the fen, so a cap is never more than its rate allows."""
    return value.quantize(FEN, rounding=ROUND_DOWN)


def round_half_up(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """Two decimals, as in the working and in JSON: `180.00`."""
    return str(round_half_up(value))


def fmt_chat(value: Decimal) -> str:
    """How an amount reads in a chat reply: `180` for whole yuan, else `9.99`."""
    text = fmt(value)
    return text[:-3] if text.endswith(".00") else text
