"""TeX maths on the sanitised tree turned into MathML (latex2mathml), filtered to MathML and nothing else.

The readers write each formula as TeX text in ``span.math`` (inline),
``span.math.display`` or ``div.math`` (display), or, for Python-Markdown,
pymdownx.arithmatex's ``span.arithmatex`` / ``div.arithmatex``. Each becomes
``<math display="inline|block" alttext="TeX">``; a display keeps its ``div``
(its id, and an equation number written before the TeX as ``span.eqno``).
User TeX is hostile input: only MathML elements and presentation attributes
with plain values are kept, text is text. TeX that latex2mathml cannot read,
or a command it does not know, is warned about and shown as code. Nothing here
raises.
"""

from __future__ import annotations

import copy
import html
import re
from functools import lru_cache

from lxml import etree

from packager.content.context import ArticleContext

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
MATH = f"{{{MATHML_NS}}}math"

#: MathML 3 presentation elements.
ELEMENTS = {
    *("math", "mi", "mn", "mo", "mtext", "mspace", "ms", "mglyph", "mrow", "mfrac", "msqrt", "mroot"),
    *("mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup", "msubsup"),
    *("munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mlabeledtr"),
    *("mtr", "mtd", "maligngroup", "malignmark", "mstack", "mlongdiv", "msgroup", "msrow", "mscarries"),
    *("mscarry", "msline", "semantics", "annotation"),
}
#: The token elements: text, and no element but mglyph and malignmark, inside.
TOKENS = {"mi", "mn", "mo", "mtext", "ms", "mspace"}
#: MathML presentation attributes: no href, no style, no event handler, nothing of another namespace.
ATTRIBUTES = {
    *("accent", "accentunder", "align", "columnalign", "columnlines", "columnspacing", "columnspan", "depth"),
    *("displaystyle", "fence", "form", "frame", "height", "largeop", "linebreak", "linethickness", "lspace"),
    *("mathbackground", "mathcolor", "mathsize", "mathvariant", "maxsize", "minsize", "movablelimits"),
    *("notation", "rowalign", "rowlines", "rowspacing", "rowspan", "rspace", "scriptlevel", "separator"),
    *("stretchy", "symmetric", "voffset", "width", "open", "close", "separators", "bevelled", "numalign"),
    *("denomalign", "equalrows", "equalcolumns", "framespacing", "side", "minlabelspacing"),
}
UNKNOWN = "not a command the converter knows"
_PLAIN_VALUE = re.compile(r"[\w .#%+-]*")
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_LABEL = re.compile(r"\\label\{[^{}]*\}")
#: Deeper MathML than this is refused: XML parsers (lxml's limit is 256 in all) would refuse the document.
MAX_DEPTH = 64
_DELIMITERS = (("\\(", "\\)", False), ("\\[", "\\]", True), ("$$", "$$", True), ("$", "$", False))


def convert(root, ctx: ArticleContext) -> None:
    """Turn every formula under root into MathML, or into its TeX as code with a warning."""
    formulas = [el for el in root.iter("span", "div") if _is_formula(el)]
    if not formulas:
        return
    preamble = macro_preamble(ctx.dialect.option("macros", {}))
    for el in formulas:
        if el.getparent() is None:
            continue
        eqno = next((c for c in el if c.tag == "span" and "eqno" in (c.get("class") or "").split()), None)
        tex, display = _tex(el, eqno)
        if not tex:
            continue
        mathml, problem = _mathml(tex, display, preamble)
        if problem is None:
            _replace(el, mathml, tex, display, eqno)
        else:
            _show_source(el, tex)
            shown = tex if len(tex) <= 60 else tex[:57] + "…"
            todo = "define it in the project's maths macros, or " if problem.endswith(UNKNOWN) else ""
            ctx.warn(
                f'maths "{shown}" could not be read: {problem}; its TeX is shown as code: {todo}correct the TeX',
                tex.splitlines()[0].strip(),
            )


def _is_formula(el) -> bool:
    classes = (el.get("class") or "").split()
    return "math" in classes or "arithmatex" in classes


