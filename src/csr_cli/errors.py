"""The one error family the core raises; the CLI edge turns it into `error: …` and an exit code."""

from __future__ import annotations

import re
from collections.abc import Mapping

USAGE_EXIT = 2


class CsrError(Exception):
    """A problem the user can fix; the message says what is wrong and how to fix it.

    A core error names the inputs it is about by their field names (`shipping`, `variant`) and
    lists them in `fields`; a front end calls `naming` to say them its own way (`--shipping`).
    """

    exit_code = USAGE_EXIT

    def __init__(self, message: str = "", *, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields

    def naming(self, labels: Mapping[str, str]) -> str:
        """The message with each field's first mention called by its label (where it has one)."""
        message = str(self)
        for name in self.fields:
            label = labels.get(name)
            if label is not None:
                pattern = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
                message = re.sub(pattern, label.replace("\\", r"\\"), message, count=1)
        return message


class UsageError(CsrError):
    """Bad input on the command line."""


class PhrasebookError(CsrError):
    """A phrasebook file is malformed; the message names the file, entry and field."""


class EntryError(PhrasebookError):
    """One entry is invalid; the parts are kept so `csr check` can report them separately."""

    def __init__(self, *, where: str, line: int | None, entry: str, field: str, problem: str):
        location = f"{where}:{line}" if line else where
        super().__init__(f"{location}: entry {entry}, field '{field}': {problem}")
        self.where = where
        self.line = line
        self.entry = entry
        self.field = field
        self.problem = problem


class ConfigError(CsrError):
    """The config file or a config value is malformed."""


class PolicyError(CsrError):
    """A policy file is malformed."""


class CaseLogError(CsrError):
    """A case cannot be recorded, found or changed; the message names the field and the fix."""


class CaseLogUnavailable(CaseLogError):
    """The case database cannot be reached or opened (a password is never in the message)."""


class NotFound(CsrError):
    """No entry with that id or alias."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class MissingValues(CsrError):
    """A reply still has placeholders without a value."""

    def __init__(self, entry_id: str, names: list[str], *, profile: bool = False) -> None:
        sets = " ".join(f"--set {name}=…" for name in names)
        # A shop fact the profile leaves out belongs in the profile, not in each agent's config.
        keep = (
            "state it in the shop profile (the policy file, see `csr config path`)"
            if profile
            else f"save a default with `csr config set {names[0]} …`"
        )
        super().__init__(
            f"reply '{entry_id}' needs a value for {', '.join(names)}: pass {sets} or {keep}"
        )
        self.names = names
