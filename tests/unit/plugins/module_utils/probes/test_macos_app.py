# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal.app: Info.plist version and codesign Team ID."""
from __future__ import annotations

import os
import plistlib

import pytest

from ansible_collections.hardening.signal.plugins.module_utils.probes import macos_app

DATA = os.path.join(os.path.dirname(__file__), "data")


def codesign(name):
    """`codesign -dv --verbose=2` output (hand-written in codesign's format, see data/README.md)."""
    with open(os.path.join(DATA, "codesign-%s.txt" % name)) as handle:
        return handle.read()


CODESIGN_SIGNAL = codesign("signal")


def app(tmp_path, rel, info, binary=False):
    path = tmp_path / rel.lstrip("/") / "Contents"
    path.mkdir(parents=True)
    fmt = plistlib.FMT_BINARY if binary else plistlib.FMT_XML
    (path / "Info.plist").write_bytes(plistlib.dumps(info, fmt=fmt))


INFO = {"CFBundleShortVersionString": "7.40.0", "CFBundleVersion": "7.40.0.1234",
        "CFBundleIdentifier": "org.whispersystems.signal-desktop"}


def test_version_from_info_plist_and_unknown_source_without_codesign(tmp_path):
    app(tmp_path, "/Applications/Signal.app", INFO)
    app(tmp_path, "/Users/alice/Applications/Signal.app", dict(INFO, CFBundleShortVersionString="7.1.0"), binary=True)
    installs, unknown, errors = macos_app.probe(str(tmp_path), [{"user": "alice", "home": "/Users/alice"}])
    assert [(i["path"], i["version"]) for i in installs] == [
        ("/Applications/Signal.app", "7.40.0"), ("/Users/alice/Applications/Signal.app", "7.1.0")]
    assert installs[0]["official"] is None and "codesign" in unknown[0]["official"]
    assert errors == {0: {}, 1: {}}


def test_codesign_team_id_decides(tmp_path):
    app(tmp_path, "/Applications/Signal.app", INFO)
    outputs = {"/Applications/Signal.app": CODESIGN_SIGNAL}
    installs, _u, _e = macos_app.probe(str(tmp_path), codesign_outputs=outputs)
    assert installs[0]["official"] is True
    assert installs[0]["source"] == "Team ID U68MSDN6DR (Developer ID Application: Signal Messenger, LLC (U68MSDN6DR))"
    installs, _u, _e = macos_app.probe(str(tmp_path), codesign_outputs=outputs,
                                       codesign_verified={"/Applications/Signal.app": False})
    assert installs[0]["official"] is False


def test_other_team_ad_hoc_and_unsigned():
    assert macos_app.judge(macos_app.BUNDLE_ID, CODESIGN_SIGNAL.replace("U68MSDN6DR", "ABCDE12345"))[0] is False
    assert macos_app.judge(macos_app.BUNDLE_ID, "Identifier=x\nTeamIdentifier=not set\n")[0] is False
    assert macos_app.judge(macos_app.BUNDLE_ID, "/x/Signal.app: code object is not signed at all\n")[0] is False
    assert macos_app.judge("com.example.fake", CODESIGN_SIGNAL)[0] is False


def test_broken_info_plist_is_an_error(tmp_path):
    (tmp_path / "Applications/Signal.app/Contents").mkdir(parents=True)
    (tmp_path / "Applications/Signal.app/Contents/Info.plist").write_bytes(b"<plist><dict><key>")
    installs, unknown, errors = macos_app.probe(str(tmp_path))
    assert installs[0]["version"] is None
    assert errors[0]["version"].startswith("/Applications/Signal.app/Contents/Info.plist: not a readable")


def test_parse_codesign_output():
    assert macos_app.parse_codesign(CODESIGN_SIGNAL) == {
        "team_id": "U68MSDN6DR", "identifier": "org.whispersystems.signal-desktop", "signed": True,
        "authority": "Developer ID Application: Signal Messenger, LLC (U68MSDN6DR)"}
    assert macos_app.parse_codesign(codesign("adhoc"))["team_id"] is None
    assert macos_app.parse_codesign(codesign("unsigned"))["signed"] is False


@pytest.mark.parametrize("name, why", [
    ("adhoc", "no team (ad hoc)"),
    ("other-team", "signed by ABCDE12345"),
    ("unsigned", "not code-signed"),
])
def test_recorded_outputs_that_are_not_signals(name, why):
    official, _source, reason = macos_app.judge(macos_app.BUNDLE_ID, codesign(name), verified=True)
    assert official is False and why in reason


def test_signature_identifier_must_be_signals_too():
    forged = CODESIGN_SIGNAL.replace("Identifier=org.whispersystems.signal-desktop", "Identifier=com.example.x")
    official, _source, reason = macos_app.judge(macos_app.BUNDLE_ID, forged, verified=True)
    assert official is False and "signature identifier com.example.x" in reason
