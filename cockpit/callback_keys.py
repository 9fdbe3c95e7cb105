"""The parts of a ``/_dash-update-component`` body that name components:
a callback's key and the ids it sends, read the way Dash reads them.

Pure functions with no imports from the cockpit, for both the check of
every callback's envelope (cockpit.pages.params.dash_request) and the wall
screen's check (cockpit.auth.kiosk).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def is_id(value: Any) -> bool:
    """A component id: text, or a pattern-matching id (a dict of text keys)."""
    return isinstance(value, str) or (
        isinstance(value, Mapping) and bool(value) and all(isinstance(k, str) for k in value)
    )


def _spec_id(raw: Any) -> Any:
    """An id as a key writes it: a pattern-matching id is JSON (a key sent
    by hand may hold anything: what is not JSON stays text and matches no
    pattern-matching id)."""
    raw = str(raw)
    if not raw.startswith("{"):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def same_id(sent: Any, spec: Any) -> bool:
    """``sent`` is the component ``spec`` names (a wildcard's keys, any values)."""
    expected = _spec_id(spec)
    if isinstance(expected, str):
        return sent == expected
    if not isinstance(sent, Mapping) or set(sent) != set(expected):
        return False
    return all(
        isinstance(value, list) or sent[k] == value
        for k, value in expected.items()  # a wildcard is ["MATCH"], ["ALL"], …
    ) and all(isinstance(v, str | int | float | bool) for v in sent.values())


def callback_outputs(key: str) -> list[tuple[str, str]]:
    """The (id, property) pairs a callback's key names, the id as written in
    the key (a pattern-matching id as JSON): "id.prop" or "..a.p...b.q..";
    an output that allows duplicates is written "id.prop@<hash>", and the
    renderer sends its property so too. Dash runs the callback the key
    names, whatever ``outputs`` says."""
    parts = key[2:-2].split("...") if key.startswith("..") and key.endswith("..") else [key]
    return [(raw_id, prop) for raw_id, _, prop in (part.rpartition(".") for part in parts)]


def outputs_match(outputs: Any, key: str) -> bool:
    """Whether a request's ``outputs`` are the ones its key names, in order
    (a mismatch once made Dash fail with 500, and let a wall screen pass its
    check with the screen's outputs while naming another callback)."""
    multi = key.startswith("..")
    if multi != isinstance(outputs, list):
        return False
    outputs = outputs if multi else [outputs]
    named = callback_outputs(key)
    if len(outputs) != len(named):
        return False
    return all(
        isinstance(sent, Mapping)
        and is_id(sent.get("id"))
        and sent.get("property") == prop
        and same_id(sent["id"], raw_id)
        for sent, (raw_id, prop) in zip(outputs, named, strict=True)
    )
