// slicer-shortcuts.js — application-wide keyboard shortcuts (undo/redo).
// Plain script, no build step; Ctrl+Z / Ctrl+Shift+Z (and Cmd on macOS, Ctrl+Y)
// call the server's triggers unless the user is editing text or a dialog is open.
(function () {
  "use strict";
  const SHORTCUTS = [
    { test: (e) => e.key.toLowerCase() === "z" && !e.shiftKey, trigger: "undo_undo" },
    { test: (e) => (e.key.toLowerCase() === "z" && e.shiftKey) || e.key.toLowerCase() === "y", trigger: "undo_redo" },
  ];
  // Inputs whose keys edit text: there Ctrl+Z is the field's own undo. A switch, a checkbox or
  // a slider keeps the focus after a click but edits no text, nor does a dropdown's input
  // (Vuetify's VSelect: a text input marked inputmode="none", which takes no typing).
  const TEXT_INPUT_TYPES = new Set(["text", "search", "email", "url", "tel", "password", "number"]);
  function editsText(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    const typedInto = !el.readOnly && !el.disabled && el.inputMode !== "none";
    if (el.tagName === "TEXTAREA") return typedInto;
    if (el.tagName === "INPUT") return TEXT_INPUT_TYPES.has(el.type) && typedInto;
    return false;
  }
  // A dialog (close the scene? delete this node?) asks about the scene as it is: an undo behind
  // it would change what it asks about (even take the node it names away), unseen.
  function aDialogIsOpen() {
    return !!document.querySelector(".v-dialog.v-overlay--active");
  }
  function onKeyDown(ev) {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.repeat) return;
    if (editsText(ev.target) || aDialogIsOpen()) return;
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
