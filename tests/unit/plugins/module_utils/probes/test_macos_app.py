# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signal.app: Info.plist version and bundle id, what codesign shows of the signature, the build's expiry date.
Whether the signature is Signal's is judged by sh-3.1-macos-code-signature (tests/unit/controls/fixtures)."""
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


def test_version_and_bundle_id_from_info_plist_and_no_signature_without_codesign(tmp_path):
    app(tmp_path, "/Applications/Signal.app", INFO)
    app(tmp_path, "/Users/alice/Applications/Signal.app", dict(INFO, CFBundleShortVersionString="7.1.0"), binary=True)
    installs, unknown, errors = macos_app.probe(str(tmp_path), [{"user": "alice", "home": "/Users/alice"}])
    assert [(i["path"], i["version"], i["bundle_id"]) for i in installs] == [
        ("/Applications/Signal.app", "7.40.0", "org.whispersystems.signal-desktop"),
        ("/Users/alice/Applications/Signal.app", "7.1.0", "org.whispersystems.signal-desktop")]
    assert installs[0]["signature"] is None and "codesign was not run" in unknown[0]["signature"]
    assert "Contents/Resources/app.asar does not exist" in unknown[0]["build_expires"]
    assert errors == {0: {}, 1: {}}


def test_what_codesign_shows_is_reported(tmp_path):
    app(tmp_path, "/Applications/Signal.app", INFO)
    outputs = {"/Applications/Signal.app": CODESIGN_SIGNAL}
    installs, unknown, _e = macos_app.probe(str(tmp_path), codesign_outputs=outputs,
                                            codesign_verified={"/Applications/Signal.app": True})
    assert installs[0]["signature"] == {
        "signed": True, "verified": True, "team_id": "U68MSDN6DR", "identifier": "org.whispersystems.signal-desktop",
        "authority": "Developer ID Application: Signal Messenger, LLC (U68MSDN6DR)"}
    installs, unknown, _e = macos_app.probe(str(tmp_path), codesign_outputs=outputs)
    assert installs[0]["signature"]["verified"] is None and "--verify was not run" in unknown[0]["signature.verified"]


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
    assert macos_app.parse_codesign(codesign("adhoc"))["team_id"] == "not set"
    assert macos_app.parse_codesign(codesign("unsigned"))["signed"] is False


@pytest.mark.parametrize("name, shown", [
    ("adhoc", {"signed": True, "team_id": "not set", "authority": None}),
    ("other-team", {"signed": True, "team_id": "ABCDE12345"}),
    ("unsigned", {"signed": False, "team_id": None, "verified": False}),
])
def test_recorded_outputs_that_are_not_signals(name, shown):
    signature, reasons = macos_app.signature(codesign(name))
    assert {key: signature[key] for key in shown} == shown
    assert all(signature[key] is not None or key in reasons for key in signature)
