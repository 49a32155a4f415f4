"""External link URLs written so that EPUBCheck and every reading system accept them."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from packager.content.xhtml import clean_text


def safe_url(href: str) -> str | None:
    """An http(s) or mailto URL written so that EPUBCheck and every reader accept it; None when it cannot be."""
    try:
        parts = urlsplit(clean_text(href).strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        address = _quote(parts.path, "@")
        return f"mailto:{address}" + (f"?{_quote(parts.query, '/?@')}" if parts.query else "") if address else None
    if scheme not in ("http", "https") or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    elif not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?", host):
        return None
    netloc = host + (f":{port}" if port is not None else "")
    path, query, fragment = _quote(parts.path, "/@"), _quote(parts.query, "/?@"), _quote(parts.fragment, "/?@")
    return urlunsplit((scheme, netloc, path, query, fragment))


def _quote(part: str, extra: str) -> str:
    part = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", part)
    return quote(part, safe="!$&'()*+,;=:%-._~" + extra)
