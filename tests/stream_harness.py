"""A ViewStreamer on fake views and an injected clock, shared by the streaming tests.

The views are small stand-ins for the engine's SlicerView (the part under test is
the streamer, not the view); the clock is injected and moved by the test, so no
test waits for wall-clock time to pass.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from trame_slicer_app.streaming.view_streamer import ViewStreamer

VIEW_NAMES = ("Red", "Green", "Yellow")
VIEW_SIZE = (64, 48)
FRAME_TIMEOUT_S = 3.0
SCENARIO_TIMEOUT_S = 10.0
LOOP_TURNS = 50  # event-loop turns that let the streamer run a few passes
FRAME_INTERVAL_S = 0.05  # comfortably more than one frame at the streamer's 30 fps


class AClock:
    """The streamer's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def colour_at(pointer: tuple[int, int]) -> tuple[int, int, int]:
    x, y = pointer
    return (x * 5) % 256, (y * 3) % 256, 128


class AFakeView:
    """Draws a flat colour that depends on where the pointer last moved."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.dirty = True
        self.pointer = (0, 0)
        self.captures = 0
        self.client_size = VIEW_SIZE
        self.render_scale = 1.0
        self.still = True
        self.frame_budget_s = None
        self.finishes: list[tuple[bool, float | None]] = []  # (still, frame budget) of each capture
        self.while_rendering: Callable[[], None] | None = None  # e.g. time passing on the clock

    @property
    def size(self) -> tuple[int, int]:
        """What it renders: the client's size at the render scale, as the engine's views do."""
        width, height = self.client_size
        return round(width * self.render_scale), round(height * self.render_scale)

    def resize(self, width: int, height: int) -> None:
        if (width, height) != self.client_size:
            self.client_size = (width, height)
            self.dirty = True

    def set_render_scale(self, scale: float) -> None:
        if scale != self.render_scale:
            self.render_scale = scale
            self.dirty = True

    def set_still(self, still: bool) -> None:
        self.still = still

    def set_frame_budget(self, seconds) -> None:
        self.frame_budget_s = seconds

    def capture(self) -> np.ndarray:
        self.finishes.append((self.still, self.frame_budget_s))
        if self.while_rendering is not None:
            self.while_rendering()
        self.captures += 1
        self.dirty = False
        width, height = self.size
        rgb = np.empty((height, width, 3), dtype=np.uint8)
        rgb[...] = colour_at(self.pointer)
        return rgb


class AnInputRecorder:
    """Applies input the way the engine would: moves and wheels change what the view shows."""

    def __init__(self) -> None:
        self.applied: list[tuple[str, dict]] = []
        self.fail_next = False  # as a view whose interactor raises would
        # View name -> the views that change with it (Red's plane moves in 3D): a linked scene.
        self.links: dict[str, list[AFakeView]] = {}

    def __call__(self, view: AFakeView, event: dict) -> None:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the interactor refused the event")
        self.applied.append((view.name, event))
        if event["type"] in ("move", "wheel"):
            view.pointer = (event["x"], event["y"])
            view.dirty = True
            for linked_view in self.links.get(view.name, ()):
                linked_view.dirty = True


@dataclass
class APublishedFrame:
    view: str
    meta: dict
    data: bytes
    recipients: list | None = None  # None: every client

    def image(self) -> Image.Image:
        image = Image.open(io.BytesIO(self.data))
        image.load()
        return image

    def colour(self) -> tuple[int, ...]:
        return tuple(round(float(c)) for c in np.asarray(self.image(), dtype=np.float64).mean(axis=(0, 1)))


@dataclass
class AStream:
    streamer: ViewStreamer
    clock: AClock
    views: dict[str, AFakeView]
    recorder: AnInputRecorder
    published: asyncio.Queue = field(default_factory=asyncio.Queue)

    async def next_frame(self) -> APublishedFrame:
        return await asyncio.wait_for(self.published.get(), FRAME_TIMEOUT_S)

    async def let_it_run(self) -> None:
        for _ in range(LOOP_TURNS):
            await asyncio.sleep(0)

    def time_passes(self, seconds: float) -> None:
        """Move the clock; wake the streamer rather than wait for its own timer."""
        self.time_reaches(self.clock.now + seconds)

    def time_reaches(self, moment: float) -> None:
        self.clock.now = moment
        self.streamer.wake()

    def captures(self) -> dict[str, int]:
        return {name: view.captures for name, view in self.views.items()}

    def ack(self, frame: APublishedFrame) -> None:
        self.streamer.on_ack(frame.view, frame.meta["id"])

    async def first_frame_of(self, name: str) -> APublishedFrame:
        self.streamer.set_visible({name})
        frame = await self.next_frame()
        assert frame.view == name
        return frame

    async def another_frame_of(self, name: str) -> APublishedFrame:
        """The view changes again a frame interval later, and its next frame goes out."""
        self.views[name].dirty = True
        self.time_passes(FRAME_INTERVAL_S)
        frame = await self.next_frame()
        assert frame.view == name
        return frame

    async def nothing_goes_out_for_a_frame_interval(self, name: str) -> None:
        """The view changes and asks to render a frame interval later, yet no frame goes out."""
        self.views[name].dirty = True
        self.time_passes(FRAME_INTERVAL_S)
        self.streamer.on_render_requested(name)
        await self.let_it_run()
        assert self.published.empty()


def run_with_a_stream(scenario: Callable[[AStream], Awaitable[None]], **streamer_options) -> None:
    async def main() -> None:
        clock = AClock()
        views = {name: AFakeView(name) for name in VIEW_NAMES}
        recorder = AnInputRecorder()
        published: asyncio.Queue = asyncio.Queue()
        streamer = ViewStreamer(
            views,
            recorder,
            lambda name, meta, data, recipients: published.put_nowait(APublishedFrame(name, meta, data, recipients)),
            clock=clock,
            **streamer_options,
        )
        streamer.start()
        try:
            await asyncio.wait_for(scenario(AStream(streamer, clock, views, recorder, published)), SCENARIO_TIMEOUT_S)
        finally:
            await streamer.stop()

    # A fresh loop in its own thread: Playwright's sync API (browser tests in
    # the same session) keeps an event loop running in the main thread.
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if outcome:
        raise outcome[0]


def a_press(x, y, button=0):
    return {"type": "press", "button": button, "x": x, "y": y}


def a_release(x, y, button=0):
    return {"type": "release", "button": button, "x": x, "y": y}


def a_move(x, y):
    return {"type": "move", "x": x, "y": y}


def assert_colour_close(actual, expected, tolerance=4):
    assert all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True)), (actual, expected)
