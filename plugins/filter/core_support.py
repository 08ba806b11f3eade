# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Why an ansible-core version is not supported, or an empty string: the role's first check reads it."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.plugin_utils.core_support import unsupported_core


def core_support(version):
    return unsupported_core(version) or ""


class FilterModule(object):
    def filters(self):
        return {"core_support": core_support}