def _tex(el, eqno) -> tuple[str, bool]:
    """The formula's TeX without its delimiters, and whether it is displayed."""
    pieces = [el.text or ""]
    for child in el:
        if child is not eqno and isinstance(child.tag, str):
            pieces.append("".join(child.itertext()))
        pieces.append(child.tail or "")
    text = "".join(pieces).strip()
    display = el.tag == "div" or "display" in (el.get("class") or "").split()
    for opening, closing, shown in _DELIMITERS:
        if len(text) >= len(opening) + len(closing) and text.startswith(opening) and text.endswith(closing):
            return text[len(opening) : len(text) - len(closing)].strip(), display or shown
    return text, display


def macro_preamble(macros) -> str:
    """\\newcommand lines for the project's macros: {name: replacement} or {name: [replacement, arguments]}."""
    if not isinstance(macros, dict):
        return ""
    lines = []
    for name, value in sorted(macros.items(), key=lambda item: str(item[0])):
        arguments = 0
        if isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[1], int):
            value, arguments = value
        if not isinstance(name, str) or not re.fullmatch(r"\\?[A-Za-z]+", name) or not isinstance(value, str):
            continue  # not a macro MathJax or Sphinx would take either
        if _brace_problem(value) or not 0 <= arguments <= 9:
            continue  # it would break every formula after it
        count = f"[{arguments}]" if arguments > 0 else ""
        lines.append(f"\\newcommand{{\\{name.lstrip(chr(92))}}}{count}{{{value}}}")
    return "".join(lines)


def _mathml(tex: str, display: bool, preamble: str):
    """A fresh MathML element for tex, or None and what is wrong with the TeX."""
    made, problem = _cached_mathml(tex, display, preamble)
    return (copy.deepcopy(made) if made is not None else None), problem


@lru_cache(maxsize=4096)
def _cached_mathml(tex: str, display: bool, preamble: str):
    from latex2mathml.converter import Converter

    unbalanced = _brace_problem(tex)
    if unbalanced:
        return None, unbalanced
    try:
        source = preamble + _LABEL.sub("", chemistry(tex))
        tree = Converter(display="block" if display else "inline").convert_to_element(source)
    except Exception as error:  # noqa: BLE001 - latex2mathml raises what its parser meets; bad TeX is the user's
        return None, _reason(error)
    if _depth(tree) > MAX_DEPTH:
        return None, f"it nests more than {MAX_DEPTH} levels deep"
    for el in tree.iter():
        text = (el.text or "").strip()
        if el.tag in ("mi", "mo", "mtext") and _UNKNOWN_COMMAND.fullmatch(text):
            return None, f"{text} is {UNKNOWN}"
    math = etree.Element(MATH, nsmap={None: MATHML_NS})
    _copy_children(tree, math)
    _text_in_tokens(math)
    return math, None


_CE = re.compile(r"\\ce\s*\{")
_CHEMISTRY = re.compile(
    r"(?P<element>[A-Z][a-z]?)|(?P<number>\d+(?:\.\d+)?)|(?P<script>_(?:\{[^{}]*\}|\w)|\^(?:\{[^{}]*\}|\d*[+-]|\w))"
    r"|(?P<arrow><=>|<->|->|<-)|(?P<plus>\s*\+\s+|\s+\+\s*)|(?P<other>[()\[\]·.,\s]|[a-z])"
)
_ARROWS = {"->": "\\rightarrow", "<-": "\\leftarrow", "<->": "\\leftrightarrow", "<=>": "\\rightleftharpoons"}


def chemistry(tex: str) -> str:
    """mhchem's \\ce{…} for formulas and simple reactions (Li_{3+x}PS4, 2 H2 + O2 -> 2 H2O) as plain TeX.

    What this does not read is left as it is, and the converter reports \\ce as unknown.
    """
    out, pos = [], 0
    for match in _CE.finditer(tex):
        if match.start() < pos:
            continue
        depth, end = 1, match.end()
        while end < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[end], 0)
            end += 1
        written = _chemical(tex[match.end() : end - 1]) if depth == 0 else None
        if written is not None:
            out.append(tex[pos : match.start()] + written)
            pos = end
    return "".join(out) + tex[pos:] if out else tex


