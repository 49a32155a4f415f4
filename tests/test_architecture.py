"""The layout docs/architecture.md describes is the one in packager/, and its imports keep the one-way flow."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import grimp

from conftest import REPO
from validators import require_tool

PACKAGE = REPO / "packager"
DOC = REPO / "docs" / "architecture.md"


def _folders() -> list[str]:
    return sorted(
        p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"
    )


def _modules() -> list[Path]:
    """Every module, but a package's __init__.py that holds only its docstring."""
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py" or len(ast.parse(p.read_text(encoding="utf-8")).body) > 1
    )


def _sections() -> dict[str, str]:
    """The page's text under each '### `packager/<folder>/`' heading, by folder ('' for the package itself)."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### `packager/([\w/]*)`.*$", text, flags=re.M)
    return {name.strip("/"): body for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_every_folder_and_module_of_the_package_is_in_the_architecture_page():
    sections = _sections()
    missing = []
    for folder in _folders():
        top, _, inner = folder.partition("/")
        if top not in sections or (inner and f"`{inner}/`" not in sections[top]):
            missing.append(folder + "/")
    for module in _modules():
        parts = module.relative_to(PACKAGE).parts
        section = sections.get(parts[0] if len(parts) > 1 else "", "")
        if f"`{parts[-1]}`" not in section or (len(parts) > 2 and f"`{parts[1]}/`" not in section):
            missing.append("/".join(parts))
    assert missing == [], f"not described in docs/{DOC.name}: {missing}"


def test_every_path_the_page_names_exists():
    text = DOC.read_text(encoding="utf-8")
    for folder in re.findall(r"^### `packager/([\w/]+)/`", text, re.M):
        assert (PACKAGE / folder).is_dir(), folder


def test_no_import_cycle_between_modules():
    """Strongly connected parts of the module import graph (function-level imports count too)."""
    graph = grimp.build_graph("packager", exclude_type_checking_imports=True)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    assert cycles == []


def test_lint_imports_keeps_every_contract():
    lint = shutil.which("lint-imports") or str(Path(REPO / ".venv" / "bin" / "lint-imports"))
    require_tool("lint-imports", Path(lint).exists(), "pip install import-linter")
    done = subprocess.run([lint], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
