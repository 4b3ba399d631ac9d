"""Browser input replayed on a view's interactor, for Slicer's interactor styles.

The vocabulary is the streaming layer's (move, press, release, wheel, key,
enter, leave) with positions in the client's pixels counted from the top.
Nothing here renders: the interactor's own render is off, and displayable
managers that need a new frame ask for one.
"""

from __future__ import annotations

from collections.abc import Mapping

from vtkmodules.vtkCommonCore import vtkCommand

from .view import SlicerView

BUTTON_EVENTS = {
    0: (vtkCommand.LeftButtonPressEvent, vtkCommand.LeftButtonReleaseEvent),
    1: (vtkCommand.MiddleButtonPressEvent, vtkCommand.MiddleButtonReleaseEvent),
    2: (vtkCommand.RightButtonPressEvent, vtkCommand.RightButtonReleaseEvent),
}
# Browser KeyboardEvent.key -> the X11 key symbols VTK and Slicer expect.
KEY_SYMBOLS = {
    "ArrowUp": "Up", "ArrowDown": "Down", "ArrowLeft": "Left", "ArrowRight": "Right",
    "PageUp": "Prior", "PageDown": "Next", "Escape": "Escape", "Delete": "Delete",
    "Backspace": "BackSpace", "Enter": "Return", " ": "space", "Home": "Home", "End": "End",
}
MAX_WHEEL_STEPS_PER_EVENT = 50
MAX_KEY_LENGTH = 16


def _key_symbol_and_code(key: str) -> tuple[str, str]:
    if key in KEY_SYMBOLS:
        return KEY_SYMBOLS[key], "\0"
    if len(key) == 1 and key.isprintable():
        return key, key
    return key[:MAX_KEY_LENGTH], "\0"


def _press_shift(interactor, x: int, y: int, ctrl: bool, alt: bool) -> None:
    """The Shift key press a desktop's window system sends when Shift goes down. Browsers send modifier
    keys as flags of the pointer events only; Slicer's slice intersection widget, after a click-and-drag,
    moves the crosshair on Shift+move only once it has seen Shift pressed again (so that a Shift held
    through a Shift+drag does not move it), so without this press Shift+move did nothing after a pan or a
    zoom until the pointer left the view."""
    interactor.SetEventInformation(x, y, int(ctrl), 1, "\0", 0, "Shift_L")
    interactor.SetAltKey(int(alt))
    interactor.InvokeEvent(vtkCommand.KeyPressEvent)


def apply_input_event(view: SlicerView, event: Mapping) -> None:
    """Replay one (already validated) event on the view's interactor."""
    interactor = view.interactor
    # The client speaks in its own pixels; the view may be rendering smaller.
    x, y = view.client_to_display(float(event.get("x", 0)), float(event.get("y", 0)))
    ctrl, shift, alt = bool(event.get("ctrl")), bool(event.get("shift")), bool(event.get("alt"))
    kind = event["type"]
    key_symbol, key_code = ("", "\0")
    if kind == "key":
        key_symbol, key_code = _key_symbol_and_code(str(event.get("key", "")))
    if shift and not view.shift_held and kind != "key":
        _press_shift(interactor, x, y, ctrl, alt)
    view.shift_held = shift
    interactor.SetEventInformation(x, y, int(ctrl), int(shift), key_code, 0, key_symbol)
    interactor.SetAltKey(int(alt))

    if kind == "move":
        interactor.InvokeEvent(vtkCommand.MouseMoveEvent)
    elif kind in ("press", "release"):
        press, release = BUTTON_EVENTS[int(event.get("button", 0))]
        interactor.InvokeEvent(press if kind == "press" else release)
    elif kind == "wheel":
        steps = max(-MAX_WHEEL_STEPS_PER_EVENT, min(MAX_WHEEL_STEPS_PER_EVENT, int(event.get("steps", 0))))
        command = vtkCommand.MouseWheelForwardEvent if steps > 0 else vtkCommand.MouseWheelBackwardEvent
        for _ in range(abs(steps)):
            interactor.InvokeEvent(command)
    elif kind == "key":
        interactor.InvokeEvent(vtkCommand.KeyPressEvent)
        interactor.InvokeEvent(vtkCommand.CharEvent)
        interactor.InvokeEvent(vtkCommand.KeyReleaseEvent)
    elif kind == "enter":
        interactor.InvokeEvent(vtkCommand.EnterEvent)
    elif kind == "leave":
        interactor.InvokeEvent(vtkCommand.LeaveEvent)
