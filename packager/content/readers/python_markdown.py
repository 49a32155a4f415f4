"""Read Python-Markdown's dialect (MkDocs') with the project's extensions."""

from __future__ import annotations

import importlib

import markdown as md
from markdown.treeprocessors import Treeprocessor

#: Options packager sets on an extension, under the project's: the HTML shapes the rest of the stage reads.
HOUSE_OPTIONS = {
    "footnotes": {"SEPARATOR": "-", "BACKLINK_TEXT": "\u21a9\ufe0e"},
    "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
    "pymdownx.arithmatex": {"generic": True},  # span.arithmatex / div.arithmatex with \(…\) / \[…\]: content.maths
}


class PythonMarkdownReader:
    """One Python-Markdown instance, reset between articles."""

    def __init__(self, extensions: tuple[tuple[str, dict], ...]):
        self.converter = md.Markdown(extensions=[*_instances(extensions), _BookTabs()], output_format="xhtml")

    def to_html(self, text: str, env: dict | None = None) -> str:
        return self.converter.reset().convert(text)


def _instances(extensions: tuple[tuple[str, dict], ...]) -> list:
    """Make the extensions' instances: given names, Python-Markdown scans every installed package's entry points."""
    made = []
    for name, options in extensions:
        module = name if "." in name else f"markdown.extensions.{name}"
        made.append(importlib.import_module(module).makeExtension(**{**options, **HOUSE_OPTIONS.get(name, {})}))
    return made


class _BookTabs(md.Extension):
    """Content tabs (pymdownx.tabbed) as a book shows them: each tab's title over its content, no form controls.

    It reads the classic layout (title, content, title, …), the one project.mkdocs sets for a book.
    """

    def extendMarkdown(self, converter: md.Markdown) -> None:
        converter.treeprocessors.register(_TabsAsSections(converter), "packager_tabs", 1)


class _TabsAsSections(Treeprocessor):
    def run(self, root) -> None:
        for tabs in root.iter("div"):
            if "tabbed-set" not in (tabs.get("class") or "").split():
                continue
            tabs.attrib.pop("data-tabs", None)
            for child in list(tabs):
                if child.tag == "input":
                    tabs.remove(child)
                elif child.tag == "label":
                    child.tag = "p"
                    child.attrib.clear()
                    child.set("class", "tabbed-title")
