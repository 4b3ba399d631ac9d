// slicer-shortcuts.js — application-wide keyboard shortcuts (undo/redo).
// Plain script, no build step; Ctrl+Z / Ctrl+Shift+Z (and Cmd on macOS, Ctrl+Y)
// call the server's triggers unless the user is typing in a text field.
(function () {
  "use strict";
  const SHORTCUTS = [
    { test: (e) => e.key.toLowerCase() === "z" && !e.shiftKey, trigger: "undo_undo" },
    { test: (e) => (e.key.toLowerCase() === "z" && e.shiftKey) || e.key.toLowerCase() === "y", trigger: "undo_redo" },
  ];
  function onKeyDown(ev) {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.repeat) return;
    const t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && t.type !== "range")) return;
    const hit = SHORTCUTS.find((s) => s.test(ev));
    if (!hit || !window.trame || !window.trame.trigger) return;
    ev.preventDefault();
    ev.stopImmediatePropagation(); // the view under the pointer must not also get it
    Promise.resolve(window.trame.trigger(hit.trigger)).catch(() => {});
  }
  // Capture phase, so this runs before the views' own window listeners.
  window.addEventListener("keydown", onKeyDown, true);
  window.slicer_shortcuts = { install() {} };
})();
