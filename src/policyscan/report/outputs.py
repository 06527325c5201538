"""Several outputs from one scan: the command line's output options turned into formatters.

``policyscan plans/ --html r.html --json r.json --annotate-dir marked/`` scans once; the
terminal report (or ``--format`` to ``-o``), each report file and the annotated PDFs are
all fed from that one run through a ``Tee``. Everything that can be checked before the
scan is checked here first (a usage error costs nothing): ``--annotate`` takes exactly
one input PDF, no output may be an input file, no two outputs may be the same file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import UserError
from ..models import ScanError
from . import Formatter, Tee, make_formatter

# option (without "--") -> format written to that file
FILE_OPTIONS: dict[str, str] = {
    "html": "html",
    "json": "json",
    "jsonl": "jsonl",
    "csv": "csv",
    "markdown": "markdown",
}


@dataclass
class Outputs:
    """The output options of one run (each None when not given)."""

    files: dict[str, Path] = field(default_factory=dict)  # format -> file
    annotate: Path | None = None  # one input PDF -> this annotated copy
    annotate_dir: Path | None = None  # each input PDF -> a copy in this folder

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Outputs:
        """From the command's keyword arguments (``html_file``, ``annotate_dir`` …)."""
        return cls({fmt: Path(options[f"{name}_file"]) for name, fmt in FILE_OPTIONS.items()
                    if options.get(f"{name}_file") is not None},
                   options.get("annotate"), options.get("annotate_dir"))

    def __bool__(self) -> bool:
        return bool(self.files or self.annotate or self.annotate_dir)


def _same(a: Path | str, b: Path | str) -> bool:
    """The same file: the same resolved path, or (both existing) the same inode, so a
    hard link, a symlink or "./x" are all caught."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A stream (text, or bytes with ``binary``) whose contents become ``path`` only when
    the block ends without an error: written to a temporary file beside it and renamed over
    it. A failed run (a full disk, an interrupt) leaves ``path`` as it was and no temporary
    file behind."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name[:40]}.", suffix=".part")
    try:
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="")) as stream:
            yield stream
        mask = os.umask(0)  # a new file's usual mode (mkstemp makes it private)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_outputs(outputs: Outputs, files: Sequence[str],
                  problems: Sequence[tuple[str, ScanError]], main_output: Path | None) -> None:
    """Raise ``UserError`` for output options that cannot work, before anything is read."""
    if outputs.annotate is not None and outputs.annotate_dir is not None:
        raise UserError("use --annotate OUT.pdf for one PDF or --annotate-dir DIR for "
                        "several, not both")
    inputs = [*files, *(name for name, _ in problems)]
    if outputs.annotate is not None:
        if len(inputs) != 1:
            raise UserError(f"--annotate OUT.pdf takes exactly one input PDF, and {len(inputs)} "
                            "files were given; use --annotate-dir DIR to annotate several")
        from .annotate import is_pdf  # (pypdf's module: only when annotating)

        if files and not is_pdf(files[0]):
            raise UserError(f"--annotate: {files[0]} is not a PDF; only PDFs can be "
                            "annotated")
    if outputs.annotate_dir is not None and outputs.annotate_dir.exists() \
            and not outputs.annotate_dir.is_dir():
        raise UserError(f"--annotate-dir {outputs.annotate_dir} is a file, not a folder")
    targets: list[tuple[str, Path]] = [(f"--{fmt}", path) for fmt, path in outputs.files.items()]
    if outputs.annotate is not None:
        targets.append(("--annotate", outputs.annotate))
    if main_output is not None:
        targets.append(("-o", main_output))
    for option, target in targets:
        for name in inputs:
            if _same(target, name):
                raise UserError(f"{option} {target} is one of the files being scanned; "
                                "choose another file name (the inputs are never overwritten)")
    for i, (option, target) in enumerate(targets):
        for other, second in targets[i + 1:]:
            if _same(target, second):
                raise UserError(f"{option} and {other} both write to {target}; give each "
                                "output its own file")


@contextmanager
def open_outputs(main: Formatter, outputs: Outputs, *, files: Sequence[str],
                 password: str | None, engine: str, verbose: bool, quiet: bool,
                 note: Callable[[str], None], bom: bool = False) -> Iterator[Formatter]:
    """The formatter to run the scan with: ``main`` alone, or a ``Tee`` of ``main``, a
    formatter per report file and the annotator. Files are closed on the way out."""
    if not outputs:
        yield main
        return
    with ExitStack() as stack:
        formatters: list[Formatter] = [main]
        for fmt, path in outputs.files.items():
            try:
                stream = stack.enter_context(atomic_output(path))
            except OSError as exc:
                raise UserError(f"cannot write the {fmt} report to {path}: "
                                f"{exc.strerror or exc}") from exc
            formatters.append(make_formatter(fmt, stream, verbose=verbose, color=False,
                                             bom=bom))
        if outputs.annotate is not None or outputs.annotate_dir is not None:
            from .annotate import Annotator

            if outputs.annotate_dir is not None:
                try:
                    outputs.annotate_dir.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise UserError(f"cannot create --annotate-dir {outputs.annotate_dir}: "
                                    f"{exc.strerror or exc}") from exc
            elif outputs.annotate is not None and not outputs.annotate.parent.is_dir():
                raise UserError(f"cannot write --annotate {outputs.annotate}: the folder "
                                f"{outputs.annotate.parent} does not exist")
            formatters.append(Annotator(out_file=outputs.annotate, out_dir=outputs.annotate_dir,
                                        inputs=files, password=password, engine=engine,
                                        note=note, quiet=quiet))
        yield Tee(formatters)
