"""Data: the loaded nodes grouped by kind (collapsible), a segmentation's segments under it,
with visibility, rename, delete (confirmed) and "show" for volumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from trame.decorators import trigger
from trame.widgets import client, html
from trame.widgets import vuetify3 as v3

from ...engine.display import scene_tree as tree
from ..mrml_binding import a_flag, a_text, one_of
from .feature import Feature, FeatureHost
from .rename_dialog import build_rename_dialog

KIND_ICONS = {
    "volume": "mdi-cube-outline", "labelmap": "mdi-label-outline", "segmentation": "mdi-puzzle-outline",
    "model": "mdi-shape-outline", "markups": "mdi-map-marker-outline",
}

TREE_SPACING = "--v-list-indent: 12px; --v-list-group-prepend: 0px; --v-list-prepend-gap: 8px"
# Segments sit under their segmentation (Vuetify forces the items' padding: a margin it is).
SEGMENT_INDENT = "margin-inline-start: 28px"
CUT_OFF = "overflow: hidden; text-overflow: ellipsis; white-space: nowrap"


def _detail(node: dict) -> str:
    """The line under a node's name: how many segments a segmentation has."""
    if "segments" not in node:
        return ""
    count = len(node["segments"]) + node["more"]
    return f"{count} segment" if count == 1 else f"{count} segments"


@dataclass(frozen=True)
class DataTabState:
    data_open: list = field(default_factory=lambda: [kind for kind, _title in tree.DATA_GROUPS])  # groups expanded
    data_renaming: dict | None = None  # {"id", "name"} while the rename dialog is open
    data_deleting: dict | None = None  # {"id", "name"} while the delete confirmation is open


_IN_SCENE = "data_nodes.some(n => n.id === {}.id)"  # a dialog's node, still in the scene


