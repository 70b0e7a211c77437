"""Freed memory goes back to the system at once (glibc's ``malloc``; docs/scale.md,
"Memory").

By default glibc serves a block of 128 KiB or more as its own mapping, returned to the
system when freed, but raises that threshold (up to 32 MiB) each time such a block is
freed. The cohort arithmetic makes and frees many numpy temporaries of 1-30 MB per date,
so after the first few they come from the heap, where freed memory stays counted in the
process's memory: the one-date dashboard at 100,000 children peaked at 620 MB with the
moving threshold against 560 MB with a fixed one. Fixing it costs a ``mmap`` call per
large temporary, which the measurements do not show.
"""

from __future__ import annotations

import ctypes
import sys

#: ``M_MMAP_THRESHOLD`` in glibc's ``malloc.h``.
_M_MMAP_THRESHOLD = -3
#: glibc's own starting threshold: only its raising is turned off.
THRESHOLD = 128 * 1024

__all__ = ["THRESHOLD", "return_freed_memory"]


def return_freed_memory(threshold: int = THRESHOLD) -> bool:
    """Fix glibc's mapping threshold at ``threshold`` bytes for this process. False (and
    nothing done) where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold))
