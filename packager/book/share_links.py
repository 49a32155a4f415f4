"""Share links for the download page: pure functions, no I/O, standard library only.

Every link is a plain URL that opens the provider's own "compose" or "submit"
page with the page URL (and, where the provider takes one, a text) filled in.
Nothing is loaded from a provider until a reader clicks, and nothing here
needs JavaScript. Values are percent-encoded as UTF-8 with
``urllib.parse.quote(value, safe="")``, so ``&``, ``#``, ``%``, ``+``, ``=``
and ``?`` in a title or in the page URL itself survive the trip intact.

Mastodon has no central host. With ``mastodon_instance`` (a bare host such as ``fosstodon.org``)
the link is that server's own ``https://HOST/share?text=…``. Without it, the link is the relative
``share-mastodon.html``, a static page the landing renderer writes that shows the post to copy and
the ``/share?text=…`` path to append to one's own server (``mastodon_instructions``): no script,
and no third-party share proxy ever sees the reader.

Hashtags: X takes them in its ``hashtags`` parameter. Bluesky, Mastodon and
Threads get them appended to the post as ``#tag`` words. The other providers
get none: LinkedIn and Facebook take no text at all (they read the page's
Open Graph tags), Reddit and Hacker News take a title, and a chat message or
an e-mail is no place for hashtags.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus, urlsplit

__all__ = [
    "HASHTAG_PROVIDERS",
    "MASTODON_PAGE",
    "PROVIDERS",
    "ShareLink",
    "mastodon_instructions",
    "normalize_hashtag",
    "share_links",
    "share_url",
    "unknown_providers",
    "validate_mastodon_instance",
    "with_utm",
]

PROVIDERS: tuple[str, ...] = (
    "x",
    "linkedin",
    "facebook",
    "reddit",
    "hackernews",
    "bluesky",
    "mastodon",
    "threads",
    "whatsapp",
    "telegram",
    "email",
)
"""Every provider key, in the order the download page shows them."""

HASHTAG_PROVIDERS: frozenset[str] = frozenset({"x", "bluesky", "mastodon", "threads"})
"""Providers whose post carries hashtags (X as a parameter, the others as ``#tag`` words)."""

MASTODON_PAGE = "share-mastodon.html"
"""Relative URL of the static instructions page used when no Mastodon server is configured."""

_LABELS: dict[str, str] = {
    "x": "Share on X",
    "linkedin": "Share on LinkedIn",
    "facebook": "Share on Facebook",
    "reddit": "Share on Reddit",
    "hackernews": "Submit to Hacker News",
    "bluesky": "Share on Bluesky",
    "mastodon": "Share on Mastodon",
    "threads": "Share on Threads",
    "whatsapp": "Share on WhatsApp",
    "telegram": "Share on Telegram",
    "email": "Send by e-mail",
}

# One label per DNS name part (RFC 1123): letters, digits, hyphens, not at either end.
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


@dataclass(frozen=True)
class ShareLink:
    """One share link as the download page shows it."""

    provider: str
    """Key from ``PROVIDERS``."""
    label: str
    """Visible label, e.g. "Share on Bluesky"."""
    url: str
    """Absolute share URL, a ``mailto:`` URI, or ``MASTODON_PAGE`` (relative)."""
    icon: str
    """File name of the provider's icon in ``themes/base/landing/icons/``."""


def _q(value: str) -> str:
    """Percent-encode every byte of the UTF-8 form except RFC 3986 unreserved characters."""
    return quote(value, safe="")


def _query(base: str, params: Iterable[tuple[str, str]]) -> str:
    """``base?k=v&k=v`` with empty values left out."""
    pairs = [f"{key}={_q(value)}" for key, value in params if value]
    return base + ("?" + "&".join(pairs) if pairs else "")


def _unknown_provider(provider: object) -> ValueError:
    return ValueError(f"unknown share provider {provider!r}; valid providers: {', '.join(PROVIDERS)}")


def _check_page_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"share links need an absolute http(s) URL of the page, not {url!r}")


def normalize_hashtag(tag: str) -> str:
    """``"#Open_Source"`` -> ``"Open_Source"``; ValueError unless it is letters, marks, digits and ``_``."""
    name = tag.strip().removeprefix("#")
    if not name or not all(ch == "_" or unicodedata.category(ch)[0] in "LMN" for ch in name):
        raise ValueError(f"hashtag {tag!r} must be letters, digits and underscores (no spaces), with or without '#'")
    return name


