"""Run the Hugo shortcodes a book can use: each handler writes the Markdown its call stands for."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from packager.content.preprocess.emit import alert, block, code_span, dedent, fence, img, md_text, version
from packager.content.preprocess.model import Call, Rewriter, unescape_code


def _figure(call: Call, r: Rewriter) -> str | None:
    src = call.get("src", 0)
    if not src:
        return None
    caption = call.get("caption") or call.get("title")
    src = r.page.locate_image(src)
    r.page.remember(src, r.line(call.offset))
    image = img(src, call.get("alt", 1), caption)
    link = call.get("link")
    if link:
        image = f'<a href="{html.escape(link, quote=True)}">{image}</a>'
    return block([image], call.prefix) if call.alone else image


def _highlight(call: Call, r: Rewriter) -> str | None:
    if call.body is None:
        return None
    code = unescape_code(call.body)
    if not call.alone or "hl_inline=true" in call.get("options", 1).replace(" ", ""):
        return code_span(" ".join(code.split()))
    return block(fence(call.get("lang", 0), dedent(code, call.prefix)), call.prefix)


def _code_toggle(call: Call, r: Rewriter) -> str | None:
    if call.body is None:
        return r.cannot_run(call, "left out (it shows the site's own settings)")
    code = dedent(unescape_code(call.body), call.prefix)
    is_yaml = bool(re.search(r"^\s*[\w-]+:(\s|$)", code, re.M)) and not re.search(r"^\s*[\w.'\"-]+\s*=", code, re.M)
    language = "yaml" if is_yaml else "toml"
    if call.get("fm").lower() == "true":
        marker = "---" if is_yaml else "+++"
        code = f"{marker}\n{code}\n{marker}"
    return block(fence(language, code), call.prefix)


def _details(call: Call, r: Rewriter) -> str | None:
    if call.inner is None:
        return None
    summary = " ".join(call.get("summary", 0, "Details").split())  # Markdown, as Hugo renders it
    lines = alert("details", summary, dedent(call.inner, call.prefix))
    lines[2] = lines[2].replace("]", "]+" if call.get("open").lower() == "true" else "]-", 1)
    return block(lines, call.prefix)


def _version_note(call: Call, r: Rewriter) -> str | None:
    word = "New in" if call.name.lower() == "new-in" else "Deprecated in"
    text = f"{word} {version(call.get('version', 0))}".strip()
    if call.inner is not None and call.inner.strip():
        kind = "note" if word == "New in" else "warning"
        return block(alert(kind, text, dedent(call.inner, call.prefix)), call.prefix)
    return block([f"*{text}*"], call.prefix) if call.alone else f"*{text}*"


def _embed(call: Call, r: Rewriter) -> str | None:
    name = call.name.lower()
    ident = call.get("id", 0)
    if not ident:
        return None
    url, label = {
        "youtube": (f"https://www.youtube.com/watch?v={ident}", "YouTube video"),
        "vimeo": (f"https://vimeo.com/{ident}", "Vimeo video"),
        "instagram": (f"https://www.instagram.com/p/{ident}/", "Instagram post"),
        "gist": (f"https://gist.github.com/{call.get('user', 0)}/{call.get('id', 1)}", "Gist"),
        "x": (f"https://x.com/{call.get('user')}/status/{ident}", "Post on X"),
        "twitter": (f"https://x.com/{call.get('user')}/status/{ident}", "Post on X"),
    }[name]
    title = call.get("title")
    text = f"[{md_text(f'{label}: {title}' if title else label)}](<{url}>)"
    return block([text], call.prefix) if call.alone else text


def _qr(call: Call, r: Rewriter) -> str | None:
    content = (call.body if call.body is not None else call.get("text", 0)).strip()
    if not content:
        return None
    label = md_text(call.get("alt") or "QR code")
    if "\n" in content:
        lines = [f"{label}:", "", *fence("text", dedent(content, call.prefix))]
    elif re.match(r"https?://\S+$", content):
        lines = [f"{label}: <{content}>"]
    else:
        lines = [f"{label}: {code_span(content)}"]
    return block(lines, call.prefix) if call.alone else " ".join(line for line in lines if line)


def _ref(call: Call, r: Rewriter) -> str | None:
    target = call.get("path", 0)
    return target.replace(" ", "%20") if target else None


SHORTCODES: dict[str, Callable[[Call, Rewriter], str | None]] = {
    "figure": _figure,
    "img": _figure,
    "highlight": _highlight,
    "code-toggle": _code_toggle,
    "details": _details,
    "new-in": _version_note,
    "deprecated-in": _version_note,
    "youtube": _embed,
    "vimeo": _embed,
    "instagram": _embed,
    "gist": _embed,
    "x": _embed,
    "twitter": _embed,
    "qr": _qr,
    "ref": _ref,
    "relref": _ref,
}
