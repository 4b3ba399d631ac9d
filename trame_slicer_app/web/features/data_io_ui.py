"""The widgets of the Data feature (``data_io.py``): toolbar buttons, dialogs, progress, messages.

They read and write ``data_io_*`` state and call ``data_io_*`` triggers; all
decisions are taken on the server.
"""

from __future__ import annotations

from trame.widgets import html
from trame.widgets import vuetify3 as v3

DIALOG_WIDTH_PX = 560
KIND_SELECT_WIDTH_PX = 150
KIND_TITLES_JS = "({ volume: 'Volume', labelmap: 'Label map' })"
NOTICE_TIMEOUT_MS = 3000


def build_toolbar_items(upload_manager_class) -> None:
    with upload_manager_class(download=("data_io_download",), disabled=("data_io_busy",)):
        v3.VBtn(icon="mdi-folder-open-outline", title="Open files (or drop them on a view)",
                classes="data-io-open", disabled=("data_io_busy",))
    v3.VBtn(icon="mdi-folder-search-outline", title="Open from the server's data folder",
            classes="data-io-data-folder", v_if="data_io_has_data_dir", disabled=("data_io_busy",),
            click="trigger('data_io_folder_show')")
    with v3.VMenu():
        with v3.Template(v_slot_activator="{ props }"):
            v3.VBtn(icon="mdi-content-save-outline", title="Save or download", classes="data-io-save",
                    v_bind="props", disabled=("data_io_busy",))
        with v3.VList(density="compact"):
            v3.VListItem(title="Scene (.mrb)", prepend_icon="mdi-package-variant-closed",
                         classes="data-io-save-scene", click="trigger('data_io_save_scene')")
            v3.VListItem(title="Data node...", prepend_icon="mdi-file-download-outline",
                         classes="data-io-save-node", click="trigger('data_io_save_dialog_show')")
            v3.VDivider()
            v3.VListItem(title="Screenshot of the layout", prepend_icon="mdi-camera",
                         classes="data-io-screenshot-layout", click="trigger('data_io_screenshot', ['layout'])")
            # One entry per view the layout shows, the host's every view (a live desktop's extra ones too),
            # titled as the host names it (app.py's view_looks).
            with html.Template(v_for="look in view_looks", key="look.name"):
                v3.VListItem(title=("`Screenshot of ${look.title}`",), prepend_icon="mdi-camera-outline",
                             v_if="visible_views.includes(look.name)", classes=("`data-io-screenshot-${look.name}`",),
                             click="trigger('data_io_screenshot', [look.name])")
    v3.VBtn(icon="mdi-close-box-outline", title="Close scene", classes="data-io-close",
            disabled=("data_io_busy",), click="data_io_close_dialog = true")
    v3.VProgressLinear(
        v_if="data_io_busy", classes="data-io-progress", absolute=True, location="bottom", color="light-blue",
        height=4, model_value=("data_io_progress ?? 0",), indeterminate=("data_io_progress === null",),
    )
    html.Div("{{ data_io_progress_text }}", v_if="data_io_busy", classes="data-io-progress-text text-caption",
             style="position: absolute; bottom: 6px; left: 50%; transform: translateX(-50%);"
                   "background: rgba(0,0,0,.6); padding: 0 6px; border-radius: 3px; color: #fff;")


def build_dialogs() -> None:
    _error_snackbar()
    _notice_snackbar()
    _warning_snackbar()
    _choose_dialog()
    _data_folder_dialog()
    _save_node_dialog()
    _close_dialog()


def _error_snackbar() -> None:
    with v3.VSnackbar(v_model=("data_io_error_show",), color="error", timeout=-1, location="top",
                      classes="data-io-error", multi_line=True):
        html.Span("{{ data_io_error }}", classes="data-io-error-text")
        with v3.Template(v_slot_actions=True):
            v3.VBtn("Close", variant="text", click="data_io_error_show = false")


def _warning_snackbar() -> None:
    """What a load had to guess (a DICOM image without pixel spacing, ...): it stays until closed."""
    with v3.VSnackbar(v_model=("data_io_warning_show",), color="warning", timeout=-1, location="top",
                      classes="data-io-warning", multi_line=True):
        html.Span("{{ data_io_warning }}", classes="data-io-warning-text")
        with v3.Template(v_slot_actions=True):
            v3.VBtn("Close", variant="text", click="data_io_warning_show = false")


def _notice_snackbar() -> None:
    v3.VSnackbar("{{ data_io_notice }}", v_model=("data_io_notice_show",), timeout=NOTICE_TIMEOUT_MS,
                 location="bottom", classes="data-io-notice")


