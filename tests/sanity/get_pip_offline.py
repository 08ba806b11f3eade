# -*- coding: utf-8 -*-
"""Stand-in for ansible-test's get-pip bootstrap script where its download host is unreachable.

ansible-test runs this as __main__ inside a fresh virtual environment with
pip's usual arguments. It installs pip from the interpreter's own wheel
(ensurepip), then lets that pip install the requested packages with the
machine's pip configuration (index, certificates), which ensurepip would
otherwise hide by pointing PIP_CONFIG_FILE at /dev/null.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys


def main():
    ensurepip.bootstrap(upgrade=True)
    os.environ.pop("PIP_CONFIG_FILE", None)
    args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))


if __name__ == "__main__":
    main()
