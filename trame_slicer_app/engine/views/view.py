"""What a Slicer view is on the server: a render window, its renderers and the
displayable managers that turn MRML nodes into VTK props."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from slicer import (
    vtkMRMLAbstractViewNode,
    vtkMRMLApplicationLogic,
    vtkMRMLDisplayableManagerFactory,
    vtkMRMLDisplayableManagerGroup,
)
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkRenderingCore import vtkRenderer

from .offscreen import make_offscreen_window, read_rgb

RenderRequestListener = Callable[["SlicerView"], None]
# (renderer, layers) -> (render window holding the renderer, its interactor). Off-screen by default;
# a desktop host (hosts/qt_host) gives windows inside its own widgets.
WindowMaker = Callable[[vtkRenderer, int], tuple]
MIN_VIEW_SIZE_PX = 16
MIN_RENDER_SCALE = 0.2
# What VTK's render windows ask for by default. On a CPU renderer (Mesa llvmpipe) 4x
# multisampling makes a frame of an 800x600 view 4x slower to draw and 6x slower to read
# back (render+read-back 28 -> 6 ms for a slice view, 26 -> 6 ms for the 3D view).
MULTISAMPLES = 4


class SlicerView:
    """Base of slice and 3D views.

    A view never renders on its own. Displayable managers and interactor
    styles ask for a render; the view records that it is dirty and tells its
    listeners, and whoever shows the view renders it when it is visible.
    """

    kind = "abstract"
    # Multisampling of a finished (still) frame; frames during interaction never pay for it.
    still_multisamples = 0

    def __init__(self, name: str, layers: int = 1, window_maker: WindowMaker | None = None) -> None:
        self.name = name
        self.renderer = vtkRenderer()
        self.render_window, self.interactor = (window_maker or make_offscreen_window)(self.renderer, layers)
        self.displayable_managers = vtkMRMLDisplayableManagerGroup()
        self.displayable_managers.AddObserver(vtkCommand.UpdateEvent, self._on_render_requested)
        self.view_node: vtkMRMLAbstractViewNode | None = None
        self.dirty = True
        self._listeners: list[RenderRequestListener] = []
        # The size the client shows the view at, and the fraction of it rendered:
        # below 1 during a drag on a slow machine or link (render time follows pixels).
        self.client_size: tuple[int, int] = self.size
        self.render_scale = 1.0
        # Render time the next interactive frames may take (None: the view's own choice); costly
        # parts such as volume rendering fit themselves to it.
        self.frame_budget_s: float | None = None
        self.still_frame = True
        self.set_still(True)
        # Whether the last input replayed on the view held Shift (view_input: a browser sends no key
        # event for Shift alone, Slicer's widgets expect one).
        self.shift_held = False

    def _attach_displayable_managers(
        self,
        factory_class: type[vtkMRMLDisplayableManagerFactory],
        app_logic: vtkMRMLApplicationLogic,
        manager_names: list[str],
    ) -> None:
        # The factories are process-wide singletons in Slicer (GetInstance());
        # registering a manager twice is harmless, so every view may ask.
        factory = factory_class.GetInstance()
        factory.SetMRMLApplicationLogic(app_logic)
        for manager_name in manager_names:
            if not factory.IsDisplayableManagerRegistered(manager_name):
                factory.RegisterDisplayableManager(manager_name)
        self.displayable_managers.Initialize(factory, self.renderer)

    def _set_view_node(self, node: vtkMRMLAbstractViewNode) -> None:
        self.view_node = node
        self.displayable_managers.SetMRMLDisplayableNode(node)

    # -- render requests -------------------------------------------------
    def add_render_listener(self, listener: RenderRequestListener) -> None:
        self._listeners.append(listener)

    def request_render(self) -> None:
        self.dirty = True
        for listener in self._listeners:
            listener(self)

    def _on_render_requested(self, *_args) -> None:
        self.request_render()

    # -- rendering ---------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        width, height = self.render_window.GetSize()
        return int(width), int(height)

    def resize(self, width: int, height: int) -> None:
        """The size the client shows the view at."""
        self.client_size = (max(MIN_VIEW_SIZE_PX, int(width)), max(MIN_VIEW_SIZE_PX, int(height)))
        self._apply_render_size()

    def set_render_scale(self, scale: float) -> None:
        """Render at a fraction of the client's size; the picture shows the same field of view."""
        self.render_scale = min(1.0, max(MIN_RENDER_SCALE, float(scale)))
        self._apply_render_size()

    def set_still(self, still: bool) -> None:
        """Whether the next frames are finished ones (the view's full finish) or frames during
        interaction (the cheap path). Changing it reallocates the frame buffer, as a resize does."""
        self.still_frame = bool(still)
        samples = self.still_multisamples if still else 0
        if self.render_window.GetMultiSamples() != samples:
            self.render_window.SetMultiSamples(samples)
            self.request_render()

    def set_frame_budget(self, seconds: float | None) -> None:
        """How long the next interactive frames may take to render: a view that changes because
        another is being dragged gets less than the dragged one (the streamer's focus-first)."""
        self.frame_budget_s = None if seconds is None else max(0.0, float(seconds))

    def client_to_render(self, x: float, y: float) -> tuple[float, float]:
        """A client pixel position in render-window pixels (both counted from the top left)."""
        (client_w, client_h), (width, height) = self.client_size, self.size
        return x * width / client_w, y * height / client_h

    def client_to_display(self, x: float, y: float) -> tuple[int, int]:
        """A client pixel position (from the top left) as VTK's display pixel inside the view
        (from the bottom left): where the interactor and the Data Probe see it."""
        width, height = self.size
        x, y = self.client_to_render(x, y)
        x = min(max(int(x), 0), width - 1)
        return x, height - 1 - min(max(int(y), 0), height - 1)

    def _apply_render_size(self) -> None:
        client_w, client_h = self.client_size
        width = max(MIN_VIEW_SIZE_PX, round(client_w * self.render_scale))
        height = max(MIN_VIEW_SIZE_PX, round(client_h * self.render_scale))
        if (width, height) == self.size:
            return
        self.render_window.SetSize(width, height)
        self.interactor.SetSize(width, height)
        self._after_resize()
        self.request_render()

    def _after_resize(self) -> None:
        """Views whose MRML state depends on their size update it here."""

    def render(self) -> None:
        self.dirty = False
        self.render_window.Render()

    def capture(self) -> np.ndarray:
        """Render and read back the frame as an RGB array (height, width, 3)."""
        self.render()
        return read_rgb(self.render_window)

    def reset_view(self) -> None:
        """Fit the view to what it shows."""
        raise NotImplementedError
