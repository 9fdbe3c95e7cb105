"""Facts about the store, kept in ``store_meta`` as text by key (docs/store.md)."""

from __future__ import annotations

import json
import re

from sqlalchemy import Connection, delete, insert, select, update

from cockpit.store.schema import store_meta

LEVELS = ("province", "city", "county", "town", "village")
# The store's own words for its levels (a city whose districts are 区 and
# whose next level is 街道), written by the regions import as a JSON object.
LEVEL_WORDS_KEY = "level_labels"
# A level word is a few Chinese characters, brackets and 、 (never a formula or markup).
LEVEL_WORD = re.compile(r"[\u4e00-\u9fff（）、]{1,12}")


def get_meta(conn: Connection, key: str) -> str | None:
    """The value stored under ``key``, or None."""
    return conn.execute(select(store_meta.c.value).where(store_meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str | None) -> None:
    """Store ``value`` under ``key`` (None removes the key)."""
    if value is None:
        conn.execute(delete(store_meta).where(store_meta.c.key == key))
    elif get_meta(conn, key) is None:
        conn.execute(insert(store_meta).values(key=key, value=value))
    else:
        conn.execute(update(store_meta).where(store_meta.c.key == key).values(value=value))


def level_words(conn: Connection) -> dict[str, str]:
    """The store's own word per level (only well-formed ones; none is fine)."""
    try:
        stored = json.loads(get_meta(conn, LEVEL_WORDS_KEY) or "{}")
    except ValueError:
        return {}
    if not isinstance(stored, dict):
        return {}
    return {
        level: stored[level]
        for level in LEVELS
        if isinstance(stored.get(level), str) and LEVEL_WORD.fullmatch(stored[level])
    }


def set_level_words(conn: Connection, words: dict[str, str]) -> None:
    """Replace the store's level words (an empty dict: the defaults everywhere)."""
    set_meta(conn, LEVEL_WORDS_KEY, json.dumps(words, ensure_ascii=False) if words else None)
