"""The table of entry fields drives the schema, the CSV columns, the index and the cache key."""

from __future__ import annotations

from csr_cli.phrasebook import fields
from csr_cli.phrasebook.schema import Entry, entry_to_raw


def test_every_entry_attribute_that_a_file_holds_is_in_the_table() -> None:
    stored = set(Entry._fields) - {"source", "layer"}
    assert stored == set(fields.ENTRY_KEYS)


def test_csv_columns_follow_the_table() -> None:
    assert fields.CSV_COLUMNS == (
        "id",
        "text",
        "title",
        "title_zh",
        "role",
        "tags",
        "aliases",
        "keywords",
        "placeholders",
        "requires",
    )


def test_a_full_entry_writes_every_field_in_table_order() -> None:
    entry = Entry(id="x", title="X", variants=("甲",), tags=("t",), keywords=("k",))
    assert tuple(entry_to_raw(entry, compact=False)) == fields.ENTRY_KEYS
    assert entry_to_raw(entry) == {
        "id": "x",
        "title": "X",
        "tags": ["t"],
        "keywords": ["k"],
        "variants": ["甲"],
    }


def test_changing_the_table_changes_the_cache_version() -> None:
    brand = fields.Field("brand", "text", default="", csv_column="brand")
    assert fields.table_version((*fields.FIELDS, brand)) != fields.FIELDS_VERSION
    heavier = tuple(
        f._replace(search_weight=f.search_weight + 1) if f.name == "title" else f
        for f in fields.FIELDS
    )
    assert fields.table_version(heavier) != fields.FIELDS_VERSION


def test_the_cache_key_holds_the_table_version(isolated) -> None:  # type: ignore[no-untyped-def]
    from csr_cli.phrasebook.cache import _fingerprint
    from csr_cli.phrasebook.schema import layer_files

    assert fields.FIELDS_VERSION in _fingerprint(layer_files())
