"""Row access for the write path, without the query compiler.

``maps.operations.apply`` holds the map's row lock while it reads and writes a
handful of rows, and every writer of the map waits for it. Building each of those
statements through the ORM costs more Python time than PostgreSQL takes to run
them, so the few statements the write path repeats are built once per model here
and run on the connection's cursor. Values still go through each field's own
``get_db_prep_*`` and the backend's converters, so they read and write exactly as
the ORM would, on PostgreSQL and on SQLite.

On PostgreSQL these statements bind their parameters on the server and are
prepared once per connection: Django's cursors bind client-side, which costs
about 0.1 ms of Python per statement and has the server plan it again each time.
They bypass Django's query log and execute wrappers (DEBUG's ``connection.queries``
does not list them); database errors still arrive as Django's exceptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from typing import Any

from django.db import connection


class Rows:
    """The write path's statements for one model whose rows belong to a map."""

    def __init__(self, model: Any):
        meta = model._meta
        quote = connection.ops.quote_name
        self.model = model
        self.fields = list(meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.by_attname = {f.attname: f for f in self.fields}
        self.table = quote(meta.db_table)
        self.pk = meta.pk
        columns = ", ".join(quote(f.column) for f in self.fields)
        self._select = f"SELECT {columns} FROM {self.table} WHERE {quote(self.pk.column)} = %s"
        self._select_on_map = f"{self._select} AND {quote('map_id')} = %s"
        self._insert_fields = [f for f in self.fields if not (f.primary_key and f.get_internal_type() == "BigAutoField")]
        placeholders = ", ".join(["%s"] * len(self._insert_fields))
        insert_columns = ", ".join(quote(f.column) for f in self._insert_fields)
        self._insert = f"INSERT INTO {self.table} ({insert_columns}) VALUES ({placeholders})"
        self._converters = []
        for f in self.fields:
            col = f.get_col(meta.db_table)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            self._converters.append((col, converters))
        self._update_sql: dict[tuple[str, ...], str] = {}
        self._siblings_sql: dict[tuple[str, ...], str] = {}

    def prep(self, attname: str, value: Any) -> Any:
        return self.by_attname[attname].get_db_prep_value(value, connection)

    def _convert(self, index: int, value: Any) -> Any:
        """A column's value as read from the database, as the ORM would return it."""
        col, converters = self._converters[index]
        for convert in converters:
            value = convert(value, col, connection)
        return value

    def _instance(self, row: tuple[Any, ...]) -> Any:
        values = [self._convert(index, value) for index, value in enumerate(row)]
        return self.model.from_db(connection.alias, self.attnames, values)

    def get(self, pk: Any, *, map_id: Any = None) -> Any:
        """The row with this primary key (on this map, when given), or None."""
        sql = self._select
        params = [self.prep(self.pk.attname, pk)]
        if map_id is not None:
            sql = self._select_on_map
            params.append(self.prep("map_id", map_id))
        with statement_cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else self._instance(row)

    def insert(self, obj: Any) -> None:
        """INSERT ``obj`` as ``save(force_insert=True)`` would (auto_now fields included)."""
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self._insert_fields]
        write(self._insert, params)

    def update(self, obj: Any, attnames: list[str]) -> None:
        """UPDATE these columns of ``obj``'s row (``updated_at`` is set by the caller)."""
        key = tuple(attnames)
        sql = self._update_sql.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            assignments = ", ".join(f"{quote(self.by_attname[a].column)} = %s" for a in attnames)
            sql = self._update_sql[key] = f"UPDATE {self.table} SET {assignments} WHERE {quote(self.pk.column)} = %s"
        params = [self.by_attname[a].get_db_prep_save(getattr(obj, a), connection) for a in attnames]
        params.append(self.prep(self.pk.attname, obj.pk))
        write(sql, params)

    def live_siblings(self, map_id: Any, group: dict[str, Any], exclude: Any) -> list[tuple[str, str]]:
        """(id, position) of the live rows sharing ``group`` on the map, in order."""
        key = tuple(group)
        sql = self._siblings_sql.get(key)
        quote = connection.ops.quote_name
        if sql is None:
            where = "".join(
                f" AND {quote(self.by_attname[a].column)} IS NOT DISTINCT FROM %s" if connection.vendor == "postgresql"
                else f" AND {quote(self.by_attname[a].column)} IS %s"
                for a in key
            )
            sql = self._siblings_sql[key] = (
                f"SELECT {quote('id')}, {quote('position')} FROM {self.table} "
                f"WHERE {quote('map_id')} = %s AND {quote('deleted_by_seq')} IS NULL{where} AND {quote('id')} <> %s "
                f"ORDER BY {quote('position')}, {quote('id')}"
            )
        params = [self.prep("map_id", map_id), *(self.prep(a, v) for a, v in group.items()), self.prep("id", exclude)]
        with statement_cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        id_index = self.attnames.index("id")
        return [(str(self._convert(id_index, pk)), position) for pk, position in rows]


@cache
def rows_for(model: Any) -> Rows:
    return Rows(model)


def exists(sql: str, params: list[Any]) -> bool:
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


class _PreparedCursor:
    """A psycopg cursor whose every statement is prepared on first use."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: list[Any]) -> None:
        self.cursor.execute(sql, params, prepare=True)

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self.cursor.fetchall()


@contextmanager
def statement_cursor(*, first: bool = False) -> Iterator[Any]:
    """A cursor for the write path's fixed statements (see the module's docstring).
    Writes held back by ``deferred_writes`` go first. ``first``: the transaction's
    first statement, sent together with its ``BEGIN`` (one round trip, not two)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    flush()
    connection.ensure_connection()
    with (connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor,
          connection.connection.pipeline() if first else nullcontext()):
        yield _PreparedCursor(cursor)


# -- writes sent together ---------------------------------------------------------------
#
# Under the map's lock every round trip to PostgreSQL is time every other writer
# of the map waits, and on a busy machine each one also waits for a core, twice
# (the server's process, then ours). The write path's UPDATEs and INSERTs return
# nothing it reads, so inside ``deferred_writes`` they are held back and sent
# together, in order, in one pipeline (one round trip), just before the next
# statement that reads -- the write path's own, the ORM's, a savepoint, the end
# of the batch. An error among them arrives there, inside the same transaction,
# and fails the batch as it would have a moment earlier.


def write(sql: str, params: list[Any]) -> None:
    pending = getattr(connection, "deferred_writes", None)
    if pending is not None:
        pending.append((sql, params))
        return
    with statement_cursor() as cursor:
        cursor.execute(sql, params)


def flush() -> None:
    """Send the writes held back so far (see above)."""
    pending = getattr(connection, "deferred_writes", None)
    if not pending:
        return
    import psycopg

    writes = list(pending)
    pending.clear()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        if len(writes) == 1:
            cursor.execute(*writes[0], prepare=True)
            return
        with connection.connection.pipeline():
            for sql, params in writes:
                cursor.execute(sql, params, prepare=True)


def _flush_first(execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
    flush()
    return execute(sql, params, many, context)


@contextmanager
def deferred_writes() -> Iterator[None]:
    """Hold the write path's UPDATEs and INSERTs back until something reads (or
    the block ends), then send them in one round trip. PostgreSQL only; nested
    blocks join the outer one. Writes still held when the block fails are
    dropped: the transaction (or savepoint) they belong to is rolled back."""
    if connection.vendor != "postgresql" or getattr(connection, "deferred_writes", None) is not None:
        yield
        return
    connection.deferred_writes = []
    try:
        with connection.execute_wrapper(_flush_first):
            yield
            flush()
    finally:
        connection.deferred_writes = None
