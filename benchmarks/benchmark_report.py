"""The streaming benchmark's tables and ratios, from its report (see streaming_benchmark.py)."""

from __future__ import annotations

from browser_measures import BREAKDOWN_PARTS, pct

VIEW_LABELS = {"1": "3D", "Red": "Red", "Yellow": "Yellow", "Green": "Green"}
VIEW_ORDER = ("Red", "Yellow", "Green", "1")
DATA_SHAPES = {"small": "256x256x108", "large": "512x512x432"}


def fmt(values):
    return f"{pct(values, 50):6.1f} / {pct(values, 95):6.1f}" if values else "      -       "


def ratio(a, b):
    return a / b if a == a and b == b and b else float("nan")  # nan-safe: a == a is False for nan


def measured_sets(report):
    """(label, measures) of each layout measured: one dict of "steps"/"drags" per label."""
    sets = []
    small, large = report["data"].get("small", {}), report["data"].get("large", {})
    for name, measures in small.get("one_up", {}).items():
        sets.append((f"one-up {VIEW_LABELS[name]}", measures))
    if "one_up_3d_volume_rendering" in small:
        sets.append(("one-up 3D +VR", small["one_up_3d_volume_rendering"]))
    for name, measures in report.get("remote", {}).items():
        sets.append((f"one-up {VIEW_LABELS[name]} remote", measures))
    if "conventional" in small:
        sets.append(("conventional +VR", small["conventional"]))
    if "conventional" in large:
        sets.append(("conventional +VR large", large["conventional"]))
    return sets


def print_load(report):
    print("\nload (Conventional layout, 1600x1000 page; RSS of the server process)")
    print("(RSS right after the still frames, and settled: once the load-time library pages are given back)")
    print(f"{'data':6} {'voxels':12} {'cmd->first frame s':>18} {'RSS loaded MB':>14} {'settled':>8} "
          f"{'RSS +VR MB':>11} {'settled':>8} {'RSS end MB':>11} {'app open s':>11} {'core read s':>12} "
          f"{'app/core':>9}")
    for size, data in report["data"].items():
        read = data.get("read", {})
        print(f"{size:6} {DATA_SHAPES[size]:12} {data['first_frame_s']:18.2f} {data['rss_loaded_mb']:14.0f} "
              f"{data.get('rss_loaded_settled_mb', float('nan')):8.0f} {data['rss_volume_rendering_mb']:11.0f} "
              f"{data.get('rss_volume_rendering_settled_mb', float('nan')):8.0f} {data['rss_end_mb']:11.0f} "
              f"{read.get('app_open_s', float('nan')):11.2f} {read.get('core_read_s', float('nan')):12.3f} "
              f"{read.get('ratio', float('nan')):9.1f}")
    if "large_ct_made_s" in report:
        print(f"(the large CT made or found in {report['large_ct_made_s']:.1f} s; "
              f"volume rendering preset {report['data'].get('large', {}).get('vr_preset')})")


def print_steps(sets):
    print("\nsingle steps: painted latency p50 / p95 (ms), DOM event to paint. Focused view: of the frame that "
          "answered the step (n: steps answered / made; srv: that frame's render + encode, x: p50 / srv). Linked "
          "views: the first frame they painted after the event (n: steps they painted for)")
    header = f"{'layout':24} {'view':4} {'gesture':13} {'focused p50 / p95':>17} {'n':>5} {'srv':>6} {'x':>5}"
    print(header + "".join(f" {VIEW_LABELS[n] + ' p50 / p95 (n)':>24}" for n in VIEW_ORDER))
    for label, measures in sets:
        for name, gestures in measures["steps"].items():
            for gesture, step in gestures.items():
                srv = pct(step["server_ms"], 50)
                linked = ""
                for other in VIEW_ORDER:
                    if other in step["linked_ms"]:
                        values = step["linked_ms"][other]
                        linked += f" {fmt(values):>19} ({len(values):2d})"
                    else:
                        linked += f" {'*' if other == name else '':>24}"
                answered = f"{len(step['ms'])}/{step['steps']}"
                print(f"{label:24} {VIEW_LABELS[name]:4} {gesture:13} {fmt(step['ms']):>17} {answered:>5} {srv:6.1f} "
                      f"{ratio(pct(step['ms'], 50), srv):5.2f}{linked}")


def print_drags(sets):
    print("\ncontinuous drags (60 events/s): frames painted per second in the focused view and in each linked "
          "view; focused p95 gap, KiB/s, settle (mouse-up to its still frame); settle of all views "
          "(mouse-up until every view painted its still frame)")
    print(f"{'layout':24} {'view':4} {'gesture':13} {'fps':>6} {'gap p95':>8} {'KiB/s':>6} {'settle':>7} "
          f"{'all':>6} {'scale,q':>11}" + "".join(f" {VIEW_LABELS[n] + ' fps':>10}" for n in VIEW_ORDER))
    for label, measures in sets:
        for name, gestures in measures["drags"].items():
            for gesture, drag in gestures.items():
                linked = "".join(f" {drag['linked_fps'][n]:10.1f}" if n in drag["linked_fps"]
                                 else f" {'*' if n == name else '':>10}" for n in VIEW_ORDER)
                scale, quality = drag["scale_quality"]
                print(f"{label:24} {VIEW_LABELS[name]:4} {gesture:13} {drag['fps']:6.1f} {drag['gap_p95_ms']:8.1f} "
                      f"{drag['bytes_per_s'] / 1024:6.0f} {drag['settle_ms']:7.1f} {drag['settle_all_ms']:6.0f} "
                      f"{f'{scale:.2f},{quality}':>11}{linked}")


