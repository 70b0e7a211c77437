"""Text made safe for the files people open elsewhere: spreadsheet cells and XML.

Every CSV writer passes each cell through :func:`csv_cell`, and the GraphML/GEXF
exports pass each string through :func:`xml_text` (docs/security.md).
"""

from __future__ import annotations

import re
from typing import TypeVar

#: A cell starting with one of these is read by spreadsheets as a formula (OWASP's
#: "CSV injection"): ``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``, tab or CR tricks.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Characters XML 1.0 does not allow in a document at all (even escaped).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

T = TypeVar("T")


def csv_cell(value: T) -> T | str:
    """``value`` as a CSV cell a spreadsheet shows as text: a string that would start a
    formula gets a leading apostrophe; numbers and other values pass unchanged.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell("North"), csv_cell(-0.5), csv_cell("")
    ('North', -0.5, '')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD, so an export
    stays well-formed even for text stored before control characters were refused.

    >>> xml_text("Ava\\x07 B\\x00")
    'Ava\\ufffd B\\ufffd'
    >>> xml_text("tab\\tand newline\\n")
    'tab\\tand newline\\n'
    """
    return _NOT_XML.sub("\ufffd", text)
