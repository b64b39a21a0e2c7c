"""The plugin's features: each one class in its own module, owning its state.

`plugin.py` is the MkDocs adapter: it builds the `BuildContext`, does the core steps
(walk, scan, index, the note parser, the renderer) and calls every feature's hooks in
the order of `FEATURES`. The order, and why, is written here once:

1. `Sanitizing` first: it judges attachments (`inert_attachments`) before any file of
   ours (scripts among them) joins the site's files.
2. `Assets` then adds the plugin's stylesheet and scripts.
3. `Folders` sets a navigation of folders (its generated index pages are notes).
4. `Execution` plans the snippets (jobs run while pages render) before any page renders,
   and reports what they changed in the vault first when pages are done.
5. `Tags`, `CssClasses`, `Theme` read a page's front matter in that order (the order of
   their warnings), before Material's tags plugin reads `page.meta["tags"]`.
6. `Graph` then `Backlinks`: a note's page ends with its local graph, then its mentions.
7. `Search` names aliases in the page and drops tables of contents search would choke on.
8. `Anchors` last: it corrects links only once every page has rendered its ids, and
   rewrites the finished page after the others have written theirs.

A feature can be removed from `FEATURES` with its module and tests; no other feature
imports it.
"""

from __future__ import annotations

from .anchors import Anchors
from .assets import Assets
from .backlinks import Backlinks
from .base import Feature
from .cssclasses import CssClasses
from .execution import Execution
from .folders import Folders
from .graph import Graph
from .sanitizing import Sanitizing
from .search import Search
from .tags import Tags
from .theme import Theme

FEATURES: tuple[type[Feature], ...] = (
    Sanitizing,
    Assets,
    Folders,
    Execution,
    Tags,
    CssClasses,
    Theme,
    Graph,
    Backlinks,
    Search,
    Anchors,
)

__all__ = ["FEATURES", "Feature"]
