"""What readers raise for a file they cannot take: where, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class ImportProblem(Exception):
    """A file that cannot be imported; ``row`` and ``column`` say where (a line or
    spreadsheet row counted from 1, a column header or a field path)."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None,
                 code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.code = code

    def located(self) -> str:
        if self.row is not None and self.column:
            return _("row %(row)d, column `%(column)s`: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row is not None:
            return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("`%(column)s`: %(message)s") % {"column": self.column, "message": self.message}
        return self.message

    def as_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"file": [self.located()]}
        if self.row is not None:
            fields["row"] = self.row
        if self.column:
            fields["column"] = self.column
        return fields
