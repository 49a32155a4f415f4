"""Find a theme's files through a chain (project ``theme/`` -> named theme -> default) and render its templates.

Every template, built in or the project's own, is rendered in Jinja2's
immutable sandbox with only the data the renderer hands it: a project's
templates are shared, reviewed in pull requests and built in CI, and must not
be able to run code or read a file (``cycler.__init__.__globals__`` and the like).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from packager.errors import ConfigError, ContentError

if TYPE_CHECKING:
    import jinja2

PROJECT_THEME_DIR = "theme"
#: The folder every theme is built on (templates, the structure of each stylesheet, the fallback fonts):
#: not a theme itself, so not listed.
BASE = "base"
DEFAULT_THEME = "handbook"
#: Names a theme was known by before: a project that names one still builds.
ALIASES = {"default": DEFAULT_THEME}
#: The fonts every theme can fall back on, listed in the base theme.
FALLBACK_FONTS = "fonts/fonts.toml"
#: The globals a template may use besides what the renderer passes: Jinja's defaults without the
#: objects (lipsum, cycler, joiner) whose only use in a book would be as a way out of the sandbox.
TEMPLATE_GLOBALS = ("range", "dict", "namespace")


def themes_root() -> Path:
    """Where the bundled themes live: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "themes"
    return installed if installed.is_dir() else here.parent / "themes"


def available() -> list[str]:
    """The built-in themes' names."""
    return sorted(p.name for p in themes_root().iterdir() if p.name != BASE and (p / "theme.toml").is_file())


@dataclass(frozen=True)
class ThemeFont:
    """A font family a theme ships: who made it, its licence, and its files along the chain."""

    name: str
    author: str | None
    source: str | None
    license: str | None
    files: tuple[Path, ...]


FONT_KEYS = ("name", "license", "author", "source")


def describe(name: str) -> dict:
    """A built-in theme as ``packager themes`` shows it: its name, theme.toml's description and fonts."""
    import tomllib

    data = tomllib.loads((themes_root() / name / "theme.toml").read_text(encoding="utf-8"))
    fonts = [f for f in data.get("fonts", []) if isinstance(f, dict)]
    return {
        "name": name,
        "description": str(data.get("description") or ""),
        "fonts": [{key: (str(f[key]) if f.get(key) is not None else None) for key in FONT_KEYS} for f in fonts],
    }


