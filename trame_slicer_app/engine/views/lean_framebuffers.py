"""An off-screen window keeps only the frame buffers its frames are made and read from.

VTK's OpenGL render window draws into its render framebuffer and, at the end of every render
(``Frame()``), copies it into a display framebuffer meant for putting the picture on a screen: two
colour buffers (left and right eye) and a depth buffer, 12 bytes a pixel, resized with the window.
Our frames are read back from the render framebuffer (``offscreen.read_rgb`` reads the back buffer,
and the depth picking of Slicer's world-point picker reads it too), so the display framebuffer is
never read: the copy is turned off (``SwapBuffers``) and its buffers are let go after each render
in which VTK made them again. On a CPU renderer (Mesa llvmpipe) frame buffers are process memory:
~14 MiB for the Conventional layout at 1600x1000 (docs/decisions/0015, addendum).

The window is also started once at its smallest size, before it is given its size: VTK makes its
resolve framebuffer (for reading multisampled frames back, used by the 3D view's still frames only)
at the size of the first start and resizes it only when a multisampled frame is read, so a slice
view never holds one of its own size.
"""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkRenderingCore import vtkRenderWindow

FIRST_START_SIZE_PX = (16, 16)


def keep_frame_buffers_lean(window: vtkRenderWindow) -> None:
    """Call on a new off-screen window, before it holds renderers: it is started (its GL context
    made) here, at its smallest size; the caller sets its size afterwards."""
    if not hasattr(window, "GetDisplayFramebuffer"):
        return  # not an OpenGL window: nothing of this applies
    window.SetSwapBuffers(0)
    window.SetSize(*FIRST_START_SIZE_PX)
    window.Render()
    window.AddObserver(vtkCommand.EndEvent, _drop_display_framebuffer)
    _drop_display_framebuffer(window)


def holds_display_framebuffer(window: vtkRenderWindow) -> bool:
    """Whether the window's display framebuffer has buffers (VTK makes them when it (re)creates its
    framebuffers: the first render, a context made again)."""
    framebuffer = window.GetDisplayFramebuffer()
    return framebuffer.GetNumberOfColorAttachments() > 0 or framebuffer.GetDepthAttachmentAsTextureObject() is not None


def _drop_display_framebuffer(window: vtkRenderWindow, *_event) -> None:
    # After a render the window's context is current, as detaching needs.
    if holds_display_framebuffer(window):
        framebuffer = window.GetDisplayFramebuffer()
        framebuffer.RemoveColorAttachments(framebuffer.GetNumberOfColorAttachments())
        framebuffer.RemoveDepthAttachment()
