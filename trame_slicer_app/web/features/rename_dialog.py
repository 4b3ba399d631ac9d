"""The Data panel's Rename dialog: Enter renames, Escape cancels, and a name the scene would
refuse (only spaces, too long) is explained under the field instead of being sent.

It edits the tab's own ``data_renaming`` ({"id", "name"}, None while closed; see
web/client_state.py); the server checks the name again (``mrml_binding.a_text``).
"""

from __future__ import annotations

from trame.widgets import vuetify3 as v3

from ..mrml_binding import MAX_TEXT_LENGTH

DIALOG_WIDTH_PX = 360
_NAME = "(data_renaming.name || '')"
NAME_RULES_JS = (f"[v => !!(v || '').trim() || 'A name needs more than spaces', "
                 f"v => (v || '').length <= {MAX_TEXT_LENGTH} || 'At most {MAX_TEXT_LENGTH} characters']")
NAME_VALID_JS = f"{_NAME}.trim().length > 0 && {_NAME}.length <= {MAX_TEXT_LENGTH}"
RENAME_JS = (f"({NAME_VALID_JS}) && "
             "(trigger('data_rename', [data_renaming.id, data_renaming.name]), data_renaming = null)")


def build_rename_dialog() -> None:
    # Not persistent, so Escape (or a click beside it) cancels, as with any dialog; a form, so
    # Enter in the field submits it as the Rename button does.
    with v3.VDialog(model_value=("!!data_renaming",), update_modelValue="$event || (data_renaming = null)",
                    max_width=DIALOG_WIDTH_PX), \
            v3.VCard(title="Rename", v_if="data_renaming", classes="data-rename-dialog"), \
            v3.VForm(submit=RENAME_JS):
        with v3.VCardText():
            # maxlength (the input's own attribute) and the button's type are not in trame's
            # lists of these widgets' properties, which leave out what they do not list.
            # A new object, not v-model's in-place edit of the key's object, which trame's state
            # never sees as a change: the field would go on showing (and checking) the old name.
            v3.VTextField(model_value=("data_renaming.name",),
                          update_modelValue="data_renaming = {...data_renaming, name: $event}",
                          label="Name", autofocus=True, classes="data-rename-name", rules=(NAME_RULES_JS,),
                          counter=MAX_TEXT_LENGTH, maxlength=MAX_TEXT_LENGTH, __properties=["maxlength"])
        with v3.VCardActions():
            v3.VSpacer()
            v3.VBtn("Cancel", click="data_renaming = null")
            v3.VBtn("Rename", type="submit", color="primary", classes="data-rename-ok",
                    disabled=(f"!({NAME_VALID_JS})",), __properties=["type"])
