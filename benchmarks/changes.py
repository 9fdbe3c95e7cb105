"""A moving store for the load test: one petition touched every N seconds.

The live demo job adds what the sample city's history would bring, which at
night is a petition an hour: the data version then hardly moves and a load
run measures quiet pages only. A busy office's store changes between every
two refreshes (COCKPIT_REFRESH_SECONDS, 30 s), and each change makes every
open page draw its panels again. ``touch_every`` makes that happen at a set
pace, whatever the hour: it moves one random petition's ``updated_at`` to
now (nothing else), so the next refresh publishes a new data version.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

from sqlalchemy import create_engine, func, select, update

from cockpit.store.schema import petitions


def touch_one(url: str, rng: random.Random) -> int:
    """Move one petition's ``updated_at`` to now; its id."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            top = conn.execute(select(func.max(petitions.c.id))).scalar_one()
            at_or_after = petitions.c.id >= rng.randint(1, top)
            chosen = conn.execute(
                select(petitions.c.id).where(at_or_after).order_by(petitions.c.id).limit(1)
            ).scalar_one()
            now = datetime.now(UTC)
            conn.execute(update(petitions).where(petitions.c.id == chosen).values(updated_at=now))
        return chosen
    finally:
        engine.dispose()


def touch_every(url: str, seconds: float, stop: threading.Event, touched: list[int]) -> None:
    """Until ``stop``: every ``seconds``, touch one petition (its id goes to ``touched``)."""
    rng = random.Random()
    while not stop.wait(seconds):
        touched.append(touch_one(url, rng))
