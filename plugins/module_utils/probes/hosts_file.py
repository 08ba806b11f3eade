# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which lines of the hosts file name Signal's update server?

A hosts entry for updates.signal.org overrides DNS for Signal Desktop and
apt alike. The probe reports each entry that names the host (file, line,
address as written); the control sh-3.2-desktop-update-server-reachable
judges the addresses (a sink such as 0.0.0.0 or 127.0.0.1 blocks the
updates CERT-EU 3.2 asks for). A line whose first field is not an IP
address is skipped, as the resolver (glibc's files backend, Windows'
hosts file reader) skips it.
"""
from __future__ import annotations

import ipaddress

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

HOSTS = "/etc/hosts"
UPDATE_HOST = "updates.signal.org"


def is_address(text):
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def parse_hosts(text):
    """Return [(line number, address, [names])] in file order, comments and lines without an IP address left out."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].split()
        if len(line) >= 2 and is_address(line[0]):
            out.append((number, line[0], [n.lower().rstrip(".") for n in line[1:]]))
    return out


def entries(text, hostname=UPDATE_HOST, path=HOSTS, line_numbers=None):
    """[{file, line, host, address}] of the lines naming ``hostname``. ``line_numbers``: the line each line of
    ``text`` has in the file, when ``text`` holds only some of its lines (None where not known)."""
    hostname = hostname.lower().rstrip(".")
    found = []
    for number, address, names in parse_hosts(text):
        if hostname in names:
            if line_numbers is not None:
                number = line_numbers[number - 1] if number <= len(line_numbers) else None
            found.append({"file": path, "line": number, "host": hostname, "address": address})
    return found


def probe(root="/", hostname=UPDATE_HOST):
    """Return {"entries": [...] or None, "error": str or None}: the entries naming ``hostname`` (none when the
    file does not exist), or None with the error when the file could not be read."""
    text, err = fs.read_text_optional(root, HOSTS)
    if err:
        return {"entries": None, "error": err}
    if text is None:
        return {"entries": [], "error": None}
    return {"entries": entries(text, hostname), "error": None}
