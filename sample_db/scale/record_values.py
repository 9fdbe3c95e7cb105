"""Small pieces the scale store's business records share: external ids,
amounts, picks from the sample's word lists, and cutting work into chunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from sample_db.ledger import LIMIT, NEAR_LIMIT, PREFIX
from sample_db.scale.clock import NULL_TIME, zfill


def external_ids(table: str, ids: np.ndarray) -> np.ndarray:
    """The ledger's external ids: the table's prefix and the id in 8 digits (ZC00000123)."""
    return np.strings.add(PREFIX[table], zfill(ids.astype(str), 8)).astype(object)


def pick(rng: np.random.Generator, words: Sequence[str], n: int) -> np.ndarray:
    return np.array(words, dtype=object)[rng.integers(0, len(words), n)]


def clean_amounts(rng: np.random.Generator, n: int, median: float, sigma: float, low: int, high: int):
    """Lognormal amounts in [low, high] rounded to 10 yuan, never within
    [NEAR_LIMIT, LIMIT) (sample_db.ledger.clean_amount): clear of the
    tendering limit's split rules (FUN-06, PRJ-01)."""
    amounts = np.empty(n)
    todo = np.arange(n)
    while len(todo):
        drawn = np.clip(rng.lognormal(np.log(median), sigma, len(todo)), low, high)
        amounts[todo] = np.round(drawn / 10) * 10
        todo = todo[(amounts[todo] >= NEAR_LIMIT) & (amounts[todo] < LIMIT)]
    return amounts


def past(at: np.ndarray, now: int) -> np.ndarray:
    """``at`` where it is not after ``now``, else empty (NULL_TIME)."""
    return np.where(at <= now, at, NULL_TIME)


def latest(*times: np.ndarray) -> np.ndarray:
    """Per row, the latest of the times that are not empty (NULL_TIME is
    the smallest int64, so it never wins)."""
    return np.maximum.reduce(times)


def runs(rows: np.ndarray, chunk_rows: int) -> Iterator[tuple[int, int]]:
    """Consecutive owners [a, b) holding about ``chunk_rows`` rows each
    (``rows``: each owner's), never an empty run."""
    a, held = 0, 0
    for i, count in enumerate(rows.tolist()):
        held += count
        if held >= chunk_rows:
            yield a, i + 1
            a, held = i + 1, 0
    if held:
        yield a, len(rows)


def repeat_index(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For owners with ``counts`` rows each: per row, its owner's position
    and its number within the owner (0, 1, …)."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.r_[0, np.cumsum(counts)[:-1]] if len(counts) else np.zeros(0, dtype=np.int64)
    return owner, np.arange(len(owner)) - np.repeat(starts, counts)
