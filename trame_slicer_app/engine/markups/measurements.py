"""What a markup measures (length, angle, perimeter, area, ROI size), as plain values for the panel and CSV."""

from __future__ import annotations

from .markup_types import markup_type_of

MEASUREMENT_DIGITS = 3
# Slicer calls a closed curve's perimeter its "length"; the panel uses the user's word.
SHOWN_NAMES = {("closed_curve", "length"): "perimeter"}


def enable_measurements(node) -> None:
    """Turn on the measurements the panel shows that Slicer leaves off (a curve's length, a closed
    curve's area, a plane's area, an ROI's volume)."""
    markup_type = markup_type_of(node)
    for name in markup_type.enabled_measurements if markup_type else ():
        measurement = node.GetMeasurement(name)
        if measurement is not None and not measurement.GetEnabled():
            measurement.SetEnabled(True)


def measurements(node) -> list[dict]:
    """Each enabled, defined measurement: {"name", "value", "units"}; an ROI adds its size."""
    found = []
    markup_type = markup_type_of(node)
    type_name = markup_type.name if markup_type else ""
    for index in range(node.GetNumberOfMeasurements()):
        measurement = node.GetNthMeasurement(index)
        if measurement is None or not measurement.GetEnabled() or not measurement.GetValueDefined():
            continue
        # Slicer stores mm-based values and shows some in larger units (an area in cm2): the display
        # coefficient turns the stored value into the units it names.
        value = float(measurement.GetValue()) * float(measurement.GetDisplayCoefficient())
        name = SHOWN_NAMES.get((type_name, measurement.GetName()), measurement.GetName())
        found.append({"name": name, "value": round(value, MEASUREMENT_DIGITS),
                      "units": measurement.GetUnits() or ""})
    if node.IsA("vtkMRMLMarkupsROINode") and node.GetNumberOfDefinedControlPoints() > 0:
        size = [round(float(s), MEASUREMENT_DIGITS) for s in node.GetSize()]
        found.append({"name": "size", "value": size, "units": "mm"})
    return found

