# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which ansible-core versions the collection runs on, and the message for one it does not.

On an older core the run used to die deep in the judge (a TypeError in the engine) after probing every host, and
Ansible only warns about meta/runtime.yml's requires_ansible. The role checks this first, and the controller
actions check it again for playbooks that call them directly.
"""

from __future__ import annotations

import re

# meta/runtime.yml's requires_ansible (a unit test keeps the two equal) and what the tests run with.
REQUIRES_ANSIBLE = ">=2.19.0"
TESTED = "2.19"

# X.Y[.Z] and anything after it: a pre-release (2.19.0rc1, 2.19.0.dev0) comes before X.Y.Z itself.
_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(.*)$")


def _release(text):
    """(major, minor, patch, 1 for a release or 0 for a pre-release), or None when the text is no version."""
    match = _VERSION.match(str(text).strip())
    if not match:
        return None
    major, minor, patch, rest = match.groups()
    return int(major), int(minor), int(patch or 0), 1 if not rest or rest.startswith("+") else 0


def unsupported_core(version):
    """None when ansible-core `version` (a string such as "2.19.14") is supported; otherwise what to tell the user."""
    running, minimum = _release(version), _release(REQUIRES_ANSIBLE[len(">="):])
    if running is not None and running >= minimum:
        return None
    return ("hardening.signal needs ansible-core %s (meta/runtime.yml requires_ansible; tested with %s, the version "
            "requirements.txt pins), but this controller runs ansible-core %s. Install a supported one, for example "
            "pip install 'ansible-core>=%s,<2.20', or run the job in the collection's execution environment."
            % (REQUIRES_ANSIBLE, TESTED, version, TESTED))
