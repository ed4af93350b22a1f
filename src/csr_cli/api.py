"""The Python API: what a script or another tool needs, as `import csr_cli` gives it.

These are the functions the commands use underneath, with defaults a script wants: amounts as
`Decimal`, `int` or text ("190", "¥190", "190元"), the shop policy in force unless one is
passed, and typed results whose `to_json()` is what `--json` prints. Errors are `CsrError`s
whose message says what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TypeVar

from csr_cli import dates, replies
from csr_cli.compose import Composed, compose, message_limit

# Re-exported for scripts that catch csr's errors.
from csr_cli.errors import CsrError as CsrError
from csr_cli.errors import MissingValues as MissingValues
from csr_cli.errors import NotFound as NotFound
from csr_cli.errors import UsageError
from csr_cli.lint.checker import Problem, lint_text
from csr_cli.money import parse_amount
from csr_cli.phrasebook.cache import Phrasebook, open_phrasebook
from csr_cli.phrasebook.schema import Entry
from csr_cli.policy import compensate, refund, returns, shipping
from csr_cli.policy import model as policy_model
from csr_cli.policy.compensate import CompensationReason, CompensationResult
from csr_cli.policy.model import Category, Condition, Policy
from csr_cli.policy.refund import RefundReason, RefundResult
from csr_cli.policy.returns import ReturnResult
from csr_cli.policy.shipping import Courier, ShippingResult
from csr_cli.replies import Reply
from csr_cli.search.intents import Intent, find_intents
from csr_cli.search.ranking import Hit, search

Amount = Decimal | int | str
E = TypeVar("E", bound=Enum)


def load_phrasebook() -> Phrasebook:
    """The merged phrasebook: bundled, then team files (CSR_PHRASEBOOK_PATH), then your own."""
    return open_phrasebook()


def get_entry(key: str, book: Phrasebook | None = None) -> Entry:
    """The entry with this id or alias; `NotFound` (with suggestions) when there is none."""
    return replies.find_entry(book or load_phrasebook(), key)


def search_replies(
    message: str,
    *,
    limit: int = 10,
    role: str | None = None,
    book: Phrasebook | None = None,
    explain: bool = False,
) -> list[Hit]:
    """The entries that best answer a buyer's message (or an id, alias or pinyin), best first.
    `explain` fills each hit's `why`: the matched terms and what each added to the score."""
    return search(book or load_phrasebook(), message, limit=limit, role=role, explain=explain)


def search_intents(
    message: str,
    *,
    limit: int = 3,
    role: str | None = None,
    book: Phrasebook | None = None,
) -> list[Intent]:
    """The separate questions of a buyer's message, in order, each with its best replies; an
    empty list when the message asks one thing."""
    return find_intents(book or load_phrasebook(), message, limit=limit, role=role)


def compose_reply(
    entries: Sequence[Entry | str],
    *,
    values: Mapping[str, str] | None = None,
    policy: Policy | None = None,
    limit: int | None = None,
    separate: bool = False,
    remember: bool = True,
) -> Composed:
    """One answer from several entries (or ids): drafted as `draft_reply` drafts each, put in
    sending order (one greeting, apology before remedy, closing last) and packed into chat
    messages of at most `limit` characters (else the config's message_limit, else 500);
    `separate` makes every part a message of its own."""
    from csr_cli.config import load_config

    config = load_config()
    found = [get_entry(entry) if isinstance(entry, str) else entry for entry in entries]
    drafted = [
        (
            entry,
            replies.draft_reply(
                entry,
                given={k: v for k, v in (values or {}).items() if k in entry.placeholders},
                policy=policy,
                config=config,
                remember=remember,
            ),
        )
        for entry in found
    ]
    return compose(drafted, limit=message_limit(config, limit), separate=separate)


