"""Find a theme's files through a chain: project ``theme/`` -> named theme -> default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packager.errors import ConfigError

if TYPE_CHECKING:
    import jinja2

PROJECT_THEME_DIR = "theme"


def themes_root() -> Path:
    """Where the bundled themes live: inside the installed package, or beside it in a checkout."""
    installed = Path(__file__).parent / "themes"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "themes"


def available() -> list[str]:
    return sorted(p.name for p in themes_root().iterdir() if (p / "theme.toml").is_file())


@dataclass(frozen=True)
class Theme:
    """The folders a theme's files are looked up in, most specific first."""

    name: str
    folders: tuple[Path, ...]

    def find(self, name: str) -> Path:
        """Return the first file called name along the chain."""
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(f"theme {self.name!r} has no file {name!r}")

    def read_text(self, name: str) -> str:
        return self.find(name).read_text(encoding="utf-8")

    def environment(self) -> jinja2.Environment:
        """Jinja environment over the chain; ``base/<name>`` always reaches the default theme."""
        # One per Theme object: a build compiles each template once, and the next build, with a
        # Theme loaded afresh, sees every file the theme has by then.
        if not (_current and _current[0] is self):
            _current[:] = [self, _environment(self.folders)]
        return _current[1]


_current: list = []  # [the Theme last asked for its environment, that environment]


def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    import jinja2  # here, not at the top: a build imports it while the articles render

    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"base": jinja2.FileSystemLoader(str(folders[-1]))}, delimiter="/"),
            *(jinja2.FileSystemLoader(str(folder)) for folder in folders),
        ]
    )
    return jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xhtml", "xml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def load(name: str, source: Path) -> Theme:
    """Build the lookup chain for theme name, or fail naming the themes there are."""
    root = themes_root()
    named = root / name
    if not (named / "theme.toml").is_file():
        raise ConfigError(f"'output.theme' must be one of {available()}, got {name!r}", path=source / "packager.toml")
    folders = [named]
    project = source / PROJECT_THEME_DIR
    if project.is_dir():
        folders.insert(0, project)
    default = root / "default"
    if named != default:
        folders.append(default)
    return Theme(name=name, folders=tuple(folders))
