"""Drafting: turning a phrasebook entry into the reply that is printed and copied.

`draft_reply` is the one path every command takes (reply, search --copy, pick and each
calculator). It owns where a placeholder's value comes from, which variant is sent, and
recording the reply's rotation and use. Precedence, lowest first:

    entry default < config < given (`--set`) < the shop profile and product < computed

The shop profile (the policy file) states the shop's facts (courier, fees, threshold, day
counts, holidays; PROFILE_PLACEHOLDERS) and `--product SKU` a catalogue product's: a given
value that contradicts one is refused, a config value is overruled with a note. The policy
used is the one the caller computed with, so a draft never quotes another rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from csr_cli.errors import CsrError, MissingValues, NotFound, UsageError
from csr_cli.phrasebook.placeholders import (
    PRODUCT_PLACEHOLDERS,
    PROFILE_CONDITIONS,
    PROFILE_PLACEHOLDERS,
    describe,
    fill,
    names_in,
    names_in_all,
)
from csr_cli.phrasebook.schema import Entry, messages_of
from csr_cli.search.usage import record_use
from csr_cli.state import load_state, update_state

if TYPE_CHECKING:
    from csr_cli.phrasebook.cache import Phrasebook
    from csr_cli.policy.model import Policy

ROTATION_STATE = "rotation"


class Needed(NamedTuple):
    """A placeholder that still needs a value."""

    name: str
    default: str | None
    description: str


# Asked for each placeholder still without a value; returns the value (a terminal prompt).
Ask = Callable[[Needed], str]


class Reply(NamedTuple):
    """A drafted reply, and what the agent should know about how it was filled."""

    id: str
    title: str
    variant: int  # 1-based, as shown to the agent
    variants: int
    text: str  # every message, one per line
    notes: tuple[str, ...] = ()  # how values were chosen, for stderr
    tone_problems: tuple[str, ...] = ()  # a team or personal phrase that breaks `csr lint`
    # The chat messages in sending order; a variant of several messages has more than one.
    messages: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        several = {"messages": list(self.messages)} if len(self.messages) > 1 else {}
        return {
            "id": self.id,
            "title": self.title,
            "variant": self.variant,
            "variants": self.variants,
            "text": self.text,
            **several,
        }


class Values(NamedTuple):
    """The values a variant's placeholders get before anyone is asked, and notes about them."""

    values: dict[str, str]
    notes: tuple[str, ...]


def find_entry(book: Phrasebook, key: str) -> Entry:
    entry = book.get(key)
    if entry is None:
        suggestions = suggest(book, key)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise NotFound(f"no reply with id or alias '{key}'{hint} (see `csr list`)", suggestions)
    return entry


def suggest(book: Phrasebook, key: str, limit: int = 5) -> list[str]:
    """The ids search ranks best for a key that is not an id or alias."""
    from csr_cli.search.ranking import search  # only on this error path

    return [hit.entry.id for hit in search(book, key, limit=limit)]


def choose_variant(entry: Entry, requested: int | None) -> int:
    """The 0-based variant to send: the requested (1-based) one, else the next in rotation."""
    count = len(entry.variants)
    if requested is not None:
        if not 1 <= requested <= count:
            raise UsageError(
                f"variant must be between 1 and {count} for '{entry.id}'", fields=("variant",)
            )
        return requested - 1
    last = load_state(ROTATION_STATE).get(entry.id)
    return (last + 1) % count if isinstance(last, int) else 0


def remember_variant(entry: Entry, index: int) -> None:
    """Record a reply that is being handed out: its rotation, and one more use for the stats."""
    update_state(ROTATION_STATE, lambda rotation: rotation.update({entry.id: index}))
    record_use(entry.id)


def needed_values(entry: Entry, index: int, values: Mapping[str, str]) -> list[Needed]:
    """Placeholders of this variant that have no value yet, with the entry's default if any."""
    return [
        Needed(name, entry.placeholders.get(name), describe(name))
        for name in names_in(entry.variants[index])
        if name not in values
    ]


def known_values(
    entry: Entry | None,
    index: int = 0,
    *,
    given: Mapping[str, str] | None = None,
    computed: Mapping[str, str] | None = None,
    policy: Policy | None = None,
    product: str | None = None,
    config: Mapping[str, str] | None = None,
) -> Values:
    """Every value a variant can take without asking, in the documented precedence.

    `entry` None gives the values for any entry (the picker's preview); `policy` None loads
    the policy in force only when the variant quotes the profile; `product` is a catalogue SKU
    whose facts fill the product placeholders.
    """
    given = dict(given or {})
    computed = dict(computed or {})
    clash = sorted(set(given) & set(computed))
    if clash:
        raise UsageError(
            f"given {clash[0]}=… would contradict the computed {clash[0]}; "
            "change the inputs instead",
            fields=("given",),
        )
    if config is None:
        from csr_cli.config import load_config

        config = load_config()
    notes: list[str] = []
    if entry is not None:
        unknown = sorted(set(given) - set(entry.placeholders) - set(computed))
        if unknown:
            has = ", ".join(entry.placeholders) or "none"
            notes.append(
                f"note: '{entry.id}' has no placeholder {', '.join(unknown)} (it has: {has})"
            )
    used = set(names_in_all(entry.variants[index : index + 1])) if entry is not None else None
    decided = _profile_decides(used, policy, product)
    _check_against_profile(decided, given, config, notes)
    return Values({**config, **given, **decided, **computed}, tuple(notes))


