"""The main window. It paints at once; the services load right after the first paint.

Navigation on the left (a keyboard-focusable list), the screens in a stack on the right,
each created the first time it is shown (``app.ui.screens.create_screen``). A screen whose
module is not there yet shows a plain "not available yet" page; one that fails to build
shows its error. Ctrl+K opens the search palette from anywhere.
"""

from __future__ import annotations

import contextlib
import traceback
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMargins, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import UiContext
from app.ui.geometry import clamp, placement
from app.ui.screens import SCREENS, create_screen
from app.ui.settings import FONT_SCALE_MAX, FONT_SCALE_MIN, FONT_SCALE_STEP, THEMES, UNITS, Settings
from app.ui.theme import apply_font_scale, apply_theme, current_colours, follow_theme

APP_TITLE = "Myeloma Pocket Guide"

#: screen id → (navigation label, accessible description)
SCREEN_LABELS: dict[str, tuple[str, str]] = {
    "fig1": ("Fig. 1 · Newly diagnosed", "Flowchart of Fig. 1: treatment of newly diagnosed multiple myeloma"),
    "fig2": ("Fig. 2 · Second line", "Flowchart of Fig. 2: relapsed or refractory myeloma at second line"),
    "fig3": ("Fig. 3 · Third line and beyond", "Flowchart of Fig. 3: relapsed or refractory myeloma, third line on"),
    "calculators": ("Calculators", "Staging, risk, frailty, renal function, body surface area and dosing calculators"),
    "crs": ("CRS", "Cytokine-release syndrome: ASTCT grading and management by grade"),
    "icans": ("ICANS", "Immune effector cell-associated neurotoxicity: ICE score, grading and management"),
    "guideline": ("Guideline", "Sections, statements with evidence, Table 1, Boxes 1 to 3, errata"),
    "regimens": ("Regimens & dosing", "Regimens, their components, evidence, trials and dosing notes"),
    "about": ("About", "Versions, source, active database, errata, intended use and disclaimer"),
    "help": ("Help", "What each screen does, the keyboard shortcuts, how statuses and evidence tags read (F1)"),
    "patient": ("Patient", "The one patient case, entered once, kept in memory only (F4)"),
    "case": ("Case summary", "Where the patient case leads, each value with its provenance (F5)"),
}

if TYPE_CHECKING:
    from app.ui.drug_view import DrugView


def screen_label(screen_id: str) -> str:
    return SCREEN_LABELS.get(screen_id, (screen_id, ""))[0]


