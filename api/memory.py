"""One ``malloc`` arena for the whole process (glibc; docs/scale.md, "Memory").

glibc gives each thread that allocates at the same time as another its own arena, and
an arena keeps the memory freed in it for its own thread's next requests. The cohort
arithmetic runs on two threads, each making and freeing numpy temporaries of 1-30 MB per
date, so each thread's arena grew to its own high-water mark: the one-date dashboard at
100,000 children peaked at 511 MB, against 474 MB with one arena shared by both. The
other remedy, a fixed mapping threshold (every large temporary its own ``mmap``, returned
when freed), peaked at 454 MB but made the 24-month trend 4.5 s of page faults slower;
one arena costs nothing measurable (the threads spend their time in numpy's loops, not
in ``malloc``).
"""

from __future__ import annotations

import ctypes
import sys

#: ``M_ARENA_MAX`` in glibc's ``malloc.h``.
_M_ARENA_MAX = -8

__all__ = ["one_arena"]


def one_arena() -> bool:
    """Make every thread of this process allocate from one arena; call it before any
    thread starts. False (and nothing done) where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_ARENA_MAX, 1))
