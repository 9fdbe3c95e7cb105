"""The generator and its command line, on small cities."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, insert, select, update

from cockpit import settings as settings_module
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import backtest, evaluate
from cockpit.settings import Settings
from cockpit.store.engine import create_store, make_engine
from cockpit.store.schema import metadata, petitions, regions, rule_state, store_meta, warnings
from sample_db import StoreNotEmptyError, ensure_sample_store, generate
from sample_db.__main__ import main
from sample_db.build import GENERATOR_VERSION
from sample_db.consistency import inconsistencies
from sample_db.plans import (
    demo_clock,
    demo_plan,
    drop_plan_tables,
    has_plan_tables,
    plan_metadata,
    sample_truth,
)

NOW = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)
SMALL = {"towns": 2, "villages_per_town": 3}


def quiet(_message: str) -> None:
    pass


def digest(engine: Engine) -> str:
    """A hash of every row of every table, the demo's plans included
    (store_meta without generated_at)."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in [*metadata.sorted_tables, *plan_metadata.sorted_tables]:
            query = select(table).order_by(*table.primary_key.columns)
            if table is store_meta:
                query = query.where(store_meta.c.key != "generated_at")
            for row in conn.execute(query):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def small_generate(engine: Engine, progress=quiet) -> dict:
    return generate(engine, now=NOW, progress=quiet, **SMALL)


def build(tmp_path, name: str, **options) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    generate(engine, now=NOW, progress=quiet, **{**SMALL, **options})
    return engine


def test_the_same_seed_gives_the_same_store(tmp_path):
    first, second = build(tmp_path, "a.sqlite3", seed=7), build(tmp_path, "b.sqlite3", seed=7)
    assert digest(first) == digest(second)


def test_another_seed_gives_another_store(tmp_path):
    assert digest(build(tmp_path, "a.sqlite3", seed=7)) != digest(build(tmp_path, "b.sqlite3", seed=8))


def test_it_builds_a_consistent_store_on_every_database(engine):
    summary = generate(engine, now=NOW, progress=quiet, **SMALL)
    assert summary["villages"] == 6 and summary["petitions"] > 0 and summary["warnings"] > 0
    with engine.connect() as conn:
        assert inconsistencies(conn) == []
        received = conn.execute(select(petitions.c.received_at).limit(1)).scalar()
        assert conn.execute(select(demo_clock.c.ticked_at)).scalar() == NOW
        planned = conn.execute(select(func.count(), func.min(demo_plan.c.due_at))).one()
    assert received.tzinfo is not None and received <= NOW
    assert planned[0] == summary["planned_steps"] > 0 and planned[1] > NOW


def test_it_replaces_the_demo_plans_an_earlier_sample_left(engine):
    generate(engine, now=NOW, progress=quiet, seed=3, **SMALL)
    metadata.drop_all(engine)  # a reset that knows only the cockpit's tables
    create_store(engine)
    summary = generate(engine, now=NOW, progress=quiet, **SMALL)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(demo_plan)).scalar() == summary["planned_steps"]
        assert conn.execute(select(func.count()).select_from(demo_clock)).scalar() == 1


def test_it_reports_progress_in_stages(tmp_path):
    messages: list[str] = []
    generate(make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}"), now=NOW, progress=messages.append, **SMALL)
    assert [m.split(" ")[0] for m in messages] == ["city", "petitions:", "records:", "warnings:", "written"]


def test_it_refuses_a_store_that_has_data(tmp_path):
    engine = build(tmp_path, "s.sqlite3")
    with pytest.raises(StoreNotEmptyError):
        generate(engine, now=NOW, progress=quiet, **SMALL)


