"""One measured page load or click, and what was recorded of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from benchmarks.browser.chrome import severe_logs
from benchmarks.browser.settle import TIMEOUT_MS, Settled, Target, arm, wait_settled


@dataclass
class Sample:
    """One run of a step: ``ms`` is None when it timed out or failed."""

    ms: float | None
    kb: float = 0.0
    nodes: int = 0
    requests: int = 0
    slowest_fetch_ms: float = 0.0  # the longest Dash request (fetch): the server's part
    note: str = ""
    last_part: str = ""  # the target selector or graph that appeared last
    longest_frame_ms: float = 0.0  # the longest main-thread frame (long animation frame)
    longest_frame_script: str = ""  # the script that took most of it
    parts: dict[str, float] = field(default_factory=dict)  # target part -> ms when first seen

    def to_json(self) -> dict:
        return asdict(self)


def last_part(settled: Settled, since: float = 0.0) -> str:
    """The selector or graph of the target seen last (first seen after ``since``)."""
    seen = {name: t for name, t in settled.first_seen.items() if t >= since}
    return max(seen, key=seen.get) if seen else ""


@dataclass
class Recorder:
    """Every step's samples, notes and the browser's SEVERE console lines."""

    driver: object
    base: str
    timeout_ms: int = TIMEOUT_MS
    samples: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    console: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)  # step key -> label, for steps found on the way

    def note(self, step: str, text: str) -> None:
        if text not in self.notes[step]:
            self.notes[step].append(text)

    def logs(self, step: str) -> None:
        for line in severe_logs(self.driver):
            if line not in self.console[step]:
                self.console[step].append(line)

    def add(self, step: str | None, sample: Sample) -> Sample:
        if step is not None:
            self.samples[step].append(sample)
            self.logs(step)
        return sample

    def load(self, step: str | None, path: str, target: Target) -> Sample:
        """Open ``path`` in this tab; time from navigation start to the last
        change before the page settled. ``step`` None: not recorded."""
        self.driver.get(self.base + path)
        settled = wait_settled(self.driver, target, self.timeout_ms)
        kb = (settled.resource_bytes + settled.navigation_bytes) / 1024
        if not settled.settled:
            return self.add(step, timed_out(settled, kb))
        return self.add(step, sample_of(settled, settled.last, kb, "", 0.0))

    def click(self, step: str | None, act: Callable[[], str], target: Target) -> Sample:
        """Arm the page, ``act`` (a real click, or a script that dispatches
        one and notes its time; returns a note), then time from the click to
        the last change before the page settled."""
        doc = arm(self.driver)
        note = act() or ""
        settled = wait_settled(self.driver, target, self.timeout_ms)
        kb = settled.resource_bytes / 1024
        if settled.doc != doc:  # the click loaded a new document
            kb += settled.navigation_bytes / 1024
            note = "; ".join(x for x in (note, "full page load") if x)
        if settled.click_epoch is None:
            return self.add(step, Sample(None, round(kb, 1), settled.nodes, note="no click event seen"))
        if not settled.settled:
            return self.add(step, timed_out(settled, kb, note))
        ms = settled.last_epoch - settled.click_epoch
        if ms < 0:  # the target was there already and nothing changed: the click did nothing
            nothing = Sample(None, round(kb, 1), settled.nodes, note="nothing changed after the click")
            return self.add(step, nothing)
        since = settled.click_epoch - settled.origin
        return self.add(step, sample_of(settled, ms, kb, note, since))


def sample_of(settled: Settled, ms: float | None, kb: float, note: str, since: float) -> Sample:
    frame = settled.longest_frame or {}
    return Sample(
        None if ms is None else round(ms, 1),
        round(kb, 1),
        settled.nodes,
        settled.requests,
        round(settled.slowest_fetch, 1),
        note,
        last_part(settled, since) if ms is not None else "",
        round(float(frame.get("duration") or 0.0), 1),
        str(frame.get("script") or ""),
        {name: round(t - since) for name, t in sorted(settled.first_seen.items(), key=lambda x: x[1])},
    )


def timed_out(settled: Settled, kb: float, note: str = "") -> Sample:
    waiting = ", ".join(settled.pending[:4]) or "DOM still changing"
    text = f"timeout, waiting for: {waiting}"
    return sample_of(settled, None, kb, "; ".join(x for x in (note, text) if x), 0.0)