def _hashtags(hashtags: Iterable[str]) -> tuple[str, ...]:
    return tuple(normalize_hashtag(tag) for tag in hashtags)


def _post_text(url: str, text: str, tags: tuple[str, ...]) -> str:
    """The text of a post that carries its own link: ``text URL #tag #tag``."""
    return " ".join(part for part in (text, url, " ".join(f"#{tag}" for tag in tags)) if part)


def validate_mastodon_instance(instance: str) -> str:
    """Return the host name in lower case; ValueError unless it is a bare DNS host name like ``fosstodon.org``."""
    host = instance.lower() if isinstance(instance, str) else ""
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()  # an IPv4 address, not a host name
    ):
        raise ValueError(
            f"mastodon_instance must be a bare host name such as 'fosstodon.org' "
            f"(no scheme, port, path or user), not {instance!r}"
        )
    return host


def mastodon_instructions(url: str, text: str, hashtags: tuple[str, ...] = ()) -> tuple[str, str]:
    """``(post text, "/share?text=…")``: what ``share-mastodon.html`` shows for readers to use on their own server."""
    _check_page_url(url)
    post = _post_text(url, text, _hashtags(hashtags))
    return post, "/share?text=" + _q(post)


def _mailto(url: str, text: str) -> str:
    """RFC 6068 ``mailto:?subject=…&body=…``.

    hfvalues are UTF-8 percent-encoded with nothing but unreserved characters
    left as they are, so a space is ``%20`` (never ``+``) and ``&``, ``=``,
    ``#``, ``%``, ``?`` are always escaped (RFC 6068 section 2 and 5). A header
    cannot hold a line break, so line breaks in the subject become spaces;
    in the body every line break is ``%0D%0A`` (RFC 6068 section 5).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    subject = lines.replace("\n", " ")
    body = (f"{lines}\n\n{url}" if lines else url).replace("\n", "\r\n")
    return f"mailto:?subject={_q(subject)}&body={_q(body)}"


def share_url(
    provider: str,
    url: str,
    text: str,
    *,
    hashtags: tuple[str, ...] = (),
    mastodon_instance: str | None = None,
) -> str:
    """The share URL for one provider.

    ``url`` is the absolute http(s) URL of the page being shared, ``text`` a
    short line about it (usually the title). ValueError for an unknown
    provider, a relative page URL, a bad hashtag or a bad ``mastodon_instance``.
    """
    if provider not in PROVIDERS:
        raise _unknown_provider(provider)
    _check_page_url(url)
    host = validate_mastodon_instance(mastodon_instance) if mastodon_instance is not None else None
    tags = _hashtags(hashtags)  # validated for every provider, used by HASHTAG_PROVIDERS only

    if provider == "x":
        # X "Web Intent": https://x.com/intent/tweet?text=&url=&hashtags= (comma-separated, no '#')
        # https://docs.x.com/x-for-websites/post-button/guides/web-intent
        share = _query("https://x.com/intent/tweet", [("text", text), ("url", url)])
        # Tags are letters, digits and '_' only (normalize_hashtag), so the separating commas stay literal.
        return share + (f"&hashtags={','.join(_q(tag) for tag in tags)}" if tags else "")
    if provider == "linkedin":
        # Only the URL; LinkedIn builds the preview from the page's Open Graph tags.
        # https://www.linkedin.com/help/linkedin/answer/a521928/make-your-website-shareable-on-linkedin
        # (format as cited there in https://github.com/heiseonline/shariff/pull/425)
        return _query("https://www.linkedin.com/sharing/share-offsite/", [("url", url)])
    if provider == "facebook":
        # The no-app-id link that Meta's own Share Button code configurator emits as its fallback <a>:
        # https://www.facebook.com/sharer/sharer.php?u=…  (text comes from Open Graph tags)
        # https://developers.facebook.com/docs/plugins/share-button
        # (the documented /dialog/share alternative needs an app_id: .../docs/sharing/reference/share-dialog)
        return _query("https://www.facebook.com/sharer/sharer.php", [("u", url)])
    if provider == "reddit":
        # reddit's own submit link, built as /submit?url=…&title=… by its share button:
        # https://github.com/reddit-archive/reddit/blob/master/r2/r2/templates/buttonlite.js
        return _query("https://www.reddit.com/submit", [("url", url), ("title", text)])
    if provider == "hackernews":
        # The official bookmarklet: submitlink?u=…&t=…  https://news.ycombinator.com/bookmarklet.html
        return _query("https://news.ycombinator.com/submitlink", [("u", url), ("t", text)])
    if provider == "bluesky":
        # "Action Intent Links": https://bsky.app/intent/compose?text=…
        # https://docs.bsky.app/docs/advanced-guides/intent-links
        return _query("https://bsky.app/intent/compose", [("text", _post_text(url, text, tags))])
    if provider == "mastodon":
        if host is None:
            return MASTODON_PAGE
        # A server's own compose page, https://HOST/share?text=…, exactly as Mastodon's
        # official share tool links to it: https://github.com/mastodon/share (src/SavedDomain.tsx),
        # https://blog.joinmastodon.org/2026/03/a-new-share-button
        return f"https://{host}/share?text={_q(_post_text(url, text, tags))}"
    if provider == "threads":
        # Threads "Web Intents": https://www.threads.com/intent/post?text=…&url=…
        # https://developers.facebook.com/docs/threads/threads-web-intents
        post = " ".join(part for part in (text, " ".join(f"#{tag}" for tag in tags)) if part)
        return _query("https://www.threads.com/intent/post", [("text", post), ("url", url)])
    if provider == "whatsapp":
        # Click to chat with a pre-filled message and no recipient: https://wa.me/?text=…
        # https://faq.whatsapp.com/general/26000030
        return _query("https://wa.me/", [("text", _post_text(url, text, ()))])
    if provider == "telegram":
        # "Sharing Button", custom buttons: https://t.me/share/url?url={url}&text={text}
        # https://core.telegram.org/widgets/share
        return _query("https://t.me/share/url", [("url", url), ("text", text)])
    # provider == "email": RFC 6068, https://www.rfc-editor.org/rfc/rfc6068
    return _mailto(url, text)


def share_links(
    url: str,
    text: str,
    *,
    providers: tuple[str, ...] | None = None,
    hashtags: tuple[str, ...] = (),
    mastodon_instance: str | None = None,
) -> list[ShareLink]:
    """One ``ShareLink`` per provider: all of ``PROVIDERS`` by default, else ``providers`` in the order given.

    A provider named twice is listed once. ValueError names every unknown provider at once.
    """
    chosen = PROVIDERS if providers is None else tuple(dict.fromkeys(providers))
    unknown = unknown_providers(chosen)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise ValueError(f"unknown share provider(s) {names}; valid providers: {', '.join(PROVIDERS)}")
    return [
        ShareLink(
            provider=provider,
            label=_LABELS[provider],
            url=share_url(provider, url, text, hashtags=hashtags, mastodon_instance=mastodon_instance),
            icon=f"{provider}.svg",
        )
        for provider in chosen
    ]


def with_utm(url: str, source: str, medium: str = "social", campaign: str | None = None) -> str:
    """``url`` with ``utm_source``/``utm_medium`` (and ``utm_campaign`` if given) set in its query.

    The rest of the query is kept byte for byte and in order, the fragment too;
    an existing parameter of the same name is replaced, not duplicated.
    """
    values = {"utm_source": source, "utm_medium": medium}
    if campaign is not None:
        values["utm_campaign"] = campaign
    for key, value in values.items():
        if not value:
            raise ValueError(f"{key} must not be empty")
    # RFC 3986: the first '#' starts the fragment, the first '?' before it the query.
    rest, hash_, fragment = url.partition("#")
    base, _, query = rest.partition("?")
    kept = [piece for piece in query.split("&") if piece and unquote_plus(piece.partition("=")[0]) not in values]
    kept += [f"{key}={_q(value)}" for key, value in values.items()]
    return f"{base}?{'&'.join(kept)}{hash_}{fragment}"


def unknown_providers(names: Iterable[object]) -> list[str]:
    """The names that are not provider keys, each once, in the order given (for config validation)."""
    return list(dict.fromkeys(str(name) for name in names if name not in PROVIDERS))
