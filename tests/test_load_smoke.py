"""A tiny run of the load test (benchmarks/load.py): real gunicorn on
localhost, two wall screens and two inspectors for 15 s, every request
answered without an error. The 5-minute run's figures are in
docs/performance.md."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from benchmarks import load


def _can_serve() -> bool:
    if not Path(load.sys.executable).with_name("gunicorn").exists():
        return False
    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _can_serve(), reason="gunicorn cannot serve on 127.0.0.1 here")
def test_screens_and_inspectors_get_every_answer_from_gunicorn_without_an_error(sample_city):
    # The test run's own sample city (copied by the load test; never written).
    source = Path(sample_city["engine"].url.database)
    result = load.run(
        screens=2, inspectors=2, duration=15, workers=2, threads=4, source=source, change_seconds=4
    )

    assert result.error_count == 0, dict(result.recorder.errors)
    kinds = set(result.recorder.latencies)
    # The pages come drawn by the router; the panels' callbacks run when a
    # poll finds new data (the refresh after a change: when it comes within
    # the 15 s depends on the scheduler's clock, so not asserted).
    assert {"kiosk-login", "poll", "login", "route-screen", "route-city"} <= kinds
    assert result.changes >= 2, "the store was not changed during the run"
    assert result.memory, "the workers' memory was never sampled"
