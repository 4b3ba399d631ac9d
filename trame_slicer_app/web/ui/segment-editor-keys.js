// segment-editor-keys.js — the Segment Editor's keyboard shortcuts (as Slicer's segment editor has
// them), active while the Segment Editor panel is open in this tab and no text is being typed.
// Plain script, no build step. The keys go to the server's `seg_shortcut` trigger; the views do not
// also get them. Keys the effects read through the views (Draw's x, a, Enter) are left to the views.
(function () {
  "use strict";
  const KEYS = new Set(["q", "w", "z", "y", "Escape", " ", "i", "-", "+", "="]);
  const TEXT_INPUT_TYPES = new Set(["text", "search", "email", "url", "tel", "password", "number"]);
  function editsText(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    const typedInto = !el.readOnly && !el.disabled && el.inputMode !== "none";
    if (el.tagName === "TEXTAREA") return typedInto;
    if (el.tagName === "INPUT") return TEXT_INPUT_TYPES.has(el.type) && typedInto;
    return false;
  }
  function panelOpen() {
    const panel = document.querySelector(".segment-editor-panel");
    return !!panel && panel.offsetParent !== null;
  }
  function keyOf(ev) {
    // Shift+1 types "!" on most layouts: the digit comes from the physical key.
    const digit = /^Digit([0-9])$/.exec(ev.code || "");
    if (digit) return digit[1];
    return ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  }
  function onKeyDown(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    if (editsText(ev.target) || !panelOpen()) return;
    if (document.querySelector(".v-dialog.v-overlay--active")) return; // a dialog has the keys (its overlay has both classes)
    const key = keyOf(ev);
    if (!KEYS.has(key) && !/^[0-9]$/.test(key)) return;
    if (!window.trame || !window.trame.trigger) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    Promise.resolve(window.trame.trigger("seg_shortcut", [key, ev.shiftKey])).catch(() => {});
  }
  window.addEventListener("keydown", onKeyDown, true);
  window.slicer_segment_editor_keys = { install() {} };
})();
