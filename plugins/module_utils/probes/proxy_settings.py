# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which proxies stand between this host and Signal's update server, as far
as files show them.

Two readers fetch from updates.signal.org: apt (Signal's repository) and
Signal Desktop itself, in the user's session. apt chooses its proxy as its
http method does (methods/http.cc): ``Acquire::<scheme>::Proxy::<host>``
first ("DIRECT" means none), then ``Acquire::<scheme>::Proxy``, then the
environment (http_proxy, overridden by https_proxy for https); an https
URL falls back to the http settings; no_proxy naming the host turns the
proxy off. The environment of login sessions (and of apt run from them)
comes from /etc/environment through pam_env; apt run by its systemd timer
(unattended-upgrades) does not get it, so apt's own settings are judged
without it and the environment's proxy as the session's.

A proxy at an unspecified address (0.0.0.0, ::) or on port 0 cannot
forward anything: that is a block. Any other proxy decides by rules this
probe cannot read, so whether it blocks the host stays unknown.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_conf, fs

ENVIRONMENT = "/etc/environment"
NO_PROXY_VALUES = ("direct", "false")
SCHEMES = ("http", "https", "socks5h")
UNSEEN = ("the proxy decides by rules this probe cannot read; whether it forwards %s is not observed "
          "(sh-3.2-desktop-version-current shows whether updates arrive)")


class ProxyValueError(ValueError):
    """A proxy setting that is not a usable URL."""


def read_environment(root="/"):
    """Return (variables, error) of /etc/environment (pam_env's KEY=VALUE lines)."""
    text, err = fs.read_text_optional(root, ENVIRONMENT)
    if err or text is None:
        return {}, err
    variables = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        name, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        variables[name.strip()] = value
    return variables, None


def parse_proxy(value, default_scheme=None):
    """Return (display URL without credentials, host, port) of a proxy
    setting; raise ProxyValueError when it is not a usable proxy URL."""
    text = value.strip()
    if "://" not in text:
        if default_scheme is None:
            raise ProxyValueError("%r is not a URL (scheme://host:port)" % value)
        text = "%s://%s" % (default_scheme, text)
    parts = urlsplit(text)
    if parts.scheme.lower() not in SCHEMES:
        raise ProxyValueError("%r: scheme %r is not one of %s" % (value, parts.scheme, ", ".join(SCHEMES)))
    try:
        port = parts.port
    except ValueError as exc:
        raise ProxyValueError("%r: %s" % (value, exc)) from exc
    host = parts.hostname
    if not host:
        raise ProxyValueError("%r names no host" % value)
    shown = "[%s]" % host if ":" in host else host
    url = "%s://%s%s" % (parts.scheme.lower(), shown, "" if port is None else ":%d" % port)
    return url, host, port


def is_dead_end(host, port):
    """True when nothing can answer at the proxy address: an unspecified
    address or port 0."""
    if port == 0:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_unspecified
    except ValueError:
        return False


def no_proxy_matches(hostname, no_proxy):
    """no_proxy as apt and curl read it: '*', or a domain the host is or ends in."""
    for item in no_proxy.split(","):
        domain = item.strip().lower().lstrip(".")
        if domain == "*" or (domain and (hostname == domain or hostname.endswith("." + domain))):
            return True
    return False


def _apt_setting(config, scheme, hostname):
    """Return (value, origin, setting name) apt's configuration gives, or Nones."""
    schemes = [scheme] + (["http"] if scheme == "https" else [])
    names = ["Acquire::%s::Proxy::%s" % (s, hostname) for s in schemes] + ["Acquire::%s::Proxy" % s for s in schemes]
    for name in names:
        value = config.value(name)
        if value:
            return value, config.origin(name), name
    return None, None, None


def _env_setting(variables, scheme):
    """Return (value, variable name) from the environment, lower case first."""
    names = (["https_proxy", "HTTPS_PROXY"] if scheme == "https" else []) + ["http_proxy", "HTTP_PROXY"]
    for name in names:
        if variables.get(name):
            return variables[name], name
    return None, None


def probe(root="/", hostname="updates.signal.org", scheme="https", apt_config=None):
    """Return {"proxies": [{url, source, blocks}], "block_reasons": [..],
    "unknown": {index: reason}, "errors": [..]}.

    ``blocks`` is True for a dead-end proxy and None (reason in ``unknown``)
    for any other; settings meaning "no proxy" are left out. apt_config: what
    apt_conf.read_config(root) returned, when the caller has already read it."""
    hostname = hostname.lower().rstrip(".")
    result = {"proxies": [], "block_reasons": [], "unknown": {}, "errors": []}
    config, errors = apt_conf.read_config(root) if apt_config is None else apt_config
    result["errors"] += errors
    variables, err = read_environment(root)
    if err:
        result["errors"].append(err)
    no_proxy = variables.get("no_proxy") or variables.get("NO_PROXY") or ""
    bypassed = no_proxy_matches(hostname, no_proxy)

    candidates = []
    value, origin, name = _apt_setting(config, scheme, hostname)
    if value is not None:
        candidates.append((value, "%s: %s" % (origin or apt_conf.CONF_DIR, name), None, "apt", False))
    env_value, env_name = _env_setting(variables, scheme)
    if env_value is not None:
        # Signal Desktop in the user's session, and apt when its configuration sets no proxy.
        # no_proxy of /etc/environment reaches the session, not apt's timer-run upgrades.
        candidates.append((env_value, "%s: %s" % (ENVIRONMENT, env_name), "http", "the session", bypassed))

    for value, source, default_scheme, user, skipped in candidates:
        if skipped or value.strip().lower() in NO_PROXY_VALUES:
            continue
        try:
            url, host, port = parse_proxy(value, default_scheme)
        except ProxyValueError as exc:
            result["errors"].append("%s: malformed proxy: %s" % (source, exc))
            continue
        entry = {"url": url, "source": source, "blocks": None}
        if is_dead_end(host, port):
            entry["blocks"] = True
            result["block_reasons"].append("%s sends %s's requests for %s to %s, where nothing can answer"
                                           % (source, user, hostname, url))
        else:
            result["unknown"][len(result["proxies"])] = "%s: %s" % (url, UNSEEN % hostname)
        result["proxies"].append(entry)
    return result
