"""The key that signs sessions, and what production mode refuses to start with.

In production (COCKPIT_PRODUCTION=true) the key must come from
COCKPIT_SECRET_KEY, at least 32 characters, the same on every worker and
machine; the embedded sample store (fictional data, demo accounts) is refused.
Elsewhere, without a key, a random one is made once and kept in
``.secret_key`` at the project root (mode 0600, gitignored), so the
workers of one machine and its restarts share it.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
from collections import Counter
from itertools import pairwise
from pathlib import Path

from sqlalchemy import Engine, select

from cockpit.settings import PROJECT_ROOT, Settings
from cockpit.store.schema import store_meta

log = logging.getLogger(__name__)

SECRET_FILE = PROJECT_ROOT / ".secret_key"
MIN_SECRET_LENGTH = 32
# A key made by a generator (secrets.token_urlsafe(24) or longer, or 32 hex
# digits) passes these with room to spare: over 10^6 draws each, the lowest
# estimate was 93 bits and the fewest distinct characters 9.
MIN_SECRET_BITS = 80
MIN_SECRET_DISTINCT = 8


def estimated_bits(key: str) -> float:
    """The key's length times the Shannon entropy of its characters'
    frequencies: 0 for "kkkk…", 80 for "abcd" × 10. An upper bound on what
    a person-chosen key holds, so it refuses careless keys but cannot prove a
    key random."""
    counts, n = Counter(key), len(key)
    return -sum(c / n * math.log2(c / n) for c in counts.values()) * n


def _repeats(key: str) -> bool:
    """Whether ``key`` is a shorter piece repeated ("abcdefgh" × 4)."""
    return any(len(key) % p == 0 and key[:p] * (len(key) // p) == key for p in range(1, len(key) // 2 + 1))


def _runs_in_order(key: str) -> bool:
    """Whether three quarters or more of the key's neighbours are equal or
    next to each other ("abcdefgh…", "12345678…", "aabbccdd…")."""
    steps = sum(abs(ord(a) - ord(b)) <= 1 for a, b in pairwise(key))
    return steps >= 0.75 * (len(key) - 1)


def key_problem(key: str) -> str | None:
    """Why ``key`` may not sign production sessions, or None."""
    if len(key) < MIN_SECRET_LENGTH:
        return f"COCKPIT_SECRET_KEY 太短 / is shorter than {MIN_SECRET_LENGTH} characters"
    if (
        len(set(key)) < MIN_SECRET_DISTINCT
        or estimated_bits(key) < MIN_SECRET_BITS
        or _repeats(key)
        or _runs_in_order(key)
    ):
        return (
            "COCKPIT_SECRET_KEY 不够随机 / is not random enough (repeated or sequential characters, "
            f"under {MIN_SECRET_BITS} bits estimated): make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )
    return None


def production_problem(settings: Settings) -> str | None:
    """Why ``settings`` may not run in production, or None (also None
    outside production)."""
    if not settings.production:
        return None
    if not settings.secret_key:
        return (
            "COCKPIT_SECRET_KEY 未设置 / is not set (make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    problem = key_problem(settings.secret_key)
    if problem:
        return problem
    if settings.is_default_sample:
        return (
            "生产模式不能使用内置示例库 / the embedded sample store is not for production: "
            "set COCKPIT_DATABASE_URL"
        )
    return None


def store_generator(engine: Engine) -> str | None:
    """Which generator built the store ("sample", "scale"), or None for a real one."""
    with engine.connect() as conn:
        return conn.execute(select(store_meta.c.value).where(store_meta.c.key == "generator")).scalar()


def refuse_unsafe_production(settings: Settings, engine: Engine | None = None) -> None:
    """Stop (SystemExit) when production mode is on with a missing or short
    key, or on a store the sample generator built."""
    problem = production_problem(settings)
    if problem is None and settings.production and engine is not None and store_generator(engine) == "sample":
        problem = "生产模式不能使用示例数据库 / the store was built by the sample generator"
    if problem:
        raise SystemExit(f"生产模式拒绝启动 / production mode refuses to start: {problem}")


def secret_key(settings: Settings, path: Path | None = None) -> str:
    """The key that signs session cookies (see the module's docstring)."""
    refuse_unsafe_production(settings)
    if settings.secret_key:
        return settings.secret_key
    path = path or SECRET_FILE
    log.warning(
        "COCKPIT_SECRET_KEY is not set: sessions are signed with the random key kept in %s "
        "(production mode requires COCKPIT_SECRET_KEY)",
        path,
    )
    return _local_key(path)


def _local_key(path: Path) -> str:
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
        path.unlink()
    key = secrets.token_urlsafe(48)
    draft = path.with_name(f"{path.name}.{os.getpid()}.draft")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    try:
        os.link(draft, path)  # atomic: the first process to get here wins
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        draft.unlink()
    return key
