"""The History panel's words, handed to the editor's scripts with its other strings."""

from __future__ import annotations

from django.utils.translation import gettext as _


def history_strings() -> dict[str, str]:
    return {
        "history": _("History"),
        "historyIntro": _("Versions of this map and what people did on it, newest first."),
        "historyFailed": _("The history could not be loaded; try again."),
        "historyEmpty": _("No version or activity yet."),
        "saveVersion": _("Save a version"),
        "versionName": _("Name"),
        "versionNamePlaceholder": _("e.g. After the March workshop"),
        "versionNote": _("Note (optional)"),
        "versionSaved": _("Version saved: %(name)s"),
        "versionSaveFailed": _("The version could not be saved: %(message)s"),
        "reason_named": _("Named version"),
        "reason_idle": _("Saved after a pause in editing"),
        "reason_restore": _("Saved before a restore"),
        "reason_import": _("Saved before an import"),
        "reason_review": _("Saved at a review"),
        "versionBy": _("by %(name)s"),
        "openVersion": _("Open"),
        "compareWithNow": _("Compare with now"),
        "restoreVersion": _("Restore this version"),
        "restoreConfirm": _("Make the map equal to “%(name)s” for everyone? What is there now is saved as a "
                            "version first, and the restore can be undone."),
        "restoreDone": _("The map was restored to “%(name)s”."),
        "restoreFailed": _("The restore failed: %(message)s"),
        "undoRestore": _("Undo restore"),
        "undoRestoreDone": _("The restore was undone."),
        "undoRestoreChanged": _("The restore was undone; edits made after it were replaced too (they are kept in "
                                "a version)."),
        "viewingVersion": _("You are looking at “%(name)s”, saved %(when)s. It cannot be edited."),
        "backToLive": _("Back to the live map"),
        "activityEntry": _("Activity"),
        "compareWithFuture": _("Compare with the future state"),
        "compareWithCurrent": _("Compare with the current state"),
        "untitledVersion": _("Version at change %(seq)s"),
    }
