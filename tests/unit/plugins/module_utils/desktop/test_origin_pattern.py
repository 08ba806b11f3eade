# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal's origin for unattended-upgrades, in a file of its own."""
from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.desktop import origin_pattern
from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_conf


def test_default_pattern_matches_signals_release_file():
    pattern = origin_pattern.default_pattern("xenial")
    assert pattern == "origin=. xenial,codename=xenial"
    assert origin_pattern.matches_signal(pattern, "xenial", "updates.signal.org")
    assert not origin_pattern.matches_signal("origin=Debian,codename=bookworm", "xenial", "updates.signal.org")


def test_snippet_adds_one_origins_pattern_item():
    text = origin_pattern.render("origin=. xenial,codename=xenial")
    config = apt_conf.AptConfig()
    config.feed('Unattended-Upgrade::Origins-Pattern { "origin=Debian,codename=${distro_codename},label=Debian"; };')
    config.feed(text)
    # Appended to what the distribution's file lists, not replacing it.
    assert config.list("Unattended-Upgrade::Origins-Pattern") == [
        "origin=Debian,codename=${distro_codename},label=Debian", "origin=. xenial,codename=xenial"]
    assert "50unattended-upgrades is left untouched" in text


@pytest.mark.parametrize("pattern", ["", "   ", 'origin=x"; evil "y', "origin=a;b", "nokey", "colour=blue", "origin=a\nb"])
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(origin_pattern.PatternError):
        origin_pattern.render(pattern)


def test_a_mirror_pattern_is_accepted():
    text = origin_pattern.render("origin=Example Mirror,codename=xenial")
    assert '"origin=Example Mirror,codename=xenial";' in text
