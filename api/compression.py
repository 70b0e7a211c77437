"""Response compression: every answer over a kilobyte goes gzip-compressed to a client
that accepts it (Starlette's ``GZipMiddleware``).

Kept apart from the security middleware in :mod:`api.middleware`. Level 6 rather than
Starlette's default 9: for JSON and HTML it is within a few per cent of the size at a
fraction of the CPU. A response that is already encoded (the precompressed plotly.js
bundle) passes through untouched; bodies over 128 KiB are compressed off the event loop.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

#: Smaller answers gain less than the gzip header and the CPU cost.
MINIMUM_BYTES = 1024
LEVEL = 6


def install(app: FastAPI) -> None:
    """Compress ``app``'s responses; call last, so compression wraps every other layer."""
    app.add_middleware(GZipMiddleware, minimum_size=MINIMUM_BYTES, compresslevel=LEVEL)
