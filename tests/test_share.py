"""Share links: every URL parses back to the exact page URL and text, for any Unicode text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packager.book.share_links import (
    MASTODON_PAGE,
    PROVIDERS,
    ShareLink,
    mastodon_instructions,
    normalize_hashtag,
    share_links,
    share_url,
    unknown_providers,
    validate_mastodon_instance,
    with_utm,
)

ICONS = Path(__file__).resolve().parents[1] / "themes" / "base" / "landing" / "icons"

# --- strategies -----------------------------------------------------------------------------------

# A curated alphabet of characters that break naive encoders (&#+%=?/ space, newlines), CJK, emoji
# (with ZWJ and a flag), Hebrew/Arabic (RTL), combining marks and bidi controls; each text is drawn
# either from it or from all of Unicode (a per-text choice keeps generation fast).
AWKWARD = [
    *"&#+%=?/ \n\r\t;:@!$'()*,~_-.",
    *"aZ09éßΩ",
    *"中文語",
    *"😀👩\u200d🇪🇺",
    *"\u05d0\u05e9\u0627\u0644\u200f\u202e",
    *"\u0301\u0308",
]
texts = st.one_of(
    st.text(st.sampled_from(AWKWARD), max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=40),
)


# Short pieces for building page URLs: cheaper to draw, and percent-encoding does the rest.
url_bits = st.one_of(
    st.text(st.sampled_from(AWKWARD), max_size=10),
    st.text(st.characters(codec="utf-8"), max_size=6),
)


@st.composite
def page_urls(draw) -> str:
    """https://example.org/ + percent-encoded segments (raw '&', '=', '+' kept), optional query and fragment.

    So the page URL itself may hold '%', '&', '=', '+', '?' and '#'.
    """
    segments = draw(st.lists(url_bits, max_size=3))
    url = "https://example.org/" + "/".join(quote(seg, safe="&=+,;:@!$'()*") for seg in segments)
    if draw(st.booleans()):
        url += "?" + urlencode(draw(st.lists(st.tuples(url_bits, url_bits), min_size=1, max_size=2)))
    if draw(st.booleans()):
        url += "#" + quote(draw(url_bits), safe="&=?/+")
    return url


hashtag_lists = st.lists(
    st.builds(
        lambda prefix, name: prefix + name,
        st.sampled_from(["", "#"]),
        st.text(st.characters(categories=("L", "Mn", "N"), include_characters="_"), min_size=1, max_size=8),
    ),
    max_size=3,
).map(tuple)

SETTINGS = settings(max_examples=200, deadline=None)


# --- helpers: parse the URLs back ------------------------------------------------------------------


def query_of(share: str, base: str) -> dict[str, str]:
    """The decoded query of an http(s) share URL; every key once, nothing leaked into the fragment."""
    parts = urlsplit(share)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == base
    assert parts.fragment == "", "a raw '#' leaked out of a value"
    assert " " not in share and "+" not in parts.query, "spaces must be %20, '+' must be %2B"
    parsed = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query), errors="strict")
    assert all(len(values) == 1 for values in parsed.values()), parsed
    return {key: values[0] for key, values in parsed.items()}


def split_post(post: str, tags: tuple[str, ...]) -> tuple[str, str]:
    """Recover (text, page URL) from a "text URL #tag #tag" post (the page URL holds no raw space)."""
    suffix = " ".join(f"#{normalize_hashtag(tag)}" for tag in tags)
    if suffix:
        assert post.endswith(" " + suffix)
        post = post[: -len(suffix) - 1]
    text, _, url = post.rpartition(" ")
    return text, url


QCHAR = re.compile(r"(?:[A-Za-z0-9\-._~!$'()*+,;:@]|%[0-9A-F]{2})*")


def parse_mailto(uri: str) -> dict[str, str]:
    """RFC 6068: "mailto:" [to] ["?" hfname "=" hfvalue *("&" hfname "=" hfvalue)], hfvalues UTF-8 percent-encoded."""
    assert uri.startswith("mailto:")
    to, _, hfields = uri[len("mailto:") :].partition("?")
    assert to == ""
    fields = {}
    for hfield in hfields.split("&"):
        name, eq, value = hfield.partition("=")
        assert eq and QCHAR.fullmatch(name) and QCHAR.fullmatch(value), hfield
        assert "+" not in value, "'+' is not a space in mailto: spaces are %20"
        fields[unquote(name, errors="strict")] = unquote(value, errors="strict")
    return fields


def lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- round trips: one checker per provider, all run on every generated example ------------------


def check_x(url, text, tags):
    query = query_of(share_url("x", url, text, hashtags=tags), "https://x.com/intent/tweet")
    assert query["url"] == url
    assert query.get("text", "") == text
    assert query.get("hashtags", "") == ",".join(normalize_hashtag(tag) for tag in tags)


def check_linkedin(url, text, tags):
    # LinkedIn takes no text: the preview comes from the page's Open Graph tags.
    assert query_of(
        share_url("linkedin", url, text, hashtags=tags), "https://www.linkedin.com/sharing/share-offsite/"
    ) == {"url": url}


def check_facebook(url, text, tags):
    # Facebook's sharer takes no text either.
    assert query_of(share_url("facebook", url, text, hashtags=tags), "https://www.facebook.com/sharer/sharer.php") == {
        "u": url
    }


def check_reddit(url, text, tags):
    query = query_of(share_url("reddit", url, text, hashtags=tags), "https://www.reddit.com/submit")
    assert query.pop("url") == url
    assert query.pop("title", "") == text
    assert query == {}


def check_hackernews(url, text, tags):
    query = query_of(share_url("hackernews", url, text, hashtags=tags), "https://news.ycombinator.com/submitlink")
    assert query.pop("u") == url
    assert query.pop("t", "") == text
    assert query == {}


def check_bluesky(url, text, tags):
    query = query_of(share_url("bluesky", url, text, hashtags=tags), "https://bsky.app/intent/compose")
    assert list(query) == ["text"]
    assert split_post(query["text"], tags) == (text, url)


def check_mastodon(url, text, tags):
    share = share_url("mastodon", url, text, hashtags=tags, mastodon_instance="fosstodon.org")
    query = query_of(share, "https://fosstodon.org/share")
    assert list(query) == ["text"]
    assert split_post(query["text"], tags) == (text, url)
    # The instructions page offers exactly the same post and path for any server.
    post, path = mastodon_instructions(url, text, tags)
    assert post == query["text"]
    assert "https://fosstodon.org" + path == share
    assert share_url("mastodon", url, text, hashtags=tags) == MASTODON_PAGE


def check_threads(url, text, tags):
    query = query_of(share_url("threads", url, text, hashtags=tags), "https://www.threads.com/intent/post")
    assert query.pop("url") == url
    post = query.pop("text", "")
    assert query == {}
    suffix = " ".join(f"#{normalize_hashtag(tag)}" for tag in tags)
    assert post == " ".join(part for part in (text, suffix) if part)


def check_whatsapp(url, text, tags):
    query = query_of(share_url("whatsapp", url, text, hashtags=tags), "https://wa.me/")
    assert list(query) == ["text"]
    assert split_post(query["text"], ()) == (text, url)  # no hashtags in a chat message


def check_telegram(url, text, tags):
    query = query_of(share_url("telegram", url, text, hashtags=tags), "https://t.me/share/url")
    assert query.pop("url") == url
    assert query.pop("text", "") == text
    assert query == {}


def check_email(url, text, tags):
    uri = share_url("email", url, text, hashtags=tags)
    assert " " not in uri and "\n" not in uri and "#" not in uri
    fields = parse_mailto(uri)
    assert set(fields) == {"subject", "body"}
    # A header holds no line break; the body's line breaks are all CRLF (RFC 6068 section 5).
    assert fields["subject"] == lf(text).replace("\n", " ")
    body = fields["body"]
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")
    body_text, _, body_url = lf(body).rpartition("\n\n")
    assert body_url == url
    assert body_text == lf(text)


CHECKS = {
    "x": check_x,
    "linkedin": check_linkedin,
    "facebook": check_facebook,
    "reddit": check_reddit,
    "hackernews": check_hackernews,
    "bluesky": check_bluesky,
    "mastodon": check_mastodon,
    "threads": check_threads,
    "whatsapp": check_whatsapp,
    "telegram": check_telegram,
    "email": check_email,
}


def test_every_provider_has_a_round_trip_check():
    assert list(CHECKS) == list(PROVIDERS)


@SETTINGS
@given(url=page_urls(), text=texts, tags=hashtag_lists)
def test_every_provider_round_trips(url, text, tags):
    """Property: for each provider, parsing the share URL gives back the exact page URL and text.

    One example feeds all eleven checks (one @given per provider would cost ~1 s each).
    """
    for provider, check in CHECKS.items():
        try:
            check(url, text, tags)
        except AssertionError as error:
            raise AssertionError(f"{provider}: {error}") from error


# --- deterministic examples: one exact URL per provider --------------------------------------------

PAGE = "https://example.org/book/?lang=en&v=2#intro"
TITLE = "Give It Away: a field guide & more, 100% free"
E_PAGE = "https%3A%2F%2Fexample.org%2Fbook%2F%3Flang%3Den%26v%3D2%23intro"
E_TITLE = "Give%20It%20Away%3A%20a%20field%20guide%20%26%20more%2C%20100%25%20free"
TAGS = ("#OpenAccess", "ebooks")

EXPECTED = {
    "x": f"https://x.com/intent/tweet?text={E_TITLE}&url={E_PAGE}&hashtags=OpenAccess,ebooks",
    "linkedin": f"https://www.linkedin.com/sharing/share-offsite/?url={E_PAGE}",
    "facebook": f"https://www.facebook.com/sharer/sharer.php?u={E_PAGE}",
    "reddit": f"https://www.reddit.com/submit?url={E_PAGE}&title={E_TITLE}",
    "hackernews": f"https://news.ycombinator.com/submitlink?u={E_PAGE}&t={E_TITLE}",
    "bluesky": f"https://bsky.app/intent/compose?text={E_TITLE}%20{E_PAGE}%20%23OpenAccess%20%23ebooks",
    "mastodon": f"https://fosstodon.org/share?text={E_TITLE}%20{E_PAGE}%20%23OpenAccess%20%23ebooks",
    "threads": f"https://www.threads.com/intent/post?text={E_TITLE}%20%23OpenAccess%20%23ebooks&url={E_PAGE}",
    "whatsapp": f"https://wa.me/?text={E_TITLE}%20{E_PAGE}",
    "telegram": f"https://t.me/share/url?url={E_PAGE}&text={E_TITLE}",
    "email": f"mailto:?subject={E_TITLE}&body={E_TITLE}%0D%0A%0D%0A{E_PAGE}",
}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_exact_url(provider):
    assert share_url(provider, PAGE, TITLE, hashtags=TAGS, mastodon_instance="fosstodon.org") == EXPECTED[provider]


def test_exact_non_ascii_and_multiline():
    text = "Libros libres — 自由な本 😀\nline two"
    assert share_url("telegram", "https://example.org/é", text) == (
        "https://t.me/share/url?url=https%3A%2F%2Fexample.org%2F%C3%A9"
        "&text=Libros%20libres%20%E2%80%94%20%E8%87%AA%E7%94%B1%E3%81%AA%E6%9C%AC%20%F0%9F%98%80%0Aline%20two"
    )
    assert share_url("email", "https://example.org/", "a\r\nb\nc") == (
        "mailto:?subject=a%20b%20c&body=a%0D%0Ab%0D%0Ac%0D%0A%0D%0Ahttps%3A%2F%2Fexample.org%2F"
    )


def test_empty_text_leaves_the_parameter_out():
    assert share_url("x", "https://example.org/", "") == "https://x.com/intent/tweet?url=https%3A%2F%2Fexample.org%2F"
    assert (
        share_url("bluesky", "https://example.org/", "")
        == "https://bsky.app/intent/compose?text=https%3A%2F%2Fexample.org%2F"
    )
    assert share_url("email", "https://example.org/", "") == "mailto:?subject=&body=https%3A%2F%2Fexample.org%2F"


# --- share_links ----------------------------------------------------------------------------------


def test_share_links_defaults_to_every_provider_in_display_order():
    links = share_links(PAGE, TITLE, hashtags=TAGS)
    assert [link.provider for link in links] == list(PROVIDERS)
    assert all(isinstance(link, ShareLink) for link in links)
    by_provider = {link.provider: link for link in links}
    assert by_provider["bluesky"].label == "Share on Bluesky"
    assert by_provider["email"].label == "Send by e-mail"
    assert by_provider["mastodon"].url == MASTODON_PAGE  # no instance configured
    assert by_provider["x"].url == EXPECTED["x"]
    assert all(link.label for link in links)
    for link in links:
        assert link.icon == f"{link.provider}.svg"
        assert (ICONS / link.icon).is_file(), link.icon


def test_share_links_keeps_the_chosen_order_once_each():
    links = share_links(PAGE, TITLE, providers=("email", "mastodon", "email", "x"), mastodon_instance="fosstodon.org")
    assert [link.provider for link in links] == ["email", "mastodon", "x"]
    assert links[1].url == EXPECTED["mastodon"].replace("%20%23OpenAccess%20%23ebooks", "")


def test_share_links_names_every_unknown_provider():
    with pytest.raises(ValueError, match=r"'myspace', 'digg'.*valid providers: x, linkedin, facebook"):
        share_links(PAGE, TITLE, providers=("x", "myspace", "digg"))


# --- errors ---------------------------------------------------------------------------------------


def test_unknown_provider_names_it_and_lists_the_valid_ones():
    with pytest.raises(ValueError) as error:
        share_url("myspace", PAGE, TITLE)
    message = str(error.value)
    assert "'myspace'" in message
    assert "valid providers: " + ", ".join(PROVIDERS) in message


def test_unknown_providers():
    assert unknown_providers(["x", "myspace", "X", "email", "myspace", "twitter"]) == ["myspace", "X", "twitter"]
    assert unknown_providers(PROVIDERS) == []
    assert unknown_providers([]) == []


@pytest.mark.parametrize(
    "instance",
    [
        "https://fosstodon.org",
        "fosstodon.org/",
        "fosstodon.org:443",
        "@fosstodon.org",
        "me@fosstodon.org",
        "fosstodon.org/share?text=x",
        "fosstodon.org.",
        "fosstodon..org",
        "-fosstodon.org",
        "fosstodon-.org",
        "foss todon.org",
        "localhost",
        "192.168.0.1",
        "",
        "fosstodon.org\n",
        "ｆｏｓｓｔｏｄｏｎ.org",
        "a" * 64 + ".org",
    ],
)
def test_invalid_mastodon_instance_raises(instance):
    with pytest.raises(ValueError, match="bare host name"):
        share_url("mastodon", PAGE, TITLE, mastodon_instance=instance)
    with pytest.raises(ValueError, match="bare host name"):
        share_links(PAGE, TITLE, mastodon_instance=instance)


@pytest.mark.parametrize(
    ("instance", "host"),
    [
        ("fosstodon.org", "fosstodon.org"),
        ("Mastodon.Social", "mastodon.social"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ],
)
def test_valid_mastodon_instance(instance, host):
    assert validate_mastodon_instance(instance) == host
    assert share_url("mastodon", PAGE, "", mastodon_instance=instance).startswith(f"https://{host}/share?text=")


@pytest.mark.parametrize(
    "url", ["/book/", "book.html", "example.org/book", "ftp://example.org/", "javascript:alert(1)", ""]
)
def test_page_url_must_be_absolute_http(url):
    with pytest.raises(ValueError, match="absolute http"):
        share_url("x", url, TITLE)


@pytest.mark.parametrize("tag", ["open source", "", "#", "a,b", "a#b", "c++", "tag\nmore"])
def test_bad_hashtag_raises(tag):
    with pytest.raises(ValueError, match="hashtag"):
        share_url("bluesky", PAGE, TITLE, hashtags=(tag,))


def test_hashtags_appear():
    tags = ("#OpenAccess", "электронные_книги", "本")
    assert parse_qs(urlsplit(share_url("x", PAGE, TITLE, hashtags=tags)).query)["hashtags"] == [
        "OpenAccess,электронные_книги,本"
    ]
    for provider in ("bluesky", "mastodon", "threads"):
        share = share_url(provider, PAGE, TITLE, hashtags=tags, mastodon_instance="fosstodon.org")
        post = parse_qs(urlsplit(share).query)["text"][0]
        assert post.endswith(" #OpenAccess #электронные_книги #本"), provider
    for provider in ("linkedin", "facebook", "reddit", "hackernews", "whatsapp", "telegram", "email"):
        assert "OpenAccess" not in share_url(provider, PAGE, TITLE, hashtags=tags), provider


# --- with_utm -------------------------------------------------------------------------------------


def test_with_utm_examples():
    assert (
        with_utm("https://example.org/b/", "bluesky") == "https://example.org/b/?utm_source=bluesky&utm_medium=social"
    )
    assert (
        with_utm("https://example.org/b/?a=1&utm_source=old&b=%20+#top", "x y", campaign="launch&more")
        == "https://example.org/b/?a=1&b=%20+&utm_source=x%20y&utm_medium=social&utm_campaign=launch%26more#top"
    )
    assert (
        with_utm("https://example.org/p#frag?x=1", "e", "email")
        == "https://example.org/p?utm_source=e&utm_medium=email#frag?x=1"
    )


def test_with_utm_rejects_empty_values():
    with pytest.raises(ValueError, match="utm_source"):
        with_utm(PAGE, "")


@SETTINGS
@given(url=page_urls(), source=texts.filter(bool), medium=texts.filter(bool), campaign=st.none() | texts.filter(bool))
def test_with_utm_round_trip(url, source, medium, campaign):
    result = with_utm(url, source, medium, campaign)
    before, after = urlsplit(url), urlsplit(result)
    assert (after.scheme, after.netloc, after.path, after.fragment) == (
        before.scheme,
        before.netloc,
        before.path,
        before.fragment,
    )
    new = {"utm_source": source, "utm_medium": medium} | ({} if campaign is None else {"utm_campaign": campaign})
    kept = [
        piece
        for piece in before.query.split("&")
        if piece and parse_qsl(piece, keep_blank_values=True)[0][0] not in new
    ]
    raw = after.query.split("&")
    assert raw[: len(kept)] == kept  # the rest of the query, byte for byte and in order
    assert parse_qsl("&".join(raw[len(kept) :]), keep_blank_values=True, strict_parsing=True) == list(new.items())


# --- icons ----------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED = {f"{SVG}{name}" for name in ("svg", "path", "circle", "rect", "ellipse", "line", "polygon", "polyline", "g")}


@pytest.mark.parametrize("name", [*PROVIDERS, "share", "copy"])
def test_icon(name):
    path = ICONS / f"{name}.svg"
    data = path.read_bytes()
    assert len(data) < 1024
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 24 24"
    assert root.get("fill") == "currentColor"
    for element in root.iter():
        assert element.tag in ALLOWED, element.tag
        assert "role" not in element.attrib and not any(key.startswith("on") for key in element.attrib)
        assert not any("href" in key for key in element.attrib)
        colours = {element.get("fill"), element.get("stroke")} - {None, "none", "currentColor"}
        assert not colours, f"{name}: monochrome icons use currentColor only"
