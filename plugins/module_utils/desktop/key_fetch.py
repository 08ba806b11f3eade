# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Get the bytes of Signal's signing key from a URL or a local file.

Nothing here trusts the bytes: signing_key.verified_keyring decides.
"""
from __future__ import annotations

from ansible.module_utils.urls import fetch_url

from ansible_collections.hardening.signal.plugins.module_utils.desktop.signing_key import MAX_KEY_BYTES


class KeyUnavailable(Exception):
    """The key could not be read (network, HTTP status, file)."""


def from_file(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_BYTES + 1)
    except OSError as exc:
        raise KeyUnavailable("cannot read key_file %s: %s" % (path, exc.strerror or exc))
    return data


def from_url(module, url, timeout=30):
    """Fetch with Ansible's fetch_url (honours validate_certs, proxies)."""
    response, info = fetch_url(module, url, method="GET", timeout=timeout)
    status = info.get("status", -1)
    if response is None or status != 200:
        raise KeyUnavailable("cannot download key_url %s: HTTP %s %s" % (url, status, info.get("msg", "")))
    try:
        data = response.read(MAX_KEY_BYTES + 1)
    except Exception as exc:  # a broken connection mid-body
        raise KeyUnavailable("cannot download key_url %s: %s" % (url, exc))
    finally:
        response.close()
    return data