def _profile_decides(
    used: set[str] | None, policy: Policy | None, product: str | None
) -> dict[str, str]:
    """The shop profile's and the product's values for the placeholders in `used` (all when
    None); the policy is loaded only when one is needed."""
    owned = PROFILE_PLACEHOLDERS | PRODUCT_PLACEHOLDERS
    wanted = owned if used is None else owned & used
    if not wanted and product is None:
        return {}
    from csr_cli.dates import today
    from csr_cli.policy.profile import profile_values

    if policy is None:
        from csr_cli.policy.model import load_policy

        policy = load_policy()
    decided = profile_values(policy, today=today())
    if product is not None:
        from csr_cli.policy.catalogue import find_product, product_values

        decided.update(product_values(find_product(policy, product)))
    return {key: value for key, value in decided.items() if key in wanted}


def _check_against_profile(
    decided: Mapping[str, str],
    given: Mapping[str, str],
    config: Mapping[str, str],
    notes: list[str],
) -> None:
    """A given value that contradicts the profile is refused; a config value is overruled."""
    for key, value in decided.items():
        if key in given and given[key] != value:
            raise UsageError(
                f"given {key}={given[key]} contradicts the shop profile ({value}); "
                "change the policy file instead (see `csr config path`)",
                fields=("given",),
            )
        if key in config and config[key] != value:
            notes.append(
                f"note: the shop profile's {key} ({value}) is used, not the config's ({config[key]})"
            )


def draft_reply(
    entry: Entry,
    *,
    variant: int | None = None,
    given: Mapping[str, str] | None = None,
    computed: Mapping[str, str] | None = None,
    policy: Policy | None = None,
    product: str | None = None,
    config: Mapping[str, str] | None = None,
    ask: Ask | None = None,
    remember: bool = True,
) -> Reply:
    """The reply to send for `entry`: the requested (1-based) or next variant, filled.

    Placeholders still without a value are asked for with `ask` (the CLI's terminal prompt);
    without it the entry's default is used, and a placeholder with neither raises
    `MissingValues`. `remember` records the rotation and the use once the reply is complete.
    """
    if config is None:
        from csr_cli.config import load_config

        config = load_config()
    if entry.requires:
        policy = _require_shop_rules(entry, policy)
    index = choose_variant(entry, variant)
    known = known_values(
        entry,
        index,
        given=given,
        computed=computed,
        policy=policy,
        product=product,
        config=config,
    )
    values = dict(known.values)
    for needed in needed_values(entry, index, values):
        if ask is not None:
            values[needed.name] = ask(needed)
        elif needed.default is not None:
            values[needed.name] = needed.default
    missing = [needed.name for needed in needed_values(entry, index, values)]
    if missing:
        # The shop's name is also every agent's config default (`csr config set shop …`).
        profile = all(name in PROFILE_PLACEHOLDERS - {"shop"} for name in missing)
        raise MissingValues(entry.id, missing, profile=profile)
    messages = tuple(messages_of(fill(entry.variants[index], values)))
    text = "\n".join(messages)
    notes = list(known.notes)
    try:
        problems = _tone_problems(entry, text, config)
    except CsrError as exc:  # a broken rules file must not stop the reply
        problems, notes = (), [*notes, f"! lint skipped: {exc}"]
    if remember:
        remember_variant(entry, index)
    return Reply(
        id=entry.id,
        title=entry.title,
        variant=index + 1,
        variants=len(entry.variants),
        text=text,
        notes=tuple(notes),
        tone_problems=problems,
        messages=messages,
    )


def _require_shop_rules(entry: Entry, policy: Policy | None) -> Policy:
    """The policy in force, once it is known to have every rule the entry's wording states."""
    from csr_cli.policy.profile import profile_conditions

    if policy is None:
        from csr_cli.policy.model import load_policy

        policy = load_policy()
    has = profile_conditions(policy)
    missing = [rule for rule in entry.requires if not has.get(rule, False)]
    if missing:
        raise UsageError(
            f"'{entry.id}' says {PROFILE_CONDITIONS[missing[0]]}, which your shop profile does "
            "not; it would tell the buyer a rule your shop doesn't have. Edit the phrase (csr "
            "edit) or the profile"
        )
    return policy


def _tone_problems(entry: Entry, text: str, config: Mapping[str, str]) -> tuple[str, ...]:
    """What `csr lint` finds in a team or personal phrase; bundled phrases are linted by the
    test suite, so they cost nothing here."""
    if entry.layer == "bundled":
        return ()
    from csr_cli.lint.checker import lint_text, shop_data
    from csr_cli.lint.rules import load_rules

    rules = load_rules()
    problems = lint_text(
        text,
        rules,
        allow=shop_data(config.values()),
        opening=rules.opens_conversation(entry.tags),
    )
    return tuple(problem.describe() for problem in problems)
