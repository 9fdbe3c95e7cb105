"""Load test: wall screens polling and inspectors clicking, against gunicorn.

    .venv/bin/python -m benchmarks.load [--screens 30] [--inspectors 20] [--duration 300]
                                        [--workers 2] [--threads 8] [--p95-ms 300] [--quick]
                                        [--change-seconds 30]
                                        [--url postgresql+psycopg://…]

Copies the sample store to a temporary folder (or, with ``--url``, uses a
database that holds a sample city: PostgreSQL, MariaDB), creates the demo
accounts on it (cockpit.auth.demo), starts ``gunicorn "app:create_server()"`` on
127.0.0.1 with the embedded scheduler and the live demo job, touches one
petition every ``--change-seconds`` (benchmarks.changes: so that every
refresh publishes a new data version, as in a busy office, at any hour; the
demo's own arrivals follow the sample city's day and are rare at night), then
runs for ``--duration`` seconds:

- each **wall screen** opens ``/kiosk/<demo token>`` as a browser would (the
  page, ``/_dash-layout``, ``/_dash-dependencies``, the page router for
  /screen, which answers with the panels drawn), then polls the shell callback every
  COCKPIT_POLL_SECONDS and re-renders the screen's panels whenever the poll
  returns a new data version;
- each **inspector** logs in once (the form and its CSRF token) as
  demo-leader, loads ``/``, then loops: a random town's or village's page
  (the page router, which answers with the page's panels drawn), the
  warning queue of that region (router, drawn the same way), a random petition of it
  (router), with a think time of 1-3 s after each page. Its open page polls
  the shell like a screen's and re-renders its panels on a new data version.

Every 10 s it samples the resident memory of the gunicorn workers. It prints
the requests, the errors by kind (a status other than 2xx/3xx, or an
exception), p50/p95/p99 latency per request kind and overall, throughput,
and the workers' memory at the start, each minute and the end. Exits 1 when
there was an error or the overall p95 is over ``--p95-ms``. ``--quick``: 30 s,
5 screens, 5 inspectors. Needs only ``requests`` and ``psutil`` (both come
with dash[testing]); not part of the test suite (tests/test_load_smoke.py
runs a tiny one).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from benchmarks.changes import touch_every

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_STORE = PROJECT_ROOT / "sample_db" / "sample.sqlite3"
DEMO_USER = "demo-leader"
DASH_UPDATE = "/_dash-update-component"
ROUTER_OUTPUT = "_pages_content"
POLL_OUTPUT = "shell-data-version"
SCREEN_OUTPUT = "screen-focus-name"
REGION_OUTPUT = "region-kpis"
VILLAGE_OUTPUT = "village-kpis"
QUEUE_OUTPUT = "queue-red"
SECRET_KEY = "load-test-only-" + "x" * 40  # never a real key: the server lives for one run
# gunicorn's default keep-alive is 2 s: a page polling every 5 s then finds
# its connection closed and a POST on it fails with "connection reset" (a
# browser retries it, requests does not). Keep idle connections past a poll.
KEEP_ALIVE = 10
TIMEOUT = 30  # seconds a request may take before it counts as an error
# The store changes this often (benchmarks.changes): as in a busy office,
# every refresh (30 s) publishes a new data version and every open page
# draws its panels again, at any hour of the day.
CHANGE_SECONDS = 30


# --- what was measured --------------------------------------------------------


@dataclass
class Recorder:
    """Every request's kind, latency and outcome, from many threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    error_examples: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, error: str | None = None, detail: str = "") -> None:
        with self.lock:
            self.latencies[kind].append(ms)
            if error is not None:
                key = f"{kind}: {error}"
                self.errors[key] += 1
                self.error_examples.setdefault(key, detail[:300])

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- talking to the cockpit as a browser does ---------------------------------


