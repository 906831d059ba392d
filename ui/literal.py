"""Text that is not the app's own (names, titles, file names, model output, error texts, URL
parameters) made safe for the Streamlit elements that render Markdown."""

from __future__ import annotations

import re

_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
# GitHub-flavoured Markdown links bare addresses even when escaped: an invisible word joiner
# after "www" and before ":" or "@" keeps them text.
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\\\.)|(?=\\[:@])")
_WORD_JOINER = "\u2060"


def literal(text: object) -> str:
    """Markdown that shows the text as typed: every ASCII punctuation mark escaped (CommonMark
    allows it for each of them), so no link, emphasis, heading, list, colour or formula."""
    escaped = _ASCII_PUNCTUATION.sub(lambda m: "\\" + m[0], str(text))
    return _AUTOLINK.sub(_WORD_JOINER, escaped)
