"""What a user sees in Chromium, measured from the client's own per-view figures.

trame_slicer_app/web/ui/slicer-view.js keeps, per view, in ``window.__slicerStreamStats[name]``: frames
painted, the paint
times (``frameTimes``), each answered input's latency from its DOM event to the paint of the frame
that answered it (``latenciesMs``), where that time went (``breakdowns``) and the last frame's meta
(``lastMeta.still`` for a full-quality frame). ``window.__slicerStreamReset(name)`` clears the lists.

The FOCUSED view is the one the mouse acts on; the LINKED views are the other visible views, which
re-render because of it (window/level changes every slice view, a slice scroll moves the slice's
intersection lines and its plane in 3D). A linked view gets no input, so its step latency is taken
from the DOM event (recorded by a listener of the benchmark's own, see INPUT_RECORDER_JS) to its first
paint after it.
"""

from __future__ import annotations

import itertools
import math
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from trame_slicer_app.layouts import LAYOUTS

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STEP_GAP_S = 0.35  # at least this between single steps
# ...and then until no view has painted for this long, plus the slowest view's last render time
# (capped): a step starts from a quiet page, as a user's single step does, not behind the frames of
# the step before. Quiet alone is not enough: a frame may still be on its way, rendered after another
# view's (a volume rendered still frame takes 150-300 ms here), and would then be painted after the
# next step's input as if it answered it.
QUIET_MS, QUIET_TIMEOUT_S = 150, 3.0
DRAG_EVENTS_PER_S = 60
DRAG_S = 3.0
TIMEOUT_S = 60
SETTLE_TIMEOUT_S = 10.0
# How each gesture is made: a drag with a button held, or wheel notches.
GESTURES = {"window_level": ("drag", "left"), "rotate": ("drag", "left"), "pan": ("drag", "middle"),
            "wheel": ("wheel", None)}
BREAKDOWN_PARTS = ("queued", "network", "apply", "wait", "render", "encode", "transfer", "paint", "total", "scale")
# The time of the newest event of each type the page received (pointermove, wheel, ...), on the clock
# the client stamps its inputs with (performance.now()); capturing on window runs before the view's own
# listeners. Per type: Chromium also sends pointer moves of its own (after a layout change, say).
INPUT_RECORDER_JS = """() => {
  if (window.__benchInputAt) return;
  window.__benchInputAt = {};
  for (const type of ['pointerdown', 'pointermove', 'pointerup', 'wheel'])
    window.addEventListener(type, () => { window.__benchInputAt[type] = performance.now(); }, {capture: true});
}"""


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


# -- the client's figures ----------------------------------------------------------------------------
def stats(page, name):
    return page.evaluate(f"window.__slicerStreamStats['{name}']")


def reset(page, name):
    page.evaluate(f"window.__slicerStreamReset('{name}')")


def server_stats(page):
    return page.evaluate("window.trame.client.getConnection().getSession().call('slicer.stream.stats', [])")


def now_ms(page) -> float:
    return page.evaluate("performance.now()")


def visible_views(page) -> list[str]:
    return page.evaluate("""[...document.querySelectorAll('.slicer-view')]
        .map(e => [...e.classList].find(c => c.startsWith('slicer-view-')).slice('slicer-view-'.length))""")


def centre(page, name):
    box = page.locator(f".slicer-view-{name}").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def view_size(page, name) -> tuple[int, int]:
    box = page.locator(f".slicer-view-{name}").bounding_box()
    return round(box["width"]), round(box["height"])


def wait_frames(page, name, more_than, still=False, timeout_s=SETTLE_TIMEOUT_S):
    condition = f"s.frames > {more_than}" + (" && s.lastMeta && s.lastMeta.still" if still else "")
    page.wait_for_function(f"() => {{ const s = window.__slicerStreamStats['{name}']; return s && {condition}; }}",
                           timeout=timeout_s * 1000)


