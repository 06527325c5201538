"""The result model as JSON-ready mappings and back, one scheme for every record.

A record of ``models.py`` is a frozen dataclass, and its JSON shape follows from its
fields' types: a nested record is a mapping, a tuple a list, ``X | None`` a value or
null, a ``Literal`` one of its strings (a value outside them is refused on reading, so a
damaged cache entry is a miss, not a report with an unknown kind). Where the report
contract (report-format.md) differs from the plain shape, the field says so with
``json_field``:

- ``key``: the JSON name, or a path of names into a nested mapping
  (``("trigger", "start")``);
- ``digits``: floats rounded to so many places (in lists of floats too);
- ``omit``: left out while the value is the field's default;
- ``flatten``: a mapping whose listed keys stand in the parent mapping itself;
- ``lift``: keys of this record's mapping that the contract writes in a sibling
  mapping instead (an SBC's lists stand in the document's ``facts``);
- ``skip``: not written and not read (run-time figures).

Reading is lenient where the contract grew: a missing key, or a null for a field that
has a default, takes the default; an optional field without one reads as None.

A cached rescan reads and writes thousands of findings, so each class gets a writer and
a reader generated once from its fields (as ``dataclasses`` does for ``__init__``): plain
fields are copied inline, the rest go through a converter built from the field's type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

_META = "policyscan.json"


@dataclasses.dataclass(frozen=True)
class _Spec:
    key: tuple[str, ...] | None = None
    digits: int | None = None
    omit: bool = False
    flatten: tuple[str, ...] = ()
    lift: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    skip: bool = False


def json_field(*, key: str | tuple[str, ...] | None = None, digits: int | None = None,
               omit: bool = False, flatten: tuple[str, ...] = (),
               lift: Mapping[str, tuple[str, ...]] | None = None, skip: bool = False,
               default: Any = dataclasses.MISSING) -> Any:
    """A dataclass field whose JSON shape differs from the plain one (see the module)."""
    spec = _Spec((key,) if isinstance(key, str) else key, digits, omit, flatten,
                 dict(lift or {}), skip)
    return dataclasses.field(default=default, metadata={_META: spec})


@typing.dataclass_transform(frozen_default=True,
                            field_specifiers=(dataclasses.field, json_field))
def record(cls: type[T]) -> type[T]:
    """A frozen dataclass of the result model (type checkers read ``json_field`` as a field)."""
    return dataclasses.dataclass(frozen=True)(cls)


Convert = Callable[[Any], Any]


def _optional_inner(hint: Any) -> Any | None:
    """X for ``X | None``, else None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0]
    return None


def _write_expr(hint: Any, digits: int | None, var: str, env: dict[str, Any],
                depth: int = 0) -> str:
    """A Python expression that writes ``var``, a value of this type, as JSON data."""
    if hint is float:
        return var if digits is None else f"round({var}, {digits})"
    if hint in (int, str, bool, Any) or typing.get_origin(hint) is typing.Literal:
        return var
    if dataclasses.is_dataclass(hint):
        name = f"w_{len(env)}"
        env[name] = _writer(typing.cast(type, hint))
        return f"{name}({var})"
    inner = _optional_inner(hint)
    if inner is not None:
        expr = _write_expr(inner, digits, var, env, depth)
        return var if expr == var else f"(None if {var} is None else {expr})"
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    item = f"x{depth}"
    if origin in (tuple, list) and (len(args) == 2 and args[1] is ... or len(set(args)) == 1):
        # a list of one type: (str, ...) or a box of four floats
        expr = _write_expr(args[0], digits, item, env, depth + 1)
        return f"list({var})" if expr == item else f"[{expr} for {item} in {var}]"
    if origin is dict:
        expr = _write_expr(args[1], digits, item, env, depth + 1)
        return f"dict({var})" if expr == item else f"{{k: {expr} for k, {item} in {var}.items()}}"
    if origin in (tuple, list):
        raise TypeError(f"no JSON shape for a tuple of mixed types: {hint}")
    return var


def _same(value: Any) -> Any:
    return value


def _wrong_length(value: Any) -> Any:
    raise ValueError(f"wrong number of items: {value!r}")