@dataclass(frozen=True)
class Theme:
    """The folders a theme's files are looked up in, most specific first."""

    name: str
    folders: tuple[Path, ...]
    project: Path | None = None  # the project's own theme/ folder (folders[0]) when it has one

    def find(self, name: str) -> Path:
        """Return the first file called name along the chain."""
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(f"theme {self.name!r} has no file {name!r}")

    def read_text(self, name: str) -> str:
        return self.find(name).read_text(encoding="utf-8")

    def data(self) -> dict:
        """The theme's theme.toml (the project's own, when its theme/ folder has one)."""
        import tomllib

        return tomllib.loads(self.read_text("theme.toml"))

    def fonts(self) -> tuple[ThemeFont, ...]:
        """The fonts the theme's text is set in: embedded in every book and credited in it."""
        return self._own_fonts

    def fallback_fonts(self) -> tuple[ThemeFont, ...]:
        """The fonts for what the theme's own do not cover (scripts, emoji): used where a book needs them."""
        return self._fallback_fonts

    # Read once per Theme (a build loads its theme afresh): the credits, the cover, the fontconfig file,
    # the EPUB's fonts and the glyph checks all ask, the PDF once per part.
    @cached_property
    def _own_fonts(self) -> tuple[ThemeFont, ...]:
        return self._fonts(self.data())

    @cached_property
    def _fallback_fonts(self) -> tuple[ThemeFont, ...]:
        import tomllib

        return self._fonts(tomllib.loads(self.read_text(FALLBACK_FONTS)))

    def _fonts(self, data: dict) -> tuple[ThemeFont, ...]:
        found = []
        for entry in data.get("fonts", []):
            try:
                files = tuple(self.find(name) for name in entry.get("files", []))
            except FileNotFoundError as error:
                raise ConfigError(
                    f"the theme's font {entry.get('name')!r}: {error}; add the file or remove it from theme.toml",
                    path=self.find("theme.toml"),
                ) from None
            found.append(
                ThemeFont(entry["name"], entry.get("author"), entry.get("source"), entry.get("license"), files)
            )
        return tuple(found)

    def environment(self) -> jinja2.Environment:
        """Jinja environment over the chain; ``base/<name>`` always reaches the default theme."""
        # One per Theme object: a build compiles each template once, and the next build, with a
        # Theme loaded afresh, sees every file the theme has by then.
        if not (_current and _current[0] is self):
            _current[:] = [self, _environment(self.folders, sandboxed=self.project is not None)]
        return _current[1]

    def compile(self, folders: tuple[str, ...]) -> None:
        """Compile the templates in these folders now; a broken one is left for its renderer to report."""
        import jinja2

        env = self.environment()
        for name in env.list_templates(extensions=("html", "xhtml")):
            if name.startswith(folders):
                with suppress(jinja2.TemplateError):
                    env.get_template(name)

    def render(self, name: str, **data) -> str:
        """Render the template called name with data; a project template's mistake is one line naming it."""
        import jinja2

        try:
            return self.environment().get_template(name).render(**data)
        except jinja2.TemplateError as error:
            raise self._template_error(error, name) from None

    def _template_error(self, error, name: str) -> Exception:
        """A PackagerError for a problem in the project's template or a sandbox refusal; anything else is a bug."""
        import jinja2.sandbox

        where, line = _template_location(error)
        theirs = self.project is not None and where is not None and Path(where).resolve().is_relative_to(self.project)
        if not theirs and not isinstance(error, jinja2.sandbox.SecurityError):
            return error
        shown = Path(where).resolve() if where else None
        if shown is not None and self.project is not None and shown.is_relative_to(self.project.parent):
            shown = shown.relative_to(self.project.parent)
        reason = (error.message or type(error).__name__).rstrip(".")
        what = (
            f"template {name!r} reaches for something templates may not use ({reason}); "
            "templates get only the book's data, never Python internals"
            if isinstance(error, jinja2.sandbox.SecurityError)
            else f"template {name!r} cannot be rendered ({reason})"
        )
        return ContentError(f"{what}; fix the template or remove it", path=shown or name, line=line)


_current: list = []  # [the Theme last asked for its environment, that environment]


def _template_location(error) -> tuple[str | None, int | None]:
    """The template file and line an error happened at, as Jinja reports it in its traceback."""
    filename = getattr(error, "filename", None)
    if filename:
        return filename, getattr(error, "lineno", None)
    found: tuple[str | None, int | None] = (None, None)
    frame = error.__traceback__
    while frame is not None:
        path = frame.tb_frame.f_code.co_filename
        if not path.endswith(".py") and Path(path).is_file():  # Jinja puts the template's own lines here
            found = (path, frame.tb_lineno)
        frame = frame.tb_next
    return found


def _environment(folders: tuple[Path, ...], sandboxed: bool = True) -> jinja2.Environment:
    """The templates of the chain; sandboxed when a project's own templates are in it.

    The sandbox checks every attribute a template reads (a third of a web page's rendering time): packager's
    own themes do without it, a project's theme/ folder never does.
    """
    import jinja2  # here, not at the top: a build imports it while the articles render
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"base": jinja2.FileSystemLoader(str(folders[-1]))}, delimiter="/"),
            *(jinja2.FileSystemLoader(str(folder)) for folder in folders),
        ]
    )
    env = (ImmutableSandboxedEnvironment if sandboxed else jinja2.Environment)(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xhtml", "xml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals = {name: env.globals[name] for name in TEMPLATE_GLOBALS if name in env.globals}
    return env


def load(name: str, source: Path) -> Theme:
    """Build the lookup chain for theme name, or fail naming the themes there are."""
    root = themes_root()
    name = ALIASES.get(name, name)
    named = root / name
    if name == BASE or not (named / "theme.toml").is_file():
        raise ConfigError(f"'output.theme' must be one of {available()}, got {name!r}", path=source / "packager.toml")
    folders = [named]
    project = source / PROJECT_THEME_DIR
    if project.is_dir():
        folders.insert(0, project)
    folders.append(root / BASE)
    return Theme(name=name, folders=tuple(folders), project=project.resolve() if project.is_dir() else None)
