# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Proxies for updates.signal.org from apt's configuration and /etc/environment: where each is set (file, line,
setting), who uses it, its scheme, host and port, credentials removed. Judged by the control, not here."""
from __future__ import annotations

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import proxy_settings

CONF = "etc/apt/apt.conf.d/90proxy"


def probe(tmp_path, apt=None, environment=None, scheme="https"):
    if apt is not None:
        (tmp_path / CONF).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / CONF).write_text(apt)
    if environment is not None:
        (tmp_path / "etc").mkdir(exist_ok=True)
        (tmp_path / "etc/environment").write_text(environment)
    return proxy_settings.probe(str(tmp_path), "updates.signal.org", scheme)


def sources(result):
    return [(p["file"], p["line"], p["setting"], p["used_by"], p["url"]) for p in result["proxies"]]


def test_no_proxy_anywhere(tmp_path):
    result = probe(tmp_path, apt='APT::Periodic::Enable "1";\n', environment='PATH="/usr/bin"\n')
    assert result == {"proxies": [], "errors": []}


def test_host_specific_setting_wins_and_direct_means_none(tmp_path):
    result = probe(tmp_path, apt='Acquire::https::Proxy "http://0.0.0.0:3128";\n'
                                 'Acquire::https::Proxy::updates.signal.org "DIRECT";\n')
    assert result == {"proxies": [], "errors": []}


def test_false_means_no_proxy(tmp_path):
    assert probe(tmp_path, apt='Acquire::http::Proxy "false";\n')["proxies"] == []


def test_https_falls_back_to_the_http_settings_with_the_line_of_a_block(tmp_path):
    result = probe(tmp_path, apt='// proxy\nAcquire::http {\n  Proxy "http://proxy.example:3128/";\n};\n')
    assert result["proxies"] == [{"file": "/" + CONF, "line": 3, "setting": "Acquire::http::Proxy", "used_by": "apt",
                                  "url": "http://proxy.example:3128", "scheme": "http", "host": "proxy.example",
                                  "port": 3128}]


def test_https_specific_setting_beats_the_http_host_setting(tmp_path):
    result = probe(tmp_path, apt='Acquire::http::Proxy::updates.signal.org "http://a.example:1";\n'
                                 'Acquire::https::Proxy::updates.signal.org "http://b.example:2";\n')
    assert sources(result) == [("/" + CONF, 2, "Acquire::https::Proxy::updates.signal.org", "apt", "http://b.example:2")]


@pytest.mark.parametrize("value, url, host, port", [
    ("http://0.0.0.0:3128", "http://0.0.0.0:3128", "0.0.0.0", 3128),
    ("http://[::]:8080/", "http://[::]:8080", "::", 8080),
    ("socks5h://proxy.example:0", "socks5h://proxy.example:0", "proxy.example", 0),
    ("http://proxy.example", "http://proxy.example", "proxy.example", 80),
    ("https://proxy.example", "https://proxy.example", "proxy.example", 443),
    ("socks5h://127.0.0.1", "socks5h://127.0.0.1", "127.0.0.1", 1080),
])
def test_host_and_port_are_reported_the_default_port_when_none_is_named(tmp_path, value, url, host, port):
    result = probe(tmp_path, apt='Acquire::https::Proxy "%s";\n' % value)
    (proxy,) = result["proxies"]
    assert (proxy["url"], proxy["host"], proxy["port"], proxy["scheme"]) == (url, host, port, url.split(":")[0])
    assert result["errors"] == []


@pytest.mark.parametrize("value, words", [
    ("proxy.example:3128", "is not a URL"),
    ("ftp://proxy.example:21", "scheme 'ftp'"),
    ("http://proxy.example:99999", "out of range"),
    ("http://proxy.example:port", "'http://proxy.example:port'"),
    ("http://:3128", "names no host"),
])
def test_malformed_apt_values_are_errors_naming_the_file_and_line(tmp_path, value, words):
    result = probe(tmp_path, apt='\nAcquire::https::Proxy "%s";\n' % value)
    assert result["proxies"] == []
    assert len(result["errors"]) == 1
    assert result["errors"][0].startswith("/%s line 2: Acquire::https::Proxy: malformed proxy: " % CONF)
    assert words in result["errors"][0]


def test_environment_proxy_without_scheme_and_credentials_removed(tmp_path):
    result = probe(tmp_path, environment='# proxies\nexport HTTPS_PROXY="bob:pw@0.0.0.0:3128"\n')
    assert sources(result) == [("/etc/environment", 2, "HTTPS_PROXY", "session", "http://0.0.0.0:3128")]
    assert "pw" not in repr(result) and "bob" not in repr(result)


def test_lower_case_variables_win_and_https_proxy_beats_http_proxy(tmp_path):
    result = probe(tmp_path, environment="http_proxy=http://a.example:1\nHTTPS_PROXY=http://b.example:2\n"
                                         "https_proxy='http://c.example:3'\n")
    assert sources(result) == [("/etc/environment", 3, "https_proxy", "session", "http://c.example:3")]
    assert sources(probe(tmp_path, scheme="http")) == [("/etc/environment", 1, "http_proxy", "session",
                                                        "http://a.example:1")]


@pytest.mark.parametrize("no_proxy", ["signal.org", ".signal.org", "localhost, updates.signal.org", "*"])
def test_no_proxy_frees_the_session_but_not_apts_own_setting(tmp_path, no_proxy):
    result = probe(tmp_path, apt='Acquire::https::Proxy "http://0.0.0.0:1";\n',
                   environment="https_proxy=http://0.0.0.0:2\nno_proxy=%s\n" % no_proxy)
    assert sources(result) == [("/" + CONF, 1, "Acquire::https::Proxy", "apt", "http://0.0.0.0:1")]


def test_no_proxy_for_another_domain_changes_nothing(tmp_path):
    result = probe(tmp_path, environment="https_proxy=http://proxy.example:8080\nno_proxy=nosignal.org,example.com\n")
    assert sources(result) == [("/etc/environment", 1, "https_proxy", "session", "http://proxy.example:8080")]


def test_apt_and_the_session_are_both_reported(tmp_path):
    result = probe(tmp_path, apt='Acquire::https::Proxy "http://a.example:1";\n',
                   environment="https_proxy=http://b.example:2\n")
    assert [p["used_by"] for p in result["proxies"]] == ["apt", "session"]


def test_a_broken_apt_configuration_is_an_error(tmp_path):
    result = probe(tmp_path, apt='Acquire::https::Proxy "http://proxy.example:3128"\n')
    assert result["proxies"] == []
    assert result["errors"] == ["/%s: statement without ';' at end of file" % CONF]


def test_an_unreadable_environment_file_is_an_error(tmp_path):
    (tmp_path / "etc/environment").mkdir(parents=True)
    result = probe(tmp_path)
    assert result["errors"] == ["/etc/environment: not a regular file"]
