"""csr: canned replies, reply search and policy calculators for online-shop service agents.

Use from Python (see the README, "Use from Python")::

    import csr_cli
    hits = csr_cli.search_replies("能便宜点吗")
    reply = csr_cli.draft_reply(hits[0].entry, remember=False)
    result = csr_cli.refund_due("190", shipping="10")   # result.refund == Decimal("180")

The map of the package, one line each:

    api.py        the Python API re-exported here (loaded on first use, so `csr` starts fast)
    __main__.py   the console script: the fast path (commands/_fast/, a table compiled from
                  the Typer commands) for plain runs of the hot commands, else the Typer app
    cli.py        the root `csr` command; commands/ holds one thin module per command
    edge.py       every error as one line and an exit code, on both paths; streams.py the
                  standard streams (closed, full, mis-encoded)
    replies.py    drafting: an entry → the reply to send (values, variants, rotation, usage)
    compose.py    several replies → one answer in sending order, cut into chat messages
    phrasebook/   entry fields, schema and layers, the compiled cache, editing, import/export,
                  content checks
    search/       text terms, lexicon, the index build, reading a message (query), ranking,
                  several questions in one message (intents), learning from use
    policy/       the shop profile (policy file, catalogue) and the calculators (refund,
                  compensate, returns, shipping, exchange), each result with a shared Working
    cases/        the after-sale case log on SQLite or PostgreSQL, with Alembic migrations
    lint/         the house-tone rules, the tone and personal-data checks, the checker
    kpi/          the monthly KPI: scoring, the scheme file, team sheets
    picker/       the interactive picker: its model and its prompt_toolkit screen
    infrastructure: paths, config, errors, datafile (every data file's loader), fileio,
                  state, money, dates, clipboard, doctor
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from csr_cli.api import (
        check_return,
        compensation_cap,
        compose_reply,
        draft_reply,
        get_entry,
        lint_reply,
        load_phrasebook,
        load_policy,
        refund_due,
        search_intents,
        search_replies,
        shipping_quote,
    )
    from csr_cli.compose import Composed
    from csr_cli.errors import CsrError, MissingValues, NotFound
    from csr_cli.lint.checker import Problem
    from csr_cli.phrasebook.cache import Phrasebook
    from csr_cli.phrasebook.schema import Entry
    from csr_cli.policy.model import Policy
    from csr_cli.replies import Reply
    from csr_cli.search.intents import Intent
    from csr_cli.search.ranking import Hit

# The public API: these names come from csr_cli.api.
__all__ = [
    "Composed",
    "CsrError",
    "Entry",
    "Hit",
    "Intent",
    "MissingValues",
    "NotFound",
    "Phrasebook",
    "Policy",
    "Problem",
    "Reply",
    "check_return",
    "compensation_cap",
    "compose_reply",
    "draft_reply",
    "get_entry",
    "lint_reply",
    "load_phrasebook",
    "load_policy",
    "refund_due",
    "search_intents",
    "search_replies",
    "shipping_quote",
]


def __getattr__(name: str) -> Any:
    # The CLI imports this package on every run; the API's imports wait until a script uses it.
    if name in __all__:
        from csr_cli import api

        return getattr(api, name)
    raise AttributeError(f"module 'csr_cli' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
