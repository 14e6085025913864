"""One exception tree. The CLI turns ``AllegianceError`` into ``Error: ...`` and exit 1."""

from __future__ import annotations


class AllegianceError(Exception):
    """Base of every error the library raises on purpose."""


class DateError(AllegianceError, ValueError):
    """A value is not a partial date; the loader adds where it was."""


class InputError(AllegianceError):
    """Bad input, located: file, record (line or index) and field."""

    def __init__(self, message: str, *, file: str | None = None, record: str | None = None, field: str | None = None):
        self.message = message
        self.file = file
        self.record = record
        self.field = field
        super().__init__(str(self))

    def located(self, *, file: str | None = None, record: str | None = None, field: str | None = None) -> InputError:
        """The same error with the location parts it lacked filled in."""
        return type(self)(
            self.message,
            file=self.file or file,
            record=self.record or record,
            field=self.field or field,
        )

    def __str__(self) -> str:
        where = [part for part in (self.file, self.record) if part]
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class UnknownReference(InputError):
    """A statement names an actor, place or source nobody declared."""


class SchemaError(AllegianceError):
    """A relation-type or actor-type declaration is malformed."""


class StoreError(AllegianceError):
    """The graph store cannot be opened, is busy, or refused a write."""


class QueryError(AllegianceError):
    """An unknown query, a malformed pack file, or a bad parameter."""


class OutputError(AllegianceError):
    """An output file that would overwrite the store, or that cannot be written."""
