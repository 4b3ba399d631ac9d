"""Focus first, through the streamer: the view under the hand renders first, the views linked to it
get what is left (at least a few frames a second) and every view ends on its still frame.

Renders cost time on the injected clock (each fake view advances it while it "renders"), so the
tests see the schedule a real render thread would follow, without waiting for it.
"""

from __future__ import annotations

import asyncio

from stream_harness import VIEW_NAMES, APublishedFrame, AStream, a_move, a_press, a_release, run_with_a_stream

from trame_slicer_app.streaming.focus_first import LINKED_FRAME_BUDGET_S, LINKED_MAX_FPS, LINKED_MIN_FPS
from trame_slicer_app.streaming.frame_pacing import SETTLE_AFTER_INPUT_S, UNDER_HAND_AFTER_STEP_S
from trame_slicer_app.streaming.link_quality import RENDER_BUDGET_SHARE
from trame_slicer_app.streaming.view_streamer import TARGET_FPS

POINTER_STEP_S = 1.0 / 60  # a mouse moving at the browser's pointer rate
QUIET_TURNS = 3
LINKED = ("Green", "Yellow")


class Pointers:
    """Drags in progress: each sends a move every pointer period of the injected clock, also while a
    view renders (the browser does not wait for the server)."""

    def __init__(self, stream: AStream) -> None:
        self.stream = stream
        self.drags: dict[str, dict] = {}  # view -> {"client", "seq", "next_at"}

    def press(self, view: str, client: str = "a") -> None:
        self.stream.streamer.on_input(view, 1, [a_press(1, 1)], client=client)
        self.drags[view] = {"client": client, "seq": 2, "next_at": self.stream.clock.now}

    def release(self, view: str) -> None:
        drag = self.drags.pop(view)
        self.stream.streamer.on_input(view, drag["seq"], [a_release(1, 1)], client=drag["client"])

    def move_until_now(self) -> None:
        for view, drag in self.drags.items():
            while drag["next_at"] <= self.stream.clock.now:
                seq = drag["seq"]
                self.stream.streamer.on_input(view, seq, [a_move(seq % 60, 2)], client=drag["client"])
                drag["seq"] += 1
                drag["next_at"] += POINTER_STEP_S


def costs(stream: AStream, pointers: Pointers | None = None, **seconds: float) -> None:
    """Each named view takes this long (on the injected clock) to render a frame."""

    def render(cost: float) -> None:
        stream.clock.now += cost
        if pointers is not None:
            pointers.move_until_now()

    for name, cost in seconds.items():
        stream.views[name].while_rendering = lambda cost=cost: render(cost)


async def frames_out(stream: AStream, at_most: int = 6) -> list[APublishedFrame]:
    """The frames sent before the streamer goes quiet (or the first ``at_most``: renders move the
    clock, so a busy view may never go quiet), each acknowledged at once (a local client).
    Encoding runs on a thread pool: a little real time lets it finish."""
    frames: list[APublishedFrame] = []
    quiet = 0
    while quiet < QUIET_TURNS and len(frames) < at_most:
        await stream.let_it_run()
        await asyncio.sleep(0.002)
        got = False
        while not stream.published.empty():
            frame = stream.published.get_nowait()
            for client in frame.recipients or [None]:
                stream.streamer.on_ack(frame.view, frame.meta["id"], client=client)
            frames.append(frame)
            got = True
        quiet = 0 if got or stream.streamer.encoding() else quiet + 1
    return frames


async def all_views_shown(stream: AStream) -> None:
    stream.streamer.set_visible(set(VIEW_NAMES))
    await frames_out(stream)
    stream.recorder.links = {"Red": [stream.views[name] for name in LINKED]}


async def drag(stream: AStream, pointers: Pointers, views: tuple[str, ...], seconds: float) -> list:
    """Press in each view (one client each), move at the pointer rate for ``seconds`` of the
    injected clock, keep the buttons held; the frames sent meanwhile."""
    for number, view in enumerate(views):
        pointers.press(view, client=f"client-{number}")
    frames = await frames_out(stream)
    end = stream.clock.now + seconds
    while stream.clock.now < end:
        pointers.move_until_now()
        frames += await frames_out(stream)
        stream.time_passes(POINTER_STEP_S / 4)
    return frames


