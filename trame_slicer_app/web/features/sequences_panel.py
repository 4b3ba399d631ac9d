"""4D volumes: a frame slider and play/pause in the toolbar, shown while a sequence is loaded.

Bound both ways to the sequence browser node (web/mrml_binding.py): the slider sets the browser's
selected frame, and a frame changed elsewhere (playing, undo, a scene) moves the slider. Playing
advances frames on the server, on the event loop, at the browser's rate (at most
``sequences.MAX_PLAYBACK_FPS``): each step changes the proxy volume, and the views render it as they
render any edit, so a step never waits on a frame and the streamer paces what is sent.
"""

from __future__ import annotations

import asyncio
import logging

from trame.decorators import life_cycle
from trame.widgets import html
from trame.widgets import vuetify3 as v3

from ...engine.io import sequences
from ..mrml_binding import BindingError, a_flag, a_number
from .feature import Feature, FeatureHost

log = logging.getLogger(__name__)

MIN_STEP_S = 1.0 / sequences.MAX_PLAYBACK_FPS
MAX_FRAMES = 1_000_000


class SequencesPanel(Feature):
    name = "sequences"
    title = "Sequences"
    icon = "mdi-filmstrip"

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.engine = self.session.engine
        self._task: asyncio.Task | None = None
        self.binding.bind("sequences_current", self._current)
        self.binding.bind("sequences_frame", self._frame, self._set_frame, a_number(0, MAX_FRAMES), undoable=False)
        self.binding.bind("sequences_playing", self._playing, self._set_playing, a_flag, undoable=False)

    @life_cycle.server_ready
    def _on_server_ready(self, **_) -> None:
        self.start()

    # -- MRML -> state -----------------------------------------------------------
    def _current(self) -> dict | None:
        current = sequences.current_sequence(self.engine)
        if current is None:
            return None
        return {key: current[key] for key in ("id", "name", "frames", "index")}

    def _frame(self) -> int | None:
        current = sequences.current_sequence(self.engine)
        return current["frame"] if current is not None else None

    def _playing(self) -> bool:
        current = sequences.current_sequence(self.engine)
        return bool(current and current["playing"])

    # -- state -> MRML -----------------------------------------------------------
    def _set_frame(self, frame: float) -> None:
        current = sequences.current_sequence(self.engine)
        if current is None:
            raise BindingError("no sequence loaded")
        sequences.set_frame(self.engine, current["id"], round(frame))

    def _set_playing(self, playing: bool) -> None:
        current = sequences.current_sequence(self.engine)
        if current is None:
            raise BindingError("no sequence loaded")
        sequences.set_playing(self.engine, current["id"], playing)

    # -- playing -----------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_event_loop().create_task(self._play())

    async def _play(self) -> None:
        while True:
            delay = 0.5
            try:
                playing = sequences.playing_browsers(self.engine)
                for browser_id in playing:
                    sequences.step(self.engine, browser_id)
                if playing:
                    fps = max(sequences.sequence_state(self.engine, b)["fps"] for b in playing)
                    delay = max(MIN_STEP_S, 1.0 / fps if fps > 0 else 1.0)
            except Exception:  # the loop must survive a sequence removed between two steps
                log.exception("sequence playback step failed")
            await asyncio.sleep(delay)

    # -- UI ----------------------------------------------------------------------
    def build_toolbar(self) -> None:
        with html.Div(v_if="sequences_current", classes="sequences-controls d-flex align-center ga-1 ml-2",
                      style="min-width: 90px; max-width: 340px; flex: 0 100 280px;"):
            v3.VBtn(icon=("sequences_playing ? 'mdi-pause' : 'mdi-play'",), size="small", variant="text",
                    title=("sequences_playing ? 'Pause' : 'Play the frames'",), classes="sequences-play",
                    click="sequences_playing = !sequences_playing")
            v3.VSlider(v_model=("sequences_frame",), min=0, max=("sequences_current.frames - 1",), step=1,
                       density="compact", hide_details=True, classes="sequences-frame",
                       title=("sequences_current.name",), style="min-width: 40px;")
            html.Span("{{ sequences_frame + 1 }}/{{ sequences_current.frames }}",
                      classes="sequences-label text-caption text-no-wrap d-none d-md-inline",
                      title=("sequences_current.index",))


FEATURE = SequencesPanel
