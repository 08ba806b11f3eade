# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is Signal's update server blocked through the hosts file?

A blocked updates.signal.org leaves a host on an expiring build (CERT-EU
3.2), so a sink mapping (0.0.0.0, 127.x, ::1, ::) counts as blocked. A
mapping to some other address is reported, not judged: it may be a proxy.
"""
from __future__ import annotations

import ipaddress

from ansible_collections.hardening.signal.plugins.module_utils.probes import fs

HOSTS = "/etc/hosts"
UPDATE_HOST = "updates.signal.org"


def is_sink(address):
    """True for addresses where nothing answers for a remote server."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def parse_hosts(text):
    """Return [(address, [names])] in file order, comments removed."""
    out = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split()
        if len(line) >= 2:
            out.append((line[0], [n.lower().rstrip(".") for n in line[1:]]))
    return out


def probe(root="/", hostname=UPDATE_HOST):
    """Return {"blocked": bool|None, "address": str|None, "reason", "error"}.

    The first line naming the host decides, as in glibc's files backend."""
    text, err = fs.read_text_optional(root, HOSTS)
    if err:
        return {"blocked": None, "address": None, "reason": None, "error": err}
    if text is None:
        return {"blocked": False, "address": None, "reason": "%s does not exist" % HOSTS, "error": None}
    hostname = hostname.lower().rstrip(".")
    for address, names in parse_hosts(text):
        if hostname in names:
            if is_sink(address):
                return {"blocked": True, "address": address,
                        "reason": "%s maps %s to %s" % (HOSTS, hostname, address), "error": None}
            return {"blocked": None, "address": address,
                    "reason": "%s maps %s to %s: update checks go there instead of Signal's servers"
                              % (HOSTS, hostname, address),
                    "error": None}
    return {"blocked": False, "address": None, "reason": None, "error": None}