class DataPanel(Feature):
    name = "data"
    tab_state = DataTabState
    title = "Data"
    icon = "mdi-file-tree"

    def __init__(self, host: FeatureHost) -> None:
        super().__init__(host)
        self.engine = self.session.engine
        self.binding.bind("data_nodes", self._nodes)  # flat, in the order loaded
        self.binding.bind("data_groups", self._groups)  # what the tree shows

    def _nodes(self) -> list[dict]:
        return [{**node, "icon": KIND_ICONS.get(node["kind"], "mdi-help")} for node in tree.data_tree(self.engine)]

    def _groups(self) -> list[dict]:
        return [
            {**group, "icon": KIND_ICONS.get(group["kind"], "mdi-help"),
             "nodes": [{**node, "icon": KIND_ICONS.get(node["kind"], "mdi-help"), "detail": _detail(node)}
                       for node in group["nodes"]]}
            for group in tree.data_groups(self.engine)
        ]

    def _node_ids(self) -> list[str]:
        return [node["id"] for node in tree.data_tree(self.engine)]

    # Browser arguments are checked (known node id, a flag, a name) before the undo checkpoint.
    @trigger("data_set_visible")
    def set_visible(self, node_id=None, on=None, *_ignored) -> None:
        self.binding.edit_checked("visibility", partial(tree.set_node_visible, self.engine),
                                  (one_of(self._node_ids), node_id), (a_flag, on))

    @trigger("data_rename")
    def rename(self, node_id=None, name=None, *_ignored) -> None:
        self.binding.edit_checked("rename", partial(tree.rename_node, self.engine),
                                  (one_of(self._node_ids), node_id), (a_text, name))

    @trigger("data_delete")
    def delete(self, node_id=None, *_ignored) -> None:
        self.binding.edit_checked("delete", partial(tree.delete_node, self.engine), (one_of(self._node_ids), node_id))

    @trigger("data_show")
    def show(self, node_id=None, *_ignored) -> None:
        self.binding.edit_checked("show volume", partial(tree.show_volume_in_views, self.engine),
                                  (one_of(self._node_ids), node_id))

    def build_panel(self) -> None:
        html.Div("The scene is empty.", v_if="!data_nodes.length", classes="text-medium-emphasis")
        # The drawer is narrow: small indents and icon gaps leave room for the names.
        with v3.VList(density="compact", classes="data-nodes pa-0", opened=("data_open",),
                      update_opened="data_open = $event", style=TREE_SPACING), \
                v3.VListGroup(v_for="g in data_groups", key="g.kind", value=("g.kind",),
                              classes=("'data-group data-group-' + g.kind",)):
            with v3.Template(v_slot_activator="{ props }"):
                v3.VListItem(v_bind="props", classes="data-group-title px-1", prepend_icon=("g.icon",),
                             title=("g.title + ' (' + g.nodes.length + ')'",))
            with v3.Template(v_for="n in g.nodes", key="n.id"):
                self._build_node_row()
                self._build_segment_rows()
        self._build_dialogs()

    @staticmethod
    def _build_node_row() -> None:
        with v3.VListItem(classes="data-node px-1", prepend_icon=("n.icon",), subtitle=("n.detail || undefined",)):
            # The drawer is narrow: a long name is cut off with an ellipsis, and shown whole on hover.
            with v3.Template(v_slot_title=True):
                html.Div("{{ n.name }}", title=("n.name",), classes="data-node-name", style=CUT_OFF)
            with v3.Template(v_slot_append=True):
                v3.VBtn(v_if="n.kind === 'volume' || n.kind === 'labelmap'", icon="mdi-monitor-eye",
                        size="x-small", variant="text", title="Make it the volume the slice views show",
                        color=("n.shown ? 'primary' : undefined",), classes="data-show",
                        click="trigger('data_show', [n.id])")
                v3.VBtn(icon=("n.visible ? 'mdi-eye' : 'mdi-eye-off'",), size="x-small", variant="text",
                        title=("n.kind === 'volume' ? 'Draw or hide it (over the shown volume; that stays)'"
                               " : 'Show or hide'",), classes="data-visible",
                        click="trigger('data_set_visible', [n.id, !n.visible])")
                v3.VBtn(icon="mdi-pencil", size="x-small", variant="text", title="Rename", classes="data-rename",
                        click="data_renaming = {id: n.id, name: n.name}")
                v3.VBtn(icon="mdi-delete", size="x-small", variant="text", title="Delete", classes="data-delete",
                        click="data_deleting = {id: n.id, name: n.name}")

    @staticmethod
    def _build_segment_rows() -> None:
        # Read only: the segment's colour, name and whether it is shown.
        with v3.VListItem(v_for="s in n.segments || []", key="n.id + '/' + s.id", classes="data-segment",
                          density="compact", style=SEGMENT_INDENT):
            with v3.Template(v_slot_title=True):
                html.Div("{{ s.name }}", title=("s.name",), classes="data-segment-name", style=CUT_OFF)
            with v3.Template(v_slot_prepend=True):
                v3.VIcon(icon="mdi-circle", color=("s.color",), size="small")
            with v3.Template(v_slot_append=True):
                v3.VIcon(v_if="!s.visible", icon="mdi-eye-off", size="x-small", classes="text-medium-emphasis")
        v3.VListItem(v_if="n.more", classes="data-segment-more text-medium-emphasis", density="compact",
                     title=("'and ' + n.more + ' more'",), style=SEGMENT_INDENT)

    def _build_dialogs(self) -> None:
        # A node another tab (or an undo) takes away closes this tab's dialogs about it: they
        # would stay open, and their button would do nothing without a word.
        client.ClientStateChange(value="data_nodes", change=(
            f"data_renaming && !{_IN_SCENE.format('data_renaming')} && (data_renaming = null); "
            f"data_deleting && !{_IN_SCENE.format('data_deleting')} && (data_deleting = null)"))
        build_rename_dialog()
        with v3.VDialog(model_value=("!!data_deleting",), max_width=360, persistent=True), \
                v3.VCard(title="Delete?", v_if="data_deleting", classes="data-delete-dialog"):
            v3.VCardText("Delete {{ data_deleting.name }} from the scene?")
            with v3.VCardActions():
                v3.VSpacer()
                v3.VBtn("Cancel", click="data_deleting = null")
                v3.VBtn("Delete", color="error", classes="data-delete-ok",
                        click="trigger('data_delete', [data_deleting.id]); data_deleting = null")


FEATURE = DataPanel
