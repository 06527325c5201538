"""The package's own curated data files (``policyscan/data/*.yaml``): reading and errors.

Curated tables are data reviewed like code, as pattern files are; a malformed entry
must stop loading with a message that names the file, the entry and the field, never
surface later as a wrong answer. The files are read with the safe YAML loader.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal, overload

import yaml

from .errors import DataFileError, FileFieldError, brief

__all__ = ["DataFileError", "Fields", "data_path", "entries", "load_yaml"]

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_path(name: str) -> Path:
    """A file of ``policyscan/data`` (inside the installed package or the source tree)."""
    return Path(str(resources.files("policyscan"))) / "data" / name


def load_yaml(path: Path, error: type[FileFieldError] = DataFileError, *,
              cached: bool = False) -> Any:
    """Read a YAML file with the safe loader (libyaml's when PyYAML has it: 10x faster):
    tags such as ``!!python/object`` are refused, so a data file can never run code.
    ``cached``: keep the parsed data between runs (``parsecache``), for files read by
    every scan."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(path), f"cannot be read: {exc}") from exc
    if cached:
        from .parsecache import parsed

        return parsed(raw, lambda: _parse(text, path, error))
    return _parse(text, path, error)


def _parse(text: str, path: Path, error: type[FileFieldError]) -> Any:
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(str(path), f"is not valid YAML{where}: {problem}") from exc


def entries(path: Path, raw: Any, key: str) -> list[Fields]:
    """The entries of the list ``key`` of a data file's top mapping, each as ``Fields``
    named ``key[n]`` for its errors."""
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        raise DataFileError(str(path), f"must be a mapping with a list '{key}'")
    out: list[Fields] = []
    for n, entry in enumerate(raw[key], start=1):
        if not isinstance(entry, dict):
            raise DataFileError(str(path), "must be a mapping", entry=f"{key}[{n}]")
        out.append(Fields(str(path), entry, f"{key}[{n}]"))
    return out


class Fields:
    """Reads one entry's mapping, raising errors that say where the problem is.

    The pattern-file reader (``rules.schema``) is this class with rule errors and
    vocabulary references on top.
    """

    def __init__(self, file: str, raw: dict[str, Any], entry: str) -> None:
        self.file = file
        self.raw = raw
        self.entry = entry

    def fail(self, name: str | None, message: str) -> FileFieldError:
        return DataFileError(self.file, message, entry=self.entry, field=name)

    def only(self, allowed: frozenset[str]) -> None:
        unknown = sorted(set(self.raw) - allowed)
        if unknown:
            raise self.fail(unknown[0], f"is not a field here; allowed: "
                                        f"{', '.join(sorted(allowed))}")

    @overload
    def text(self, name: str, *, required: Literal[True] = ...) -> str: ...

    @overload
    def text(self, name: str, *, required: bool) -> str | None: ...

    def text(self, name: str, *, required: bool = True) -> str | None:
        """A non-empty string, its whitespace runs collapsed (None when optional and absent)."""
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, f"must be a non-empty string, not {brief(value)}")
        return " ".join(value.split())

    def items(self, name: str, value: Any) -> list[str]:
        """``value`` checked to be a list of non-empty strings (``name`` for errors)."""
        if not isinstance(value, list):
            raise self.fail(name, "must be a list of strings")
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(name, f"has an entry that is not a non-empty string: {brief(item)}")
        return value

    def choice(self, name: str, allowed: tuple[str | None, ...]) -> str | None:
        value = self.raw.get(name)
        if value not in allowed:
            shown = ", ".join("null" if a is None else a for a in allowed)
            raise self.fail(name, f"must be one of {shown}; got {brief(value)}")
        return value

    def strings(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required (a list of strings)")
            return ()
        out = [" ".join(item.split()) for item in self.items(name, value)]
        if required and not out:
            raise self.fail(name, "must not be empty")
        return tuple(dict.fromkeys(out))

    def flag(self, name: str, *, default: bool) -> bool:
        value = self.raw.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, "must be true or false")
        return value
