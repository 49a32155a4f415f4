"""Code blocks highlighted by Pygments in the HTML pymdownx.highlight writes, for readers other than Python-Markdown."""

from __future__ import annotations

import re
import threading

_LOCAL = threading.local()
_INFO = re.compile(r"^\{?\s*\.?([\w+#.-]*)\s*(.*?)\}?\s*$", re.S)
_OPTION = re.compile(r"""(\w+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")


def _highlighter():
    highlighter = getattr(_LOCAL, "highlighter", None)
    if highlighter is None:
        from pymdownx.highlight import Highlight

        highlighter = _LOCAL.highlighter = Highlight(None, use_pygments=True, guess_lang=False, stripnl=False)
    return highlighter


def code_block(code: str, info: str = "") -> str:
    """One code block: the language and options (title, hl_lines, linenums) come from the fence's info string.

    Its blank first and last lines are kept, as CommonMark keeps them.
    """
    if not code:
        return '<div class="highlight"><pre><span></span><code></code></pre></div>\n'
    match = _INFO.match(info.strip())
    language, rest = (match.group(1), match.group(2)) if match else ("", "")
    options = {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _OPTION.finditer(rest)}
    hl_lines = [int(n) for n in re.findall(r"\d+", options.get("hl_lines", ""))] or None
    start = options.get("linenums", "").split()
    linestart = int(start[0]) if start and start[0].isdigit() else -1
    return (
        _highlighter().highlight(
            code, language, css_class="highlight", hl_lines=hl_lines, linestart=linestart, title=options.get("title")
        )
        + "\n"
    )