def wait_all_painted(page, names, timeout_s=120):
    page.wait_for_function("""names => { const s = window.__slicerStreamStats;
        return s && names.every(n => s[n] && s[n].frames > 0); }""", arg=list(names), timeout=timeout_s * 1000)


def wait_quiet(page, names, quiet_ms=QUIET_MS, still=(), timeout_s=QUIET_TIMEOUT_S) -> bool:
    """Until no view of ``names`` has painted for ``quiet_ms`` plus the slowest one's last render
    time, and each view of ``still`` last painted a still frame (``still=True``: all of them);
    False when the cap came first."""
    still = list(names) if still is True else list(still)
    try:
        page.wait_for_function("""([names, quietMs, still]) => {
            const all = window.__slicerStreamStats, now = performance.now();
            if (!names.every(n => all[n])) return false;
            const slowest = Math.max(0, ...names.map(n => (all[n].lastMeta && all[n].lastMeta.render_ms) || 0));
            return names.every(n => now - all[n].lastFrameAt >= quietMs + slowest)
                && still.every(n => all[n].lastMeta && all[n].lastMeta.still); }""",
                               arg=[list(names), quiet_ms, still], timeout=timeout_s * 1000)
        return True
    except PlaywrightTimeoutError:  # the cap is part of the measure
        return False


# -- the page ------------------------------------------------------------------------------------------
def open_app_page(browser, url, page_size):
    page = browser.new_page(viewport={"width": page_size[0], "height": page_size[1]})
    page.goto(url)
    page.wait_for_selector(".slicer-stream-view", timeout=TIMEOUT_S * 1000)
    page.evaluate(INPUT_RECORDER_JS)
    return page


def show_layout(page, layout_name, page_size=None, one_view_size=None):
    """Switch the layout (the toolbar's button); then size the page, or size it so that the layout's
    only view gets ``one_view_size``. Returns the visible views once each has painted a still frame."""
    page.locator(f".layout-{layout_name}").click()
    names = LAYOUTS[layout_name].views
    page.wait_for_function(f"document.querySelectorAll('.slicer-view').length === {len(names)}")
    if page_size is not None:
        page.set_viewport_size({"width": page_size[0], "height": page_size[1]})
    if one_view_size is not None:
        width, height = view_size(page, names[0])
        viewport = page.viewport_size
        page.set_viewport_size({"width": viewport["width"] - width + one_view_size[0],
                                "height": viewport["height"] - height + one_view_size[1]})
    time.sleep(1.0)
    views = visible_views(page)
    for name in views:
        wait_frames(page, name, 0, still=True, timeout_s=TIMEOUT_S)
    wait_quiet(page, views, still=True)
    return views


def turn_on_volume_rendering(page) -> str:
    """Volume rendering on, the way a user does it (the 3D panel's switch), with the preset the app
    offers first for a CT; returns the preset. Waits for the 3D view's full-quality frame."""
    page.locator('[data-feature="threed"] button').first.click()
    before = page.evaluate("(window.__slicerStreamStats['1'] || {frames: 0}).frames")
    page.locator(".threed-vr-visible input").click()
    page.wait_for_function("window.trame.state.get('threed_vr_visible') === true", timeout=TIMEOUT_S * 1000)
    preset = page.evaluate("window.trame.state.get('threed_vr_preset')")
    if "1" in visible_views(page):
        wait_frames(page, "1", before, still=True, timeout_s=TIMEOUT_S)
    page.locator('[data-feature="threed"] button').first.click()  # fold the panel away again
    time.sleep(1.0)
    return preset


def warm_up(page, name, button="left"):
    """One short drag, as a user's first: until then the view knows its render cost only from
    still frames (dearer: JPEG quality 90, multisampled in 3D), and its first drag renders smaller."""
    x, y = centre(page, name)
    page.mouse.move(x, y)
    page.mouse.down(button=button)
    for i in range(20):
        page.mouse.move(x + 20 * math.sin(i / 3), y)
        time.sleep(1 / DRAG_EVENTS_PER_S)
    page.mouse.up(button=button)
    wait_quiet(page, visible_views(page), still=True)


