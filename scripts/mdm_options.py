# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The doc fragment hardening.signal.mdm_source, generated from plugins/module_utils/mdm/options.py.

    python scripts/mdm_options.py          # print the fragment's options
    python scripts/mdm_options.py --write  # rewrite plugins/doc_fragments/mdm_source.py

tests/unit/plugins/module_utils/mdm/test_options.py fails while the fragment differs from what this writes.
"""

from __future__ import annotations

import os
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAGMENT = os.path.join(ROOT, "plugins", "doc_fragments", "mdm_source.py")

HEAD = '''# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of one MDM source, generated from plugins/module_utils/mdm/options.py by scripts/mdm_options.py
(tests/unit/plugins/module_utils/mdm/test_options.py checks it is current)."""

from __future__ import annotations


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
'''
TAIL = '''notes:
  - The environment variables are what the AWX credential types in C(awx/credential_types/) inject; each vendor has its
    own names, so credentials of two vendors can be attached to one job.
"""
'''


def _item(lines, text):
    if ": " in text or " #" in text:
        raise SystemExit("a description must not hold ': ' or ' #' (YAML would read it as a mapping or a comment): %r"
                         % text)
    wrapped = textwrap.wrap(text, 100, break_long_words=False, break_on_hyphens=False)
    lines.append("      - " + wrapped[0])
    lines.extend("        " + part for part in wrapped[1:])


def fragment():
    sys.path.insert(0, os.path.join(ROOT, ".build", "collections"))
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.options import API_TYPES, OPTIONS, env_names
    lines = []
    for option in OPTIONS:
        lines += ["  %s:" % option.name, "    description:"]
        _item(lines, option.description)
        if option.env:
            own = [env_names(t, option.name)[0] for t in API_TYPES if t in option.sources]
            text = "When not set, read from the environment variable of the source's type (%s)" % ", ".join(
                "E(%s)" % name for name in own)
            if option.env == "credential":
                text += ", then from E(HARDENING_SIGNAL_MDM_%s)" % option.name.upper()
            _item(lines, text + ".")
        if option.secret:
            _item(lines, "A secret; prefer the environment variable (an AWX credential) or a vault.")
        lines.append("    type: %s" % option.type)
        if option.choices:
            lines.append("    choices: [%s]" % ", ".join(option.choices))
        if option.default is not None:
            default = option.default
            lines.append("    default: %s" % (str(default).lower() if isinstance(default, bool) else default))
    return HEAD + "\n".join(lines) + "\n" + TAIL


def main():
    text = fragment()
    if "--write" in sys.argv:
        with open(FRAGMENT, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
