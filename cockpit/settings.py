"""One typed settings object, read from the environment.

Every setting has a name, a default and a help text here, in one place. A test
checks that each one is documented in the README. Bad values raise
``SettingsError`` instead of being guessed at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLE_PATH = PROJECT_ROOT / "sample_db" / "sample.sqlite3"

WINDOW_PRESETS = ("today", "week", "month", "last30", "year", "all")
MAP_METRICS = ("share_5d", "received", "open_backlog", "median_hours", "red", "yellow")
CATEGORY_METRIC = "category:"  # + a warning category: that category's open warnings
# The wall screen's four panel slots beside its map (left top, left bottom,
# right top, right bottom) and what each may show.
SCREEN_PANELS = (
    "categories",
    "handling",
    "trend",
    "ranking",
    "red",
    "escalation",
    "overdue",
    "repeated",
    "disclosure",
    "queries",
    "satisfaction",
    "links",
)
DEFAULT_SCREEN_PANELS = ("categories", "trend", "ranking", "red")


class SettingsError(ValueError):
    """A setting in the environment has a value we refuse to guess about."""


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _parse_int(minimum: int, maximum: int) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
        if not minimum <= value <= maximum:
            raise SettingsError(f"{name} must be between {minimum} and {maximum}, not {value}")
        return value

    return parse


def _parse_float(minimum: float, maximum: float) -> Callable[[str, str], float]:
    def parse(name: str, raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a number, not {raw!r}") from None
        if not minimum <= value <= maximum:
            raise SettingsError(f"{name} must be between {minimum:g} and {maximum:g}, not {value:g}")
        return value

    return parse


def _parse_choice(choices: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
        return raw

    return parse


def _parse_map_metric(name: str, raw: str) -> str:
    value = raw.strip()
    if value in MAP_METRICS or (value.startswith(CATEGORY_METRIC) and value[len(CATEGORY_METRIC) :].strip()):
        return value
    raise SettingsError(
        f"{name} must be one of {', '.join(MAP_METRICS)} or {CATEGORY_METRIC}<预警类别>, not {raw!r}"
    )


def map_metric_category(metric: str) -> str | None:
    """The warning category a map metric setting names ("category:三资支出"), or None."""
    return metric[len(CATEGORY_METRIC) :].strip() if metric.startswith(CATEGORY_METRIC) else None


def _parse_screen_panels(name: str, raw: str) -> tuple[str, ...]:
    """Four panel names, comma-separated, one per slot, none twice. Five (the
    layout before the map grew, issue 19): the third, under the map, is dropped."""
    value = tuple(part.strip() for part in raw.split(","))
    if len(value) == len(DEFAULT_SCREEN_PANELS) + 1:
        value = value[:2] + value[3:]
    unknown = [part for part in value if part not in SCREEN_PANELS]
    if len(value) != len(DEFAULT_SCREEN_PANELS) or unknown or len(set(value)) != len(value):
        raise SettingsError(
            f"{name} must name {len(DEFAULT_SCREEN_PANELS)} different panels, comma-separated, "
            f"from {', '.join(SCREEN_PANELS)}; not {raw!r}"
        )
    return value


def _parse_str(name: str, raw: str) -> str:
    return raw.strip()


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parse_weekly_at(name: str, raw: str) -> str:
    """``mon 07:00``: a weekday and a local (Asia/Shanghai) time; ``off``."""
    value = " ".join(raw.strip().lower().split())
    if value == "off":
        return value
    day, _, clock = value.partition(" ")
    hour, _, minute = clock.partition(":")
    if day in WEEKDAYS and hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60:
        return f"{day} {int(hour):02d}:{int(minute):02d}"
    raise SettingsError(
        f"{name} must look like 'mon 07:00' (weekday, 24-hour local time) or 'off', not {raw!r}"
    )


def _setting(
    env: str, default: Any, help: str, parse: Callable[[str, str], Any] = _parse_str, secret: bool = False
):
    """One setting; a ``secret`` one is left out of the object's repr (and so of logs)."""
    return field(default=default, repr=not secret, metadata={"env": env, "help": help, "parse": parse})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "COCKPIT_DATABASE_URL",
        f"sqlite:///{DEFAULT_SAMPLE_PATH}",
        "SQLAlchemy URL of the store. Default: the embedded sample store (built on first run when missing).",
    )
    host: str = _setting("COCKPIT_HOST", "127.0.0.1", "Address the web server listens on.")
    port: int = _setting("COCKPIT_PORT", 8050, "Port the web server listens on.", _parse_int(1, 65535))
    root_region: str = _setting(
        "COCKPIT_ROOT_REGION",
        "",
        "Code of the region the cockpit is for. Empty: the top of the store's hierarchy.",
    )
    refresh_seconds: int = _setting(
        "COCKPIT_REFRESH_SECONDS",
        30,
        "Interval of the scheduler's refresh job, in seconds.",
        _parse_int(1, 86400),
    )
    poll_seconds: int = _setting(
        "COCKPIT_POLL_SECONDS",
        5,
        "How often open pages check whether the data changed, in seconds.",
        _parse_int(1, 3600),
    )
    stale_after_seconds: int = _setting(
        "COCKPIT_STALE_AFTER_SECONDS",
        120,
        "Pages say the data is stale when the last refresh is older than this.",
        _parse_int(1, 7 * 86400),
    )
    scheduler: str = _setting(
        "COCKPIT_SCHEDULER",
        "embedded",
        "embedded: the web process runs the scheduler (one per machine, guarded by a "
        "file lock); off: run it as its own process with `python -m cockpit.scheduler`.",
        _parse_choice(("embedded", "off")),
    )
    demo: bool = _setting(
        "COCKPIT_DEMO",
        True,
        "Run the live demo job, which keeps adding petitions and moving warnings, on a "
        "store built by the sample generator. It never writes to any other store.",
        _parse_bool,
    )
    demo_seconds: int = _setting(
        "COCKPIT_DEMO_SECONDS",
        5,
        "How often the live demo job runs (how often the screen moves), in seconds.",
        _parse_int(1, 3600),
    )
    demo_intensity: float = _setting(
        "COCKPIT_DEMO_INTENSITY",
        2.0,
        "The live demo's arrivals as a multiple of the sample history's rates: 2 makes something "
        "happen about once a minute in office hours; 6-8 every 10-20 s, with queues growing to "
        "several times the history's (docs/sample.md, 'Intensity').",
        _parse_float(0.0, 20.0),
    )
    screen_window: str = _setting(
        "COCKPIT_SCREEN_WINDOW",
        "last30",
        "Time window of the wall screen: " + ", ".join(WINDOW_PRESETS) + ".",
        _parse_choice(WINDOW_PRESETS),
    )
    screen_map_metric: str = _setting(
        "COCKPIT_SCREEN_MAP_METRIC",
        "share_5d",
        "Metric that colours the wall screen's map: "
        + ", ".join(MAP_METRICS)
        + f", or {CATEGORY_METRIC}<warning category> for that category's open warnings.",
        _parse_map_metric,
    )
    screen_rotate_seconds: int = _setting(
        "COCKPIT_SCREEN_ROTATE_SECONDS",
        0,
        "Rotate the wall screen through the root's child regions every N seconds; 0: off.",
        _parse_int(0, 86400),
    )
    screen_panels: tuple[str, ...] = _setting(
        "COCKPIT_SCREEN_PANELS",
        DEFAULT_SCREEN_PANELS,
        "The wall screen's four panels beside the map, in the order left top, left bottom, "
        "right top, right bottom: " + ", ".join(SCREEN_PANELS) + " (a list of five, from before "
        "the map grew, drops its third).",
        _parse_screen_panels,
    )
    weekly_pack_at: str = _setting(
        "COCKPIT_WEEKLY_PACK_AT",
        "mon 07:00",
        "When the scheduler builds last week's pack for the root region into the archive: "
        "a weekday and a Beijing time such as 'mon 07:00', or 'off'.",
        _parse_weekly_at,
    )
    export_dir: str = _setting(
        "COCKPIT_EXPORT_DIR",
        str(PROJECT_ROOT / "exports"),
        "Folder of the weekly packs the scheduler archives (created when missing).",
    )
    browser: str = _setting(
        "COCKPIT_BROWSER",
        "",
        "Chromium used to draw exported charts and print PDFs. Empty: BROWSER_PATH, then "
        "chromium on PATH. Without one, exports say so and everything else works.",
    )
    debug: bool = _setting("COCKPIT_DEBUG", False, "Dash debug mode (never on a wall screen).", _parse_bool)
    production: bool = _setting(
        "COCKPIT_PRODUCTION",
        False,
        "Production mode: refuse to start without COCKPIT_SECRET_KEY or on the embedded sample "
        "store; cookies only over HTTPS (Secure) and HSTS; no demo accounts.",
        _parse_bool,
    )
    secret_key: str = _setting(
        "COCKPIT_SECRET_KEY",
        "",
        "Key that signs session cookies: at least 32 random characters, the same on every "
        "worker and machine. Empty (not in production): a random key kept in .secret_key.",
        secret=True,
    )
    session_hours: int = _setting(
        "COCKPIT_SESSION_HOURS",
        10,
        "A signed-in user's session ends this many hours after login (or when the browser closes).",
        _parse_int(1, 24 * 30),
    )
    login_max_failures: int = _setting(
        "COCKPIT_LOGIN_MAX_FAILURES",
        5,
        "Failed logins for one username within COCKPIT_LOGIN_WINDOW_MINUTES before it is "
        "refused for a while; one address may fail four times as often.",
        _parse_int(1, 1000),
    )
    login_window_minutes: int = _setting(
        "COCKPIT_LOGIN_WINDOW_MINUTES",
        15,
        "The window, in minutes, over which failed logins are counted.",
        _parse_int(1, 24 * 60),
    )
    proxy_hops: int = _setting(
        "COCKPIT_PROXY_HOPS",
        0,
        "Number of reverse proxies in front of the cockpit whose X-Forwarded-For / -Proto "
        "headers to trust (for the client address in the audit log and login throttling).",
        _parse_int(0, 5),
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is not None and raw != "":
                values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
        return cls(**values)

    @property
    def is_default_sample(self) -> bool:
        return self.database_url == f"sqlite:///{DEFAULT_SAMPLE_PATH}"


def describe() -> list[tuple[str, Any, str]]:
    """(environment variable, default, help) for every setting, for docs and tests."""
    return [(f.metadata["env"], f.default, f.metadata["help"]) for f in fields(Settings)]