def reset_view(page, name):
    """The view's own reset, so steps before and after a soak see the same picture: a closed drag
    loop in 3D does not bring the camera back (rotations do not commute)."""
    x, y = centre(page, name)
    page.mouse.move(x, y)
    if name == "1":
        page.evaluate("window.trame.trigger('threed_camera', ['reset'])")
    else:
        page.keyboard.press("r")
    time.sleep(1.0)


# -- single steps --------------------------------------------------------------------------------------
def wait_answered(page, name, input_at, timeout_s=SETTLE_TIMEOUT_S) -> bool:
    """Until view ``name`` painted the frame answering an input made at ``input_at`` or later: a
    latency that, counted back from the view's last paint, starts at or after ``input_at`` (older
    inputs answered meanwhile started before it). False when the cap came first."""
    try:
        page.wait_for_function("""([name, inputAt]) => { const s = window.__slicerStreamStats[name];
            return s.latenciesMs.some(l => l <= s.lastFrameAt - inputAt + 1); }""",
                               arg=[name, input_at], timeout=timeout_s * 1000)
        return True
    except PlaywrightTimeoutError:
        return False


def _first_paint_after(times, t):
    after = [p for p in times if p > t]
    return min(after) - t if after else None


def _make_step(page, kind, i, x, y) -> float:
    """Step ``i``: a 4-pixel move with the button held, or a wheel notch, each the other way from
    the one before (so the picture stays near where it was). Returns the DOM event's time: Playwright's
    wheel returns before Chromium has dispatched the event (tens of ms on a busy machine)."""
    event_type = "pointermove" if kind == "drag" else "wheel"
    previous_input_at = page.evaluate(f"window.__benchInputAt['{event_type}'] || 0")
    if kind == "drag":
        page.mouse.move(x + 4 * (i + 1), y + (2 if i % 2 else -2))
    else:
        page.mouse.wheel(0, -100 if i % 2 else 100)
    page.wait_for_function("([type, t]) => (window.__benchInputAt[type] || 0) > t",
                           arg=[event_type, previous_input_at], timeout=TIMEOUT_S * 1000)
    return page.evaluate(f"window.__benchInputAt['{event_type}']")


def step_latency(page, focus, steps, gesture) -> dict:
    """``steps`` single steps of ``gesture`` in view ``focus``; each step's painted latency in the
    focused view (the client's own figure) and in each linked view (DOM event to its first paint).
    Returns {"ms", "server_ms" (the answering frames' own render + encode), "breakdown" (median
    split of the focused steps), "linked_ms" {view: [ms]}, "unanswered" (steps the focused view did
    not answer within SETTLE_TIMEOUT_S: not sampled)}."""
    started = time.monotonic()
    kind, button = GESTURES[gesture]
    views = visible_views(page)
    linked = [n for n in views if n != focus]
    x, y = centre(page, focus)
    page.mouse.move(x, y)
    time.sleep(STEP_GAP_S)
    if kind == "drag":
        page.mouse.down(button=button)
        time.sleep(STEP_GAP_S)
    samples, server_ms, splits, unanswered = [], [], [], 0
    linked_ms = {n: [] for n in linked}
    # Between steps every view has shown its last frame, a still one, except a focused view whose
    # button is held: its frames stay interactive until the release.
    still_between = linked if kind == "drag" else views
    for i in range(steps):
        wait_quiet(page, views, still=still_between)
        for name in views:
            reset(page, name)
        step_started = time.monotonic()
        input_at = _make_step(page, kind, i, x, y)
        # Quiet alone does not tell that the answer is still to come (some steps take 600 ms here,
        # behind other views' renders): wait for it, then for the linked views to be done.
        answered = wait_answered(page, focus, input_at)
        time.sleep(max(0.0, STEP_GAP_S - (time.monotonic() - step_started)))
        wait_quiet(page, views, still=still_between)
        s = stats(page, focus)
        if not answered:
            unanswered += 1
            continue
        # The step's own input is the newest one a frame answered: the smallest
        # latency (older inputs that changed nothing are answered by it too).
        samples.append(min(s["latenciesMs"]))
        if s["breakdowns"]:
            # The split of the frame that answered the step's own input: the newest input, the
            # quickest (an older input still unanswered at the reset would be split too).
            split = min(s["breakdowns"], key=lambda b: b["total"])
            server_ms.append(split["render"] + split["encode"])
            splits.append(split)
        for name in linked:
            latency = _first_paint_after(stats(page, name)["frameTimes"], input_at)
            if latency is not None:
                linked_ms[name].append(latency)
    if kind == "drag":
        page.mouse.up(button=button)
    wait_quiet(page, views, still=True)
    breakdown = {part: pct([s[part] for s in splits], 50) for part in BREAKDOWN_PARTS} if splits else {}
    return {"gesture": gesture, "steps": steps, "ms": samples, "server_ms": server_ms, "breakdown": breakdown,
            "linked_ms": linked_ms, "unanswered": unanswered, "elapsed_s": time.monotonic() - started}


