"""The HTML shell every page shares: one template file per page, served with strict headers."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from fastapi.responses import HTMLResponse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: Nothing is loaded from anywhere but this server (offline at run time); plotly sets
#: inline styles, so styles allow them; scripts never run inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@cache
def _template(name: str) -> str:
    return (TEMPLATES / f"{name}.html").read_text(encoding="utf-8")


def page(name: str, **values: str) -> HTMLResponse:
    """The page ``name`` with each ``{{key}}`` replaced by its HTML-escaped value.

    >>> page("home").headers["cache-control"]
    'no-store'
    """
    text = _template(name)
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return HTMLResponse(
        text,
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )
