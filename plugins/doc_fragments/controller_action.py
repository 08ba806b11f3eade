# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes shared by the modules that run entirely in their action plugin, on the controller."""

from __future__ import annotations


class ModuleDocFragment(object):
    # A module's own attribute entries win over these (ansible-doc merges the fragment under them).
    DOCUMENTATION = r"""
attributes:
  action:
    support: full
    details: Everything runs in the action, on the controller.
  async:
    support: none
  bypass_host_loop:
    support: none
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
    details: Runs on the controller only.
"""