# -- a continuous drag ---------------------------------------------------------------------------------
def _paints_within(times, t0, t1):
    return [t for t in times if t0 <= t <= t1]


def continuous_drag(page, focus, gesture, seconds=DRAG_S) -> dict:
    """A ``seconds`` drag at 60 events/s in ``focus``. Per visible view: frames painted during the
    drag and frames/s (painted frames / drag time); for the focused view also the p95 gap, bytes/s,
    the last frame's (scale, quality) and its settle (mouse-up to its still frame); and the settle of
    all views: mouse-up until every view has painted its last frame, a still one."""
    _, button = GESTURES[gesture]
    views = visible_views(page)
    x, y = centre(page, focus)
    page.mouse.move(x, y)
    wait_quiet(page, views, still=True)
    page.mouse.down(button=button)
    time.sleep(0.2)
    for name in views:
        reset(page, name)
    bytes_before = stats(page, focus)["bytes"]
    t0 = now_ms(page)
    n = int(DRAG_EVENTS_PER_S * seconds)
    start = time.monotonic()
    for i in range(n):
        page.mouse.move(x + 150 * math.sin(i / 20), y + 80 * math.cos(i / 25))
        delay = start + (i + 1) / DRAG_EVENTS_PER_S - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    t1 = now_ms(page)
    during = {name: stats(page, name) for name in views}
    t_up = now_ms(page)
    page.mouse.up(button=button)
    wait_frames(page, focus, during[focus]["frames"], still=True)
    focused_settle_ms = stats(page, focus)["lastFrameAt"] - t_up
    all_quiet = wait_quiet(page, views, still=True, timeout_s=SETTLE_TIMEOUT_S)
    last_paints = [stats(page, name)["lastFrameAt"] for name in views]
    seconds_measured = (t1 - t0) / 1000
    per_view = {}
    for name in views:
        times = _paints_within(during[name]["frameTimes"], t0, t1)
        per_view[name] = {"frames": len(times), "fps": len(times) / seconds_measured}
    focused_times = _paints_within(during[focus]["frameTimes"], t0, t1)
    focused = during[focus]
    return {
        "gesture": gesture,
        "fps": per_view[focus]["fps"],
        "gap_p95_ms": pct([b - a for a, b in itertools.pairwise(focused_times)], 95),
        "bytes_per_s": (focused["bytes"] - bytes_before) / seconds_measured,
        "scale_quality": (focused["lastMeta"]["scale"], focused["lastMeta"]["quality"]),
        "settle_ms": focused_settle_ms,
        "settle_all_ms": max(max(last_paints) - t_up, focused_settle_ms) if all_quiet else float("nan"),
        "views": per_view,
        "linked_fps": {name: v["fps"] for name, v in per_view.items() if name != focus},
    }
