"""Off-screen render windows that work on a headless server.

The VTK wheel picks its OpenGL back end at run time. With no X display the
X11 interactor can crash, while a generic interactor on an off-screen window
lets VTK fall back to EGL (Mesa llvmpipe without a GPU). OSMesa stays
reachable through ``VTK_DEFAULT_OPENGL_WINDOW=vtkOSOpenGLRenderWindow``.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkUnsignedCharArray
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow
from vtkmodules.vtkRenderingUI import vtkGenericRenderWindowInteractor

if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
    # Ask for EGL directly rather than let VTK try X11 first and warn. Linux only: elsewhere (a Slicer
    # on Windows or macOS importing this package, hosts/) every later render window would ask for EGL.
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

# Registers the OpenGL implementations behind vtkRenderWindow.
import vtkmodules.vtkInteractionStyle
import vtkmodules.vtkRenderingOpenGL2
import vtkmodules.vtkRenderingVolumeOpenGL2

import vtkmodules.vtkRenderingFreeType  # noqa: F401  isort: skip

from .lean_framebuffers import keep_frame_buffers_lean

DEFAULT_VIEW_SIZE_PX = (400, 400)


def make_offscreen_window(
    renderer: vtkRenderer, layers: int = 1
) -> tuple[vtkRenderWindow, vtkGenericRenderWindowInteractor]:
    """An off-screen window holding ``renderer`` and a generic interactor.

    The interactor's own render is switched off: Slicer's interactor styles
    call ``Render()`` inside input events, and rendering there is what made
    the stock remote view fall behind. Views are rendered by whoever streams
    them, when they are dirty.
    """
    window = vtkRenderWindow()
    window.SetOffScreenRendering(1)
    window.ShowWindowOff()
    keep_frame_buffers_lean(window)
    window.SetNumberOfLayers(layers)
    window.AddRenderer(renderer)
    window.SetSize(*DEFAULT_VIEW_SIZE_PX)
    interactor = vtkGenericRenderWindowInteractor()
    interactor.SetRenderWindow(window)
    interactor.EnableRenderOff()
    interactor.Initialize()
    return window, interactor


def read_rgb(window: vtkRenderWindow) -> np.ndarray:
    """The last rendered frame as a (height, width, 3) uint8 array, top row first."""
    width, height = window.GetSize()
    pixels = vtkUnsignedCharArray()
    window.GetPixelData(0, 0, width - 1, height - 1, 0, pixels, 0)
    image = vtk_to_numpy(pixels).reshape(height, width, 3)
    return np.ascontiguousarray(image[::-1])
