"""Streams views to a client: input in, paced and adapted JPEG frames out.

One asyncio task renders on the event-loop thread (VTK and OpenGL want one
thread) and hands encoding to a thread pool. Nothing renders inside an input
message: input only marks views dirty, and this loop decides when to render.
The views under the hand render first; the views that change because of them
get what is left (focus_first.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .focus_first import LINKED_FRAME_BUDGET_S, LinkedPacing, room_before
from .frame_pacing import FrameKind, FramePacer
from .input_events import InputError, compact, parse_input_message
from .jpeg_encoder import encode_jpeg
from .link_quality import MAX_CREDIT_FRAMES, STILL_QUALITY, STILL_SCALE, QualityController
from .stream_stats import StreamStats

log = logging.getLogger(__name__)

TARGET_FPS = 30.0
MAX_VIEW_SIZE_PX = 4096
MIN_VIEW_SIZE_PX = 16
ENCODER_THREADS = 2
IDLE_WAKE_S = 1.0
ACK_TIMEOUT_S = 2.0
# How long the loop waits for a published frame to reach the socket before it
# renders again: rendering blocks the event loop, and a frame whose send is
# queued behind the next render arrives a whole render later.
SEND_WAIT_S = 0.05
MAX_CLIENT_TIMING_S = 10.0
# A wheel or key step is one or a few frames, and each change of scale costs about a frame of its
# own (a new frame buffer, every slice layer resliced), twice: down, then up for the still frame.
# Such steps render smaller only when that pays: the link or the render time asks for half size or less.
STEP_RESCALE_AT_MOST = 0.5
# Inputs that start an interaction, and the largest interactive scale at which they render at it
# (the still frame restores full size); a drag, many frames long, always does.
RESCALE_AT_MOST = {"press": 1.0, "wheel": STEP_RESCALE_AT_MOST, "key": STEP_RESCALE_AT_MOST}
# Input waiting for the render loop is applied at once beyond this many (compacted) events,
# so a flood never grows memory; nothing is dropped.
MAX_PENDING_EVENTS = 256
STOP_WAIT_S = 1.0
RECENT_INPUT_S = 1.0  # a view with input this recent is the one the user looks at


class StreamableView(Protocol):
    """What the streamer needs of a view (the engine's SlicerView fits)."""

    name: str
    dirty: bool

    @property
    def size(self) -> tuple[int, int]: ...
    @property
    def render_scale(self) -> float: ...
    def resize(self, width: int, height: int) -> None: ...
    def set_render_scale(self, scale: float) -> None: ...
    def set_still(self, still: bool) -> None: ...
    def set_frame_budget(self, seconds: float | None) -> None: ...
    def capture(self) -> np.ndarray: ...


# (view name, meta, JPEG, recipients) -> an awaitable that completes once the frame is on
# the sockets, or None. Recipients: {client key: meta fields of that client's own (its newest
# input: input_seq, input_ms)}, or None for every client with ``meta`` as it is.
Publish = Callable[[str, dict, bytes, dict | None], Awaitable | None]
ApplyInput = Callable[[StreamableView, dict], None]


@dataclass
class _ViewChannel:
    view: StreamableView
    pacer: FramePacer
    quality: QualityController
    stats: StreamStats
    visible: bool = False
    next_frame_id: int = 1
    last_input_seq: int = 0
    last_input_at: float = 0.0  # when the newest input arrived (the frame's latency starts there)
    # Per client: (its newest input seq, when it arrived). Each client counts its own inputs
    # (a reloaded page starts again at 1), so a frame answers each with its own.
    client_inputs: dict = field(default_factory=dict)
    # Input not applied yet: compacted events (each with its arrival time under "at") and, per
    # client, the newest seq among them with its arrival time. The loop applies it just before
    # it looks at the view, so the moves that arrive during a render cost one interactor event.
    pending_events: list = field(default_factory=list)
    pending_seqs: dict = field(default_factory=dict)
    apply_s: float = 0.0  # how long the interactor took over the newest input (part of the frame's wait)
    sent: dict = field(default_factory=dict)  # frame id -> (sent at, bytes, ladder level, pixels)
    encoding: bool = False
    # The (render size, still) of the last frame: a frame rendered otherwise paid for a new
    # frame buffer (and, in a slice view, a reslice of every layer), a one-off cost.
    last_setup: tuple | None = None
    # Per client (several browsers may show one session): frame id -> sent at, for
    # frames it has not acknowledged. A client at its credit is skipped, not queued.
    client_frames: dict = field(default_factory=dict)
    # Per client: the buttons it holds down in this view and where its pointer last was, so that a
    # client that leaves in mid-drag (a reload, a closed tab) can be given its releases.
    client_buttons: dict = field(default_factory=dict)
    client_pointer: dict = field(default_factory=dict)
    skipped_clients: set = field(default_factory=set)
    linked: LinkedPacing = field(default_factory=LinkedPacing)
    sized: bool = False  # a client has told the size it shows the view at
    # How long its last still frame took to render, resize included (the still frame after a drag
    # always pays for one): orders the still frames after an interaction, cheapest first.
    still_render_s: float = 0.0


class ViewStreamer:
    def __init__(
        self,
        views: dict[str, StreamableView],
        apply_input: ApplyInput,
        publish: Publish,
        target_fps: float = TARGET_FPS,
        clock: Callable[[], float] = time.monotonic,
        wait_for_first_size: bool = False,
    ) -> None:
        """``wait_for_first_size``: a view is not rendered before a client has sent its size. A page
        subscribes to frames before it has laid out its views, so a view rendered at once went out at
        the size it was made with, only to be rendered again a moment later at the page's."""
        self._apply_input = apply_input
        self._wait_for_first_size = wait_for_first_size
        self._publish = publish
        self._clock = clock
        self._target_fps = target_fps
        self._channels: dict[str, _ViewChannel] = {}
        self._wake = asyncio.Event()
        self.set_views(views)
        self._sending: set = set()
        self._encoder = ThreadPoolExecutor(ENCODER_THREADS, thread_name_prefix="jpeg")
        self._task: asyncio.Task | None = None
        self._stopping = False
        # A linked frame overran the room since the focused views' last frame: the next overrun waits
        # for a focused frame, so overdue linked views take turns with the focused ones.
        self._linked_overran = False

    # -- messages from clients (all hostile until checked) ------------------
    def _channel(self, name) -> _ViewChannel:
        if not isinstance(name, str) or name not in self._channels:
            raise InputError(f"unknown view {name!r}")
        return self._channels[name]

    def on_input(self, name, seq, events, client=None) -> int:
        channel = self._channel(name)
        self._know_client(channel, client)
        if isinstance(seq, bool) or not isinstance(seq, int):
            raise InputError("seq must be an integer")
        now = self._clock()
        events = [{**event, "at": now} for event in parse_input_message(events)]
        self._follow_buttons(channel, client, events)
        channel.pending_events = compact(channel.pending_events + events)
        channel.pending_seqs[client] = (max(seq, channel.pending_seqs.get(client, (0, now))[0]), now)
        channel.stats.on_input_message()
        if len(channel.pending_events) > MAX_PENDING_EVENTS:
            self._apply_pending_input(channel)
        self.wake()
        return seq

    def _apply_pending_input(self, channel: _ViewChannel) -> None:
        events, channel.pending_events = channel.pending_events, []
        seqs, channel.pending_seqs = channel.pending_seqs, {}
        applying_since = self._clock()
        for event in events:
            arrived_at = event.pop("at")
            if event["type"] in RESCALE_AT_MOST and not channel.pacer.interacting:
                # A drag renders at the scale the controller picks now, for the whole
                # drag: interactor styles work on position deltas, which a size
                # change in mid-drag would corrupt. Wheel and key steps (slice
                # scrolling, zoom) render small too, until their still frame, when it pays.
                scale = channel.quality.drag_scale()
                if scale <= RESCALE_AT_MOST[event["type"]]:
                    channel.view.set_render_scale(scale)
            try:
                self._apply_input(channel.view, event)
            except Exception:  # one bad event must not stop the stream
                log.exception("applying %s to %s failed", event["type"], channel.view.name)
            channel.pacer.on_input(event, arrived_at)
        channel.apply_s = self._clock() - applying_since
        for client, (seq, arrived_at) in seqs.items():
            channel.last_input_seq = max(channel.last_input_seq, seq)
            channel.last_input_at = arrived_at
            if client is not None:
                channel.client_inputs[client] = (max(seq, channel.client_inputs.get(client, (0, 0.0))[0]), arrived_at)
        self._sync_dirty(channel)

    def now_ms(self) -> float:
        """The clock frames and input replies are stamped with, for the client's transfer measure."""
        return round(self._clock() * 1000.0, 3)

    def on_ack(self, name, frame_id, timing=None, client=None) -> None:
        channel = self._channel(name)
        self._client_acked(channel, client, frame_id)
        transfer_s = _client_transfer_s(timing)
        sent = channel.sent.pop(frame_id, None) if isinstance(frame_id, int) else None
        if sent is None:
            return  # unknown or repeated ack: nothing to return
        sent_at, frame_bytes, level, pixels = sent
        rtt_s = self._clock() - sent_at
        channel.pacer.on_frame_acked()
        channel.quality.on_frame_acked(level, frame_bytes, pixels, rtt_s, transfer_s)
        channel.stats.on_ack(rtt_s, channel.quality)
        self.wake()

    def on_resize(self, name, width, height, client=None) -> None:
        channel = self._channel(name)
        self._know_client(channel, client)
        for value in (width, height):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                raise InputError("size must be numbers")
        width = int(min(max(width, MIN_VIEW_SIZE_PX), MAX_VIEW_SIZE_PX))
        height = int(min(max(height, MIN_VIEW_SIZE_PX), MAX_VIEW_SIZE_PX))
        channel.view.resize(width, height)
        channel.sized = True
        # A client sends its size when its view mounts: frames sent before
        # then went nowhere, so their credit comes back; and a view mounted again (a layout
        # switch) numbers its input from 1 again, so the count it had is forgotten.
        self._forget_frames_in_flight(channel)
        channel.client_inputs.pop(client, None)
        channel.pacer.dirty = True
        self.wake()

    def on_client_gone(self, client) -> None:
        for channel in self._channels.values():
            channel.client_frames.pop(client, None)
            channel.client_inputs.pop(client, None)
            channel.skipped_clients.discard(client)
            self._release_buttons_of(channel, client)

    @staticmethod
    def _follow_buttons(channel: _ViewChannel, client, events: list[dict]) -> None:
        held = channel.client_buttons.setdefault(client, set())
        for event in events:
            channel.client_pointer[client] = (event["x"], event["y"])
            if event["type"] == "press":
                held.add(event["button"])
            elif event["type"] == "release":
                held.discard(event["button"])

    def _release_buttons_of(self, channel: _ViewChannel, client) -> None:
        """A client that left in mid-drag never sends its release: the view's interactor (a paint stroke,
        a window/level drag, a tool's gesture) would wait for it for good, its feedback left on screen."""
        held = channel.client_buttons.pop(client, set())
        x, y = channel.client_pointer.pop(client, (0, 0))
        if not held:
            return
        now = self._clock()
        channel.pending_events = channel.pending_events + [
            {"type": "release", "button": button, "x": x, "y": y, "shift": False, "ctrl": False, "alt": False,
             "at": now}
            for button in sorted(held)]
        self.wake()

    # -- per-client credit ----------------------------------------------------
    @staticmethod
    def _know_client(channel: _ViewChannel, client) -> None:
        if client is not None and client not in channel.client_frames:
            channel.client_frames[client] = {}
            channel.pacer.dirty = True  # a newcomer needs a picture

    def _client_acked(self, channel: _ViewChannel, client, frame_id) -> None:
        frames = channel.client_frames.get(client)
        if frames is None:
            return
        frames.pop(frame_id, None)
        if client in channel.skipped_clients and len(frames) < MAX_CREDIT_FRAMES:
            # It missed frames while at its credit: it needs the current picture.
            channel.skipped_clients.discard(client)
            channel.pacer.dirty = True

    def _recipients(self, channel: _ViewChannel, now: float) -> list | None:
        """Clients with credit left; None (everyone) while no client has introduced itself."""
        if not channel.client_frames:
            return None
        recipients = []
        for client, frames in channel.client_frames.items():
            for frame_id, sent_at in list(frames.items()):
                if sent_at < now - ACK_TIMEOUT_S:
                    del frames[frame_id]  # lost, or a client gone without a goodbye
            if len(frames) < MAX_CREDIT_FRAMES:
                recipients.append(client)
            else:
                channel.skipped_clients.add(client)
        return recipients

    @staticmethod
    def _forget_frames_in_flight(channel: _ViewChannel, older_than: float | None = None) -> None:
        for frame_id, (sent_at, *_rest) in list(channel.sent.items()):
            if older_than is None or sent_at < older_than:
                del channel.sent[frame_id]
                channel.pacer.on_frame_acked()
        if older_than is None:
            channel.pacer.in_flight = 0

    # -- from the app -------------------------------------------------------
    def set_views(self, views: dict[str, StreamableView]) -> None:
        """The views to stream, when a host's views come and go (a live desktop's layout): a new one gets
        a channel, a gone one's channel is dropped (its client's messages are then refused), the others
        keep theirs; a view object that changed under a name gets a fresh channel."""
        fps = self._target_fps
        for name in set(self._channels) - set(views):
            del self._channels[name]
        for name, view in views.items():
            channel = self._channels.get(name)
            if channel is None or channel.view is not view:
                self._channels[name] = _ViewChannel(view, FramePacer(fps), QualityController(fps), StreamStats(name))
        self.wake()

    def set_visible(self, names) -> None:
        for name, channel in self._channels.items():
            was_visible = channel.visible
            channel.visible = name in names
            if channel.visible and not was_visible:
                # A view coming back needs a frame; forget frames lost with its widget.
                channel.pacer.dirty = True
                self._forget_frames_in_flight(channel)
        self.wake()

    def on_render_requested(self, name: str) -> None:
        channel = self._channels.get(name)
        if channel is not None:
            channel.pacer.dirty = True
            self.wake()

    def stats(self) -> dict[str, dict]:
        return {name: c.stats.snapshot(c.pacer, c.quality) for name, c in self._channels.items()}

    def encoding(self) -> bool:
        """Whether a frame is being encoded (its send follows on this loop)."""
        return any(channel.encoding for channel in self._channels.values())

    def wake(self) -> None:
        self._wake.set()

    # -- the loop -------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_event_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            # Let the loop end before its encoder goes: a pass under way would encode into a closed
            # pool. Bounded: asyncio.wait_for in Python 3.11 can swallow a cancellation, which the
            # stopping flag then ends at the loop's next turn.
            self.wake()
            await asyncio.wait({self._task}, timeout=STOP_WAIT_S)
        self._encoder.shutdown(wait=False, cancel_futures=True)

    def _sync_dirty(self, channel: _ViewChannel) -> None:
        if channel.view.dirty:
            channel.pacer.dirty = True

    def _track_send(self, sending) -> None:
        if sending is None:
            return
        future = asyncio.ensure_future(sending)
        self._sending.add(future)
        future.add_done_callback(self._sending.discard)

    async def _run(self) -> None:
        while not self._stopping:
            if self._sending:
                await asyncio.wait(set(self._sending), timeout=SEND_WAIT_S)
            for channel in list(self._channels.values()):
                if channel.pending_events:
                    self._apply_pending_input(channel)
            next_look = self._look_at_views()
            self._wake.clear()
            timeout = max(0.0, next_look - self._clock())
            if timeout > 0:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
            else:
                await asyncio.sleep(0)  # let input and acks in between frames

    def _look_at_views(self) -> float:
        """One pass over the visible views, those with the newest input first; renders what is
        due and returns when to look again."""
        now = self._clock()
        next_look = now + IDLE_WAKE_S
        visible = [c for c in self._channels.values()
                   if c.visible and (c.sized or not self._wait_for_first_size)]
        focused = [c for c in visible if c.pacer.under_hand(now)]
        if not focused:
            self._restore_full_scale_before_stills(visible)
        for channel in visible:
            if not focused:
                channel.linked.end_of_interaction()
            elif channel not in focused:
                self._sync_dirty(channel)
                if channel.pacer.dirty:  # how long a linked view has waited counts from here
                    channel.linked.note_changed(now)
        linked_rendered = False
        held = False
        for channel in sorted(visible, key=lambda c: self._turn(c, focused, now)):
            if held and channel not in focused:
                continue
            held = self._still_frame_held_back(channel, now, focused)
            if channel.encoding:
                continue
            self._sync_dirty(channel)
            now = self._clock()
            # A frame never acknowledged (a client gone or a frame lost)
            # must not hold the view's credit for ever.
            self._forget_frames_in_flight(channel, older_than=now - ACK_TIMEOUT_S)
            if focused and channel not in focused:
                if linked_rendered:  # one linked frame a pass: the focused views come first again
                    next_look = now
                    continue
                linked_rendered, look_again = self._maybe_render_linked(channel, now, focused)
            else:
                kind, look_again = channel.pacer.next_frame(now, channel.quality.credit())
                if kind is not None:
                    self._render_and_send(channel, kind)
                    self._linked_overran = False
                    look_again = now
                    held = self._still_frame_held_back(channel, self._clock(), focused)  # now encoding
            if look_again is not None:
                next_look = min(next_look, look_again)
        for channel in focused:
            ends_at = channel.pacer.under_hand_until()  # then the linked views' still frames are due
            if ends_at is not None:
                next_look = min(next_look, ends_at)
        return next_look

    @staticmethod
    def _restore_full_scale_before_stills(visible: list) -> None:
        """Gives every view that owes a still frame its full size before any still frame renders. A
        slice view's size is its slice node's: resizing it changes what the other views show of that
        slice (the 3D view's plane, the intersections), so a view whose still frame rendered before a
        slice view's resize had to render it again (measured: a second round of still frames, up to
        130 ms more before every view was still after a drag in the Conventional layout)."""
        for channel in visible:
            owes = channel.pacer.dirty or channel.pacer.still_owed
            if owes and not channel.encoding and channel.view.render_scale != STILL_SCALE:
                channel.view.set_render_scale(STILL_SCALE)

    def _turn(self, channel: _ViewChannel, focused: list, now: float) -> tuple:
        """The order of a pass: the views under the hand, newest input first, except that a linked
        view that has waited its longest goes ahead of them once per focused frame (a focused view
        slower than its frame interval is due at every pass, and would otherwise never leave it a
        turn); then, during an interaction, the linked view that has waited longest, else the
        cheapest still frames (most views sharp soonest)."""
        if channel in focused:
            return (1, -channel.pacer.last_input_at, channel.quality.still_frame_s)
        if not focused:
            # The view just released first; the others by cost alone (a pointer passing over a view
            # on its way to another is input too, and says nothing of which still frame matters).
            if now - channel.pacer.last_input_at < RECENT_INPUT_S:
                return (2, 0, -channel.pacer.last_input_at)
            return (2, 1, channel.still_render_s)
        waiting_since = channel.linked.waiting_since
        first = 0 if channel.linked.overdue(now) and not self._linked_overran else 2
        return (first, math.inf if waiting_since is None else waiting_since, 0.0)

    def _still_frame_held_back(self, channel: _ViewChannel, now: float, focused: list) -> bool:
        """Whether the views behind a view just released must wait for its still frame: it owes one
        but must wait (its last frame still encoding, its credit used, or, after a drag, its next
        frame not due yet), or it is encoding one. An encode, an ack or its due time wakes the loop.
        A frame is sent from this thread once encoded, so another view's still render started
        meanwhile (the 3D view's volume rendering: 160 ms) would hold the released view's still frame
        back as long; after wheel steps the still frame comes only once the steps stop, and the
        others do not wait for it."""
        if channel in focused or now - channel.pacer.last_input_at >= RECENT_INPUT_S:
            return False
        owes = channel.pacer.dirty or channel.pacer.still_owed
        blocked = channel.encoding or channel.pacer.in_flight >= channel.quality.credit()
        return (owes and (blocked or channel.pacer.drag_just_ended)) or channel.encoding

    def _maybe_render_linked(self, channel: _ViewChannel, now: float, focused: list) -> tuple[bool, float | None]:
        """A view that changes while others are under the hand renders in the room they leave."""
        if channel.pacer.in_flight >= channel.quality.credit():
            return False, None  # an acknowledgement wakes the loop
        if any(c.encoding for c in focused):
            # Its frame is sent from this thread once encoded: a render started now would hold the
            # send back by its whole length (the encoder wakes the loop).
            return False, None
        waiting = [c for c in focused if c.pacer.dirty]
        due = [c.pacer.last_sent_at + 1.0 / c.pacer.target_fps for c in waiting or focused]
        room_s = room_before(due, now)
        may_overrun = not (self._linked_overran and waiting)
        render, look_again = channel.linked.may_render(now, room_s, may_overrun)
        if render:
            self._linked_overran |= not channel.linked.fits(room_s)
            self._render_and_send(channel, FrameKind.LINKED)
            return True, now
        return False, look_again

    def _render_and_send(self, channel: _ViewChannel, kind: FrameKind) -> None:
        log.debug("render %s (%s)", channel.view.name, kind.value)
        linked = kind is FrameKind.LINKED
        if kind is FrameKind.STILL:
            channel.view.set_render_scale(STILL_SCALE)
        elif linked:
            channel.view.set_render_scale(channel.linked.render_scale(channel.quality.full_scale_frame_s))
        channel.view.set_still(kind is FrameKind.STILL)
        channel.view.set_frame_budget(
            LINKED_FRAME_BUDGET_S if linked else None if kind is FrameKind.STILL else channel.quality.render_budget_s
        )
        setup = (channel.view.size, kind)
        steady, channel.last_setup = setup == channel.last_setup, setup
        started = self._clock()
        inputs = ((channel.last_input_seq, channel.last_input_at), dict(channel.client_inputs), channel.apply_s)
        render_scale = channel.view.render_scale
        rgb = channel.view.capture()
        render_s = self._clock() - started
        if kind is FrameKind.STILL:
            channel.still_render_s = render_s
        channel.linked.on_frame()
        if linked:
            channel.linked.on_linked_frame(started, render_s if steady else None, render_scale)
        if kind is FrameKind.STILL:
            level, (scale, quality) = None, (STILL_SCALE, STILL_QUALITY)
        else:
            level = channel.quality.level
            scale, quality = channel.quality.interactive_scale_quality
        # What is left to scale after rendering small (the encoder never enlarges).
        encode_scale = min(1.0, scale / render_scale)
        # Paced from render start to render start: counting the interval from the end of the
        # render made every frame period the interval plus a render (20 fps instead of 30).
        channel.pacer.on_frame_sent(kind, started)
        frame_id = channel.next_frame_id
        channel.next_frame_id += 1
        channel.encoding = True
        future = asyncio.get_event_loop().run_in_executor(self._encoder, encode_jpeg, rgb, quality, encode_scale)
        future.add_done_callback(
            lambda done: self._send_encoded(
                channel, done, frame_id, kind, level, (render_scale * encode_scale, quality), inputs,
                # None: nothing to learn (a frame after a resize; a linked frame, cheaper by design)
                render_s, started, render_scale if steady and not linked else None,
            )
        )

    def _send_encoded(
        self, channel, done, frame_id, kind, level, scale_quality, inputs, render_s, started, learn_at_scale
    ) -> None:
        channel.encoding = False
        try:
            frame = done.result()
        except Exception:  # an encoder failure must not stop the stream
            log.exception("encoding a frame of %s failed", channel.view.name)
            channel.pacer.on_frame_acked()
            channel.pacer.dirty = True
            self.wake()
            return
        encode_s = self._clock() - started - render_s
        if learn_at_scale is not None:  # None: a frame after a resize, which tells little of the next ones
            channel.quality.on_frame_made(learn_at_scale, render_s + encode_s, still=kind is FrameKind.STILL,
                                          encode_s=encode_s)
        now = self._clock()
        channel.sent[frame_id] = (now, len(frame.data), level, frame.width * frame.height)
        # What this frame was encoded at: the controller may have moved on meanwhile.
        scale, quality = scale_quality
        (input_seq, input_at), client_inputs, apply_s = inputs
        # Server clock stamps (ms) of the input's arrival and the render's start, so a client can
        # split a step's latency into wire in, wait, render, encode, wire out and paint.
        meta = {
            "view": channel.view.name, "id": frame_id, "width": frame.width, "height": frame.height,
            "still": kind is FrameKind.STILL, "linked": kind is FrameKind.LINKED, "input_seq": input_seq,
            "scale": scale, "quality": quality,
            "mime": "image/jpeg", "render_ms": round(render_s * 1000, 1), "encode_ms": round(encode_s * 1000, 1),
            "sent_ms": round(now * 1000.0, 3), "input_ms": round(input_at * 1000.0, 3),
            "started_ms": round(started * 1000.0, 3), "apply_ms": round(apply_s * 1000.0, 2),
        }
        channel.stats.on_frame(len(frame.data), render_s, encode_s, kind is FrameKind.STILL, now)
        recipients = self._recipients(channel, now)
        for client in recipients or ():
            channel.client_frames[client][frame_id] = now
        if recipients == []:
            channel.sent.pop(frame_id, None)  # every client is at its credit: the frame is dropped
            channel.pacer.on_frame_acked()
        else:
            own = None if recipients is None else {
                client: _input_fields(*client_inputs.get(client, (0, 0.0))) for client in recipients
            }
            self._track_send(self._publish(channel.view.name, meta, frame.data, own))
        self.wake()


def _input_fields(seq: int, arrived_at: float) -> dict:
    return {"input_seq": seq, "input_ms": round(arrived_at * 1000.0, 3)}


def _client_transfer_s(timing) -> float | None:
    """The client's measure of a frame's time on the wire, if it sent a sane one."""
    if not isinstance(timing, dict):
        return None
    value = timing.get("transfer_ms")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return min(max(float(value) / 1000.0, 0.0), MAX_CLIENT_TIMING_S)
