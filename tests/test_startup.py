"""The command line starts with the cyclic garbage collector paused; a library user's
collector is never touched."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_command_resumes_collection_once_the_pipeline_is_built() -> None:
    out = _run("""
        import gc
        from policyscan import startup
        from policyscan.rules.loader import load_rules
        from policyscan.scanner import Scanner

        startup.pause()
        paused = not gc.isenabled()
        scanner = Scanner(load_rules())
        print(paused, gc.isenabled())
        scanner.matchers
        print(gc.isenabled(), gc.get_freeze_count() > 1000)
        report = scanner.scan_text("Cosmetic surgery is not covered.")
        print(gc.isenabled(), [f.category for f in report.findings])
    """)
    assert out.splitlines() == ["True False", "True True",
                                "True ['cosmetic_exclusion']"]


def test_a_library_user_keeps_the_collector_as_it_was() -> None:
    out = _run("""
        import gc
        from policyscan.rules.loader import load_rules
        from policyscan.scanner import Scanner

        scanner = Scanner(load_rules())
        scanner.matchers
        print(gc.isenabled(), gc.get_freeze_count())
        gc.disable()
        Scanner(load_rules()).matchers
        print(gc.isenabled())
    """)
    assert out.splitlines() == ["True 0", "False"]


def test_a_dask_batch_resumes_collection_here_where_no_pipeline_is_built() -> None:
    out = _run("""
        import gc
        import sys
        import types

        from policyscan import engine, startup
        from policyscan.rules.loader import load_rules
        from policyscan.scanner import Scanner

        stub = types.ModuleType("policyscan.distributed")
        stub.DaskBackend = lambda *args, **kwargs: "a backend"
        sys.modules["policyscan.distributed"] = stub
        startup.pause()
        scanner = Scanner(load_rules())
        print(gc.isenabled())
        engine._backend(scanner, engine.BatchOptions(scheduler="tcp://127.0.0.1:1"), 3)
        print(gc.isenabled())
    """)
    assert out.splitlines() == ["False", "True"]