def _choose_dialog() -> None:
    with v3.VDialog(v_model=("data_io_choose_dialog",), max_width=DIALOG_WIDTH_PX), \
            v3.VCard(title="What to load", classes="data-io-choose"):
        with v3.VCardText(style="max-height: 60vh; overflow-y: auto;"), html.Div(
                v_for="item in data_io_choices", key="item.id", classes="d-flex align-center data-io-choice"):
            v3.VCheckbox(
                v_model=("data_io_chosen",), value=("item.id",),
                label=("`${item.name} (${data_io_kinds[item.id] || item.kind}"
                       "${item.detail ? ', ' + item.detail : ''})`",),
                density="compact", hide_details=True,
            )
            # A volume file may also be opened as a label map (one segment per label), and back.
            v3.VSelect(
                v_if="(item.kind_choices || []).length > 1",
                classes="data-io-choice-kind ml-2 flex-grow-0 flex-shrink-0",
                model_value=("data_io_kinds[item.id] || item.kind",),
                update_modelValue="data_io_kinds = { ...data_io_kinds, [item.id]: $event }",
                items=("item.kind_choices.map(k => ({ title: KIND_TITLES[k] || k, value: k }))"
                       .replace("KIND_TITLES", KIND_TITLES_JS),),
                density="compact", hide_details=True, variant="outlined", style=f"width: {KIND_SELECT_WIDTH_PX}px",
            )
        with v3.VCardActions():
            v3.VSpacer()
            v3.VBtn("Cancel", click="data_io_choose_dialog = false")
            v3.VBtn("Load", color="primary", classes="data-io-load-chosen", disabled=("!data_io_chosen.length",),
                    click="trigger('data_io_load_chosen', [data_io_chosen, data_io_kinds])")


def _data_folder_dialog() -> None:
    with v3.VDialog(v_model=("data_io_folder_dialog",), max_width=DIALOG_WIDTH_PX), \
            v3.VCard(classes="data-io-folder"):
        v3.VCardTitle("Data folder: /{{ data_io_folder.path }}")
        with v3.VCardText(style="max-height: 60vh; overflow-y: auto;"), v3.VList(density="compact"):
            v3.VListItem(title="..", prepend_icon="mdi-arrow-up", v_if="data_io_folder.parent !== null",
                         click="trigger('data_io_folder_open', [data_io_folder.parent])")
            with v3.VListItem(v_for="entry in data_io_folder.entries", key="entry.path",
                              classes="data-io-folder-entry"):
                with v3.Template(v_slot_prepend=True):
                    v3.VCheckboxBtn(v_model=("data_io_folder_selected",), value=("entry.path",), density="compact")
                v3.VIcon("{{ entry.kind === 'folder' ? 'mdi-folder' : 'mdi-file-outline' }}", size="small",
                         classes="mr-2")
                html.A("{{ entry.name }}", v_if="entry.kind === 'folder'", href="#",
                       click="trigger('data_io_folder_open', [entry.path])")
                # A file's name toggles it, as its box does (a click on the name is what users try first).
                html.Span("{{ entry.name }}", v_else=True, classes="data-io-folder-file-name",
                          style="cursor: pointer;",
                          click="data_io_folder_selected = data_io_folder_selected.includes(entry.path)"
                                " ? data_io_folder_selected.filter(p => p !== entry.path)"
                                " : [...data_io_folder_selected, entry.path]")
                with v3.Template(v_slot_append=True):
                    html.Span("{{ entry.size }}", classes="data-io-folder-size text-caption text-medium-emphasis")
            v3.VListItem(v_if="data_io_folder.left_out", title=("`${data_io_folder.left_out} more not shown`",))
        with v3.VCardActions():
            v3.VSpacer()
            v3.VBtn("Cancel", click="data_io_folder_dialog = false")
            v3.VBtn("Open", color="primary", classes="data-io-folder-load",
                    disabled=("!data_io_folder_selected.length",),
                    click="trigger('data_io_folder_load', [data_io_folder_selected])")


def _save_node_dialog() -> None:
    with v3.VDialog(v_model=("data_io_save_dialog",), max_width=DIALOG_WIDTH_PX), \
            v3.VCard(title="Save a data node", classes="data-io-save-node-dialog"):
        with v3.VCardText():
            v3.VSelect(label="Node", v_model=("data_io_save_node_id",), items=("data_io_savable",),
                       item_title="name", item_value="node_id", no_data_text="No data in the scene",
                       update_modelValue="data_io_save_format = "
                                         "(data_io_savable.find(n => n.node_id === $event) || {formats: [null]})"
                                         ".formats[0]")
            v3.VSelect(label="Format", v_model=("data_io_save_format",),
                       items=("(data_io_savable.find(n => n.node_id === data_io_save_node_id) || {formats: []})"
                              ".formats",))
        with v3.VCardActions():
            v3.VSpacer()
            v3.VBtn("Cancel", click="data_io_save_dialog = false")
            v3.VBtn("Download", color="primary", classes="data-io-save-node-go",
                    disabled=("!data_io_save_node_id || !data_io_save_format",),
                    click="trigger('data_io_save_node', [data_io_save_node_id, data_io_save_format])")


def _close_dialog() -> None:
    with v3.VDialog(v_model=("data_io_close_dialog",), max_width=400), \
            v3.VCard(title="Close scene?",
                     text="All data is removed from the scene. Unsaved work is lost: closing cannot be undone.",
                     classes="data-io-close-dialog"), \
            v3.VCardActions():
        v3.VSpacer()
        v3.VBtn("Cancel", click="data_io_close_dialog = false")
        v3.VBtn("Close scene", color="error", classes="data-io-close-confirm",
                click="trigger('data_io_close_scene')")
