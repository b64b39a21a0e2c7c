"""Obsidian's list properties (`tags`, `aliases`, `cssclasses`): one reader for every use.

The index (alias lookups, the graph's tags), the page (Material's tag chips, the hidden
search aliases, the `cssclasses`) and the diagnostics all read these values here, so a
note has the same tags and aliases wherever they show.

Obsidian's help (obsidian-help: Properties, Tags, Aliases) writes each as a YAML list;
before typed properties (1.4) it also documented one string, and vaults still hold both
forms (`tags: recipe, cooking`; `alias: Doggo`; `aliases: Doggo, Woofer, Yapper`), so:

* `tags` / `tag`: a list, or a string split on commas and white space (a tag has no
  space: `tags: attention math` is two tags, as Obsidian reads it);
* `aliases` / `alias`: a list, or a string split on commas only (an alias is a name and
  may hold spaces: `aliases: My Alias` is one alias);
* `cssclasses` / `cssclass`: a list, or a string split like tags (a class has no space).

The legacy singular keys (deprecated in 1.4) still add to the plural ones. An item is
text: YAML numbers, dates, booleans and nested values in a list are reported and left
out (quoted, they are text), as is a value that is neither a list nor a string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .grammar import is_tag

# (key, message, hint) of what a note's front matter holds that cannot be read.
Problem = tuple[str, str, str]
# One CSS class that needs no escaping in a selector (Unicode letters allowed).
CSS_CLASS_NAME_RE = re.compile(r"^-?[^\W\d][\w-]*$")


def _as_written(item: str) -> str:
    return item


@dataclass(frozen=True)
class ListProperty:
    """How one list property is read: its keys (current first, then the legacy one), what
    splits a string value into items, how an item is written (`#tag` is `tag`) and which
    items are valid, and the words its problems use."""

    keys: tuple[str, ...]
    separators: re.Pattern
    plural: str
    singular: str
    hint: str
    normalize: Callable[[str], str] = _as_written
    accepts: Callable[[str], bool] = bool


TAGS = ListProperty(
    ("tags", "tag"),
    re.compile(r"[,\s]+"),
    "tags",
    "tag",
    "a tag is letters, digits, _, - and /, with at least one non-digit",
    normalize=lambda item: item.removeprefix("#"),
    accepts=is_tag,
)
ALIASES = ListProperty(
    ("aliases", "alias"),
    re.compile(r","),
    "names",
    "name",
    "aliases are text: write [Name, Other name], a number or date in quotes",
)
CSS_CLASSES = ListProperty(
    ("cssclasses", "cssclass"),
    re.compile(r"[,\s]+"),
    "classes",
    "CSS class",
    "a class is letters, digits, _ and -, not starting with a digit",
    accepts=lambda item: CSS_CLASS_NAME_RE.match(item) is not None,
)


@dataclass
class ListValue:
    """The valid items of a list property, in order, each with the key it came from, and
    the problems met reading it, in the order of the items."""

    entries: list[tuple[str, str]] = field(default_factory=list)  # (key, item)
    problems: list[Problem] = field(default_factory=list)

    @property
    def items(self) -> list[str]:
        """The items alone, in order."""
        return [item for _key, item in self.entries]


def read_list(meta: dict, prop: ListProperty) -> ListValue:
    """The items of `prop` in a note's front matter `meta` (see the module docstring).

    Never raises: a value of the wrong kind is a problem to report at the key's line.
    """
    result = ListValue()
    for key in prop.keys:
        value = meta.get(key)
        if value is None:
            continue  # `tags:` with nothing after it: no items
        if isinstance(value, str):
            items: list[object] = prop.separators.split(value)
        elif isinstance(value, list):
            items = value
        else:
            message = f"'{key}: {value!r}' is not a list of {prop.plural}"
            result.problems.append((key, message, prop.hint))
            continue
        for item in items:
            if item is None:
                continue  # an empty list item (`- `): Obsidian shows nothing either
            if not isinstance(item, str):
                message = f"{item!r} in '{key}' is not a {prop.singular}"
                result.problems.append((key, message, prop.hint))
                continue
            name = prop.normalize(item.strip())
            if prop.accepts(name):
                result.entries.append((key, name))
            elif name:
                message = f"'{item}' in '{key}' is not a {prop.singular}"
                result.problems.append((key, message, prop.hint))
    return result


@dataclass
class FrontMatterTags:
    """Tags read from front matter (no `#`), and what could not be read."""

    tags: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def front_matter_tags(meta: dict) -> FrontMatterTags:
    """`tags` (and `tag`), `#` optional; an item that is no tag is a problem (Obsidian shows
    such a property as invalid, too)."""
    value = read_list(meta, TAGS)
    return FrontMatterTags(value.items, value.problems)


@dataclass
class FrontMatterAliases:
    """A note's other names (`aliases`, `alias`), and what could not be read."""

    names: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def front_matter_aliases(meta: dict) -> FrontMatterAliases:
    """`aliases` (and `alias`): every text item is a name a link or a search may use."""
    value = read_list(meta, ALIASES)
    return FrontMatterAliases(value.items, value.problems)
