# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress of long MDM pulls, printed on the controller at normal verbosity."""

from __future__ import annotations

from ansible.utils.display import Display

display = Display()


def show_progress(name, pages, devices, seconds):
    rate = devices / seconds if seconds > 0 else 0.0
    display.display("hardening.signal: %s: %d page(s), %d device(s) so far, %.0f devices/s" % (name, pages, devices, rate))