def draft_reply(
    entry: Entry | str,
    *,
    variant: int | None = None,
    values: Mapping[str, str] | None = None,
    policy: Policy | None = None,
    product: str | None = None,
    remember: bool = True,
) -> Reply:
    """The reply to send for an entry (or its id): the given 1-based variant, else the next in
    rotation, with placeholders filled from your config, then `values`, then the shop
    profile's facts (courier, fees, threshold, days, holidays) and the catalogue `product`'s
    (a SKU). `remember` records the rotation and the use, as the CLI does. Raises
    `MissingValues` naming any placeholder that still has no value."""
    found = get_entry(entry) if isinstance(entry, str) else entry
    return replies.draft_reply(
        found, variant=variant, given=values, policy=policy, product=product, remember=remember
    )


def load_policy(path: Path | str | None = None) -> Policy:
    """The shop policy: the bundled defaults with `path` (else CSR_POLICY, else the config
    folder's policy.yaml) laid over them."""
    return policy_model.load_policy(None if path is None else Path(path))


def refund_due(
    paid: Amount,
    *,
    shipping: Amount | None = None,
    reason: RefundReason | str = RefundReason.no_reason,
    return_shipping: Amount | None = None,
    policy: Policy | None = None,
) -> RefundResult:
    """How much to refund on an order: `paid` includes the outbound `shipping`."""
    return refund.refund_due(
        paid=_money(paid, "paid"),
        shipping=_optional_money(shipping, "shipping"),
        reason=_choice(RefundReason, reason, "reason"),
        return_shipping=_optional_money(return_shipping, "return_shipping"),
        policy=policy or load_policy(),
    )


def compensation_cap(
    price: Amount,
    *,
    reason: CompensationReason | str = CompensationReason.goodwill,
    shipping: Amount | None = None,
    offer: Amount | None = None,
    policy: Policy | None = None,
) -> CompensationResult:
    """The most an agent may pay for `reason`, and whether an `offer` is within it."""
    return compensate.compensation_cap(
        price=_money(price, "price"),
        reason=_choice(CompensationReason, reason, "reason"),
        shipping=_optional_money(shipping, "shipping"),
        offer=_optional_money(offer, "offer"),
        policy=(policy or load_policy()).compensation,
    )


def check_return(
    signed: date,
    *,
    on: date | None = None,
    category: Category | str = Category.general,
    conditions: Iterable[Condition | str] = (),
    quality: bool = False,
    gift_missing: bool = False,
    policy: Policy | None = None,
) -> ReturnResult:
    """Whether the buyer who signed for the parcel on `signed` may return it on `on` (today)."""

    return returns.check_return(
        signed=signed,
        on=dates.today() if on is None else on,
        category=_choice(Category, category, "category"),
        conditions=tuple(_choice(Condition, item, "conditions") for item in conditions),
        quality=quality,
        gift_missing=gift_missing,
        policy=(policy or load_policy()).returns,
    )


def shipping_quote(
    to: str,
    *,
    amount: Amount | Sequence[Amount] | None = None,
    courier: Courier | str | None = None,
    policy: Policy | None = None,
) -> ShippingResult:
    """Fee, free or not, courier and days to a province, city or zone (浙江, 杭州, 江浙沪).
    Several amounts are orders paid together to one address: they ship once, and the
    free-shipping threshold applies to their sum."""
    several = amount if isinstance(amount, (list, tuple)) else () if amount is None else (amount,)
    return shipping.shipping_quote(
        to=to,
        amounts=tuple(_money(each, "amount") for each in several),
        courier=None if courier is None else _choice(Courier, courier, "courier"),
        policy=(policy or load_policy()).shipping,
    )


def lint_reply(text: str, *, allow: Iterable[str] = (), opening: bool = False) -> list[Problem]:
    """Every house-tone problem in a draft reply; `allow` lists the shop's own data (its phone,
    its address) that may appear in it; `opening` says the reply starts the conversation, so it
    must address the buyer (亲/您), as greetings and refusals always must."""
    return lint_text(text, allow=allow, opening=opening)


def _money(value: Amount, field: str) -> Decimal:
    return parse_amount(str(value), field)


def _choice(kind: type[E], value: E | str, field: str) -> E:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in kind)
        raise UsageError(f"{field} must be one of {choices} (got '{value}')") from None


def _optional_money(value: Amount | None, field: str) -> Decimal | None:
    return None if value is None else _money(value, field)
