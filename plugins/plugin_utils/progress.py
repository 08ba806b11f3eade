# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress of long MDM pulls, shown on the controller's stderr at normal verbosity.

Never on stdout: a stdout callback such as ansible.builtin.json owns stdout, and one extra line there makes its
output unreadable for whatever parses it (CI jobs, ansible-runner's consumers).
"""

from __future__ import annotations

from ansible.utils.display import Display

display = Display()


def progress_line(name, pages, devices, seconds):
    rate = devices / seconds if seconds > 0 else 0.0
    return "hardening.signal: %s: %d page(s), %d device(s) so far, %.0f devices/s" % (name, pages, devices, rate)


def show_progress(name, pages, devices, seconds):
    display.display(progress_line(name, pages, devices, seconds), stderr=True)