async def timed_drag(stream: AStream, pointers: Pointers, views: tuple[str, ...], seconds: float) -> tuple:
    """A drag (see ``drag``), its frames and how long it lasted on the injected clock."""
    start = stream.clock.now
    frames = await drag(stream, pointers, views, seconds)
    return frames, stream.clock.now - start


async def release_and_settle(stream: AStream, pointers: Pointers, view: str = "Red", at_most: int = 10,
                             step_s: float = 0.05) -> list:
    """Releases ``view``'s drag; the frames sent while the clock moves on for the still frames."""
    pointers.release(view)
    after = await frames_out(stream, at_most=at_most)
    for _ in range(5):
        stream.time_passes(step_s)
        after += await frames_out(stream, at_most=at_most)
    return after


def started_s(frame: APublishedFrame) -> float:
    return frame.meta["started_ms"] / 1000.0


def of(frames: list, name: str) -> list:
    return [frame for frame in frames if frame.view == name]


def assert_every_view_ends_on_a_still_frame(frames: list) -> None:
    for name in VIEW_NAMES:
        assert of(frames, name)[-1].meta["still"], name


def assert_no_linked_frame_while_the_focused_view_was_due(frames: list, focused: str = "Red") -> None:
    """A linked frame starts before the focused view's next frame is due, except one overdue linked
    frame per focused frame (a linked view waits at most 1/LINKED_MIN_FPS s): when both wait, the
    focused view goes first."""
    last_focused, late_since_it = None, 0
    for frame in sorted(frames, key=started_s):
        if frame.view == focused:
            last_focused, late_since_it = frame, 0
        elif frame.meta["linked"] and last_focused is not None:
            due = started_s(last_focused) + 1.0 / TARGET_FPS
            if started_s(frame) >= due:
                late_since_it += 1
                assert late_since_it <= 1, (frame.view, started_s(frame) - started_s(last_focused))


def assert_each_focused_frame_was_sent_before_the_next_linked_render(frames: list, focused: str = "Red") -> None:
    """A focused frame is sent from the render thread once encoded: a linked render started
    before that would hold it back by the render's whole length."""
    last_focused = None
    for frame in sorted(frames, key=started_s):
        if frame.view == focused:
            last_focused = frame
        elif frame.meta["linked"] and last_focused is not None:
            assert last_focused.meta["sent_ms"] <= frame.meta["started_ms"], frame.view


def test_with_no_room_left_linked_views_render_only_at_their_floor_rate_and_never_ahead_of_the_dragged_view():
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        # Red's frame fills almost all its interval: there is never room for a linked frame.
        costs(stream, pointers, Red=0.030, Green=0.020, Yellow=0.020)
        frames, elapsed = await timed_drag(stream, pointers, ("Red",), seconds=2.0)

        assert_no_linked_frame_while_the_focused_view_was_due(frames)
        assert_each_focused_frame_was_sent_before_the_next_linked_render(frames)
        assert all(not f.meta["still"] for f in of(frames, "Red")[1:])
        for name in LINKED:
            linked = of(frames, name)
            assert all(f.meta["linked"] and not f.meta["still"] for f in linked)
            # The floor: a frame about every 1/LINKED_MIN_FPS s, and no more (no room otherwise).
            assert 4.0 <= len(linked) / elapsed <= LINKED_MIN_FPS + 1, (name, len(linked), elapsed)
        red_fps = len(of(frames, "Red")) / elapsed
        assert red_fps >= 20.0, red_fps
        assert len(of(frames, "Red")) > 2 * max(len(of(frames, name)) for name in LINKED)

    run_with_a_stream(scenario)


def test_linked_views_use_the_room_the_dragged_view_leaves_up_to_their_ceiling():
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.004, Green=0.004, Yellow=0.004)
        frames, elapsed = await timed_drag(stream, pointers, ("Red",), seconds=2.0)

        assert_no_linked_frame_while_the_focused_view_was_due(frames)
        assert_each_focused_frame_was_sent_before_the_next_linked_render(frames)
        for name in LINKED:
            rate = len(of(frames, name)) / elapsed
            assert LINKED_MIN_FPS + 1 < rate <= LINKED_MAX_FPS + 1, (name, rate)
        assert len(of(frames, "Red")) / elapsed >= 0.85 * TARGET_FPS

    run_with_a_stream(scenario)


