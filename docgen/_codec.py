"""The stored form of what docgen keeps in its cache and sends between processes: JSON.

Reading it back builds only plain data (``None``, ``bool``, ``int``, ``float``,
``str``, ``bytes``, tuples, lists, dicts) and instances of docgen's own model
classes, through their constructors, field by field and type-checked. Nothing
in a stored value can name another class or run code, so a cache entry that
someone else wrote is at worst a miss (:class:`CodecError`), never a program.

The rules, fixed so that :func:`loads` gives back what :func:`dumps` was given:

* a model dataclass is ``{"<ClassName>": [field, ...]}`` (fields in order); its
  sequence fields come back as tuples and its enum fields as enum members;
* ``Body.json`` (any JSON value) is stored as JSON text, so its lists stay lists;
* ``bytes`` are ``{"#": "<hex>"}``;
* at the top level, arrays come back as tuples (recursively through arrays and
  dict values): the values docgen stores are tuples there.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any

from docgen import diagnostics, model

__all__ = ["CodecError", "blanked_dumps", "dumps", "loads"]


class CodecError(ValueError):
    """The data is not a value that :func:`dumps` wrote."""


_Field = tuple[tuple[type, ...], Callable[[Any], Any] | None]


def _json_value(text: object) -> model.JsonValue:
    if not isinstance(text, str):
        raise CodecError("a JSON body is not stored as text")
    value: model.JsonValue = json.loads(text)
    return value


def _as_tuple(value: object) -> tuple[object, ...]:
    if not isinstance(value, list):
        raise CodecError("a sequence is not an array")
    return tuple(value)


def _field_spec(hint: object) -> _Field:
    """The types a field accepts once converted, and the conversion from its JSON form."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        return (tuple,), _as_tuple
    if origin is typing.Literal:
        return (str,), None
    if origin in (typing.Union, types.UnionType):
        accepted: list[type] = []
        convert = None
        for arm in typing.get_args(hint):
            arm_types, arm_convert = _field_spec(arm)
            accepted += arm_types
            convert = convert or arm_convert
        return tuple(accepted), convert
    if hint is type(None):
        return (type(None),), None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return (hint,), hint
    if isinstance(hint, type):
        return ((int, float) if hint is float else (hint,)), None
    raise TypeError(f"no stored form for fields of type {hint!r}")


def _classes() -> dict[str, tuple[type, tuple[str, ...], tuple[_Field, ...]]]:
    found = {}
    for module in (model, diagnostics):
        for cls in vars(module).values():
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)) or cls.__module__ != module.__name__:
                continue
            hints = typing.get_type_hints(cls, vars(module))
            fields = dataclasses.fields(cls)
            specs = []
            for f in fields:
                is_json = cls is model.Body and f.name == "json"  # any JSON value: stored as JSON text
                specs.append(((object,), _json_value) if is_json else _field_spec(hints[f.name]))
            found[cls.__name__] = (cls, tuple(f.name for f in fields), tuple(specs))
    return found


_CLASSES = _classes()
_NAMES = {cls: (name, names) for name, (cls, names, _) in _CLASSES.items()}


def _default(obj: object) -> object:
    known = _NAMES.get(type(obj))
    if known is not None:
        name, names = known
        values = [getattr(obj, n) for n in names]
        if type(obj) is model.Body:
            values[2] = json.dumps(values[2], ensure_ascii=False)
        return {name: values}
    if isinstance(obj, bytes):
        return {"#": obj.hex()}
    raise TypeError(f"cannot store {type(obj).__name__}")


def _object(obj: dict[str, Any]) -> object:
    if len(obj) != 1:
        return obj
    ((tag, value),) = obj.items()
    if tag == "#":
        if not isinstance(value, str):
            raise CodecError("bytes are not stored as hex")
        return bytes.fromhex(value)
    entry = _CLASSES.get(tag)
    if entry is None:
        return obj
    cls, _, specs = entry
    if not isinstance(value, list) or len(value) != len(specs):
        raise CodecError(f"{tag} has the wrong number of fields")
    args = []
    for item, (accepted, convert) in zip(value, specs):
        if convert is not None and item is not None:
            item = convert(item)
        if not isinstance(item, accepted):
            raise CodecError(f"{tag} has a field of the wrong type")
        args.append(item)
    return cls(*args)


def _tuples(value: object) -> object:
    if isinstance(value, list):
        return tuple([_tuples(item) for item in value])
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


_ENCODER = json.JSONEncoder(default=_default, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(value: object) -> bytes:
    """``value`` (plain data and model objects) in its stored form."""
    return _ENCODER.encode(value).encode("utf-8")


def loads(data: bytes) -> Any:
    """The value :func:`dumps` stored in ``data``; :class:`CodecError` when ``data`` is not one."""
    try:
        return _tuples(json.loads(data, object_hook=_object))
    except CodecError:
        raise
    except (ValueError, TypeError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise CodecError(str(error)) from None


def blanked_dumps(value: object, blank: Iterable[str]) -> bytes:
    """``value``'s stored form with the fields named in ``blank`` left out and spans
    reduced to their page: what :func:`docgen.cache.interface_digest` hashes."""
    blanked = frozenset(blank)

    def default(obj: object) -> object:
        if type(obj) is diagnostics.SourceSpan:
            return obj.path
        known = _NAMES.get(type(obj))
        if known is None:
            return _default(obj)
        name, names = known
        return {name: [None if n in blanked else getattr(obj, n) for n in names]}

    encoder = json.JSONEncoder(default=default, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return encoder.encode(value).encode("utf-8")
