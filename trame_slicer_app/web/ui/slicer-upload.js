// slicer-upload.js — files into the server and back out of it.
//   <slicer-file-drop>: laid over a view; files or folders dropped on the view are uploaded.
//   <slicer-upload-manager>: wraps the "Open" button (opens a file dialog) and
//     downloads whatever the server offers in its `download` prop ({url, name, nonce}).
// Uploads go as 1 MiB binary chunks over wslink RPCs (slicer.upload.*, see
// web/upload_protocol.py); the whole file is never read into memory.
// Plain script, no build step; trame installs it through `vue_use: ["slicer_upload"]`.
(function () {
  "use strict";
  const { h, ref, watch, onMounted, onBeforeUnmount } = window.Vue;

  const CHUNK_BYTES = 1024 * 1024;
  const MAX_FOLDER_ENTRIES = 10000; // files gathered from one dropped folder tree
  const PROGRESS_UPDATE_MS = 100; // progress shown in this tab, at most this often
  const noop = () => {};

  const trame = () => window.trame;
  function getSession() {
    try { return trame().client.getConnection().getSession(); } catch (e) { return null; }
  }
  async function call(method, args) {
    const session = getSession();
    if (!session) throw new Error("not connected to the server");
    const reply = await session.call(method, args);
    if (reply && reply.error) throw new Error(reply.error);
    return reply;
  }
  function setState(values) {
    try { for (const [k, v] of Object.entries(values)) trame().state.set(k, v); } catch (e) { /* not connected */ }
  }

  // ---- gathering files (a drop may hold folders) --------------------------------
  function readEntries(reader) {
    return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  }
  function entryFile(entry) {
    return new Promise((resolve, reject) => entry.file(resolve, reject));
  }
  async function walk(entry, prefix, out) {
    if (out.length >= MAX_FOLDER_ENTRIES) return;
    if (entry.isFile) {
      out.push({ file: await entryFile(entry), name: prefix + entry.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) { // readEntries returns at most ~100 entries per call
        const batch = await readEntries(reader);
        if (!batch.length || out.length >= MAX_FOLDER_ENTRIES) break;
        for (const child of batch) await walk(child, prefix + entry.name + "/", out);
      }
    }
  }
  async function filesOf(dataTransfer) {
    const out = [];
    const items = Array.from(dataTransfer.items || []);
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
    if (entries.length && entries.every((e) => e)) {
      for (const entry of entries) await walk(entry, "", out);
    } else {
      for (const file of Array.from(dataTransfer.files || [])) out.push({ file, name: file.name });
    }
    return out;
  }

  // ---- uploading ------------------------------------------------------------
  let busy = false;
  async function uploadFiles(items) {
    if (!items.length) return;
    if (busy) { trame().trigger("data_io_upload_error", ["An upload is already running; wait for it to end."]); return; }
    busy = true;
    const total = items.reduce((n, i) => n + i.file.size, 0) || 1;
    let sent = 0, lastUpdate = 0, current = null;
    const started = performance.now();
    const progress = (force) => {
      const now = performance.now();
      if (!force && now - lastUpdate < PROGRESS_UPDATE_MS) return;
      lastUpdate = now;
      const mib = (sent / 1048576).toFixed(1), of = (total / 1048576).toFixed(1);
      setState({ data_io_busy: true, data_io_progress: Math.round((100 * sent) / total),
                 data_io_progress_text: `Uploading ${items.length} file(s): ${mib} of ${of} MiB` });
    };
    const ids = [];
    try {
      progress(true);
      for (const item of items) {
        current = (await call("slicer.upload.begin", [item.name, item.file.size])).upload_id;
        const read = (offset) => item.file.slice(offset, offset + CHUNK_BYTES).arrayBuffer();
        let next = item.file.size ? read(0) : null;
        for (let offset = 0; offset < item.file.size; offset += CHUNK_BYTES) {
          const chunk = new Uint8Array(await next);
          // Read the next chunk while this one travels: at most two chunks in memory.
          next = offset + CHUNK_BYTES < item.file.size ? read(offset + CHUNK_BYTES) : null;
          await call("slicer.upload.chunk", [current, offset, chunk]);
          sent += chunk.length;
          progress(false);
        }
        await call("slicer.upload.finish", [current]);
        ids.push(current);
        current = null;
      }
      const seconds = (performance.now() - started) / 1000;
      window.__slicerLastUpload = { bytes: sent, seconds, mibPerS: sent / 1048576 / Math.max(seconds, 1e-3) };
      progress(true);
      await trame().trigger("data_io_uploaded", [ids]);
    } catch (e) {
      if (current) call("slicer.upload.cancel", [current]).catch(noop);
      setState({ data_io_busy: false, data_io_progress: null });
      trame().trigger("data_io_upload_error", [String((e && e.message) || e)]);
    } finally {
      busy = false;
    }
  }
  window.__slicerUpload = { uploadFiles, filesOf };

  const isFileDrag = (ev) => ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes("Files");
  // A file dropped beside the views must not make the browser navigate away.
  window.addEventListener("dragover", (ev) => { if (isFileDrag(ev)) ev.preventDefault(); });
  window.addEventListener("drop", (ev) => { if (isFileDrag(ev)) ev.preventDefault(); });

  const OVERLAY_STYLE = {
    position: "absolute", inset: "0", display: "flex", alignItems: "center", justifyContent: "center",
    background: "rgba(40,120,220,.35)", border: "3px dashed #8cf", color: "#fff", font: "bold 18px sans-serif",
    pointerEvents: "none", zIndex: 5,
  };

  const SlicerFileDrop = {
    name: "SlicerFileDrop",
    props: { view: { type: String, default: "" } },
    setup(props) {
      const el = ref(null);
      const active = ref(false);
      let target = null, depth = 0;
      const onEnter = (ev) => { if (!isFileDrag(ev)) return; ev.preventDefault(); depth++; active.value = true; };
      const onOver = (ev) => { if (!isFileDrag(ev)) return; ev.preventDefault(); ev.dataTransfer.dropEffect = "copy"; };
      const onLeave = () => { depth = Math.max(0, depth - 1); if (!depth) active.value = false; };
      async function onDrop(ev) {
        if (!ev.dataTransfer) return;
        ev.preventDefault();
        ev.stopPropagation();
        depth = 0; active.value = false;
        try {
          await uploadFiles(await filesOf(ev.dataTransfer));
        } catch (e) {
          trame().trigger("data_io_upload_error", [String((e && e.message) || e)]);
        }
      }
      const listeners = { dragenter: onEnter, dragover: onOver, dragleave: onLeave, drop: onDrop };
      onMounted(() => {
        target = el.value && el.value.parentElement; // the view's box
        if (target) for (const [t, fn] of Object.entries(listeners)) target.addEventListener(t, fn);
      });
      onBeforeUnmount(() => {
        if (target) for (const [t, fn] of Object.entries(listeners)) target.removeEventListener(t, fn);
      });
      return () => h("div", { ref: el, class: "slicer-file-drop", "data-view": props.view,
                             style: active.value ? OVERLAY_STYLE : { display: "none" } },
                     active.value ? "Drop files to open" : null);
    },
  };

  const SlicerUploadManager = {
    name: "SlicerUploadManager",
    props: { download: { type: Object, default: null }, disabled: { type: Boolean, default: false } },
    setup(props, { slots }) {
      const input = ref(null);
      function onPicked(ev) {
        const files = Array.from(ev.target.files || []).map((file) => ({ file, name: file.name }));
        ev.target.value = ""; // the same file may be picked again
        uploadFiles(files);
      }
      // The server offers a download by changing this prop; a link click fetches it from disk.
      watch(() => props.download && props.download.nonce, () => {
        const d = props.download;
        if (!d || !d.url) return;
        const a = document.createElement("a");
        a.href = d.url; a.download = d.name || ""; a.style.display = "none";
        document.body.appendChild(a); a.click(); a.remove();
      });
      return () => h("span", { class: "slicer-upload-manager", onClick: () => { if (!props.disabled && input.value) input.value.click(); } }, [
        slots.default ? slots.default() : null,
        h("input", { ref: input, type: "file", multiple: true, class: "data-io-file-input", style: { display: "none" },
                     onChange: onPicked, onClick: (ev) => ev.stopPropagation() }),
      ]);
    },
  };

  window.slicer_upload = {
    install(app) {
      app.component("slicer-file-drop", SlicerFileDrop);
      app.component("slicer-upload-manager", SlicerUploadManager);
    },
  };
})();
