"""Slicer's volume rendering presets, as data.

Slicer ships its presets as an MRML scene (``presets.xml``) in the Volume
Rendering module's share directory; the slicer-core wheel has no share
directory, so the logic cannot load them. The transfer functions below are the
values of Slicer's presets of the same names (scalar value -> opacity, scalar
value -> RGB in 0..1, gradient magnitude -> opacity, and the lighting).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VolumeRenderingPreset:
    name: str
    scalar_opacity: tuple[tuple[float, float], ...]  # (scalar, opacity)
    color: tuple[tuple[float, float, float, float], ...]  # (scalar, r, g, b)
    gradient_opacity: tuple[tuple[float, float], ...]  # (gradient magnitude, opacity)
    ambient: float
    diffuse: float
    specular: float
    specular_power: float
    shade: bool

    @property
    def modality(self) -> str:
        return self.name.split("-", 1)[0]  # "CT" or "MR"


_FLAT_GRADIENT = ((0.0, 1.0), (255.0, 1.0))

_PRESETS = (
    VolumeRenderingPreset(
        "CT-Bone",
        scalar_opacity=((-3024, 0), (-16.4458, 0), (641.385, 0.715686), (3071, 0.705882)),
        color=((-3024, 0, 0, 0), (-16.4458, 0.729412, 0.254902, 0.301961),
               (641.385, 0.905882, 0.815686, 0.552941), (3071, 1, 1, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.1, diffuse=0.9, specular=0.2, specular_power=10, shade=True,
    ),
    VolumeRenderingPreset(
        "CT-Soft-Tissue",
        scalar_opacity=((-2048, 0), (-167.01, 0), (-160, 1), (240, 1), (3661, 1)),
        color=((-2048, 0, 0, 0), (-167.01, 0, 0, 0), (-160, 0.0556356, 0.0556356, 0.0556356),
               (240, 1, 1, 1), (3661, 1, 1, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.2, diffuse=1.0, specular=0.0, specular_power=1, shade=False,
    ),
    VolumeRenderingPreset(
        "CT-Muscle",
        scalar_opacity=((-3024, 0), (-155.407, 0), (217.641, 0.676471), (419.736, 0.833333), (3071, 0.803922)),
        color=((-3024, 0, 0, 0), (-155.407, 0.54902, 0.25098, 0.14902), (217.641, 0.882353, 0.603922, 0.290196),
               (419.736, 1, 0.937033, 0.954531), (3071, 0.827451, 0.658824, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.1, diffuse=0.9, specular=0.2, specular_power=10, shade=True,
    ),
    VolumeRenderingPreset(
        "CT-Chest-Vessels",
        scalar_opacity=((-3024, 0), (-1278.35, 0), (22.8277, 0.428571), (439.291, 0.625), (3071, 0.616071)),
        color=((-3024, 0, 0, 0), (-1278.35, 0.54902, 0.25098, 0.14902), (22.8277, 0.882353, 0.603922, 0.290196),
               (439.291, 1, 0.937033, 0.954531), (3071, 0.827451, 0.658824, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.2, diffuse=1.0, specular=0.0, specular_power=1, shade=True,
    ),
    VolumeRenderingPreset(
        "CT-Cardiac",
        scalar_opacity=((-3024, 0), (-77.6875, 0), (94.9518, 0.285714), (179.052, 0.553571), (260.439, 0.848214),
                        (3071, 0.875)),
        color=((-3024, 0, 0, 0), (-77.6875, 0.54902, 0.25098, 0.14902), (94.9518, 0.882353, 0.603922, 0.290196),
               (179.052, 1, 0.937033, 0.954531), (260.439, 0.615686, 0, 0), (3071, 0.827451, 0.658824, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.1, diffuse=0.9, specular=0.2, specular_power=10, shade=True,
    ),
    VolumeRenderingPreset(
        "CT-AAA",
        scalar_opacity=((-3024, 0), (143.556, 0), (166.222, 0.686275), (214.389, 0.696078), (419.736, 0.833333),
                        (3071, 0.803922)),
        color=((-3024, 0, 0, 0), (143.556, 0.615686, 0.356863, 0.184314), (166.222, 0.882353, 0.603922, 0.290196),
               (214.389, 1, 1, 1), (419.736, 1, 0.937033, 0.954531), (3071, 0.827451, 0.658824, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.1, diffuse=0.9, specular=0.2, specular_power=10, shade=True,
    ),
    VolumeRenderingPreset(
        "MR-Default",
        scalar_opacity=((0, 0), (20, 0), (40, 0.15), (120, 0.3), (220, 0.375), (1024, 0.5)),
        color=((0, 0, 0, 0), (20, 0.168627, 0, 0), (40, 0.403922, 0.145098, 0.0784314),
               (120, 0.780392, 0.607843, 0.380392), (220, 0.847059, 0.835294, 0.788235), (1024, 1, 1, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.2, diffuse=1.0, specular=0.0, specular_power=1, shade=True,
    ),
    VolumeRenderingPreset(
        "MR-Angio",
        scalar_opacity=((-2048, 0), (151.354, 0), (158.279, 0.4375), (190.112, 0.580357), (200.873, 0.732143),
                        (3661, 0.741071)),
        color=((-2048, 0, 0, 0), (151.354, 0, 0, 0), (158.279, 0.74902, 0.376471, 0),
               (190.112, 1, 0.866667, 0.733333), (200.873, 0.937255, 0.937255, 0.937255), (3661, 1, 1, 1)),
        gradient_opacity=_FLAT_GRADIENT, ambient=0.2, diffuse=1.0, specular=0.0, specular_power=1, shade=True,
    ),
    VolumeRenderingPreset(
        "MR-T2-Brain",
        scalar_opacity=((0, 0), (36.05, 0), (218.302, 0.171429), (412.406, 1), (641, 1)),
        color=((0, 0, 0, 0), (98.7223, 0.956863, 0.839216, 0.192157), (412.406, 0, 0.592157, 0.807843),
               (641, 1, 1, 1)),
        gradient_opacity=((0, 1), (160.25, 1)), ambient=0.3, diffuse=0.6, specular=0.5, specular_power=40, shade=True,
    ),
)

VOLUME_RENDERING_PRESETS: dict[str, VolumeRenderingPreset] = {preset.name: preset for preset in _PRESETS}
DEFAULT_CT_PRESET = "CT-Bone"
DEFAULT_MR_PRESET = "MR-Default"
