"""A list page's rows read as values, not as ORM objects (issue #21 P1).

A case list shows 25 rows. Loading them as `Case` objects (instance state, identity map, a
loader per relationship and row) cost a page 1.0 ms on SQLite where the same rows as values
cost 0.4 ms (bench/RESULTS.md). What a list does with its rows is read attributes: FAB's
`get_keys` (the key), the derived columns and `get_values` (the shown columns). A `ValueRow`
holds the model's columns as attributes and each shown to-one relation as a `ValueRow` of the
related columns it is shown by; it borrows the model's Python properties and its text, so a
row reads as its model reads. It is no ORM object: nothing loads lazily, nothing is written.
"""

from __future__ import annotations

from sqlalchemy import inspect as sa_inspect

from app.services.core_reads import core_execute


class ValueRow:
    """One row of a list page: the model's column values as attributes (see the module)."""


_ROW_CLASSES: dict[type, type] = {}


def row_class(model: type) -> type:
    """The ValueRow class of `model`: its properties and its text borrowed (built once)."""
    kind = _ROW_CLASSES.get(model)
    if kind is None:
        borrowed = {name: value for cls in reversed(model.__mro__) if cls is not object
                    for name, value in vars(cls).items() if isinstance(value, property)}
        for name in ("__repr__", "__str__"):
            if getattr(model, name) is not getattr(object, name):
                borrowed[name] = getattr(model, name)
        kind = _ROW_CLASSES[model] = type(f"{model.__name__}Row", (ValueRow,), borrowed)
    return kind


class RowShape:
    """How the rows of a list of `model` come back when its ORM query (the model, and each
    relation of `related` — name → the related columns shown — joined with `load_only`) runs
    on the connection: the model's columns in its mapper's order, then each relation's key
    and shown columns in its mapper's order. Built once."""

    def __init__(self, model: type, related: dict[str, tuple[str, ...]]):
        self.keys = tuple(attribute.key for attribute in sa_inspect(model).column_attrs)
        self.row_class = row_class(model)
        self.relations = []
        start = len(self.keys)
        for name, shown in related.items():
            target = getattr(model, name).property.mapper
            wanted = {*(column.key for column in target.primary_key), *shown}
            keys = tuple(attribute.key for attribute in target.column_attrs
                         if attribute.key in wanted)
            self.relations.append((name, row_class(target.class_), keys, start))
            start += len(keys)
        self.width = start

    def rows(self, session, statement) -> list[ValueRow]:
        """The ValueRows of `statement` (the list's ORM query's), run on the session's
        connection; one related row per distinct key."""
        result = core_execute(session, statement)
        if len(result.keys()) != self.width:  # not the shape above: a mapping changed
            raise RuntimeError(f"{self.row_class.__name__}: {len(result.keys())} columns, "
                               f"{self.width} expected")
        count, kind, keys = len(self.keys), self.row_class, self.keys
        related: dict[tuple, ValueRow] = {}
        rows = []
        for values in result:
            row = kind.__new__(kind)
            fields = row.__dict__
            fields.update(zip(keys, values[:count]))
            for name, target_kind, target_keys, start in self.relations:
                key = values[start]
                if key is None:
                    fields[name] = None
                    continue
                shown = related.get((name, key))
                if shown is None:
                    shown = related[(name, key)] = target_kind.__new__(target_kind)
                    shown.__dict__.update(zip(target_keys, values[start:]))
                fields[name] = shown
            rows.append(row)
        return rows
