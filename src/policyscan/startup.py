"""A command's start-up without the cyclic garbage collector.

Start-up imports spaCy and builds the rules and the pipeline: about 100,000 long-lived
objects and almost no garbage cycles. The collector's passes over them cost ~80 ms of CPU
per command (a tenth of a one-document scan), so the command line pauses it until the
pipeline is built, then freezes what start-up made (``gc.freeze``: later passes skip those
objects, and a forked worker does not copy memory pages by touching them) and resumes.
A program that imports policyscan as a library never pauses, and ``resume`` does nothing.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop cyclic collection until ``resume`` (reference counting still frees memory)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze the objects made so far and collect cycles again, if ``pause`` stopped it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