def print_breakdowns(sets):
    print(f"\nwhere a focused step's time went (medians; ms, the render scale last): {', '.join(BREAKDOWN_PARTS)}")
    print("(encode: from the render's end to the send, so it includes the wait for the encoder and the server's "
          "loop, behind other views' frames)")
    for label, measures in sets:
        for name, gestures in measures["steps"].items():
            for gesture, step in gestures.items():
                split = step["breakdown"]
                if split:
                    print(f"{label:24} {VIEW_LABELS[name]:4} {gesture:13} "
                          + " ".join(f"{split[p]:7.1f}" for p in BREAKDOWN_PARTS))


def _step_p50(measures, name, gesture):
    step = measures.get("steps", {}).get(name, {}).get(gesture) if measures else None
    return pct(step["ms"], 50) if step else float("nan")


def _drag_fps(measures, name, gesture):
    drag = measures.get("drags", {}).get(name, {}).get(gesture) if measures else None
    return drag["fps"] if drag else float("nan")


def ratios(report) -> dict:
    small, large = report["data"].get("small", {}), report["data"].get("large", {})
    conventional, one_up = small.get("conventional"), small.get("one_up", {})
    found = {}
    for gesture in ("pan", "window_level", "wheel"):
        found[f"conventional/one-up Red {gesture} step p50"] = ratio(
            _step_p50(conventional, "Red", gesture), _step_p50(one_up.get("Red"), "Red", gesture))
    found["conventional/one-up 3D rotate step p50 (both +VR)"] = ratio(
        _step_p50(conventional, "1", "rotate"), _step_p50(small.get("one_up_3d_volume_rendering"), "1", "rotate"))
    found["conventional +VR / one-up 3D without VR, rotate step p50"] = ratio(
        _step_p50(conventional, "1", "rotate"), _step_p50(one_up.get("1"), "1", "rotate"))
    found["large/small CT conventional Red wheel step p50"] = ratio(
        _step_p50(large.get("conventional"), "Red", "wheel"), _step_p50(conventional, "Red", "wheel"))
    found["large/small CT conventional 3D rotate fps +VR"] = ratio(
        _drag_fps(large.get("conventional"), "1", "rotate"), _drag_fps(conventional, "1", "rotate"))
    found["large/small CT command to first frame"] = ratio(large.get("first_frame_s", float("nan")),
                                                          small.get("first_frame_s", float("nan")))
    for size, data in report["data"].items():
        if "read" in data:
            found[f"{size} CT: the app's open / slicer-core's read"] = data["read"]["ratio"]
    return {key: value for key, value in found.items() if value == value}


def print_soak(report):
    for name, s in report.get("soak", {}).items():
        print(f"soak {VIEW_LABELS[name]}: {s['seconds']:.0f} s, {s['drags']} drags; drag step p50/p95 before "
              f"{fmt(s['drag_steps_before_ms'])} after {fmt(s['drag_steps_after_ms'])} ms; inputs in flight max "
              f"{s['max_inputs_in_flight']}, pending max {s['max_pending_inputs']}, frames in flight max "
              f"{s['max_frames_in_flight']} (credit {s['credit']}); RSS {s['rss_start_mb']:.0f} -> "
              f"{s['rss_end_mb']:.0f} MB (max {s['rss_max_mb']:.0f})")
        ref_before, ref_after = s["machine_reference_ms"]
        print(f"     machine reference (JPEG of a fixed 800x600 picture, benchmark process) before/after: "
              f"{ref_before:.1f} / {ref_after:.1f} ms")
        b, a = s["breakdown_before"], s["breakdown_after"]
        if b and a:
            print(f"     median step before/after: render scale {b['scale']:.2f} / {a['scale']:.2f}, "
                  f"render+encode {b['render'] + b['encode']:.1f} / {a['render'] + a['encode']:.1f} ms, "
                  f"the rest {b['total'] - b['render'] - b['encode']:.1f} / "
                  f"{a['total'] - a['render'] - a['encode']:.1f} ms")


def print_report(report):
    if report["data"]:
        print_load(report)
    sets = measured_sets(report)
    if sets:
        print_steps(sets)
        print_drags(sets)
        print_breakdowns(sets)
    report["ratios"] = ratios(report)
    if report["ratios"]:
        print("\nratios within this run")
        for key, value in report["ratios"].items():
            print(f"  {key:60} {value:6.2f}")
    print_soak(report)