class Client:
    """One browser: a cookie jar, the callbacks from /_dash-dependencies, and
    the ids of the components Dash would send with each callback."""

    def __init__(self, base: str, recorder: Recorder, deadline: float):
        self.base = base
        self.recorder = recorder
        self.deadline = deadline
        self.http = requests.Session()
        self.callbacks: dict[str, dict] = {}
        self.version: str | None = None
        self.status_key: str | None = None

    def request(self, kind: str, method: str, path: str, **kwargs) -> requests.Response | None:
        """One timed request; None when it failed (recorded as an error)."""
        start = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
            response.content  # noqa: B018 - read the whole body inside the timing
        except requests.RequestException as error:
            self.recorder.add(kind, (time.perf_counter() - start) * 1000, type(error).__name__, str(error))
            return None
        ms = (time.perf_counter() - start) * 1000
        if response.status_code >= 400:
            self.recorder.add(kind, ms, f"HTTP {response.status_code}", response.text)
            return None
        self.recorder.add(kind, ms)
        return response

    def load_page(self, kind: str, path: str) -> bool:
        """A full page load: the HTML, then Dash's layout and callback list."""
        if self.request(kind, "GET", path) is None:
            return False
        layout = self.request("dash-layout", "GET", "/_dash-layout")
        dependencies = self.request("dash-dependencies", "GET", "/_dash-dependencies")
        if layout is None or dependencies is None:
            return False
        self.callbacks = {first_output(spec["output"]): spec for spec in dependencies.json()}
        self.version = find_prop(layout.json(), POLL_OUTPUT, "data", self.version)
        return True

    def callback(self, kind: str, output: str, *values) -> dict | None:
        """Run the callback whose first output is ``output`` with ``values``
        for its inputs, then its states; its JSON response ({} for 204)."""
        spec = self.callbacks[output]
        key = spec["output"]
        outputs = []
        for part in key.strip(".").split("..."):
            component, prop = part.split("@")[0].rsplit(".", 1)
            outputs.append({"id": component, "property": prop})
        inputs, state, values = spec["inputs"], spec["state"], list(values)
        body = {
            "output": key,
            "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": [{**i, "value": values.pop(0)} for i in inputs],
            "state": [{**s, "value": values.pop(0)} for s in state],
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        }
        headers = {"X-CSRFToken": self.http.cookies.get("_csrf_token", "")}
        response = self.request(kind, "POST", DASH_UPDATE, json=body, headers=headers)
        if response is None:
            return None
        return response.json().get("response", {}) if response.status_code == 200 else {}

    def route(self, kind: str, pathname: str, search: str = "") -> dict | None:
        """Dash's page router: what a click on a link inside the app sends."""
        return self.callback(kind, ROUTER_OUTPUT, pathname, search)

    def poll(self) -> bool:
        """The shell's poll; whether it published a new data version."""
        found = self.callback("poll", POLL_OUTPUT, 1, self.version, self.status_key)
        if not found:
            return False
        self.status_key = found.get("shell-status-key", {}).get("data", self.status_key)
        latest = found.get(POLL_OUTPUT, {}).get("data")
        if latest is None or latest == self.version:
            return False
        self.version = latest
        return True

    def sleep_until(self, moment: float) -> bool:
        """Sleep until ``moment`` (or the end of the run); whether time is left."""
        time.sleep(max(0.0, min(moment, self.deadline) - time.monotonic()))
        return time.monotonic() < self.deadline


def first_output(key: str) -> str:
    return key.strip(".").split("...")[0].split("@")[0].rsplit(".", 1)[0]


