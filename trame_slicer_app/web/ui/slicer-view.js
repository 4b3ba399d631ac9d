// slicer-view.js — <slicer-stream-view>: paints JPEG frames streamed by the
// server for one Slicer view and sends mouse/keyboard input back.
// Loaded as a plain script (no build step); registers itself as window.slicer_ui
// so trame's `vue_use: ["slicer_ui"]` can install it.
(function () {
  "use strict";
  const { h, ref, inject, onMounted, onBeforeUnmount } = window.Vue;

  // Request rate follows response rate: at most this many input messages unanswered. The window
  // covers one round trip of input at pointer rate (so a long link does not hold moves back a
  // whole round trip), within these bounds.
  const MIN_INPUTS_IN_FLIGHT = 3;
  const MAX_INPUTS_IN_FLIGHT = 8;
  const POINTER_INTERVAL_MS = 1000 / 60;
  const RTT_SMOOTHING = 0.2;
  const RESIZE_THROTTLE_MS = 100;
  const SAMPLE_LIMIT = 1000;
  const SESSION_RETRY_MS = 200;
  const WHEEL_GESTURE_GAP_MS = 400; // a pause this long starts a new wheel gesture
  // The quickest tiny reply seen is how long the server's stamped messages take
  // to arrive with nothing ahead of them (clock offset included); forgotten
  // slowly so that a changed route is learnt.
  const PROBE_WINDOW_MS = 10000;
  // MouseEvent.button -> bit in MouseEvent.buttons (note: middle and right are swapped).
  const BUTTON_BITS = [[0, 1], [1, 4], [2, 2]];
  const bitOf = (button) => (BUTTON_BITS.find((b) => b[0] === button) || [0, 0])[1];
  const ARROW_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);
  const MODIFIER_KEYS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock"]);
  const noop = () => {};

  const ratio = () => Math.min(window.devicePixelRatio || 1, 1.5);
  const registry = () => (window.__slicerStreamStats = window.__slicerStreamStats || {});
  const pushBounded = (arr, v) => { arr.push(v); if (arr.length > SAMPLE_LIMIT) arr.splice(0, arr.length - SAMPLE_LIMIT); };

  // Benchmarks call this between runs so that warm-up samples do not count.
  window.__slicerStreamReset = function (name) {
    const s = registry()[name];
    if (!s) return;
    s.latenciesMs.length = s.frameTimes.length = s.breakdowns.length = 0;
    s.maxInputsInFlightSeen = s.maxPendingSeen = 0;
  };

  const ROOT_STYLE = {
    position: "absolute", inset: "0", top: "0", left: "0", right: "0", bottom: "0",
    overflow: "hidden", background: "#000", outline: "none", cursor: "crosshair",
    touchAction: "none", userSelect: "none", webkitUserSelect: "none",
  };
  const CANVAS_STYLE = { width: "100%", height: "100%", display: "block" };
  // Top left: Slicer draws nothing there, while the bottom holds the 3D ruler and the data probe.
  const STATS_STYLE = {
    position: "absolute", top: "2px", left: "4px", font: "11px monospace", color: "#ddd",
    // Wrapped within the view: a narrow slice view must not cut the line off.
    maxWidth: "calc(100% - 8px)", background: "rgba(0,0,0,.5)", pointerEvents: "none",
    whiteSpace: "pre-wrap", padding: "0 3px",
  };

  const SlicerStreamView = {
    name: "SlicerStreamView",
    props: {
      name: { type: String, required: true },
      showStats: { type: Boolean, default: false },
    },
    setup(props) {
      const trame = inject("trame", null) || window.trame;
      const rootEl = ref(null);
      const canvasEl = ref(null);
      const statsText = ref("");

      // Shared with window.__slicerStreamStats so tests/benchmarks see live values.
      const stats = {
        frames: 0, linkedFrames: 0, bytes: 0, lastFrameAt: 0, latenciesMs: [], frameTimes: [], lastMeta: null, breakdowns: [],
        frameSizes: [],  // [width, height, still] of each frame (bounded): a frame at a size the view left shows here
        inputsInFlight: 0, pendingInputs: 0, maxInputsInFlightSeen: 0, maxPendingSeen: 0,
      };

      let session = null, subscription = null, disposed = false, resizeObserver = null;
      let sessionTimer = null, resizeTimer = null, statsTimer = null, flushQueued = false;
      let lastResizeAt = 0, lastSizeKey = "";
      let pending = [], pendingSince = 0, inFlight = 0, nextSeq = 1;
      let inputRttMs = 0, inputWindow = MIN_INPUTS_IN_FLIGHT;
      function noteInputRtt(ms) {
        inputRttMs = inputRttMs ? (1 - RTT_SMOOTHING) * inputRttMs + RTT_SMOOTHING * ms : ms;
        inputWindow = Math.min(MAX_INPUTS_IN_FLIGHT,
          Math.max(MIN_INPUTS_IN_FLIGHT, Math.ceil(inputRttMs / POINTER_INTERVAL_MS) + 1));
      }
      const sentAt = new Map(); // seq -> [first event's time, send time] (performance.now(), insertion-ordered)
      let lastPaintedId = -Infinity, ctx = null;
      let hover = false, heldButtons = 0, lastPos = { x: 0, y: 0 };
      let wheelRemainder = 0, wheelDir = 0, lastWheelAt = 0;
      let quickestReplyMs = Infinity, quickestReplySeenAt = 0; // arrival - server stamp, see PROBE_WINDOW_MS

      function noteServerStamp(serverMs, arrivedAt) {
        if (typeof serverMs !== "number" || !isFinite(serverMs)) return;
        const delay = arrivedAt - serverMs;
        if (delay <= quickestReplyMs || arrivedAt - quickestReplySeenAt > PROBE_WINDOW_MS) {
          quickestReplyMs = delay; quickestReplySeenAt = arrivedAt;
        }
      }
      function transferMs(p, arrivedAt) {
        if (typeof p.sent_ms !== "number" || !isFinite(quickestReplyMs)) return undefined;
        return Math.max(0, arrivedAt - p.sent_ms - quickestReplyMs);
      }

      // Never let a failing or throwing RPC escape: the view must keep running.
      function call(method, args) {
        if (!session) return Promise.reject(new Error("no session"));
        try { return Promise.resolve(session.call(method, args)); } catch (e) { return Promise.reject(e); }
      }

      // ---- session ------------------------------------------------------
      function getSession() {
        try {
          const t = trame || window.trame;
          return (t && t.client && t.client.getConnection().getSession()) || null;
        } catch (e) { return null; }
      }
      function waitForSession() {
        sessionTimer = null;
        if (disposed) return;
        const s = getSession();
        if (!s) { sessionTimer = setTimeout(waitForSession, SESSION_RETRY_MS); return; }
        session = s;
        try { subscription = session.subscribe("slicer.stream.frame", onFrames); } catch (e) { subscription = null; }
        lastSizeKey = ""; // the server has not heard our size yet
        sendSettledSize();
        scheduleFlush(); // input queued before the connection opened
      }
      // The first size goes at the next frame: at mount, Vuetify's layout has not yet given the app
      // bar and the drawer their room (it does in the same task), and a frame rendered at the size of
      // the whole window (the slowest, the first) was thrown away and held back the real one
      // (docs/decisions/0022, addendum). Waiting for sizes to settle over frames cost more than it saved.
      function sendSettledSize() {
        requestAnimationFrame(() => { if (!disposed) sendResize(); });
      }

      // ---- size (throttled, trailing call always reads the final size) ---
      function sendResize() {
        resizeTimer = null;
        const el = rootEl.value, canvas = canvasEl.value;
        if (!el || !canvas || disposed) return;
        lastResizeAt = performance.now();
        const rect = el.getBoundingClientRect(), r = ratio();
        const w = Math.max(1, Math.round(rect.width * r)), hgt = Math.max(1, Math.round(rect.height * r));
        // Assigning canvas.width clears it, so only do it when it really changed.
        if (canvas.width !== w || canvas.height !== hgt) { canvas.width = w; canvas.height = hgt; }
        const key = w + "x" + hgt;
        if (!session || key === lastSizeKey) return;
        lastSizeKey = key;
        call("slicer.stream.resize", [props.name, w, hgt]).catch(noop);
      }
      function requestResize() {
        if (resizeTimer !== null || disposed) return;
        const wait = Math.max(0, RESIZE_THROTTLE_MS - (performance.now() - lastResizeAt));
        resizeTimer = setTimeout(sendResize, wait);
      }

      // ---- input queue & compaction ---------------------------------------
      function noteQueue() {
        stats.inputsInFlight = inFlight;
        stats.inputWindow = inputWindow;
        stats.pendingInputs = pending.length;
        stats.maxInputsInFlightSeen = Math.max(stats.maxInputsInFlightSeen, inFlight);
        stats.maxPendingSeen = Math.max(stats.maxPendingSeen, pending.length);
      }
      function enqueue(e) {
        if (!pending.length) pendingSince = performance.now(); // a step's latency starts at its event
        const last = pending[pending.length - 1];
        if (last && last.type === "move" && e.type === "move") {
          pending[pending.length - 1] = e; // only the latest position matters
        } else if (last && last.type === "wheel" && e.type === "wheel") {
          Object.assign(last, e, { steps: last.steps + e.steps });
          if (last.steps === 0) pending.pop(); // up and down cancelled out
        } else {
          pending.push(e); // press/release/key/enter/leave are never dropped
        }
        noteQueue();
        scheduleFlush();
      }
      function scheduleFlush() {
        if (flushQueued || disposed || !session || !pending.length || inFlight >= inputWindow) return;
        // Sent once the current task's events are in (a press and its move go together), not at
        // the next animation frame: waiting for one added up to 16 ms to every step. While
        // inputWindow messages are unanswered, events coalesce in `pending` instead.
        flushQueued = true;
        queueMicrotask(flush);
      }
      function flush() {
        flushQueued = false;
        if (disposed || !session || !pending.length || inFlight >= inputWindow) return;
        const events = pending; pending = [];
        const seq = nextSeq++;
        const sentTime = performance.now();
        sentAt.set(seq, [pendingSince, sentTime]);
        if (sentAt.size > SAMPLE_LIMIT) sentAt.delete(sentAt.keys().next().value); // never answered
        inFlight++;
        noteQueue();
        call("slicer.stream.input", [props.name, seq, events])
          .then((reply) => {
            const now = performance.now();
            noteInputRtt(now - sentTime);
            if (reply) noteServerStamp(reply.server_ms, now);
          })
          .catch(() => sentAt.delete(seq)) // no frame will ever answer a failed call
          .then(() => { inFlight--; noteQueue(); scheduleFlush(); });
      }

      // ---- DOM events -> protocol events ----------------------------------
      function makeEvent(type, ev, extra) {
        if (ev.clientX !== undefined && rootEl.value) {
          const rect = rootEl.value.getBoundingClientRect(), r = ratio();
          lastPos = { x: Math.round((ev.clientX - rect.left) * r), y: Math.round((ev.clientY - rect.top) * r) };
        } // keyboard events have no position: use the last pointer position
        return Object.assign({ type }, extra, lastPos, { shift: !!ev.shiftKey, ctrl: !!ev.ctrlKey, alt: !!ev.altKey });
      }
      // Emit press/release for every button whose state differs from what we sent.
      function syncButtons(ev, buttons) {
        for (const [button, bit] of BUTTON_BITS) {
          if ((heldButtons & bit) !== (buttons & bit)) enqueue(makeEvent(buttons & bit ? "press" : "release", ev, { button }));
        }
        heldButtons = buttons;
      }
      function onPointerDown(ev) {
        const el = rootEl.value;
        el.focus({ preventScroll: true });
        try { el.setPointerCapture(ev.pointerId); } catch (e) { /* pointer already gone */ }
        ev.preventDefault();
        syncButtons(ev, ev.buttons | bitOf(ev.button));
      }
      function onPointerMove(ev) {
        enqueue(makeEvent("move", ev));
        // A second button pressed/released during a drag arrives as pointermove, not pointerdown.
        if (ev.button !== -1) syncButtons(ev, ev.buttons);
      }
      const onPointerUp = (ev) => syncButtons(ev, ev.buttons & ~bitOf(ev.button));
      const onPointerLost = (ev) => syncButtons(ev, 0); // cancel/lost capture: never leave buttons stuck
      const onPointerEnter = (ev) => { hover = true; enqueue(makeEvent("enter", ev)); };
      const onPointerLeave = (ev) => { hover = false; enqueue(makeEvent("leave", ev)); };
      const onContextMenu = (ev) => ev.preventDefault();

      function wheelSteps(ev) {
        const unit = ev.deltaMode === 1 ? 3 : ev.deltaMode === 2 ? 1 : 100; // deltaY per notch
        const notches = -ev.deltaY / unit; // positive = up/away
        const dir = Math.sign(notches);
        if (!dir) return 0;
        const now = performance.now();
        if (dir !== wheelDir || now - lastWheelAt > WHEEL_GESTURE_GAP_MS) wheelRemainder = 0;
        wheelDir = dir; lastWheelAt = now;
        if (Math.abs(wheelRemainder) < 1e-9 && Math.abs(notches) < 1) {
          // A lone small event (trackpad, hi-res wheel) must still do something:
          // give a notch now and carry the overshoot as debt.
          wheelRemainder = notches - dir;
          return dir;
        }
        wheelRemainder += notches;
        const steps = Math.trunc(wheelRemainder);
        wheelRemainder -= steps;
        return steps;
      }
      function onWheel(ev) {
        ev.preventDefault();
        const steps = wheelSteps(ev);
        if (steps) enqueue(makeEvent("wheel", ev, { steps }));
      }

      // Keys go to the view under the pointer, not to the focused element.
      function onKeyDown(ev) {
        if (!hover || ev.defaultPrevented || MODIFIER_KEYS.has(ev.key)) return;
        const t = ev.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return; // user is typing
        if (ARROW_KEYS.has(ev.key)) ev.preventDefault();
        enqueue(makeEvent("key", ev, { key: ev.key }));
      }

      // ---- frames ---------------------------------------------------------
      function onFrames(args) {
        for (const p of Array.isArray(args) ? args : [args]) {
          if (p && p.view === props.name) handleFrame(p);
        }
      }
      async function handleFrame(p) {
        const arrivedAt = performance.now();
        try {
          if (p.id < lastPaintedId) return; // stale: ack only (finally)
          const blob = new Blob([p.image], { type: p.mime || "image/jpeg" });
          const bitmap = await createImageBitmap(blob);
          try {
            const canvas = canvasEl.value;
            if (disposed || !canvas || p.id < lastPaintedId) return; // a newer frame won the decode race
            ctx = ctx || canvas.getContext("2d", { alpha: false });
            ctx.imageSmoothingEnabled = true;
            ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
            lastPaintedId = p.id;
            recordPaint(p, blob.size, arrivedAt);
          } finally {
            bitmap.close();
          }
        } catch (e) {
          // Undecodable frame: drop it silently; the ack below returns the credit.
        } finally {
          const transfer = transferMs(p, arrivedAt);
          call("slicer.stream.ack", [props.name, p.id, transfer === undefined ? {} : { transfer_ms: transfer }]).catch(noop);
        }
      }
      // Where the newest answered input's time went (ms): the server stamps its arrival, the
      // render's start and the send; the quickest tiny reply gives the server-to-client offset.
      function breakdown(p, [eventAt, sentAtMs], arrivedAt, now) {
        const stamps = [p.input_ms, p.started_ms, p.sent_ms];
        if (!stamps.every((v) => typeof v === "number" && isFinite(v)) || !isFinite(quickestReplyMs)) return null;
        const wireOut = transferMs(p, arrivedAt); // the same measure the ack reports
        const server = p.sent_ms - p.input_ms;
        return {
          total: now - eventAt, queued: sentAtMs - eventAt,
          // Both ways' delay (the quickest reply's share included) and the input's own trip.
          network: now - sentAtMs - server - wireOut - (now - arrivedAt),
          // Slicer's interactor handling the input, then the loop's own wait until the render.
          apply: p.apply_ms, wait: p.started_ms - p.input_ms - (p.apply_ms || 0),
          render: p.render_ms, encode: p.encode_ms,
          transfer: wireOut, paint: now - arrivedAt, scale: p.scale,
        };
      }
      function recordPaint(p, bytes, arrivedAt) {
        const now = performance.now();
        stats.frames++; stats.bytes += bytes; stats.lastFrameAt = now;
        if (p.linked) stats.linkedFrames++;  // rendered because another view was under the hand
        pushBounded(stats.frameTimes, now);
        pushBounded(stats.frameSizes, [p.width, p.height, !!p.still]);
        stats.lastMeta = {
          scale: p.scale, quality: p.quality, still: p.still, width: p.width, height: p.height,
          render_ms: p.render_ms, encode_ms: p.encode_ms, bytes,
        };
        if (typeof p.input_seq === "number") {
          const newest = sentAt.get(p.input_seq);
          for (const [seq, [eventAt]] of sentAt) {
            if (seq > p.input_seq) continue;
            pushBounded(stats.latenciesMs, now - eventAt);
            sentAt.delete(seq);
          }
          const split = newest === undefined ? null : breakdown(p, newest, arrivedAt, now);
          if (split) pushBounded(stats.breakdowns, split);
        }
        noteQueue();
        if (rootEl.value) rootEl.value.setAttribute("data-frames", String(stats.frames));
      }

      function statsLine() {
        const now = performance.now(), ft = stats.frameTimes;
        let fps = 0;
        for (let i = ft.length - 1; i >= 0 && now - ft[i] <= 1000; i--) fps++;
        const lat = stats.latenciesMs.slice(-50).sort((a, b) => a - b);
        const p50 = lat.length ? Math.round(lat[Math.floor(lat.length / 2)]) : "-";
        const m = stats.lastMeta || {};
        const kb = m.bytes ? Math.round(m.bytes / 1024) : 0;
        const scale = typeof m.scale === "number" ? m.scale.toFixed(2) : "-";
        return `${fps.toFixed(1)} fps | ${p50} ms p50 | ${kb} KB | x${scale} q${m.quality ?? "-"}` +
          ` | inflight ${inFlight}/${inputWindow} | in ${pending.length}`;
      }

      // ---- lifecycle ------------------------------------------------------
      const pointerListeners = {
        pointerdown: onPointerDown, pointermove: onPointerMove, pointerup: onPointerUp,
        pointercancel: onPointerLost, lostpointercapture: onPointerLost,
        pointerenter: onPointerEnter, pointerleave: onPointerLeave, contextmenu: onContextMenu,
      };
      onMounted(() => {
        const el = rootEl.value;
        registry()[props.name] = stats;
        el.setAttribute("data-frames", "0"); // set imperatively so re-renders never reset it
        for (const [type, fn] of Object.entries(pointerListeners)) el.addEventListener(type, fn);
        el.addEventListener("wheel", onWheel, { passive: false });
        window.addEventListener("keydown", onKeyDown);
        resizeObserver = new ResizeObserver(requestResize);
        resizeObserver.observe(el);
        sendResize(); // size the canvas now, even before the session exists
        // Refresh the overlay on a timer (not per frame) so fps decays to 0 when idle.
        statsTimer = setInterval(() => { if (props.showStats) statsText.value = statsLine(); }, 250);
        statsText.value = statsLine();
        waitForSession();
      });
      onBeforeUnmount(() => {
        disposed = true;
        const el = rootEl.value;
        clearTimeout(sessionTimer); clearTimeout(resizeTimer); clearInterval(statsTimer);
        if (resizeObserver) resizeObserver.disconnect();
        window.removeEventListener("keydown", onKeyDown);
        if (el) {
          for (const [type, fn] of Object.entries(pointerListeners)) el.removeEventListener(type, fn);
          el.removeEventListener("wheel", onWheel, { passive: false });
        }
        if (session && subscription) {
          try { Promise.resolve(session.unsubscribe(subscription)).catch(noop); } catch (e) { /* already closed */ }
        }
        subscription = null;
        // The stats entry is left in place on purpose: benchmarks may read it after teardown.
      });

      return () => h("div", {
        ref: rootEl, class: "slicer-stream-view", tabindex: 0, "data-view": props.name, style: ROOT_STYLE,
      }, [
        h("canvas", { ref: canvasEl, style: CANVAS_STYLE }),
        props.showStats ? h("div", { class: "slicer-stream-stats", style: STATS_STYLE }, statsText.value) : null,
      ]);
    },
  };

  window.slicer_ui = {
    install(app) { app.component("slicer-stream-view", SlicerStreamView); },
  };
})();