class ScreenUnavailable(QWidget):
    """Shown in place of a screen whose module is missing or failed to build."""

    def __init__(self, screen_id: str, message: str, details: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.screen_id = screen_id
        self.message = message
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        heading = QLabel(f"<h2>{screen_label(screen_id)}</h2>", self)
        heading.setAccessibleName(f"{screen_label(screen_id)} heading")
        self.label = QLabel(message, self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label.setAccessibleName(f"{screen_label(screen_id)} is not available")
        self.label.setAccessibleDescription(message)
        layout.addWidget(heading)
        layout.addWidget(self.label)
        if details:
            self.details = QLabel(details, self)
            self.details.setWordWrap(True)
            self.details.setTextFormat(Qt.TextFormat.PlainText)
            self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details.setAccessibleName("Error details")
            layout.addWidget(self.details)
        layout.addStretch(1)
        self.setFocusProxy(self.label)

    def plain_text(self) -> str:
        return ""

    def document(self) -> None:
        return None


class PreferencesDialog(QDialog):
    """Display preferences only: text size, theme, default units, content-age warning."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self.settings = settings
        form = QFormLayout(self)
        self.font_scale = QDoubleSpinBox(self)
        self.font_scale.setRange(FONT_SCALE_MIN * 100, FONT_SCALE_MAX * 100)
        self.font_scale.setSingleStep(10)
        self.font_scale.setDecimals(0)
        self.font_scale.setSuffix(" %")
        self.font_scale.setValue(settings.font_scale * 100)
        self.font_scale.setAccessibleName("Text size in percent")
        self.theme = QComboBox(self)
        for key, label in THEMES.items():
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(list(THEMES).index(settings.theme))
        self.theme.setAccessibleName("Colour theme")
        self.units = QComboBox(self)
        for key, label in UNITS.items():
            self.units.addItem(label, key)
        self.units.setCurrentIndex(list(UNITS).index(settings.units))
        self.units.setAccessibleName("Default units of the calculators")
        self.banner_age = QSpinBox(self)
        self.banner_age.setRange(1, 3650)
        self.banner_age.setSuffix(" days")
        self.banner_age.setValue(settings.banner_age_days)
        self.banner_age.setAccessibleName("Warn when the content is older than this many days")
        form.addRow("&Text size:", self.font_scale)
        form.addRow("&Theme:", self.theme)
        form.addRow("Default &units:", self.units)
        form.addRow("Warn when content is older than:", self.banner_age)
        note = QLabel("Only display preferences are saved — never anything typed into a form.", self)
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        self.settings.font_scale = self.font_scale.value() / 100
        self.settings.theme = str(self.theme.currentData())
        self.settings.units = str(self.units.currentData())
        self.settings.banner_age_days = self.banner_age.value()


class MainWindow(QMainWindow):
    first_paint = Signal()
    screen_changed = Signal(str)

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setAccessibleName(APP_TITLE)
        self._painted = False
        self.settings = settings if settings is not None else Settings()
        self._fitted = False
        self.place_on_screen()
        self.context = UiContext(self.settings, self)
        self.context.navigate.connect(self.navigate)
        self.guide: Any = None
        self.load_error: str | None = None
        self.pages: dict[str, QWidget] = {}
        self.screen_errors: dict[str, str] = {}
        self.current_screen_id: str | None = None
        self.search_palette: Any = None
        self.drug_page: DrugView | None = None
        self._banner_dismissed = False
        #: the data dir the services were loaded from (installed updates, trust root)
        self.data_dir: Path | None = None
        self.update_dialog: Any = None
        #: the notice of the background re-check of the active database, shown in the banner
        self.recheck_notice: str | None = None
        self.recheck_running = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.settings.theme, self.settings.font_scale)
        self._build()
        self._build_menus()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget(self)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(6)

        self.banner = QFrame(body)
        self.banner.setObjectName("contentBanner")
        self.banner.setFrameShape(QFrame.Shape.Box)
        self.banner.setFrameShadow(QFrame.Shadow.Plain)
        self.banner.setAutoFillBackground(True)
        self._colour_banner()
        follow_theme(self, self._colour_banner)
        self.banner.setAccessibleName("Content status warning")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 6, 6)
        self.banner_label = QLabel(self.banner)
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextFormat(Qt.TextFormat.PlainText)  # content and package data are text
        self.banner_label.setAccessibleName("Content status warning text")
        self.banner_dismiss = QPushButton("Dismiss for this session", self.banner)
        self.banner_dismiss.setAccessibleName("Dismiss the content warning for this session")
        self.banner_dismiss.clicked.connect(self.dismiss_banner)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()
        outer.addWidget(self.banner)

        self.nav = QListWidget(body)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Screens")
        self.nav.setAccessibleDescription("Choose a screen with the arrow keys; Alt+1 to Alt+9 jump directly.")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for n, screen_id in enumerate(SCREENS, 1):
            label, description = SCREEN_LABELS.get(screen_id, (screen_id, ""))
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, screen_id)
            item.setToolTip(f"{description} (Alt+{n})" if n <= 9 else description)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, label)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, description)
            self.nav.addItem(item)
        self.nav.setSpacing(2)
        self.nav.setWordWrap(True)  # at a large text size a label wraps, never "Fig. 2 · Seconc"
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideNone)
        longest = self.fit_navigation()
        self.nav.currentRowChanged.connect(self._nav_row_changed)
        self.nav.itemActivated.connect(lambda _item: self.focus_screen())

        self.stack = QStackedWidget(body)
        self.stack.currentChanged.connect(self._size_pages)
        self.stack.setObjectName("screens")
        self.stack.setAccessibleName("Screen")
        self.loading = QLabel("Loading the guideline database…", self.stack)
        self.loading.setObjectName("loadingPage")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)
        self.loading.setTextFormat(Qt.TextFormat.PlainText)
        self.loading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loading.setAccessibleName("Loading status")
        self.stack.addWidget(self.loading)

        splitter = QSplitter(Qt.Orientation.Horizontal, body)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([longest + 36, 1280])
        outer.addWidget(splitter, 1)
        self.setCentralWidget(body)
        QWidget.setTabOrder(self.nav, self.stack)

        self.content_label = QLabel("Loading the guideline database…", self)
        self.content_label.setAccessibleName("Content version")
        self.content_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.content_label.setTextFormat(Qt.TextFormat.PlainText)  # the signed content version is text
        self.statusBar().addPermanentWidget(self.content_label)
        self.statusBar().showMessage("Loading…")

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(shortcut)
        action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.copy_action = self._action(
            file_menu,
            "&Copy as text",
            self.copy_as_text,
            QKeySequence("Ctrl+Shift+C"),
            "Copy the current screen as plain text, stamped with the versions and the date",
        )
        self.print_action = self._action(file_menu, "&Print…", self.print_current, QKeySequence.StandardKey.Print)
        self.pdf_action = self._action(file_menu, "&Export PDF…", self.export_pdf_dialog, QKeySequence("Ctrl+Shift+E"))
        file_menu.addSeparator()
        self.install_update_action = self._action(
            file_menu,
            "&Install update…",
            self.install_update,
            tip="Check a signed guideline update package (.zip) and install it",
        )
        self.install_local_action = self._action(
            file_menu, "Install &local layer…", self.install_local_layer,
            tip="Check the hospital's signed local layer (.zip): hospital, signers, what it adds; then install it",
        )
        file_menu.addSeparator()
        self._action(file_menu, "Pre&ferences…", self.open_preferences, QKeySequence("Ctrl+,"))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        view = bar.addMenu("&View")
        self._action(
            view,
            "&Larger text",
            self.zoom_in,
            [QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")],
            "Make all text larger (up to 250 %), the diagrams included",
        )
        self._action(view, "&Smaller text", self.zoom_out, QKeySequence("Ctrl+-"), "Make all text smaller")
        self._action(view, "&Normal text size", self.zoom_reset, QKeySequence("Ctrl+0"), "Text at 100 %")
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for key, label in THEMES.items():
            action = QAction(label, self, checkable=True)
            action.setChecked(key == self.settings.theme)
            action.triggered.connect(lambda _c=False, k=key: self.set_theme(k))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[key] = action
        units_menu = view.addMenu("Default &units")
        self.unit_actions: dict[str, QAction] = {}
        ugroup = QActionGroup(self)
        for key, label in UNITS.items():
            action = QAction(label, self, checkable=True)
            action.setChecked(key == self.settings.units)
            action.triggered.connect(lambda _c=False, k=key: self.set_units(k))
            ugroup.addAction(action)
            units_menu.addAction(action)
            self.unit_actions[key] = action

        go = bar.addMenu("&Go")
        self.search_action = self._action(
            go, "&Search…", self.open_search, QKeySequence("Ctrl+K"), "Search everything (Ctrl+K)"
        )
        go.addSeparator()
        self.go_actions: dict[str, QAction] = {}
        for n, screen_id in enumerate(SCREENS, 1):
            shortcut = QKeySequence(f"Alt+{n}") if n <= 9 else None
            self.go_actions[screen_id] = self._action(
                go, screen_label(screen_id).replace("&", "&&"), lambda s=screen_id: self.navigate(s, None), shortcut
            )
        self._build_patient_menu(bar.addMenu("&Patient"))
        help_menu = bar.addMenu("&Help")
        self.help_action = self._action(
            help_menu,
            "&Help",
            lambda: self.navigate("help", None),
            QKeySequence("F1"),
            "Help: what each screen does, the shortcuts, how statuses and evidence tags read",
        )
        self._action(help_menu, "&About Myeloma Pocket Guide", lambda: self.navigate("about", None))
        from app.ui.safety_menu import add_help_actions

        add_help_actions(self, help_menu)
        for action in self.findChildren(QAction):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def _build_patient_menu(self, menu: Any) -> None:
        self._action(menu, "&Patient panel", lambda: self.navigate("patient", None), QKeySequence("F4"),
                     "Patient panel: enter the case once (kept in memory only)")
        self._action(menu, "Case &summary", lambda: self.navigate("case", None), QKeySequence("F5"),
                     "Case summary: where the patient case leads, with provenance")
        self._action(menu, "&Open case file…", self.open_case_file, tip="Read a case file (JSON); nothing is saved")
        menu.addSeparator()
        self.clear_patient_action = self._action(
            menu, "&Clear patient", self.clear_patient, QKeySequence("Ctrl+Shift+Delete"),
            "Clear patient: forget the case now (closing the window also clears it)")

    def clear_patient(self) -> None:
        self.context.clear_patient()
        self.statusBar().showMessage("Patient cleared", 5000)

    def open_case_file(self) -> None:
        panel = self.show_screen("patient")
        if hasattr(panel, "open_case_file"):
            panel.open_case_file()

    # -- painting and loading -------------------------------------------------------------
    @property
    def painted(self) -> bool:
        """True once the window has painted (screens are built only from then on)."""
        return self._painted

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_paint.emit()

    def load_services(self, data_dir: str | None = None, guide: Any = None) -> None:
        """Open the database (or take ``guide``), hand it to every screen, open the last screen."""
        try:
            if guide is None:
                from app.services.datadir import resolve_data_dir
                from app.services.guide import Guide

                self.data_dir = resolve_data_dir(data_dir)
                guide = Guide(data_dir=self.data_dir)
            elif getattr(guide, "data_dir", None) is not None:
                self.data_dir = guide.data_dir
            version = guide.version()
        except Exception as exc:  # shown to the user, never swallowed
            self.load_error = f"{type(exc).__name__}: {exc}"
            self.loading.setText(
                "The guideline database could not be opened.\n\n"
                f"{self.load_error}\n\nReinstall the app or ask your IT department; "
                "`mmguide info` on the command line runs the same check."
            )
            self.loading.setAccessibleDescription(self.load_error)
            self.content_label.setText("Database error")
            self.statusBar().showMessage("The guideline database could not be opened")
            self.stack.setCurrentWidget(self.loading)
            return
        if self.guide is not None and self.guide is not guide:
            _release(self.guide)
        self.guide = guide
        self.load_error = None
        self.content_label.setText(
            f"Content {version['content_version']} · {version['content_date']} · app {version['app_version']}"
        )
        self.content_label.setToolTip("Guideline content version and date, and the app version")
        self.statusBar().showMessage("Ready", 3000)
        self.loading.setText("Choose a screen on the left.")
        self.context.set_guide(guide)
        self.update_banner()
        start = self.settings.last_screen or next(iter(SCREENS))
        self.show_screen(start if start in SCREENS else next(iter(SCREENS)))
        self.start_recheck()
        from app.ui.whats_new import show_once_after_update

        show_once_after_update(self)

    # -- the background re-check of the active database ------------------------------------
    def start_recheck(self) -> None:
        """Re-hash the active database off the GUI thread (after first paint); if it changed
        since it was installed, fall back (a new ``Guide``: current → previous → bundled) and
        say so in the banner."""
        guide = self.guide
        active = getattr(guide, "active", None)
        if guide is None or active is None:
            return
        data_dir = getattr(guide, "data_dir", None)
        from app.services.updates import recheck_active
        from app.ui.update_dialog import run_in_background

        def work() -> tuple[str | None, Any]:
            notice = recheck_active(data_dir, active.path, active.origin)
            if notice is None:
                return None, None
            from app.services.guide import Guide

            return notice, Guide(data_dir=data_dir)  # selects again, skipping the changed file

        self.recheck_running = True
        run_in_background(work, lambda ok, value: self._recheck_done(guide, ok, value), self)

    def _recheck_done(self, checked: Any, ok: bool, value: Any) -> None:
        self.recheck_running = False
        if checked is not self.guide:
            return  # the services were reloaded meanwhile (an update installed): stale result
        if not ok:
            self.statusBar().showMessage(f"The background check of the database failed: {value}", 10000)
            return
        notice, fallback = value
        if notice is None:
            return
        self.recheck_notice = notice
        self._banner_dismissed = False
        self.load_services(data_dir=str(self.data_dir) if self.data_dir else None, guide=fallback)
        self.statusBar().showMessage("The guideline database changed on disk; the app fell back to a good one",
                                     15000)

    # -- installing a signed update ---------------------------------------------------------
    def update_data_dir(self) -> Path:
        """The data dir updates go to: the one the services were loaded from, else the default."""
        if self.data_dir is not None:
            return self.data_dir
        from app.services.datadir import resolve_data_dir

        return resolve_data_dir(None)

    def install_local_layer(self) -> None:
        """File → Install local layer… (the dialog's module loads on first use, after the first paint)."""
        from app.ui.local_dialog import open_local_dialog

        open_local_dialog(self)

    def install_update(self) -> Any:
        """File → Install update…: choose a package (.zip), then verify and show it."""
        from app.services.updates import trust_root_state

        data_dir = self.update_data_dir()
        problem = trust_root_state(data_dir)
        if problem is not None:  # no (usable) trust root: nothing to choose a package for
            return self.open_update_dialog(None, problem=problem)
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a guideline update package", str(Path.home()), "Guideline update packages (*.zip)"
        )
        if not path:
            return None
        return self.open_update_dialog(Path(path))

    def open_update_dialog(self, package: Path | None, problem: Any = None) -> Any:
        from app.ui.update_dialog import UpdateDialog

        current = None
        if self.guide is not None:
            try:
                version = self.guide.version()
                active = getattr(self.guide, "active", None)
                current = {"content_version": version["content_version"], "content_date": version["content_date"],
                           "origin": getattr(active, "origin", None), "path": getattr(active, "path", None)}
            except Exception:  # the dialog still works without the comparison
                current = None
        if self.update_dialog is not None:
            self.update_dialog.deleteLater()
        dialog = UpdateDialog(package, self.update_data_dir(), current=current, problem=problem, parent=self)
        dialog.installed.connect(self._update_installed)
        self.update_dialog = dialog
        dialog.open()
        return dialog

    def _update_installed(self, outcome: Any, guide: Any) -> None:
        """Reload the services on the newly installed database and say so in the status bar."""
        self.recheck_notice = None
        self._banner_dismissed = False
        self.load_services(data_dir=str(self.update_data_dir()), guide=guide)
        if self.guide is None:
            return
        version = self.guide.version()
        facts = getattr(outcome, "package", {}) or {}
        self.statusBar().showMessage(
            f"Installed guideline update: content {version['content_version']} of {version['content_date']}"
            + (f" (sequence {facts['sequence']})" if "sequence" in facts else ""),
            20000,
        )

    # -- the content banner ---------------------------------------------------------------
    def _colour_banner(self) -> None:
        """The banner in the theme's erratum colours (its own background, readable in every theme)."""
        box = current_colours().erratum
        palette = QPalette(self.banner.palette())
        for role, colour in (
            (QPalette.ColorRole.Window, box.bg),
            (QPalette.ColorRole.WindowText, box.fg),
            (QPalette.ColorRole.Button, box.bg),
            (QPalette.ColorRole.ButtonText, box.fg),
            (QPalette.ColorRole.Text, box.fg),
            (QPalette.ColorRole.Mid, box.border),
        ):
            palette.setColor(role, QColor(colour))
        self.banner.setPalette(palette)

    def banner_messages(self) -> list[str]:
        if self.guide is None:
            return []
        messages = []
        if self.recheck_notice:
            messages.append(f"Database: {self.recheck_notice}")
        notice = getattr(getattr(self.guide, "active", None), "notice", None)
        if notice:
            messages.append(f"Database: {notice}")
        version = self.guide.version()
        content_date = date.fromisoformat(version["content_date"])
        age = (date.today() - content_date).days
        if age > self.settings.banner_age_days:
            messages.append(
                f"The guideline content is {age} days old (content {version['content_version']} of "
                f"{version['content_date']}); newer evidence or a corrected edition may exist. "
                "Check for a signed content update."
            )
        return messages

    def update_banner(self) -> None:
        messages = self.banner_messages()
        if not messages or self._banner_dismissed:
            self.banner.hide()
            return
        text = "\n".join(f"⚠ {m}" for m in messages)
        self.banner_label.setText(text)
        self.banner.setAccessibleDescription(text)
        self.banner.show()

    def dismiss_banner(self) -> None:
        self._banner_dismissed = True
        self.banner.hide()
        self.focus_screen()

    # -- screens --------------------------------------------------------------------------
    def page(self, screen_id: str) -> QWidget:
        """The page of ``screen_id``, created the first time it is asked for."""
        if screen_id in self.pages:
            return self.pages[screen_id]
        module_name = SCREENS[screen_id][0]
        widget: QWidget
        try:
            widget = create_screen(screen_id, self.context)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                widget = self._failed(screen_id, exc)
            else:
                message = f"{screen_label(screen_id)} is not available yet in this build."
                self.screen_errors[screen_id] = f"module {module_name} is missing"
                widget = ScreenUnavailable(screen_id, message)
        except Exception as exc:  # a broken screen must not take the window down
            widget = self._failed(screen_id, exc)
        widget.setObjectName(f"screen-{screen_id}")
        label, description = SCREEN_LABELS.get(screen_id, (screen_id, ""))
        if not widget.accessibleName():
            widget.setAccessibleName(label)
        if not widget.accessibleDescription():
            widget.setAccessibleDescription(description)
        self.pages[screen_id] = widget
        self.stack.addWidget(widget)
        return widget

    def _failed(self, screen_id: str, exc: BaseException) -> QWidget:
        summary = f"{type(exc).__name__}: {exc}"
        self.screen_errors[screen_id] = summary
        details = "".join(traceback.format_exception(exc)[-3:])
        return ScreenUnavailable(screen_id, f"{screen_label(screen_id)} could not be opened: {summary}", details)

    def show_screen(self, screen_id: str) -> QWidget:
        if screen_id not in SCREENS:
            raise KeyError(f"unknown screen {screen_id!r}; known: {', '.join(SCREENS)}")
        widget = self.page(screen_id)
        self.stack.setCurrentWidget(widget)
        row = list(SCREENS).index(screen_id)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        if self.current_screen_id != screen_id:
            self.current_screen_id = screen_id
            self.settings.last_screen = screen_id
            self.setWindowTitle(f"{screen_label(screen_id)} — {APP_TITLE}")
            self.screen_changed.emit(screen_id)
        return widget

    def fit_navigation(self) -> int:
        """Size the navigation to its labels at the current text size, at most a fifth of the
        window (a longer label wraps); returns the width of the longest label."""
        longest = max(self.nav.fontMetrics().horizontalAdvance(label) for label, _ in SCREEN_LABELS.values())
        area = self.available_area().width() if hasattr(self, "settings") else 1366
        widest = max(140, area // 5)
        self.nav.setMinimumWidth(min(widest, longest + 36))
        self.nav.setMaximumWidth(min(widest, longest + 60))
        self.nav.doItemsLayout()
        return longest

    def _size_pages(self, _index: int = -1) -> None:
        """Only the page shown counts for the window's minimum size: a hidden screen's needs must
        not push the window beyond the screen."""
        current = self.stack.currentWidget()
        for i in range(self.stack.count()):
            page = self.stack.widget(i)
            if page is None:
                continue
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "nav"):
            self.fit_navigation()

    def _nav_row_changed(self, row: int) -> None:
        if not self._painted:
            return  # nothing heavy before the first paint; load_services opens the first screen
        if 0 <= row < self.nav.count():
            self.show_screen(str(self.nav.item(row).data(Qt.ItemDataRole.UserRole)))

    def current_screen(self) -> Any:
        """The current screen object (``None`` while loading or on a placeholder page)."""
        widget = self.stack.currentWidget()
        return None if isinstance(widget, ScreenUnavailable) or widget is self.loading else widget

    def focus_screen(self) -> None:
        widget = self.stack.currentWidget()
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def navigate(self, screen_id: str, payload: Any = None) -> None:
        """Show ``screen_id`` and, with a payload, the item it names (``context.navigate``)."""
        if screen_id == "search":
            self.open_search()
            return
        if screen_id == "drug":
            self.show_drug(payload)
            return
        if screen_id not in SCREENS:
            self.statusBar().showMessage(f"There is no screen called {screen_id!r}", 8000)
            return
        widget = self.show_screen(screen_id)
        if payload is not None and hasattr(widget, "open_item") and not isinstance(widget, ScreenUnavailable):
            try:
                widget.open_item(payload)
            except Exception as exc:  # reported plainly, the window stays usable
                self.statusBar().showMessage(
                    f"Could not open {payload!r} on {screen_label(screen_id)}: {type(exc).__name__}: {exc}", 10000
                )
        self.focus_screen()

    def show_drug(self, payload: Any) -> QWidget:
        """The drug page (not in the navigation): what the guide records about one drug."""
        page = self.drug_page
        if page is None:
            from app.ui.drug_view import DrugView

            page = self.drug_page = DrugView(self.context)
            page.setObjectName("screen-drug")
            self.stack.addWidget(page)
        try:
            page.open_item(payload)
        except KeyError as exc:
            self.statusBar().showMessage(f"There is no drug {payload!r} in the guide: {exc}", 10000)
        self.stack.setCurrentWidget(page)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(-1)  # not a navigation screen; any row click leaves it
        self.nav.blockSignals(False)
        info = page.info
        name = info.drug.name if info is not None else "drug"
        self.current_screen_id = "drug"
        self.setWindowTitle(f"{name} — Drug — {APP_TITLE}")
        self.screen_changed.emit("drug")
        self.focus_screen()
        return page

    # -- search ---------------------------------------------------------------------------
    def open_search(self, text: str | None = None) -> Any:
        if self.search_palette is None:
            from app.ui.search_palette import SearchPalette

            self.search_palette = SearchPalette(self.context, self)
        self.search_palette.open_palette(text)
        return self.search_palette

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.search_palette is not None and self.search_palette.isVisible():
            self.search_palette.place()

    # -- copy, print, PDF -----------------------------------------------------------------
    def copy_as_text(self) -> str:
        screen = self.current_screen()
        text = screen.plain_text() if screen is not None and hasattr(screen, "plain_text") else ""
        if not text.strip():
            self.statusBar().showMessage("Nothing to copy on this screen", 5000)
            return ""
        stamp = self.context.stamp()
        if self.guide is None or self.guide.version()["content_version"] not in text:
            text = f"{text.rstrip()}\n\n— {stamp}"
        QApplication.clipboard().setText(text)
        self.statusBar().showMessage("Copied as text (with the app and content versions and the date)", 5000)
        return text

    def _document(self) -> Any:
        screen = self.current_screen()
        doc = screen.document() if screen is not None and hasattr(screen, "document") else None
        if doc is None:
            self.statusBar().showMessage("Nothing to print on this screen", 5000)
        return doc

    def export_pdf_to(self, path: str | Path) -> Path | None:
        """Export the current screen to ``path`` as a stamped PDF; ``None`` if there is nothing to export."""
        from app.ui.printing import export_pdf

        doc = self._document()
        if doc is None:
            return None
        out = export_pdf(doc, Path(path), self.context.stamp())
        self.statusBar().showMessage(f"Exported {out}", 5000)
        return out

    def export_pdf_dialog(self) -> None:
        if self._document() is None:
            return
        name = f"mmguide-{self.current_screen_id or 'screen'}-{date.today().isoformat()}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Export PDF", str(Path.home() / name), "PDF files (*.pdf)")
        if path:
            try:
                self.export_pdf_to(path)
            except Exception as exc:
                self.statusBar().showMessage(f"Could not export the PDF: {type(exc).__name__}: {exc}", 10000)

    def print_current(self) -> None:
        doc = self._document()
        if doc is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from app.ui.printing import default_page_size, print_document

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(default_page_size())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_document(doc, printer, self.context.stamp())
            self.statusBar().showMessage("Sent to the printer", 5000)

    # -- preferences ----------------------------------------------------------------------
    def set_font_scale(self, scale: float) -> None:
        self.settings.font_scale = scale
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_font_scale(app, self.settings.font_scale)
        self.statusBar().showMessage(f"Text size {round(self.settings.font_scale * 100)} %", 3000)

    def zoom_in(self) -> None:
        self.set_font_scale(self.settings.font_scale * FONT_SCALE_STEP)

    def zoom_out(self) -> None:
        self.set_font_scale(self.settings.font_scale / FONT_SCALE_STEP)

    def zoom_reset(self) -> None:
        self.set_font_scale(1.0)

    def set_theme(self, theme: str) -> None:
        self.settings.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme, self.settings.font_scale)
        if theme in self.theme_actions:
            self.theme_actions[theme].setChecked(True)
        self.statusBar().showMessage(f"Theme: {THEMES[theme]}", 3000)

    def set_units(self, units: str) -> None:
        self.settings.units = units
        if units in self.unit_actions:
            self.unit_actions[units].setChecked(True)
        self.statusBar().showMessage(f"Default units: {UNITS[units]} (new calculator forms)", 3000)

    def open_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.settings, self)
        dialog.accepted.connect(lambda: self.apply_preferences(dialog))
        dialog.open()
        return dialog

    def apply_preferences(self, dialog: PreferencesDialog) -> None:
        dialog.save()
        self.set_theme(self.settings.theme)
        self.set_font_scale(self.settings.font_scale)
        self.set_units(self.settings.units)
        self.update_banner()

    # -- geometry ---------------------------------------------------------------------------
    def available_area(self) -> QRect:
        """The available area (without task bars) of the screen the window is, or will open, on."""
        saved = self.settings.window_geometry
        screen = None
        if saved is not None:
            screen = QGuiApplication.screenAt(QRect(*saved).center())
        screen = screen or self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)

    def place_on_screen(self) -> None:
        """Open inside the available area: the remembered geometry clamped to it, else the default
        (maximised on a small screen)."""
        saved = self.settings.window_geometry
        rect, maximized = placement(
            self.available_area(), QRect(*saved) if saved else None, self.settings.window_maximized
        )
        self.setGeometry(rect)
        if maximized:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def fit_frame(self) -> None:
        """Once shown, with the real frame known: pull the whole frame inside the available area."""
        if self.isMaximized() or self.isFullScreen():
            return
        area = self.available_area()
        frame = self.frameGeometry()
        inner = self.geometry()
        margins = QMargins(
            inner.left() - frame.left(),
            inner.top() - frame.top(),
            frame.right() - inner.right(),
            frame.bottom() - inner.bottom(),
        )
        if area.contains(frame):
            return
        self.setGeometry(clamp(inner, area, margins))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self.fit_frame)

    def remember_geometry(self) -> None:
        normal = self.normalGeometry() if self.isMaximized() else self.geometry()
        if normal.isValid():
            self.settings.window_geometry = (normal.x(), normal.y(), normal.width(), normal.height())
        self.settings.window_maximized = self.isMaximized()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.context.clear_patient()
        self.remember_geometry()
        self.settings.sync()
        super().closeEvent(event)


def _release(guide: Any) -> None:
    """Close the database connections of a guide being replaced (best effort)."""
    repo = getattr(guide, "__dict__", {}).get("repo")  # only if it was opened (a cached property)
    if repo is not None and hasattr(repo, "close"):
        with contextlib.suppress(Exception):  # never let cleanup break a reload
            repo.close()
