"""Obsidian's link resolution rules, one row per rule."""

import pytest
from mkdocs_vault.anchors import AnchorMaker
from mkdocs_vault.grammar import parse_target
from mkdocs_vault.index import VaultIndex
from mkdocs_vault.resolve import Resolver
from pymdownx.slugs import slugify

VAULT = {
    "Home.md": "# Home\n",
    "Softmax.md": "---\naliases: [normalized exponential]\n---\n# Softmax\n## Temperature\n### Low\n## Temperature\nA paragraph. ^def\n",
    "a/Dup.md": "# A dup\n",
    "b/Dup.md": "# B dup\n",
    "b/c/Deep.md": "# Deep\n",
    "x/Case.md": "",
    "y/case.md": "",
    "Внимание.md": "# Механизм внимания\n",
    "Attention is All You Need! (2017).md": "",
    "hidden/Secret.md": "---\npublish: false\n---\n",
    "Multi.md": "# A\n## Shared\nx\n# B\n## Shared\n",
}
ATTACHMENTS = ["img/paper.pdf", "Pasted image 1.png"]


@pytest.fixture(scope="module")
def resolver():
    index = VaultIndex(AnchorMaker(slugify(case="lower"), "-"))
    for uri, text in VAULT.items():
        index.add_note(uri, text)
    for uri in ATTACHMENTS:
        index.add_attachment(uri)
    return Resolver(index)


@pytest.mark.parametrize(
    ("source", "body", "uri", "anchor"),
    [
        ("Home.md", "Softmax", "Softmax.md", None),
        ("Home.md", "softmax", "Softmax.md", None),
        ("Home.md", " Softmax ", "Softmax.md", None),
        ("Home.md", "Softmax.md", "Softmax.md", None),
        ("Home.md", "Softmax|the function", "Softmax.md", None),
        ("Home.md", "normalized exponential", "Softmax.md", None),
        ("Home.md", "NORMALIZED EXPONENTIAL", "Softmax.md", None),
        ("Home.md", "Softmax#temperature", "Softmax.md", "temperature"),
        ("Home.md", "Softmax#Temperature#Low", "Softmax.md", "low"),
        ("Home.md", "Softmax#^def", "Softmax.md", "^def"),
        ("Softmax.md", "#Low", "Softmax.md", "low"),
        ("Home.md", "Deep", "b/c/Deep.md", None),
        ("Home.md", "c/Deep", "b/c/Deep.md", None),
        ("Home.md", "b/c/Deep", "b/c/Deep.md", None),
        ("Home.md", "/b/c/Deep", "b/c/Deep.md", None),
        ("b/Dup.md", "Dup", "b/Dup.md", None),
        ("a/Dup.md", "Dup", "a/Dup.md", None),
        ("Home.md", "a/Dup", "a/Dup.md", None),
        ("b/c/Deep.md", "../Dup", "b/Dup.md", None),
        ("Home.md", "Case", "x/Case.md", None),
        ("Home.md", "case", "y/case.md", None),
        ("Home.md", "внимание#механизм ВНИМАНИЯ", "Внимание.md", "механизм-внимания"),
        ("Home.md", "Attention is All You Need! (2017)", "Attention is All You Need! (2017).md", None),
        ("Home.md", "paper.pdf", "img/paper.pdf", None),
        ("Home.md", "Pasted image 1.png", "Pasted image 1.png", None),
        ("Home.md", "Multi#B#Shared", "Multi.md", "shared_1"),
        ("Home.md", "Multi#A#Shared", "Multi.md", "shared"),
        ("Home.md", "Softmax#Temperature", "Softmax.md", "temperature"),
    ],
)
def test_resolves_like_obsidian(resolver, source, body, uri, anchor):
    index = resolver.index
    resolution = resolver.resolve(parse_target(body), index.notes[source])
    target = resolution.note or resolution.attachment
    assert target is not None, resolution.problems
    assert target.src_uri == uri
    assert resolution.anchor == anchor


@pytest.mark.parametrize(
    ("source", "body", "message", "hint"),
    [
        ("Home.md", "Sofmax", "note 'Sofmax' not found", "did you mean [[Softmax]]?"),
        ("Home.md", "Nothing at all", "note 'Nothing at all' not found", "create the note"),
        ("Home.md", "Softmax#Temprature", "heading '#Temprature' not found", "did you mean #Temperature?"),
        ("Home.md", "Softmax#^nope", "block '^nope' not found", ""),
        ("Home.md", "Dup", "ambiguous link 'Dup' matches 2 files: a/Dup.md, b/Dup.md", "add a folder"),
        ("Home.md", "Secret", "not published", ""),
        ("Home.md", "missing.png", "attachment 'missing.png' not found", ""),
        ("Home.md", "../../outside", "leaves the vault", ""),
        ("Home.md", "#", "empty link", ""),
        ("Home.md", "Softmax#Low#Temperature", "heading '#Low#Temperature' not found", ""),
    ],
)
def test_reports_what_is_wrong_and_a_hint(resolver, source, body, message, hint):
    resolution = resolver.resolve(parse_target(body), resolver.index.notes[source])
    assert resolution.problems, "expected a problem"
    problem = resolution.problems[0]
    assert message in problem.message
    assert hint in problem.hint


@pytest.mark.parametrize(
    ("source", "body"),
    [
        ("Home.md", "../outside"),
        ("b/c/Deep.md", "../../../outside"),
        ("Home.md", "sub/../../secret"),
        ("b/c/Deep.md", "b/c/../../../secret"),
        ("Home.md", "/a/../../secret"),
        ("Home.md", "sub\\..\\..\\secret"),
        ("Home.md", "sub/../../secret.txt"),
    ],
)
def test_a_path_that_climbs_out_of_the_vault_is_said_to_leave_it(resolver, source, body):
    resolution = resolver.resolve(parse_target(body), resolver.index.notes[source])
    assert [(p.message, p.hint) for p in resolution.problems] == [
        (f"link '{body}' leaves the vault", "link inside the vault")
    ]


def test_ambiguous_bare_name_picks_closest_candidate(resolver):
    resolution = resolver.resolve(parse_target("Dup"), resolver.index.notes["Home.md"])
    assert resolution.note.src_uri == "a/Dup.md"  # same depth: alphabetical, and still reported
    assert "ambiguous" in resolution.problems[0].message


def test_exact_case_is_preferred_over_case_folded_match(resolver):
    exact = resolver.resolve(parse_target("Case"), resolver.index.notes["Home.md"])
    folded = resolver.resolve(parse_target("case"), resolver.index.notes["Home.md"])
    assert (exact.note.src_uri, folded.note.src_uri) == ("x/Case.md", "y/case.md")
    assert not exact.problems and not folded.problems