def test_linked_frames_are_cheap_ones_and_the_dragged_views_are_not():
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.010, Green=0.010, Yellow=0.010)
        for view in stream.views.values():
            view.finishes.clear()
        await drag(stream, pointers, ("Red",), seconds=0.6)

        # The dragged view's frames get the whole frame interval's budget, the still frame none.
        focused_budget = RENDER_BUDGET_SHARE / TARGET_FPS
        assert (False, focused_budget) in stream.views["Red"].finishes
        assert focused_budget > LINKED_FRAME_BUDGET_S
        assert all(budget == (None if still else focused_budget) for still, budget in stream.views["Red"].finishes)
        for name in LINKED:
            assert stream.views[name].finishes, name
            assert set(stream.views[name].finishes) == {(False, LINKED_FRAME_BUDGET_S)}, name

    run_with_a_stream(scenario)


def test_after_the_release_every_view_gets_its_still_frame_the_dragged_one_first():
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.030, Green=0.020, Yellow=0.020)
        await drag(stream, pointers, ("Red",), seconds=0.5)
        pointers.release("Red")
        released_at = stream.clock.now
        after = await frames_out(stream)
        for _ in range(5):
            stream.time_passes(0.02)
            after += await frames_out(stream)

        # In the order they were rendered (encoders may finish in another order).
        stills = sorted((f for f in after if f.meta["still"]), key=started_s)
        assert stills[0].view == "Red"
        assert {f.view for f in stills} == set(VIEW_NAMES)
        assert_every_view_ends_on_a_still_frame(after)
        # Nothing held them back but the renders before them.
        assert max(started_s(f) for f in stills) - released_at < 0.1

    run_with_a_stream(scenario)


def test_the_released_views_still_frame_is_sent_before_another_views_still_render_starts():
    # Measured in the Conventional layout with volume rendering: Red's still frame (4 ms to render)
    # was encoded while the 3D view's still frame (160 ms) rendered, and waited for it to be sent.
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.005, Yellow=0.005, Green=0.160)  # Green plays the 3D view
        await drag(stream, pointers, ("Red",), seconds=0.5)
        after = await release_and_settle(stream, pointers, at_most=8, step_s=0.02)

        stills = sorted((f for f in after if f.meta["still"]), key=started_s)
        red_still = next(f for f in stills if f.view == "Red")
        others = [f for f in stills if f.view != "Red"]
        assert {f.view for f in others} == set(VIEW_NAMES) - {"Red"}
        for frame in others:
            assert red_still.meta["sent_ms"] <= frame.meta["started_ms"], frame.view

    run_with_a_stream(scenario)


def test_after_the_release_each_view_renders_one_still_frame_when_a_resize_changes_another_view():
    # A slice view's size is its slice node's: its linked frames at a reduced scale, its still frame
    # at full size resizes the node, and the 3D view (here Green), which shows that slice, changes too.
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.010, Yellow=0.060, Green=0.030)  # Yellow's linked frames: reduced
        yellow, green = stream.views["Yellow"], stream.views["Green"]
        plain_set_render_scale = yellow.set_render_scale

        def resize_changes_green(scale: float) -> None:
            if scale != yellow.render_scale:
                green.dirty = True
            plain_set_render_scale(scale)

        yellow.set_render_scale = resize_changes_green
        await drag(stream, pointers, ("Red",), seconds=0.6)  # Yellow's linked frames learn their cost
        pointers.release("Red")
        await frames_out(stream, at_most=10)
        stream.time_passes(0.5)
        await frames_out(stream, at_most=10)
        frames = await drag(stream, pointers, ("Red",), seconds=0.6)
        assert any(f.view == "Yellow" and f.meta["linked"] and f.meta["scale"] < 1 for f in frames)
        after = await release_and_settle(stream, pointers)

        stills = [f.view for f in after if f.meta["still"]]
        assert sorted(stills) == sorted(VIEW_NAMES), stills  # one each: none rendered twice
        assert_every_view_ends_on_a_still_frame(after)

    run_with_a_stream(scenario)