def find_prop(tree: object, component_id: str, prop: str, default=None):
    """The ``prop`` of the component ``component_id`` anywhere in a Dash layout
    or callback response (a tree of {"props": {...}} dicts and lists)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("id") == component_id and prop in props:
                return props[prop]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return default


# --- the simulated users --------------------------------------------------------


def wall_screen(base: str, recorder: Recorder, deadline: float, poll_seconds: float, token: str) -> None:
    client = Client(base, recorder, deadline)
    if not client.sleep_until(time.monotonic() + random.uniform(0, poll_seconds)):
        return
    if client.request("kiosk-login", "GET", f"/kiosk/{token}") is None:
        return
    # The router's answer is the screen with its panels drawn.
    if not client.load_page("page-get", "/screen") or client.route("route-screen", "/screen") is None:
        return
    next_poll = time.monotonic() + poll_seconds
    while client.sleep_until(next_poll):
        next_poll += poll_seconds
        if client.poll():
            client.callback("render-screen", SCREEN_OUTPUT, client.version, None)


@dataclass
class Places:
    """What inspectors click on: towns, villages and petitions by village."""

    towns: list[str]
    villages: list[str]
    petitions: dict[str, list[int]]  # village code -> a few petition ids
    village_of_town: dict[str, list[str]]


def store_url(store: Path | str) -> str:
    """A store given as a file (a copy of the sample) or as a database URL."""
    return store if isinstance(store, str) else f"sqlite:///{store}"


def load_places(store: Path | str, per_village: int = 5) -> Places:
    engine = create_engine(store_url(store))
    with engine.connect() as conn:
        towns = [
            r[0] for r in conn.execute(text("SELECT code FROM regions WHERE level = 'town' ORDER BY code"))
        ]
        rows = conn.execute(
            text("SELECT code, parent_code FROM regions WHERE level = 'village' ORDER BY code")
        )
        village_of_town: dict[str, list[str]] = defaultdict(list)
        for code, parent in rows:
            village_of_town[parent].append(code)
        petitions: dict[str, list[int]] = defaultdict(list)
        for pid, village in conn.execute(text("SELECT id, village_code FROM petitions ORDER BY id DESC")):
            if len(petitions[village]) < per_village:
                petitions[village].append(pid)
    engine.dispose()
    villages = [v for vs in village_of_town.values() for v in vs]
    return Places(towns, villages, dict(petitions), dict(village_of_town))


class Inspector:
    """A logged-in inspector's browser: its current page re-renders when the
    shell's poll finds new data, as the app does in a browser."""

    def __init__(self, base: str, recorder: Recorder, deadline: float, poll_seconds: float, places: Places):
        self.client = Client(base, recorder, deadline)
        self.poll_seconds = poll_seconds
        self.places = places
        self.next_poll = 0.0
        self.rerender: tuple[str, str, object] | None = None  # (kind, output, params)

    def log_in(self, password: str) -> bool:
        form = self.client.request("login-form", "GET", "/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', form.text) if form is not None else None
        if found is None:
            self.client.recorder.add("login-form", 0.0, "no CSRF field")
            return False
        data = {"username": DEMO_USER, "password": password, "csrf_token": found.group(1), "next": "/"}
        done = self.client.request("login", "POST", "/login", data=data)
        if done is None or done.status_code != 303:
            self.client.recorder.add("login", 0.0, "not logged in")
            return False
        return True

    def think(self, seconds: float) -> bool:
        """Wait ``seconds``, polling (and re-rendering) when a poll falls due."""
        until = time.monotonic() + seconds
        while self.next_poll <= until:
            if not self.client.sleep_until(self.next_poll):
                return False
            self.next_poll += self.poll_seconds
            if self.client.poll() and self.rerender is not None:
                kind, output, params = self.rerender
                self.client.callback(kind, output, self.client.version, params)
        return self.client.sleep_until(until)

    def open_region(self, code: str, village: bool) -> None:
        answer = self.client.route("route-village" if village else "route-town", f"/region/{code}")
        if answer is None:
            return
        kind, output, store = (
            ("render-village", VILLAGE_OUTPUT, "village-params")
            if village
            else ("render-region", REGION_OUTPUT, "region-params")
        )
        # The page comes drawn; its render callback runs on new data only.
        params = find_prop(answer, store, "data", {"code": code, "window": {"window": "month"}})
        self.rerender = (kind, output, params)

    def open_queue(self, code: str) -> None:
        answer = self.client.route("route-queue", "/warnings", f"?region={code}")
        if answer is None:
            return
        default = {"region": code, "category": None, "owner": None, "overdue": False}
        params = find_prop(answer, "queue-params", "data", default)
        self.rerender = ("render-queue", QUEUE_OUTPUT, params)

    def run(self, password: str, ramp_seconds: float) -> None:
        client = self.client
        if not client.sleep_until(time.monotonic() + random.uniform(0, ramp_seconds)):
            return
        if not self.log_in(password) or not client.load_page("page-get", "/"):
            return
        answer = client.route("route-city", "/")
        if answer is None:
            return
        params = find_prop(answer, "region-params", "data", {"code": None, "window": {"window": "month"}})
        self.rerender = ("render-region", REGION_OUTPUT, params)
        self.next_poll = time.monotonic() + self.poll_seconds
        places = self.places
        while self.think(random.uniform(1, 3)):
            town = random.choice(places.towns)
            villages = places.village_of_town.get(town) or places.villages
            village = random.choice(villages)
            code = town if random.random() < 0.5 else village
            self.open_region(code, village=code == village)
            if not self.think(random.uniform(1, 3)):
                return
            self.open_queue(code)
            if not self.think(random.uniform(1, 3)):
                return
            petitions = places.petitions.get(village)
            if petitions:
                self.rerender = None  # a petition's page has no panels to re-render
                client.route("route-petition", f"/petition/{random.choice(petitions)}")


# --- the server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_store(folder: Path, source: Path | str = SAMPLE_STORE) -> Path | str:
    """A copy of the sample store (a file) or the database at ``source`` (a
    URL holding a sample city, used in place: the demo job writes to it),
    with the demo accounts and wall-screen token."""
    from cockpit.auth.demo import ensure_demo_accounts
    from cockpit.main import open_store
    from cockpit.settings import Settings

    if isinstance(source, str) and "://" in source:
        store: Path | str = source
    else:
        store = folder / "store.sqlite3"
        shutil.copyfile(source, store)
    settings = Settings(database_url=store_url(store), secret_key=SECRET_KEY)
    engine = open_store(settings)
    try:
        if not ensure_demo_accounts(settings, engine):
            raise SystemExit(f"{source} is not a sample store: no demo accounts")
    finally:
        engine.dispose()
    return store


@contextlib.contextmanager
def gunicorn(
    store: Path | str, folder: Path, port: int, workers: int, threads: int, demo: bool, keep_alive: int
) -> Iterator[subprocess.Popen]:
    """gunicorn serving the cockpit on ``store``; stopped on leaving."""
    env = {
        **os.environ,
        "COCKPIT_DATABASE_URL": store_url(store),
        "COCKPIT_SCHEDULER": "embedded",
        "COCKPIT_DEMO": "true" if demo else "false",
        "COCKPIT_SECRET_KEY": SECRET_KEY,
        "COCKPIT_WEEKLY_PACK_AT": "off",
        "COCKPIT_EXPORT_DIR": str(folder / "exports"),
        # Twenty inspectors share one account and one address here: the login
        # throttle (at most COCKPIT_LOGIN_MAX_FAILURES passwords in checking
        # per username at once) would refuse most of their simultaneous
        # logins. The load test measures the pages, not the throttle.
        "COCKPIT_LOGIN_MAX_FAILURES": "1000",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--keep-alive",
        str(keep_alive),
        "--log-file",
        str(folder / "gunicorn.log"),
        "app:create_server()",
    ]
    log = open(folder / "gunicorn.out", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, workers)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_until_up(base: str, process: subprocess.Popen, workers: int, timeout: float = 120) -> None:
    """Until every worker has answered /login (each builds the app on start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before serving")
        try:
            if (
                requests.get(base + "/login", timeout=5).status_code == 200
                and len(workers_of(process)) >= workers
            ):
                time.sleep(2)  # the other workers finish starting
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


def workers_of(process: subprocess.Popen) -> list[int]:
    try:
        import psutil

        return [child.pid for child in psutil.Process(process.pid).children()]
    except ImportError:
        found = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        return [int(pid) for pid in found]


def rss_mb(pid: int) -> float:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sample_memory(process: subprocess.Popen, samples: list, stop: threading.Event, every: float) -> None:
    """(seconds since start, {worker pid: RSS MB}) every ``every`` seconds."""
    start = time.monotonic()
    while True:
        with contextlib.suppress(OSError, ValueError):  # a worker restarting between listing and reading
            samples.append((time.monotonic() - start, {pid: rss_mb(pid) for pid in workers_of(process)}))
        if stop.wait(every):
            return


def cpu_seconds(process: subprocess.Popen) -> dict[str, float]:
    """Core-seconds used so far: by the whole machine, by gunicorn (master and
    workers) and by this load generator. Tells a slow server from a busy machine."""
    import psutil

    def used(proc: psutil.Process) -> float:
        times = proc.cpu_times()
        return times.user + times.system

    server = psutil.Process(process.pid)
    machine = psutil.cpu_times()
    return {
        "machine": machine.user
        + machine.system
        + machine.nice
        + getattr(machine, "irq", 0.0)
        + getattr(machine, "softirq", 0.0),
        "gunicorn": used(server) + sum(used(child) for child in server.children(recursive=True)),
        "load generator": used(psutil.Process()),
    }


# --- the run and its report -------------------------------------------------------


@dataclass
class Result:
    recorder: Recorder
    seconds: float
    memory: list  # (seconds, {pid: MB})
    worker_restarts: int
    changes: int = 0  # petitions touched (benchmarks.changes)
    cpu: dict = field(default_factory=dict)  # core-seconds used during the run, by whom

    @property
    def all_latencies(self) -> list[float]:
        return [ms for values in self.recorder.latencies.values() for ms in values]

    @property
    def error_count(self) -> int:
        return sum(self.recorder.errors.values())


def run(
    screens: int,
    inspectors: int,
    duration: float,
    workers: int = 2,
    threads: int = 8,
    poll_seconds: float = 5.0,
    demo: bool = True,
    source: Path | str = SAMPLE_STORE,
    memory_every: float = 10.0,
    keep_alive: int = KEEP_ALIVE,
    change_seconds: float = CHANGE_SECONDS,
) -> Result:
    """Serve a copy of ``source`` with gunicorn and run the simulated users."""
    from cockpit.auth.demo import DEMO_KIOSK_TOKEN, DEMO_PASSWORD

    with tempfile.TemporaryDirectory(prefix="cockpit-load-") as tmp:
        folder = Path(tmp)
        store = prepare_store(folder, source)
        places = load_places(store)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with gunicorn(store, folder, port, workers, threads, demo, keep_alive) as process:
            first_workers = set(workers_of(process))
            recorder, samples, stop = Recorder(), [], threading.Event()
            sampler = threading.Thread(target=sample_memory, args=(process, samples, stop, memory_every))
            sampler.start()
            touched: list[int] = []
            if change_seconds:
                changer = threading.Thread(
                    target=touch_every, args=(store_url(store), change_seconds, stop, touched), daemon=True
                )
                changer.start()
            started = time.monotonic()
            deadline = started + duration
            cpu_before = cpu_seconds(process)
            users = [
                threading.Thread(
                    target=wall_screen, args=(base, recorder, deadline, poll_seconds, DEMO_KIOSK_TOKEN)
                )
                for _ in range(screens)
            ]
            users += [
                threading.Thread(
                    target=Inspector(base, recorder, deadline, poll_seconds, places).run,
                    args=(DEMO_PASSWORD, min(10.0, duration / 3)),
                )
                for _ in range(inspectors)
            ]
            for user in users:
                user.start()
            for user in users:
                user.join()
            seconds = time.monotonic() - started
            cpu = {
                who: round(used - cpu_before.get(who, 0.0), 1) for who, used in cpu_seconds(process).items()
            }
            stop.set()
            sampler.join()
            restarts = len(set(workers_of(process)) - first_workers)
            log_tail = (folder / "gunicorn.log").read_text(errors="replace").splitlines()
        errors_logged = [line for line in log_tail if "ERROR" in line or "Traceback" in line]
        if errors_logged:
            print(f"gunicorn logged {len(errors_logged)} error lines; first: {errors_logged[0][:300]}")
    return Result(recorder, seconds, samples, restarts, len(touched), cpu)


def memory_rows(samples: list) -> list[tuple[str, float, list[float]]]:
    """(label, seconds, per-worker MB) at the start, each whole minute and the end."""
    if not samples:
        return []
    rows = [("start", *_mb(samples[0]))]
    minute = 60.0
    for seconds, per_worker in samples[1:-1]:
        if seconds >= minute:
            rows.append((f"{int(minute // 60)} min", seconds, sorted(per_worker.values())))
            minute += 60
    rows.append(("end", *_mb(samples[-1])))
    return rows


def _mb(sample: tuple) -> tuple[float, list[float]]:
    return sample[0], sorted(sample[1].values())


def report(result: Result, p95_limit: float) -> dict:
    recorder = result.recorder
    latencies = result.all_latencies
    summary = {
        "requests": recorder.total,
        "errors": result.error_count,
        "seconds": round(result.seconds, 1),
        "requests_per_second": round(recorder.total / result.seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "kinds": {},
        "errors_by_kind": dict(recorder.errors),
        "memory_mb": [
            (label, round(s), [round(mb, 1) for mb in mbs]) for label, s, mbs in memory_rows(result.memory)
        ],
        "worker_restarts": result.worker_restarts,
        "store_changes": result.changes,
        "cpu_core_seconds": result.cpu,
    }
    print(f"\n{summary['requests']} requests in {summary['seconds']} s = {summary['requests_per_second']}/s")
    print(f"the store changed {result.changes} times (one petition touched each time)")
    print(f"{'kind':<20} {'count':>7} {'err':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in sorted(recorder.latencies):
        values = recorder.latencies[kind]
        errors = sum(n for key, n in recorder.errors.items() if key.startswith(kind + ":"))
        row = {
            "count": len(values),
            "errors": errors,
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "max_ms": round(max(values), 1),
        }
        summary["kinds"][kind] = row
        print(
            f"{kind:<20} {row['count']:>7} {errors:>5} {row['p50_ms']:>8} {row['p95_ms']:>8} "
            f"{row['p99_ms']:>8} {row['max_ms']:>8}"
        )
    print(
        f"{'all':<20} {summary['requests']:>7} {summary['errors']:>5} {summary['p50_ms']:>8} "
        f"{summary['p95_ms']:>8} {summary['p99_ms']:>8}"
    )
    if recorder.errors:
        print("\nerrors:")
        for key, count in recorder.errors.most_common():
            print(f"  {count:>5}  {key}  e.g. {recorder.error_examples[key]!r}")
    print("\ngunicorn workers' RSS (MB):")
    for label, seconds, mbs in summary["memory_mb"]:
        print(f"  {label:<7} {seconds:>5} s  " + " + ".join(f"{mb:.1f}" for mb in mbs) + f" = {sum(mbs):.1f}")
    if result.cpu:
        cores = os.cpu_count() or 1
        busy = 100 * result.cpu["machine"] / (result.seconds * cores)
        print(
            f"\nCPU: the machine {busy:.0f}% busy ({cores} cores); core-seconds: gunicorn "
            f"{result.cpu['gunicorn']}, the load generator {result.cpu['load generator']}"
        )
    if result.worker_restarts:
        print(f"workers restarted during the run: {result.worker_restarts}")
    verdict = "PASS" if summary["errors"] == 0 and summary["p95_ms"] <= p95_limit else "FAIL"
    print(
        f"\n{verdict}: {summary['errors']} errors, overall p95 {summary['p95_ms']} ms (limit {p95_limit} ms)"
    )
    summary["verdict"] = verdict
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=30, help="wall screens (default 30)")
    parser.add_argument("--inspectors", type=int, default=20, help="logged-in inspectors (default 20)")
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    parser.add_argument(
        "--keep-alive", type=int, default=KEEP_ALIVE, help=f"gunicorn --keep-alive (default {KEEP_ALIVE})"
    )
    parser.add_argument(
        "--poll-seconds", type=float, default=5, help="the pages' poll (COCKPIT_POLL_SECONDS)"
    )
    parser.add_argument("--no-demo", action="store_true", help="no live demo job")
    parser.add_argument(
        "--change-seconds",
        type=float,
        default=CHANGE_SECONDS,
        help=f"touch one petition this often, so the data version moves (default {CHANGE_SECONDS}; 0: never)",
    )
    parser.add_argument("--p95-ms", type=float, default=300, help="fail above this overall p95 (default 300)")
    parser.add_argument("--store", type=Path, default=SAMPLE_STORE, help="a sample store to copy")
    parser.add_argument(
        "--url",
        help="instead of a copy of --store, the database at this SQLAlchemy URL, holding a sample city "
        "(python -m sample_db --url …); the demo job writes to it",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--quick", action="store_true", help="a 30 s smoke run: 5 screens, 5 inspectors")
    args = parser.parse_args(argv)
    if args.quick:
        args.screens, args.inspectors, args.duration = 5, 5, 30
    print(
        f"{args.screens} wall screens + {args.inspectors} inspectors for {args.duration:.0f} s against "
        f"gunicorn -w {args.workers} --threads {args.threads} --keep-alive {args.keep_alive} "
        f"(demo {'off' if args.no_demo else 'on'}, a change every {args.change_seconds:g} s)"
    )
    result = run(
        args.screens,
        args.inspectors,
        args.duration,
        args.workers,
        args.threads,
        args.poll_seconds,
        not args.no_demo,
        args.url or args.store,
        keep_alive=args.keep_alive,
        change_seconds=args.change_seconds,
    )
    summary = report(result, args.p95_ms)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0 if summary["verdict"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
