# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters the role uses to write GNOME's dconf files (rendering lives in module_utils, where it is tested)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hardening.signal.plugins.module_utils.desktop import gnome_lock


def signal_dconf_keyfile(minutes):
    """Text of the role's dconf keyfile (gnome_lock.KEYFILE_PATH)."""
    try:
        return gnome_lock.keyfile(minutes)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError("signal_dconf_keyfile: %s" % exc)


def signal_dconf_locks(_ignored=None):
    """Text of the role's dconf locks file (gnome_lock.LOCKS_PATH)."""
    return gnome_lock.locks()


class FilterModule(object):
    def filters(self):
        return {"signal_dconf_keyfile": signal_dconf_keyfile, "signal_dconf_locks": signal_dconf_locks}