def _chemical(formula: str) -> str | None:
    parts, pos, after_species = [], 0, False
    while pos < len(formula):
        match = _CHEMISTRY.match(formula, pos)
        if match is None:
            return None
        kind, text = match.lastgroup, match.group()
        if kind == "element":
            parts.append(f"\\mathrm{{{text}}}")
        elif kind == "number":
            parts.append(f"_{{{text}}}" if after_species else text)
        elif kind == "script":
            parts.append(text if text[1] == "{" or len(text) == 2 else f"^{{{text[1:]}}}")
        elif kind == "arrow":
            parts.append(_ARROWS[text])
        elif kind == "plus":
            parts.append("+")
        else:
            parts.append("\\cdot " if text == "·" else "\\," if text.isspace() else text)
        after_species = kind in ("element", "script") or text in (")", "]")
        pos = match.end()
    return "{" + "".join(parts) + "}"


def _depth(tree) -> int:
    deepest, level = 0, [(tree, 1)]
    while level:
        el, depth = level.pop()
        deepest = max(deepest, depth)
        level.extend((child, depth + 1) for child in el)
    return deepest


def _brace_problem(tex: str) -> str | None:
    """What is wrong with tex's braces, if anything: latex2mathml reads {x as if it were closed."""
    depth, i = 0, 0
    while i < len(tex):
        if tex[i] == "\\":
            i += 2
            continue
        if tex[i] == "{":
            depth += 1
        elif tex[i] == "}":
            depth -= 1
            if depth < 0:
                return "a } closes a brace that was never opened"
        i += 1
    return f"{depth} {{ left unclosed" if depth else None


def _reason(error: Exception) -> str:
    name = type(error).__name__
    if name in ("NoAvailableTokensError", "StopIteration", "IndexError"):
        return "it ends too early (a brace, an argument or an \\end is missing)"
    if name in ("MissingSuperScriptOrSubscriptError",):
        return "a ^ or _ has nothing to attach to"
    detail = str(error).strip()
    return f"{name}{': ' + detail if detail else ''}"


def _copy_children(source, target) -> None:
    """Copy source's children into target: MathML elements and plain attributes only, text as text."""
    last = None
    for child in source:
        if child.tag in ELEMENTS:
            made = etree.SubElement(target, f"{{{MATHML_NS}}}{_tag(child)}")
            for name, value in child.attrib.items():
                if name in ATTRIBUTES and value.strip() and _PLAIN_VALUE.fullmatch(value):
                    made.set(name, value)
            made.text = html.unescape(child.text) if child.text else None
            _copy_children(child, made)
            last = made
        else:  # not MathML: only its text is kept
            _append_text(target, last, html.unescape("".join(child.itertext())))
        if child.tail:
            _append_text(target, last, html.unescape(child.tail))


def _text_in_tokens(math) -> None:
    """Put text that stands outside a token element into an <mtext>: MathML keeps text in tokens only."""
    for el in list(math.iter()):
        if etree.QName(el).localname in TOKENS:
            continue
        if el.text and el.text.strip():
            etree.SubElement(el, f"{{{MATHML_NS}}}mtext").text = el.text
            el.insert(0, el[-1])
        el.text = None
        for child in list(el):
            if child.tail and child.tail.strip():
                child.addnext(etree.Element(f"{{{MATHML_NS}}}mtext"))
                child.getnext().text = child.tail
            child.tail = None


def _tag(el) -> str:
    """el's tag, or mrow for a token element that holds elements (latex2mathml writes \\mathop{…} so)."""
    if el.tag in TOKENS and any(child.tag not in ("mglyph", "malignmark") for child in el):
        return "mrow"
    return el.tag


def _append_text(parent, last, text: str) -> None:
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _replace(el, mathml, tex: str, display: bool, eqno) -> None:
    mathml.set("display", "block" if display else "inline")
    mathml.set("alttext", tex)
    if el.tag == "div":
        tail, ident = el.tail, el.get("id")
        el.clear()
        el.set("class", "math")
        if ident:
            el.set("id", ident)
        if eqno is not None:
            eqno.tail = None
            el.append(eqno)
        el.append(mathml)
        el.tail = tail
        return
    if el.get("id"):
        mathml.set("id", el.get("id"))
    mathml.tail = el.tail
    el.getparent().replace(el, mathml)


def _show_source(el, tex: str) -> None:
    """The TeX as code where the formula was: <pre> for a display block, <code> in a line."""
    code = etree.Element("pre" if el.tag == "div" else "code", {"class": "math-error"})
    code.text = tex
    if el.get("id"):
        code.set("id", el.get("id"))
    code.tail = el.tail
    el.getparent().replace(el, code)
