"""Queries compiled once and run many times: the reads of a page that every request asks again.

Django compiles a queryset into SQL each time it runs: for the small queries a NOS page asks
(a NOS's suites, its SOC codes, its reach …) compiling costs far more than the database's answer
(about 0.4 ms of Python against a few microseconds of SQLite; a first visit of a NOS page asked
15 of them, a third of its time). A `Prepared` query is a queryset built once per database
connection with marker arguments; its SQL and the places of its arguments are kept, and each call
runs that SQL with the call's own arguments, parameterised as every query is, its values turned
by the compiler's own converters (a boolean, a date, JSON: what the ORM gives).

    suites_of = Prepared(lambda version_id: Through.objects.filter(nosversion_id=version_id).values_list("suite__name", flat=True))
    suites_of(10392)  # ['Playwork']

Only `values_list` querysets (tuples, or `flat=True`), whose arguments reach the SQL unchanged as
parameters (an `exact` or `in` of one value, never `__contains` or a list of any length): compiling
checks that each marker is found once or more among the parameters, and that no other parameter
equals one; else `PreparedQueryError`. The tests compare every prepared query with its queryset
run by the ORM, on the real catalogue, on both engines.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import FlatValuesListIterable, QuerySet, ValuesListIterable

from noshub.core.errors import NosHubError

# Marker arguments: in range for a 32-bit integer column (Django turns an out-of-range integer
# lookup into an empty result before any SQL), far above any id the catalogue will reach.
_INT_MARKER = 2_000_000_011
_STR_MARKER = "\x1fprepared-argument-{}\x1f"


class PreparedQueryError(NosHubError):
    """A queryset that cannot be prepared (its arguments do not reach its SQL as parameters)."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple[int | None, ...]  # for each SQL parameter: the call's argument it takes, or None (a constant)
    constants: tuple[Any, ...]
    compiler: Any  # the compiler that made the SQL: its converters turn the database's values
    converters: dict
    flat: bool


class Prepared:
    """`build(*arguments)` -> a `values_list` queryset; calling the `Prepared` with real
    arguments gives the queryset's rows (a list), its SQL compiled once per database connection.
    `kinds`: each argument's type, `int` (the default) or `str`."""

    def __init__(self, build: Callable[..., QuerySet], kinds: tuple[type, ...] = (int,), using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._kinds = kinds
        self._using = using
        # One compiled form per connection object (each thread has its own; tests change databases).
        self._held: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _markers(self) -> list:
        markers = []
        for i, kind in enumerate(self._kinds):
            if kind is int:
                markers.append(_INT_MARKER + i)
            elif kind is str:
                markers.append(_STR_MARKER.format(i))
            else:
                raise PreparedQueryError(f"a prepared query's argument must be int or str, not {kind.__name__}")
        return markers

    def _compile(self, connection) -> _Compiled:
        markers = self._markers()
        queryset = self._build(*markers)
        if queryset._iterable_class not in (ValuesListIterable, FlatValuesListIterable):
            raise PreparedQueryError("only values_list querysets can be prepared")
        compiler = queryset.query.get_compiler(using=self._using, connection=connection)
        sql, params = compiler.as_sql()
        slots, constants = [], []
        for param in params:
            found = [i for i, m in enumerate(markers) if type(param) is type(m) and param == m]
            slots.append(found[0] if found else None)
            constants.append(None if found else param)
        for i in range(len(markers)):
            if i not in slots:
                raise PreparedQueryError(f"argument {i} of a prepared query does not reach its SQL as a parameter: {sql}")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        return _Compiled(
            sql,
            tuple(slots),
            tuple(constants),
            compiler,
            compiler.get_converters(fields),
            queryset._iterable_class is FlatValuesListIterable,
        )

    def __call__(self, *arguments) -> list:
        if len(arguments) != len(self._kinds):
            raise TypeError(f"a prepared query takes {len(self._kinds)} argument(s), {len(arguments)} given")
        connection = connections[self._using]
        compiled = self._held.get(connection)
        if compiled is None:
            compiled = self._held[connection] = self._compile(connection)
        params = [arguments[s] if s is not None else c for s, c in zip(compiled.slots, compiled.constants, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        if compiled.flat:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]