def _decoder(hint: Any) -> Convert | None:
    """How a value of this type is read; None when it is taken as it is."""
    if hint in (str, Any):
        return None
    if hint in (int, float, bool):
        return typing.cast(Convert, hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        allowed = frozenset(args)

        def choice(v: Any) -> Any:
            if v not in allowed:
                raise ValueError(f"{v!r} is not one of {sorted(allowed)}")
            return v
        return choice
    if dataclasses.is_dataclass(hint):
        return _reader(typing.cast(type, hint))
    inner = _optional_inner(hint)
    if inner is not None:
        convert = _decoder(inner)
        return None if convert is None else (lambda v: None if v is None else convert(v))
    if origin in (tuple, list):
        if len(args) == 2 and args[1] is ...:
            item = _decoder(args[0])
            return tuple if item is None else (lambda v: tuple(map(item, v)))
        if len(set(args)) == 1:
            one = _decoder(args[0]) or _same
            return lambda v: tuple(map(one, v)) if len(v) == len(args) else _wrong_length(v)
        raise TypeError(f"no JSON shape for a tuple of mixed types: {hint}")
    if origin is dict:
        value = _decoder(args[1])
        return dict if value is None else (lambda v: {k: value(x) for k, x in v.items()})
    return None


def _fields(cls: type) -> list[tuple[dataclasses.Field[Any], _Spec, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f, f.metadata.get(_META, _Spec()), hints[f.name]) for f in dataclasses.fields(cls)
            if not f.metadata.get(_META, _Spec()).skip]


def _compile(name: str, lines: list[str], env: dict[str, Any]) -> Convert:
    exec("\n".join(lines), env)  # the source is built from field names only
    return typing.cast(Convert, env[name])


_WRITERS: dict[type, Convert] = {}
_READERS: dict[type, Convert] = {}


def _writer(cls: type) -> Convert:
    """The function that writes a ``cls`` record as a mapping, generated once."""
    if cls in _WRITERS:
        return _WRITERS[cls]
    env: dict[str, Any] = {}
    # The leading fields that are always written with their own key make one dict display.
    head: list[str] = []
    body: list[str] = []
    for i, (f, spec, hint) in enumerate(_fields(cls)):
        env[f"d{i}"] = f.default
        plain = not (spec.omit or spec.flatten or spec.lift or spec.key)
        if plain and not body:
            head.append(f"{f.name!r}: {_write_expr(hint, spec.digits, 'r.' + f.name, env)}")
            continue
        value = _write_expr(hint, spec.digits, "v", env)
        body.append(f"    v = r.{f.name}")
        indent = "    "
        if spec.omit:
            singleton = any(f.default is x for x in (None, True, False))
            body.append(f"    if v {'is not' if singleton else '!='} d{i}:")
            indent = "        "
        if spec.flatten:
            env[f"k{i}"] = spec.flatten
            body.append(f"{indent}out.update({{k: v.get(k) for k in k{i}}})")
            continue
        if spec.lift:
            body.append(f"{indent}w = {value}")
            for j, (target, keys) in enumerate(spec.lift.items()):
                env[f"l{i}_{j}"] = keys
                body.append(f"{indent}if w is not None: out[{target!r}].update("
                            f"{{k: w.pop(k) for k in l{i}_{j}}})")
            value = "w"
        path = spec.key or (f.name,)
        where = "out" + "".join(f".setdefault({p!r}, {{}})" for p in path[:-1])
        body.append(f"{indent}{where}[{path[-1]!r}] = {value}")
    lines = ["def write(r):", f"    out = {{{', '.join(head)}}}", *body, "    return out"]
    _WRITERS[cls] = write = _compile("write", lines, env)
    return write


def _reader(cls: type) -> Convert:
    """The function that reads a ``cls`` record from a mapping, generated once."""
    if cls in _READERS:
        return _READERS[cls]
    env: dict[str, Any] = {"cls": cls, "Mapping": Mapping}
    lines = ["def read(d):", "    get = d.get", "    a = {}"]
    for i, (f, spec, hint) in enumerate(_fields(cls)):
        convert = _decoder(hint)
        env[f"c{i}"], env[f"d{i}"] = convert, f.default
        value = f"c{i}(v)" if convert else "v"
        if spec.flatten:
            env[f"k{i}"] = spec.flatten
            lines.append(f"    v = {{k: get(k) for k in k{i}}}")
            lines.append(f"    a[{f.name!r}] = {value}")
            continue
        path = spec.key or (f.name,)
        lines.append(f"    v = get({path[0]!r})")
        for p in path[1:]:
            lines.append(f"    v = v.get({p!r}) if isinstance(v, Mapping) else None")
        for j, (source, keys) in enumerate(spec.lift.items()):
            env[f"l{i}_{j}"] = keys
            lines.append(f"    s = get({source!r}) or {{}}")
            lines.append(f"    if v is not None: v = {{**v, **{{k: s[k] for k in l{i}_{j} "
                         f"if k in s}}}}")
        if f.default is not dataclasses.MISSING:
            missing = f"d{i}"
        elif _optional_inner(hint) is not None:
            missing = "None"
        else:
            lines.append("    if v is None:")
            lines.append(f"        raise KeyError({cls.__name__ + '.' + f.name!r})")
            lines.append(f"    a[{f.name!r}] = {value}")
            continue
        lines.append(f"    a[{f.name!r}] = {missing} if v is None else {value}")
    lines.append("    return cls(**a)")
    _READERS[cls] = read = _compile("read", lines, env)
    return read


def dump(record: Any) -> dict[str, Any]:
    """The record as a JSON-ready mapping, in field order."""
    return typing.cast(dict[str, Any], _writer(type(record))(record))


def load(cls: type[T], data: Any) -> T:
    """The record of type ``cls`` that ``dump`` wrote as ``data`` (ValueError, TypeError
    or KeyError when ``data`` is not one)."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__}: not a mapping: {type(data).__name__}")
    return typing.cast(T, _reader(cls)(data))
