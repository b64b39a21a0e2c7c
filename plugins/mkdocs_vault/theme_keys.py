"""Front-matter keys that MkDocs and the theme obey, checked before they can stop a build.

A note's front matter is the vault writer's, but some keys are instructions to MkDocs or
the theme, used without a check: `template:` is loaded by MkDocs for the page (a name
that does not exist raises `TemplateNotFound` and stops the whole build); Material
includes `.icons/<icon>.svg` for `icon:` (the same), tests `"toc" in hide` (a number
raises `TypeError`) and reads `search:` as a mapping (`search: yes` raises
`AttributeError`). Each is checked here against what its reader accepts; a bad value is
reported on its note (`path:line`) and dropped from the page's metadata, so the page is
built as if the key were absent.

Template and icon names are checked with the theme's own Jinja loader, which also
refuses names that climb out of the theme (`..`).
"""

from __future__ import annotations

import jinja2

# Material's `hide:` values (its documentation lists these; others are harmless).
_HIDE_ITEMS = ("navigation", "toc", "footer", "path", "tags", "feedback")


class ThemeKeys:
    """Checks one page's metadata against the theme of a build (templates looked up once)."""

    def __init__(self, theme) -> None:
        self.theme = theme
        self.material = theme is not None and theme.name == "material"
        self._env: jinja2.Environment | None = None
        self._known: dict[str, bool] = {}

    def _exists(self, name: str) -> bool:
        found = self._known.get(name)
        if found is None:
            if self._env is None:
                self._env = self.theme.get_env()
            try:
                self._env.loader.get_source(self._env, name)
                found = True
            except (jinja2.TemplateNotFound, OSError, ValueError):
                found = False
            self._known[name] = found
        return found

    def problems(self, meta: dict) -> list[tuple[str, str, str]]:
        """(key, message, hint) for each key of `meta` its reader would fail on."""
        found = []
        template = meta.get("template")
        if template is not None and not (isinstance(template, str) and self._exists(template)):
            found.append(
                (
                    "template",
                    f"template {_quoted(template)} is not a template of the theme; ignored",
                    "remove `template:`, or name one of the theme's templates",
                )
            )
        if not self.material:
            return found  # the keys below are Material's; other themes ignore them
        icon = meta.get("icon")
        if icon is not None and not (
            isinstance(icon, str) and icon and self._exists(f".icons/{icon}.svg")
        ):
            found.append(
                (
                    "icon",
                    f"icon {_quoted(icon)} is not an icon of the theme; ignored",
                    "name one of Material's icons, e.g. icon: material/star",
                )
            )
        hide = meta.get("hide")
        if hide is not None and not (
            isinstance(hide, str)  # `"toc" in "toc"` holds: one item written without a list
            or (isinstance(hide, list) and all(isinstance(item, str) for item in hide))
        ):
            found.append(
                (
                    "hide",
                    f"'hide: {hide!r}' is not a list of what to hide; ignored",
                    f"write e.g. hide: [{', '.join(_HIDE_ITEMS[:2])}]",
                )
            )
        search = meta.get("search")
        if search is not None and not _search_ok(search):
            found.append(
                (
                    "search",
                    f"'search: {search!r}' is not a mapping of exclude and boost; ignored",
                    "write search: {exclude: true} or search: {boost: 2}",
                )
            )
        return found


def _search_ok(search: object) -> bool:
    if not isinstance(search, dict):
        return False
    boost = search.get("boost", 1)
    return isinstance(search.get("exclude", False), bool) and (
        isinstance(boost, (int, float)) and not isinstance(boost, bool)
    )


def _quoted(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)
