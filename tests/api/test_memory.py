"""One malloc arena: threads that allocate at the same time share glibc's one heap
instead of each making its own (mirrors api/memory.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_PROBE = """
import ctypes, os, sys, tempfile, threading
from api.memory import one_arena

if sys.argv[1] == "one":
    assert one_arena()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
start = threading.Barrier(4)

def busy():
    start.wait()  # all four allocate at once: glibc would give each its own arena
    for _ in range(2000):
        libc.free(libc.malloc(4096))

threads = [threading.Thread(target=busy) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
path = tempfile.mktemp()
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_threads_allocating_at_once_share_one_arena() -> None:
    def heaps(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True,
                              text=True, check=True)
        return int(done.stdout)

    assert heaps("one") == 1 < heaps("default")
