# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything desktop_update would change, computed before anything is written.

Input is the already verified keyring (signing_key.verified_keyring); the
output is a list of FileChange objects plus warnings, or a refusal that
names why nothing may be written. Pure file logic under ``root``, so the
unit tests run it on temporary trees.
"""
from __future__ import annotations

from urllib.parse import urlparse

from ansible_collections.hardening.signal.plugins.module_utils.desktop import (
    auto_upgrades,
    deb822_source,
    legacy_sources,
    origin_pattern,
    other_sources,
    signing_key,
)
from ansible_collections.hardening.signal.plugins.module_utils.desktop.file_change import FileChange
from ansible_collections.hardening.signal.plugins.module_utils.probes import apt_conf, apt_sources, fs


class Refused(Exception):
    """A condition under which writing anything would break apt."""


class Plan(object):
    def __init__(self):
        self.changes = []
        self.warnings = []
        self.legacy = []
        self.others = []

    @property
    def changed(self):
        return any(c.changed for c in self.changes)

    def diffs(self):
        return [c.diff() for c in self.changes if c.changed]


def _text_change(root, path, text, purpose):
    return FileChange(root, path, text.encode("utf-8") if text is not None else None, purpose=purpose)


def build(root, repo_url, suite, keyring, origin=None, remove_legacy=False,
          sources_path=deb822_source.SOURCES_PATH, keyring_path=deb822_source.KEYRING_PATH,
          manage_auto_upgrades=True, fingerprint=apt_sources.DEFAULT_FINGERPRINT, disable_others=False):
    """Return a Plan; raise Refused (nothing may be written) or
    deb822_source.SourceError / origin_pattern.PatternError for bad options."""
    plan = Plan()
    source_text = deb822_source.render(repo_url, suite, keyring_path)
    pattern = origin if origin else origin_pattern.default_pattern(suite)
    pattern_text = origin_pattern.render(pattern)

    # Other entries for the same repository: removed (opt-in) or refused when apt would choke on them.
    found, errors = legacy_sources.find(root, repo_url, suite, sources_path, keyring_path)
    plan.warnings += errors
    by_file = {}
    for entry in found:
        removable = remove_legacy and entry["format"] == "one-line"
        entry = dict(entry, action="removed" if removable else "kept")
        plan.legacy.append(entry)
        if removable:
            by_file.setdefault(entry["file"], []).append(entry["line"])
    blocking = [e for e in plan.legacy if e["action"] == "kept" and e["conflicts"]]
    if blocking:
        where = ", ".join("%s:%d (Signed-By %s)" % (e["file"], e["line"], e["signed_by"] or "not set")
                          for e in blocking)
        hint = ("set remove_legacy_sources: true to remove one-line entries (with a backup)"
                if any(e["format"] == "one-line" for e in blocking)
                else "remove or align that deb822 file by hand")
        raise Refused("other apt entries for %s %s name a different Signed-By than %s: %s. apt would then refuse "
                      "to read any source, so nothing was written; %s."
                      % (repo_url, suite, keyring_path, where, hint))
    for entry in plan.legacy:
        if entry["action"] == "kept":
            plan.warnings.append("%s:%d also lists %s %s (same Signed-By): apt warns that the repository is "
                                 "configured twice" % (entry["file"], entry["line"], repo_url, suite))

    plan.changes.append(_text_change(root, sources_path, source_text,
                                     "Signal's apt repository, pinned to Signal's signing key (3.1)"))
    plan.changes.append(FileChange(root, keyring_path, keyring, describe=signing_key.describe,
                                   purpose="Signal's repository signing key, fingerprint verified (3.1)"))
    prefixes, deb822 = _other_sources(root, plan, repo_url, suite, fingerprint, disable_others)
    for path, lines in prefixes.items():
        by_file.setdefault(path, []).extend(lines)
    for path, lines in sorted(by_file.items()):
        text, err = fs.read_text(root, path)
        if text is None:
            raise Refused("cannot read %s to remove its Signal entries: %s" % (path, err))
        # A file with another source in it is kept (commented out), so it can be switched back on.
        new = legacy_sources.without_entries(text, set(lines), sources_path,
                                             may_delete=path != apt_sources.SOURCES_LIST and path not in prefixes,
                                             prefixes=prefixes.get(path))
        plan.changes.append(_text_change(root, path, new, "other entry offering signal-desktop (opted in)"
                                         if path in prefixes else "legacy entry for Signal's repository (opted in)"))
    for path, lines in sorted(deb822.items()):
        text, err = fs.read_text(root, path)
        if text is None:
            raise Refused("cannot read %s to disable its entries: %s" % (path, err))
        for line in sorted(lines, reverse=True):  # bottom up: inserted lines do not shift the ones above
            text = legacy_sources.stanza_disabled(text, line, OTHER_COMMENT)
        plan.changes.append(_text_change(root, path, text, "other entry offering signal-desktop (opted in)"))

    if manage_auto_upgrades:
        current, err = fs.read_text_optional(root, auto_upgrades.PATH)
        if err:
            raise Refused("cannot read %s: %s" % (auto_upgrades.PATH, err))
        plan.changes.append(_text_change(root, auto_upgrades.PATH, auto_upgrades.render(current),
                                         "apt's daily unattended upgrade switched on (3.2)"))
        plan.changes.append(_text_change(root, origin_pattern.PATH, pattern_text,
                                         "unattended-upgrades takes Signal's origin (3.2)"))
        site = urlparse(repo_url).hostname or ""
        if not origin_pattern.matches_signal(pattern, suite, site):
            plan.warnings.append("origin_pattern %r does not match Signal's repository as published (Origin '. %s'); "
                                 "fine for a mirror with another Release Origin, but desktop_info judges against "
                                 "Signal's" % (pattern, suite))
        plan.warnings += _overridden(root, plan)
    for change in plan.changes:
        if change.error:
            raise Refused(change.error)
    return plan


OTHER_COMMENT = "disabled by hardening.signal: offers signal-desktop without Signal's signature"


def _other_sources(root, plan, repo_url, suite, fingerprint, disable):
    """Other apt sources that offer signal-desktop unsigned by Signal: listed
    in plan.others, warned about, and switched off when ``disable`` (opt-in).
    Returns ({one-line file: {line: comment prefix}}, {deb822 file: [lines]})."""
    entries, _errors = apt_sources.read_entries(root)
    mine = apt_sources.signal_entries(entries, repo_url, suite)
    others, unreadable = other_sources.other_sources(root, entries, mine, fingerprint)
    plan.warnings += unreadable
    one_line, deb822 = {}, {}
    for other in others:
        fmt = "deb822" if other["file"].endswith(".sources") else "one-line"
        action = "disabled" if disable else "kept"
        plan.others.append({"file": other["file"], "line": other["line"], "format": fmt, "uri": other["uri"],
                            "suite": other["suite"], "versions": other["versions"], "reason": other["reason"],
                            "action": action})
        if not disable:
            plan.warnings.append(other["reason"] + " (set disable_other_sources: true to switch it off, with a backup)")
        elif fmt == "deb822":
            deb822.setdefault(other["file"], []).append(other["line"])
        else:
            one_line.setdefault(other["file"], {})[other["line"]] = "# %s: " % OTHER_COMMENT
    return one_line, deb822


def _overridden(root, plan):
    """Warn when files read after ours switch the periodic run off again."""
    planned = {c.path: c.content for c in plan.changes}
    names, _err = fs.listdir(root, apt_conf.CONF_DIR)
    ours = {fs.join(apt_conf.CONF_DIR, n) for n in names} | set(p for p in planned if p.startswith(apt_conf.CONF_DIR))
    config = apt_conf.AptConfig()
    for path in sorted(ours) + [apt_conf.CONF_MAIN]:
        name = path.rsplit("/", 1)[-1]
        if path != apt_conf.CONF_MAIN and not apt_conf._conf_part_ok(name):
            continue
        if path in planned:
            text = (planned[path] or b"").decode("utf-8", errors="replace")
        else:
            text, _err = fs.read_text_optional(root, path)
            if text is None:
                continue
        try:
            config.feed(text)
        except apt_conf.AptConfError:
            continue
    warnings = []
    for key, value in auto_upgrades.SETTINGS:
        if config.value(key) != value:
            warnings.append("%s is %r after every apt.conf.d file is read: a file read after %s overrides it"
                            % (key, config.value(key), auto_upgrades.PATH))
    if config.value("APT::Periodic::Enable", "1").strip() == "0":
        warnings.append("APT::Periodic::Enable is 0: apt's periodic jobs are off, unattended-upgrades will not run")
    return warnings
