"""Settings: performance, precision, device, score cut-off and where the data lives
(General), and the models (Models)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from photosearch.core.settings import PRECISIONS
from photosearch.ui import theme
from photosearch.ui.bridge import EngineBridge
from photosearch.ui.models_page import ModelsPage

TOOLTIP = Qt.ItemDataRole.ToolTipRole
DEVICE_LABELS = {
    "auto": "Automatic — the graphics card when there is one",
    "cpu": "Processor (CPU) only",
    "cuda": "NVIDIA graphics card (CUDA)",
    "mps": "Apple graphics (Metal)",
}

PRECISION_LABELS = {
    "auto": "Automatic — the fastest this computer does well",
    "fp32": "Exact (fp32) — slowest",
    "int8": "int8 — about 1.5× faster on most CPUs, same results in practice",
    "bf16": "bf16 — only fast on CPUs with native bf16",
}


def _pass_switch(text: str, on: bool, available: bool, what: str) -> QCheckBox:
    """The switch of a pass after indexing; greyed out where this copy cannot run it."""
    box = QCheckBox(text)
    box.setChecked(on and available)
    box.setEnabled(available)
    if not available:
        box.setToolTip(f"This copy of PhotoSearch cannot {what}.")
    return box


class SettingsDialog(QDialog):
    def __init__(
        self, bridge: EngineBridge, parent: QWidget | None = None, tab: str = "general"
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # and its connections with it
        self.bridge = bridge
        self.setWindowTitle("Settings — PhotoSearch")
        self.gentle = QCheckBox(
            "Be gentle while I work (index more slowly, keep the computer responsive)"
        )
        self.gentle.setChecked(bridge.settings.gentle)
        self.read_text = _pass_switch(
            "Read the words in photos (receipts, signs, screenshots) so they can be searched",
            bridge.settings.read_text,
            bridge.can_read_text,
            "read words in photos",
        )
        self.find_faces = _pass_switch(
            "Find the faces in photos and group them into people (on this computer only)",
            bridge.settings.find_faces,
            bridge.can_find_faces,
            "find faces",
        )
        self.forget_faces = QPushButton("Delete all face data…")
        self.forget_faces.setToolTip(
            "Every face found, every person and every name; your photos are not touched"
        )
        self.forget_faces.clicked.connect(self._forget_faces)
        people = QHBoxLayout()
        people.addWidget(self.find_faces, 1)
        people.addWidget(self.forget_faces)
        self.precision = QComboBox()
        self.precision.setAccessibleName("Model precision")
        active = bridge.active_precision
        for value in PRECISIONS:
            label = PRECISION_LABELS[value]
            if value == "auto" and active and bridge.settings.precision == "auto":
                label += f" (here: {active})"
            self.precision.addItem(label, value)
        self.precision.setCurrentIndex(max(0, self.precision.findData(bridge.settings.precision)))
        self.precision.setToolTip(
            f"The model now runs in {active}." if active else "The model is not loaded yet."
        )
        self.device = QComboBox()
        self.device.setAccessibleName("Device")
        missing = bridge.unavailable_devices
        for value, label in DEVICE_LABELS.items():
            self.device.addItem(label, value)
            why = (
                missing.get(value)
                if missing is not None
                else ("known once the model has loaded" if value in ("cuda", "mps") else None)
            )
            if why:  # offered only where it exists (a choice made before stays shown)
                row = self.device.count() - 1
                self.device.setItemData(row, f"Not on this computer: {why}", TOOLTIP)
                self.device.setItemText(row, f"{label} — not on this computer")
                if value != bridge.settings.device:
                    self.device.model().item(row).setEnabled(False)  # type: ignore[attr-defined]
        self.device.setCurrentIndex(max(0, self.device.findData(bridge.settings.device)))
        where = bridge.active_device
        self.device.setToolTip(f"The model now runs on {where}." if where else "")
        self.min_score = QDoubleSpinBox()
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.01)
        self.min_score.setDecimals(2)
        self.min_score.setSpecialValueText("model default")
        self.min_score.setValue(bridge.settings.min_score or 0.0)
        self.min_score.setAccessibleName("Minimum score")
        self.thumbnail_budget = QSpinBox()
        self.thumbnail_budget.setRange(100, 100_000)
        self.thumbnail_budget.setSingleStep(256)
        self.thumbnail_budget.setSuffix(" MB")
        self.thumbnail_budget.setValue(bridge.settings.thumbnail_cache_mb)
        self.thumbnail_budget.setAccessibleName("Thumbnail cache size")
        self.thumbnail_budget.setToolTip(
            "Thumbnails shown least recently are removed beyond this size; they are made "
            "again when needed."
        )
        self.appearance = QComboBox()
        self.appearance.setAccessibleName("Appearance")
        for value, label in theme.CHOICES:
            self.appearance.addItem(label, value)
        self.appearance.setCurrentIndex(
            self.appearance.findData(theme.saved_choice(bridge.paths.data_dir))
        )
        self.appearance.setToolTip("Light or dark, or as the desktop is set")
        data = QLabel(f"{bridge.paths.data_dir}<br>thumbnails: {bridge.paths.thumbnails_dir}")
        data.setWordWrap(True)
        data.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        general = QWidget()
        form = QFormLayout(general)
        # fields as wide as what they hold (a 2048 MB field does not span the dialog), but
        # the data folder's paths, which take the width they need
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Appearance", self.appearance)
        form.addRow("Performance", self.gentle)
        form.addRow("Words in photos", self.read_text)
        form.addRow("People", people)
        form.addRow("Model precision", self.precision)
        form.addRow("Device", self.device)
        form.addRow("Minimum score", self.min_score)
        form.addRow("Thumbnail cache", self.thumbnail_budget)
        form.addRow("Data folder", data)
        self.models = ModelsPage(bridge)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, "General")
        self.tabs.addTab(self.models, "Models")
        if tab == "models":
            self.tabs.setCurrentWidget(self.models)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(860, self.sizeHint().height())  # no empty band under the settings

    def _forget_faces(self) -> None:
        """Delete every face datum at once, after a question; faces are then no longer
        looked for (the box is cleared: OK keeps it so)."""
        answer = QMessageBox.question(
            self,
            "Delete all face data?",
            "Every face found in your photos, every person and every name you gave will be"
            " deleted. Your photos stay as they are.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.bridge.forget_faces()
        self.find_faces.setChecked(False)
        self.forget_faces.setEnabled(False)
        self.forget_faces.setText("Face data deleted")

    def accept(self) -> None:
        """Hand the changes to the engine's thread, which saves and applies them."""
        settings = self.bridge.settings
        changes: dict[str, object] = {}
        min_score = self.min_score.value() or None
        if min_score != settings.min_score:
            changes["min_score"] = min_score
        if self.gentle.isChecked() != settings.gentle:
            changes["gentle"] = self.gentle.isChecked()
        if self.read_text.isEnabled() and self.read_text.isChecked() != settings.read_text:
            changes["read_text"] = self.read_text.isChecked()
        if self.find_faces.isEnabled() and self.find_faces.isChecked() != settings.find_faces:
            changes["find_faces"] = self.find_faces.isChecked()
        if self.precision.currentData() != settings.precision:
            changes["precision"] = self.precision.currentData()
        if self.device.currentData() != settings.device:
            changes["device"] = self.device.currentData()
        if self.thumbnail_budget.value() != settings.thumbnail_cache_mb:
            changes["thumbnail_cache_mb"] = self.thumbnail_budget.value()
        if changes:
            self.bridge.apply_settings(changes)
        choice = str(self.appearance.currentData())
        if choice != theme.saved_choice(self.bridge.paths.data_dir):
            theme.save_choice(self.bridge.paths.data_dir, choice)
            app = QApplication.instance()
            if isinstance(app, QApplication):
                theme.apply(app, choice)
        super().accept()
