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

The probe reports each proxy that applies to the host: where it is set
(file, line, setting), who uses it (apt, the session), and its scheme, host
and port (the URL's, else the scheme's default), credentials removed. The
control sh-3.2-desktop-update-server-reachable judges them: a proxy at an
unspecified address (0.0.0.0, ::) or on port 0 cannot forward anything.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_conf, fs

ENVIRONMENT = "/etc/environment"
NO_PROXY_VALUES = ("direct", "false")
SCHEMES = ("http", "https", "socks5h")
# The port a client connects to when the proxy URL names none (apt's http method, Chromium/Electron).
DEFAULT_PORTS = {"http": 80, "https": 443, "socks5h": 1080}


class ProxyValueError(ValueError):
    """A proxy setting that is not a usable URL."""


def read_environment(root="/"):
    """Return (variables, error) of /etc/environment (pam_env's KEY=VALUE lines)."""
    variables, _lines, err = _environment(root)
    return variables, err


def _environment(root):
    """(variables, {name: line number}, error) of /etc/environment."""
    text, err = fs.read_text_optional(root, ENVIRONMENT)
    if err or text is None:
        return {}, {}, err
    variables, lines = {}, {}
    for number, raw in enumerate(text.splitlines(), 1):
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
        lines[name.strip()] = number
    return variables, lines, None


def parse_proxy(value, default_scheme=None):
    """Return (display URL without credentials, host, port) of a proxy
    setting (port None when the URL names none); raise ProxyValueError when
    it is not a usable proxy URL."""
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


def no_proxy_matches(hostname, no_proxy):
    """no_proxy as apt and curl read it: '*', or a domain the host is or ends in."""
    for item in no_proxy.split(","):
        domain = item.strip().lower().lstrip(".")
        if domain == "*" or (domain and (hostname == domain or hostname.endswith("." + domain))):
            return True
    return False


def _apt_setting(config, scheme, hostname):
    """Return (value, origin, line, setting name) apt's configuration gives, or Nones."""
    schemes = [scheme] + (["http"] if scheme == "https" else [])
    names = ["Acquire::%s::Proxy::%s" % (s, hostname) for s in schemes] + ["Acquire::%s::Proxy" % s for s in schemes]
    for name in names:
        value = config.value(name)
        if value:
            return value, config.origin(name), config.line(name), name
    return None, None, None, None


def _env_setting(variables, scheme):
    """Return (value, variable name) from the environment, lower case first."""
    names = (["https_proxy", "HTTPS_PROXY"] if scheme == "https" else []) + ["http_proxy", "HTTP_PROXY"]
    for name in names:
        if variables.get(name):
            return variables[name], name
    return None, None


def probe(root="/", hostname="updates.signal.org", scheme="https", apt_config=None):
    """Return {"proxies": [{file, line, setting, used_by, url, scheme, host, port}], "errors": [..]}.

    Settings meaning "no proxy" (DIRECT, false, no_proxy naming the host for the session) are left out; a
    malformed one is an error naming its file and setting. apt_config: what apt_conf.read_config(root)
    returned, when the caller has already read it."""
    hostname = hostname.lower().rstrip(".")
    result = {"proxies": [], "errors": []}
    config, errors = apt_conf.read_config(root) if apt_config is None else apt_config
    result["errors"] += errors
    variables, lines, err = _environment(root)
    if err:
        result["errors"].append(err)
    no_proxy = variables.get("no_proxy") or variables.get("NO_PROXY") or ""
    bypassed = no_proxy_matches(hostname, no_proxy)

    candidates = []
    value, origin, line, name = _apt_setting(config, scheme, hostname)
    if value is not None:
        candidates.append((value, origin or apt_conf.CONF_DIR, line, name, None, "apt", False))
    env_value, env_name = _env_setting(variables, scheme)
    if env_value is not None:
        # Signal Desktop in the user's session, and apt when its configuration sets no proxy.
        # no_proxy of /etc/environment reaches the session, not apt's timer-run upgrades.
        candidates.append((env_value, ENVIRONMENT, lines.get(env_name), env_name, "http", "session", bypassed))

    for value, path, line, name, default_scheme, used_by, skipped in candidates:
        if skipped or value.strip().lower() in NO_PROXY_VALUES:
            continue
        try:
            url, host, port = parse_proxy(value, default_scheme)
        except ProxyValueError as exc:
            where = path if line is None else "%s line %d" % (path, line)
            result["errors"].append("%s: %s: malformed proxy: %s" % (where, name, exc))
            continue
        proxy_scheme = url.split("://", 1)[0]
        result["proxies"].append({
            "file": path, "line": line, "setting": name, "used_by": used_by, "url": url, "scheme": proxy_scheme,
            "host": host, "port": DEFAULT_PORTS[proxy_scheme] if port is None else port,
        })
    return result
