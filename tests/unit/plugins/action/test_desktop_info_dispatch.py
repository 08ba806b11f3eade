# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desktop_info action picks the PowerShell collector for Windows shells and the Python probe otherwise."""
from __future__ import annotations

import pytest

from ansible.plugins.loader import shell_loader

from ansible_collections.hardening.signal.plugins.action import desktop_info


@pytest.mark.parametrize("shell, module", [
    ("powershell", "hardening.signal.win_desktop_info"),
    ("sh", "hardening.signal.desktop_info"),
    ("cmd", "hardening.signal.win_desktop_info"),  # cmd hosts run PowerShell modules too
])
def test_real_shell_plugins_map_to_the_right_probe(shell, module):
    # The shell plugins Ansible itself loads for these shell types carry the flag the action reads.
    plugin = shell_loader.get(shell)
    assert desktop_info.probe_module(getattr(plugin, "_IS_WINDOWS", False)) == module