def test_the_cli_refuses_to_overwrite_without_force(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    args = ["--url", url, "--towns", "2", "--villages-per-town", "2", "--now", NOW.isoformat()]
    assert main(args) == 0
    assert main(args) == 1
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force", "--seed", "9"]) == 0
    with make_engine(url).connect() as conn:
        assert conn.execute(select(store_meta.c.value).where(store_meta.c.key == "seed")).scalar() == "9"


def test_force_replaces_a_sample_store_on_every_database(engine):
    url = engine.url.render_as_string(hide_password=False)
    args = ["--url", url, "--towns", "1", "--villages-per-town", "2", "--now", NOW.isoformat()]
    engine.dispose()  # SQLite: --force deletes the file under any open connection
    assert main(args) == 0
    assert main([*args, "--force", "--seed", "5"]) == 0
    engine.dispose()
    with engine.connect() as conn:
        assert conn.execute(select(store_meta.c.value).where(store_meta.c.key == "seed")).scalar() == "5"


def test_force_refuses_a_store_not_built_by_the_generator(engine, capsys):
    with engine.begin() as conn:
        conn.execute(insert(regions).values(code="990100000000", name="真实市", level="city", sort_order=0))
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--url", url, "--force", "--towns", "1", "--villages-per-town", "1"]) == 1
    assert "refusing" in capsys.readouterr().err
    with engine.connect() as conn:
        assert conn.execute(select(regions.c.name)).scalars().all() == ["真实市"]


def test_ensure_builds_the_default_sample_only_when_missing_or_empty(tmp_path, monkeypatch):
    path = tmp_path / "sample.sqlite3"
    monkeypatch.setattr(settings_module, "DEFAULT_SAMPLE_PATH", path)
    built: list[str] = []

    def counting_generate(engine: Engine, progress=quiet) -> dict:
        built.append(str(engine.url))
        return small_generate(engine)

    monkeypatch.setattr("sample_db.build.generate", counting_generate)
    settings = Settings(database_url=f"sqlite:///{path}")
    assert ensure_sample_store(settings, progress=quiet) is True
    assert ensure_sample_store(settings, progress=quiet) is False
    assert len(built) == 1

    for leftover in tmp_path.glob("sample.sqlite3*"):
        leftover.unlink()
    path.touch()  # an empty file counts as missing
    assert ensure_sample_store(settings, progress=quiet) is True


def test_ensure_rebuilds_a_default_sample_an_older_generator_built(tmp_path, monkeypatch):
    path = tmp_path / "sample.sqlite3"
    monkeypatch.setattr(settings_module, "DEFAULT_SAMPLE_PATH", path)
    monkeypatch.setattr("sample_db.build.generate", small_generate)
    settings = Settings(database_url=f"sqlite:///{path}")
    assert ensure_sample_store(settings, progress=quiet) is True
    engine = make_engine(settings.database_url)
    drop_plan_tables(engine)  # as version 1 left it: no plans for the demo
    with engine.begin() as conn:
        conn.execute(update(store_meta).where(store_meta.c.key == "generator_version").values(value="1"))
    engine.dispose()

    messages: list[str] = []
    assert ensure_sample_store(settings, progress=messages.append) is True
    assert "an older version built it" in messages[0]
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert has_plan_tables(conn)
        version = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "generator_version"))
        assert version.scalar() == GENERATOR_VERSION
    engine.dispose()
    assert ensure_sample_store(settings, progress=quiet) is False


def test_ensure_leaves_a_store_the_generator_did_not_build_alone(tmp_path, monkeypatch):
    path = tmp_path / "sample.sqlite3"
    monkeypatch.setattr(settings_module, "DEFAULT_SAMPLE_PATH", path)
    engine = make_engine(f"sqlite:///{path}")
    create_store(engine)
    with engine.begin() as conn:
        conn.execute(insert(regions).values(code="990100000000", name="真实市", level="city", sort_order=0))
    engine.dispose()
    assert ensure_sample_store(Settings(database_url=f"sqlite:///{path}"), progress=quiet) is False
    with make_engine(f"sqlite:///{path}").connect() as conn:
        assert conn.execute(select(regions.c.name)).scalars().all() == ["真实市"]


def test_ensure_leaves_other_databases_alone(tmp_path):
    other = tmp_path / "other.sqlite3"
    assert ensure_sample_store(Settings(database_url=f"sqlite:///{other}"), progress=quiet) is False
    assert not other.exists()


def test_an_empty_schema_is_not_data(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    create_store(engine)
    generate(engine, now=NOW, progress=quiet, **SMALL)  # does not raise


def test_ensure_builds_once_when_several_processes_start_together(tmp_path, monkeypatch):
    path = tmp_path / "sample.sqlite3"
    monkeypatch.setattr(settings_module, "DEFAULT_SAMPLE_PATH", path)
    monkeypatch.setattr("sample_db.build.generate", small_generate)
    settings = Settings(database_url=f"sqlite:///{path}")
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: ensure_sample_store(settings, progress=quiet), range(3)))
    assert sorted(results) == [False, False, True]


def test_on_every_database_the_engine_raises_exactly_the_injected_anomalies(engine):
    generate(engine, now=NOW, progress=quiet, towns=2, villages_per_town=4)
    with engine.connect() as conn:
        truth = {
            tuple(r)
            for r in conn.execute(
                select(sample_truth.c.rule_code, sample_truth.c.subject_id).where(
                    sample_truth.c.detectable_at <= NOW
                )
            )
        }
        warned = {tuple(r) for r in conn.execute(select(warnings.c.rule_code, warnings.c.subject_id))}
        found = {
            (f.rule_code, f.subject_id) for code in load_catalogue() for f in backtest(conn, code, now=NOW)
        }
        rule_states = conn.execute(select(func.count()).select_from(rule_state)).scalar()
    assert len(truth) > 100 and truth == warned == found
    assert rule_states == len(load_catalogue())
    assert sum(run.raised for run in evaluate_now(engine)) == 0  # the first refresh finds nothing new


def evaluate_now(engine):
    with engine.begin() as conn:
        return evaluate(conn, NOW)
