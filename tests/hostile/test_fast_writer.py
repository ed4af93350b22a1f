"""The fast entry writer used by big imports: for every entry it accepts it must write exactly
what ruamel.yaml writes, PyYAML must read it back as the same entry, and its inverse
(`read_plain`, the bulk check) must give the entry back; anything else falls back to ruamel."""

from __future__ import annotations

from typing import Any

import yaml
from helpers import TALLY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from csr_cli.phrasebook import yamltext

# Characters that matter to YAML, mixed with the Chinese text and punctuation replies are made of.
TRICKY = list("-?:,[]{}#&*!|>'\"%@`~. \t\n\r\x00\x01\x85\u2028\ufeff\u3000") + list(
    "亲您好，。！？～😊"
)
WORDS = ["yes", "no", "on", "98", "1.5", "1e5", "98e98", "0x1F", "0o17", "null", "~", ".inf"]
WORDS += ["2026-01-01", "-1", "+1", ": ", " #", "- ", "|", ">", "&a", "*a", "!x"]
text = st.lists(
    st.one_of(
        st.sampled_from(TRICKY),
        st.sampled_from(WORDS),
        st.text(alphabet="abc亲您好谢谢12 ", min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=6,
).map("".join)
one_line = text.map(lambda t: t.replace("\n", "").replace("\r", "") or "x")
variant = text.map(lambda t: t.strip("\n") or "x")
entries = st.fixed_dictionaries(
    {
        "id": st.just("x"),
        "title": one_line,
        "tags": st.lists(one_line, max_size=2),
        "aliases": st.lists(one_line, max_size=2),
        "placeholders": st.dictionaries(
            st.sampled_from(["shop", "days"]), st.one_of(st.none(), one_line), max_size=2
        ),
        "variants": st.lists(variant, min_size=1, max_size=3),
    }
)


def ruamel_text(raw: dict[str, Any]) -> str:
    mapping = CommentedMap()
    for key, value in raw.items():
        if key in yamltext.FLOW_LISTS:
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        elif key == "variants":
            value = CommentedSeq(yamltext._literal(t) for t in value)
        elif key == "placeholders":
            value = CommentedMap(value)
            if not value:
                value.fa.set_flow_style()
        mapping[key] = value
    return yamltext._dump(mapping)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(entries)
def test_the_fast_writer_writes_what_ruamel_writes_or_nothing(raw: dict[str, Any]) -> None:
    TALLY.inputs += 1
    fast = yamltext.render_plain(raw)
    if fast is None:
        return
    assert fast == ruamel_text(raw)
    assert yaml.safe_load(fast) == raw
    assert yamltext.read_plain(fast) == raw


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=200))
def test_read_plain_never_accepts_what_yaml_reads_differently(block: str) -> None:
    TALLY.inputs += 1
    raw = yamltext.read_plain(block)
    if raw is None:
        return
    assert yaml.safe_load(block) == raw
