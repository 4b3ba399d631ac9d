"""Slicer scripted module: serve this Slicer's scene and views to browsers (trame_slicer_app).

Add this folder (the one holding this file: Slicer does not look below the listed folders) to Slicer's
module paths (Edit > Application Settings > Modules > Additional module paths), restart, and open
"Web Server (trame)" under Servers. Start/Stop, the port and a secret; the page's address (with the
secret) is shown and copied to the clipboard. The server listens on 127.0.0.1 only: reach it from
elsewhere through an SSH tunnel or a reverse proxy.
"""

import qt
import slicer
from slicer.ScriptedLoadableModule import ScriptedLoadableModule, ScriptedLoadableModuleWidget

# The package is installed from a checkout or a wheel (it is not on a package index): README's step 1.
INSTALL_HINT = ("trame_slicer_app is not installed in Slicer's Python. In the Python console:\n"
                "slicer.util.pip_install('/path/to/trame_slicer_app')  (a checkout or a wheel; "
                "not the [standalone] extra: Slicer has its own VTK)")


class TrameWebServer(ScriptedLoadableModule):
    def __init__(self, parent):
        ScriptedLoadableModule.__init__(self, parent)
        self.parent.title = "Web Server (trame)"
        self.parent.categories = ["Servers"]
        self.parent.contributors = ["trame_slicer_app"]
        self.parent.helpText = ("Serves this application's scene and its 3D and slice views to web browsers, "
                                "with the same panels and mouse interaction as the desktop.")
        self.parent.acknowledgementText = ""


class TrameWebServerWidget(ScriptedLoadableModuleWidget):
    def setup(self):
        ScriptedLoadableModuleWidget.setup(self)
        form = qt.QFormLayout()
        self.layout.addLayout(form)
        self.portBox = qt.QSpinBox()
        self.portBox.setRange(1024, 65535)
        self.portBox.setValue(8080)
        form.addRow("Port (127.0.0.1):", self.portBox)
        self.secretEdit = qt.QLineEdit()
        self.secretEdit.setPlaceholderText("made for you when empty")
        form.addRow("Secret:", self.secretEdit)
        self.startButton = qt.QPushButton("Start")
        self.startButton.setCheckable(True)
        self.startButton.toggled.connect(self.onStartToggled)
        form.addRow(self.startButton)
        self.addressLabel = qt.QLabel("")
        self.addressLabel.setTextInteractionFlags(qt.Qt.TextSelectableByMouse)
        self.addressLabel.setWordWrap(True)
        form.addRow("Address:", self.addressLabel)
        self.layout.addStretch(1)

    def onStartToggled(self, checked):
        try:
            from trame_slicer_app.hosts import slicer_start
        except ImportError:
            slicer.util.errorDisplay(INSTALL_HINT)
            self.startButton.setChecked(False)
            return
        if checked:
            try:
                url = slicer_start.start(port=self.portBox.value, secret=self.secretEdit.text or None)
            except Exception as error:  # a busy port, a missing dependency: say it, stay usable
                slicer.util.errorDisplay(f"The web server did not start: {error}")
                self.startButton.blockSignals(True)
                self.startButton.setChecked(False)
                self.startButton.blockSignals(False)
                return
            self.addressLabel.setText(url)
            qt.QApplication.clipboard().setText(url)
            self.startButton.setText("Stop")
        else:
            slicer_start.stop()
            self.addressLabel.setText("")
            self.startButton.setText("Start")

    def cleanup(self):
        try:
            from trame_slicer_app.hosts import slicer_start
        except ImportError:
            return
        slicer_start.stop()
