"""`build_api.build_site`: the one in-process build the command line and the tests use."""

from __future__ import annotations

import pytest
from helpers import write_config, write_vault
from mkdocs.exceptions import Abort
from mkdocs_vault.build_api import build_site


def _vault(tmp_path, text: str):
    write_vault(tmp_path, {"Home.md": text})
    return write_config(tmp_path)


def test_a_clean_build_returns_its_config_and_no_warning(tmp_path):
    result = build_site(_vault(tmp_path, "# Home\n"), site_dir=tmp_path / "out")
    assert not result.aborted and result.warnings == []
    assert (tmp_path / "out" / "Home" / "index.html").exists()
    assert result.config.plugins["vault"].index.notes  # the plugin's state is reachable


def test_a_strict_build_with_a_warning_aborts_and_keeps_what_it_logged(tmp_path):
    config = _vault(tmp_path, "# Home\n\n[[Nowhere]]\n")
    with pytest.raises(Abort):
        build_site(config, strict=True)
    result = build_site(config, strict=True, keep_going=True)
    assert result.aborted
    assert any("vault/Home.md:3: note 'Nowhere' not found" in w for w in result.warnings)
