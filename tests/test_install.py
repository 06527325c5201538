"""Packaging: a wheel of this checkout, installed (not editable) into a fresh venv, works.

What is checked is the package itself: the ``policyscan`` entry point, ``python -m
policyscan``, and that the pattern files ship inside the package and are the ones used. The
dependencies are not resolved: the new venv sees the outer venv's site-packages through a
``.pth`` file, so the test downloads nothing to install them. All commands run from a
directory outside the repository, so the repository's ``patterns/`` cannot be picked up by
accident.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from policyscan import __version__
from policyscan.rules.loader import RuleSet, load_rules

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_policies" / "sbc_northwind_silver_ppo.pdf"
BIN = "Scripts" if os.name == "nt" else "bin"


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    policyscan: Path
    workdir: Path  # outside the repository
    rules: RuleSet  # the repository's rules, loaded in-process when the wheel was built


def _run(argv: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH or venv variables from the outer environment: only the .pth below
    # connects the two environments.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (f"{' '.join(result.args)} exited {result.returncode}\n"
                                    f"stdout:\n{result.stdout[-3000:]}\n"
                                    f"stderr:\n{result.stderr[-3000:]}")
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("install")
    wheels = tmp / "wheels"
    # Building needs the build backend (hatchling). When the outer venv has it, build without
    # isolation (nothing fetched); otherwise pip gets it as pyproject's build-system asks.
    no_isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    _ok(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", *no_isolation, ".",
              "-w", wheels], cwd=ROOT))
    rules = load_rules()  # right after the build: the same pattern files
    built = sorted(wheels.glob("policyscan-*.whl"))
    assert len(built) == 1, built

    venv = tmp / "venv"
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp))
    python = venv / BIN / ("python.exe" if os.name == "nt" else "python")
    # The outer pip installs into the new venv (pip >= 22.3 has --python): no ensurepip, and
    # --no-index with --no-deps means nothing can be downloaded. Not editable: a real wheel.
    _ok(_run([sys.executable, "-m", "pip", "--python", python, "install", "--no-index",
              "--no-deps", built[0]], cwd=tmp))

    # The dependencies (spaCy, pypdfium2, …) come from the outer venv: this test checks the
    # packaging (entry point, bundled patterns), not dependency resolution, and must not
    # download anything. A .pth line appends the outer site-packages to sys.path *after*
    # the new venv's own, so the installed policyscan wins over the outer (editable) one; the
    # outer .pth files (the editable install's path to src/) are not processed from there.
    site = Path(_ok(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                                        "['purelib'])"], cwd=tmp)).strip())
    outer = sysconfig.get_paths()["purelib"]
    (site / "_outer_site_packages.pth").write_text(outer + "\n", encoding="utf-8")

    workdir = tmp / "elsewhere"
    workdir.mkdir()
    return Installed(venv, python, venv / BIN / "policyscan", workdir, rules)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_installed_package_uses_its_bundled_patterns(installed: Installed) -> None:
    code = ("import policyscan; from policyscan.rules.loader import builtin_patterns_dir; "
            "print(policyscan.__file__); print(builtin_patterns_dir())")
    module, patterns = _ok(_run([installed.python, "-c", code],
                                cwd=installed.workdir)).strip().splitlines()
    assert _inside(Path(module), installed.venv), f"imported {module}, not the installed wheel"
    assert _inside(Path(patterns), installed.venv), f"patterns from {patterns}"
    assert Path(patterns).name == "patterns" and Path(patterns).parent.name == "policyscan"
    shipped = sorted(p.name for p in Path(patterns).glob("*.yaml"))
    assert shipped == sorted(p.name for p in (ROOT / "patterns").glob("*.yaml"))


def test_entry_point_scans_a_sample(installed: Installed) -> None:
    result = _run([installed.policyscan, SAMPLE, "--format", "json"], cwd=installed.workdir)
    report = json.loads(_ok(result))
    (doc,) = report["documents"]
    assert doc["status"] == "ok", doc["error"]
    assert doc["kind"] == "sbc"
    assert doc["findings"]
    assert report["patterns"]["rules"] == len(installed.rules)
    assert report["patterns"]["sha256"] == installed.rules.sha256, \
        "the wheel's pattern files differ from the repository's"
    assert report["policyscan"] == __version__


def test_python_dash_m_version(installed: Installed) -> None:
    out = _ok(_run([installed.python, "-m", "policyscan", "--version"], cwd=installed.workdir))
    assert __version__ in out


def test_rules_command_lists_rules(installed: Installed) -> None:
    out = _ok(_run([installed.policyscan, "rules"], cwd=installed.workdir)).splitlines()
    listed = {line.split()[0] for line in out[:-1] if line.strip()}
    assert listed == {rule.id for rule in installed.rules.rules}
    assert out[-1].startswith(f"{len(installed.rules)} rules from {len(installed.rules.files)} "
                              "files")
