# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""20auto-upgrades: the two periodic settings switched on, every other line kept."""
from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.desktop import auto_upgrades


def values(text):
    return auto_upgrades.current_values(text)


ON = {"APT::Periodic::Update-Package-Lists": "1", "APT::Periodic::Unattended-Upgrade": "1"}


def test_absent_file_gets_both_settings():
    assert auto_upgrades.render(None) == ('APT::Periodic::Update-Package-Lists "1";\n'
                                          'APT::Periodic::Unattended-Upgrade "1";\n')


def test_debians_disabled_file_is_switched_on_in_place():
    # What the package writes when its debconf question was answered "no".
    current = 'APT::Periodic::Update-Package-Lists "0";\nAPT::Periodic::Unattended-Upgrade "0";\n'
    assert auto_upgrades.render(current) == auto_upgrades.render(None)


def test_other_lines_and_comments_are_kept():
    current = ('// site settings\nAPT::Periodic::Update-Package-Lists "1";\n'
               'APT::Periodic::AutocleanInterval "7";\napt::periodic::unattended-upgrade "0"; // off for now\n')
    new = auto_upgrades.render(current)
    assert new == ('// site settings\nAPT::Periodic::Update-Package-Lists "1";\n'
                   'APT::Periodic::AutocleanInterval "7";\nAPT::Periodic::Unattended-Upgrade "1"; // off for now\n')
    assert values(new) == ON


def test_a_block_form_is_overridden_by_a_line_at_the_end():
    current = 'APT { Periodic { Unattended-Upgrade "0"; Update-Package-Lists "1"; }; };'
    new = auto_upgrades.render(current)
    assert new.startswith(current + "\n")
    assert values(new) == ON


def test_unparsable_file_is_replaced_whole():
    assert auto_upgrades.render('APT::Periodic::Unattended-Upgrade "1"\n{') == auto_upgrades.render(None)


@pytest.mark.parametrize("current", [None, 'APT::Periodic::Unattended-Upgrade "0";\n', "APT { Periodic { X \"1\"; }; };\n", ""])
def test_rendering_is_idempotent(current):
    once = auto_upgrades.render(current)
    assert auto_upgrades.render(once) == once
    assert values(once) == ON


def test_already_on_is_left_byte_for_byte():
    current = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\nAPT::Periodic::Verbose "2";'
    assert auto_upgrades.render(current) == current
