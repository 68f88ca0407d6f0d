"""Mixed-direction text in plain-text messages: a Hebrew name inside an English sentence, or an
English phrase quoted in a Hebrew one.

Without help, the Unicode bidirectional algorithm lets the quoted part pull its neighbours in:
the closing quote, a full stop or a number after it end up on the wrong side. Wrapping the
inserted part in a first-strong isolate (U+2068 FSI … U+2069 PDI) makes it one unit that keeps
its own direction, the way <bdi> does in a page. Plain text has no markup, so the isolate is
carried by these two invisible characters, which mail and chat apps honour.
"""

from __future__ import annotations

import unicodedata

FSI = "\u2068"
PDI = "\u2069"
_RIGHT_TO_LEFT = frozenset({"R", "AL"})
_LEFT_TO_RIGHT = frozenset({"L"})


def isolate(text: str, *, rtl: bool) -> str:
    """`text` wrapped in a first-strong isolate when it has letters written the other way from
    the sentence it goes into (`rtl`: the sentence reads right to left); otherwise unchanged,
    so a Hebrew name in a Hebrew sentence stays plain."""
    other = _LEFT_TO_RIGHT if rtl else _RIGHT_TO_LEFT
    if text and any(unicodedata.bidirectional(char) in other for char in text):
        return f"{FSI}{text}{PDI}"
    return text
