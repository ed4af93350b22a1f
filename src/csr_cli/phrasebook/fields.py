"""The one table of a phrasebook entry's fields.

The schema, import and export, editing, merging and the search index all read this table, so a
new field is one row here (plus its attribute on `Entry`), and the compiled cache's version
derives from it: a cache built with another table is never read.
"""

from __future__ import annotations

import zlib
from typing import Literal, NamedTuple

# text: one line of text; texts: a list of texts; placeholders: name -> default (or null);
# messages: a list of texts where an item may instead be a list of up to MAX_MESSAGES texts, an
# ordered sequence of chat messages sent by one shortcut.
Kind = Literal["text", "texts", "messages", "placeholders"]
MAX_MESSAGES = 5  # Chinese chat clients send at most five messages per quick phrase
# How a variant of several messages is held in memory and in the cache: its messages joined by
# the ASCII record separator, which no phrase contains (the schema refuses it in a text).
MESSAGE_BREAK = "\x1e"


class Field(NamedTuple):
    name: str
    kind: Kind
    required: bool = False
    # What a file may leave out: None for a required field, "" or () otherwise. `title`
    # defaults to the id (see schema.entry_to_raw).
    default: str | tuple[str, ...] | None = None
    # The column in CSV import and export; None keeps the field out of sheets.
    csv_column: str | None = None
    # How much a query term found in this field counts in search (0: not searched).
    search_weight: float = 0.0


FIELDS: tuple[Field, ...] = (
    Field("id", "text", required=True, csv_column="id", search_weight=2.0),
    Field("title", "text", default="", csv_column="title", search_weight=2.0),
    Field("title_zh", "text", default="", csv_column="title_zh", search_weight=2.0),
    Field("role", "text", default="general", csv_column="role"),
    Field("tags", "texts", default=(), csv_column="tags", search_weight=2.0),
    Field("aliases", "texts", default=(), csv_column="aliases", search_weight=2.0),
    Field("keywords", "texts", default=(), csv_column="keywords", search_weight=3.0),
    Field("placeholders", "placeholders", csv_column="placeholders"),
    # Shop rules the entry's wording states (PROFILE_CONDITIONS): a profile that doesn't have
    # them makes drafting refuse the entry instead of sending a rule the shop doesn't have.
    Field("requires", "texts", default=(), csv_column="requires"),
    # Each variant is one CSV row, in the "text" column; a variant of several messages is one
    # row too, its messages separated by U+001E (written &#30; in a quick-phrase sheet).
    Field("variants", "messages", required=True, csv_column="text", search_weight=0.5),
)

BY_NAME = {field.name: field for field in FIELDS}
# The schema's keys in the order a phrasebook file writes them.
ENTRY_KEYS = tuple(field.name for field in FIELDS)
REQUIRED_KEYS = tuple(field.name for field in FIELDS if field.required)
OPTIONAL_KEYS = tuple(field.name for field in FIELDS if not field.required)
# Single texts an edit may change (the id never changes).
SCALAR_FIELDS = tuple(field.name for field in FIELDS if field.kind == "text" and not field.required)
# Lists that grow by union when an entry is edited or merged with an import.
LIST_FIELDS = tuple(field.name for field in FIELDS if field.kind in ("texts", "messages"))
# Lists that describe the entry, as opposed to its reply texts.
LABEL_LISTS = tuple(field.name for field in FIELDS if field.kind == "texts")
MESSAGE_LISTS = tuple(field.name for field in FIELDS if field.kind == "messages")
CSV_COLUMNS = (
    "id",
    "text",
    *(f.csv_column for f in FIELDS if f.csv_column and f.required is False),
)
SEARCH_WEIGHTS = {field.name: field.search_weight for field in FIELDS if field.search_weight}


def table_version(table: tuple[Field, ...]) -> str:
    """A short digest of a table of fields."""
    return format(zlib.crc32(repr(table).encode()), "08x")


# Part of every cache key: changing the table (a field, its kind, a weight) rebuilds caches.
FIELDS_VERSION = table_version(FIELDS)