def test_after_the_release_the_other_views_still_frames_go_cheapest_first_whatever_the_pointer_crossed():
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.010, Yellow=0.005, Green=0.150)  # Green plays the 3D view
        for _ in range(2):  # still frames of each view, timed: their cost is known
            await drag(stream, pointers, ("Red",), seconds=0.3)
            pointers.release("Red")
            await frames_out(stream, at_most=10)
            stream.time_passes(2.0)
            await frames_out(stream, at_most=10)
        # The pointer crosses Green on its way to Red (a hover is input), then Red is dragged.
        stream.streamer.on_input("Green", 1, [a_move(5, 5)], client="a")
        await frames_out(stream, at_most=10)
        stream.time_passes(1.5)
        await drag(stream, pointers, ("Red",), seconds=0.3)
        after = await release_and_settle(stream, pointers)

        stills = [f.view for f in sorted(after, key=started_s) if f.meta["still"]]
        assert stills == ["Red", "Yellow", "Green"], stills

    run_with_a_stream(scenario)


def test_after_wheel_steps_the_linked_views_wait_for_the_burst_to_end_before_their_still_frames():
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        costs(stream, Red=0.005, Green=0.005, Yellow=0.005)
        stream.time_passes(0.1)  # the views' first frames are behind them
        await frames_out(stream)
        stream.streamer.on_input("Red", 1, [{"type": "wheel", "steps": 1, "x": 3, "y": 3}], client="a")
        wheel_at = stream.clock.now
        frames = await frames_out(stream)
        stream.time_reaches(wheel_at + SETTLE_AFTER_INPUT_S + 0.005)
        frames += await frames_out(stream)
        assert [f.meta["still"] for f in of(frames, "Red")] == [False, True]
        assert not [f for f in frames if f.view in LINKED and f.meta["still"]]

        stream.time_reaches(wheel_at + UNDER_HAND_AFTER_STEP_S + 0.005)
        later = await frames_out(stream)
        assert {f.view for f in later if f.meta["still"]} == set(LINKED)

    run_with_a_stream(scenario)


def test_two_clients_dragging_two_views_both_come_first_and_the_third_view_still_moves():
    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        stream.recorder.links = {"Red": [stream.views["Yellow"]], "Green": [stream.views["Yellow"]]}
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.012, Green=0.012, Yellow=0.012)
        frames, elapsed = await timed_drag(stream, pointers, ("Red", "Green"), seconds=2.0)

        red, green, yellow = (len(of(frames, name)) / elapsed for name in ("Red", "Green", "Yellow"))
        assert red >= 15 and green >= 15, (red, green)
        assert abs(red - green) <= 0.25 * max(red, green), (red, green)
        assert yellow >= 4.0, yellow
        assert all(f.meta["linked"] for f in of(frames, "Yellow"))
        assert_no_linked_frame_while_the_focused_view_was_due(frames, "Red")
        assert_no_linked_frame_while_the_focused_view_was_due(frames, "Green")

    run_with_a_stream(scenario)


def test_when_turns_are_scarce_every_linked_view_keeps_its_floor():
    """A focused view slower than its frame interval (a loaded machine) is due at every pass and
    leaves no room: an overdue linked view still gets a turn ahead of it, once per focused frame, the
    one that has waited longest first, so neither the cheap nor the costly linked view starves."""

    async def scenario(stream: AStream) -> None:
        await all_views_shown(stream)
        pointers = Pointers(stream)
        costs(stream, pointers, Red=0.045, Green=0.005, Yellow=0.040)
        for name in LINKED:  # their still frames tell their cost
            stream.views[name].dirty = True
        stream.time_passes(0.1)
        await frames_out(stream)
        frames, elapsed = await timed_drag(stream, pointers, ("Red",), seconds=3.0)

        for name in LINKED:
            assert len(of(frames, name)) / elapsed >= 4.0, (name, len(of(frames, name)), elapsed)

    run_with_a_stream(scenario)
