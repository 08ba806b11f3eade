# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark one fleet_summary run on a synthetic 50,000-subject fleet (``make bench``).

Generates (untimed) a deterministic fleet: about 10% workstations (linux,
macos, windows) as registered desktop_info results, 90% phones (ios,
android) in two MDM export files, with compliant, failing, incomplete,
malformed and unreachable subjects, attestations and two waivers. Then runs
each phase in a fresh interpreter, so its peak memory is its own:

  floor  json.load of the same input files (what merely reading the data costs)
  job    the hardening.signal.fleet_summary action plugin's run() itself: load the
         catalogue, pull the MDM exports (envelope + per-record schema checks),
         build the workstation subjects, evaluate every subject, build_summary,
         write_reports (schema validation + json + md + html) to a temp folder

Peak memory is ru_maxrss after the phase minus ru_maxrss once the interpreter
and the phase's imports are loaded (the baseline), in the same process.
Exits non-zero when the job misses a target: at most TARGET_RATIO times the floor, and under 1 GiB.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time

from bench_common import ROOT, collection_on_path, judge_ratio, maxrss_mib, print_table, ratio, run_child_phase, work_folder

if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # the fleets' weighted draws live in tests/fakes (standard library only)
from tests.fakes.draws import weighted as pick  # noqa: E402 (after the path is set)

CONTROLS_DIR = os.path.join(ROOT, "roles", "signal_hardening", "controls")

SEED = 20261126
SUBJECTS = 50_000
WORKSTATION_SHARE = 0.10
# The job at most this many times its floor (json.load of the same input), measured in the same run (issue 11).
TARGET_RATIO = 12.0
TARGET_MIB = 1024.0

ORG = {"screen_lock_timeout_minutes": 5, "disappearing_messages_timer_days": 7, "reboot_interval_hours": 24,
       "max_minor_versions_behind": 2, "require_signal_on_phones": False}
NEWEST = {"desktop": "7.80.0", "ios": "7.85", "android": "7.80.2"}
SIGNAL_KEY = "DBA36B5181D0C816F630E889D980A17457F6FB06"
ATTESTATION_CONTROLS = ("sh-3.2-ios-auto-update", "sh-3.3-profile", "sh-3.4-verify-contacts", "sh-3.5-registration-lock",
                        "sh-3.6-linked-devices-review", "sh-3.7-mobile-signal-screen-lock", "sh-3.8-notification-content",
                        "sh-3.9-disappearing-messages")
PROBE_VAR = "signal_hardening_probe"
OWNER_VAR = "signal_hardening_owner"
GROUP = "signal_workstations"


# ---- synthetic fleet (not timed) ----------------------------------------------

def _stamp(anchor, hours_ago):
    return (anchor - datetime.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _owner(index):
    return "person%05d@example.org" % index


def _phone(rng, index, platform, anchor, owners):
    kind = pick(rng, {"compliant": 36, "failing": 28, "incomplete": 20, "byod": 5, "no_signal": 7, "stale": 3.6,
                      "malformed": 0.3, "fatal": 0.1})
    owner_index = rng.randrange(owners)
    record = {
        "id": "%s-%06d" % (platform, index),
        "name": "Phone %d" % index,
        "platform": platform,
        "owner": {"upn": _owner(owner_index), "name": "Person %d" % owner_index, "email": _owner(owner_index)},
        "os_version": rng.choice(("18.6.2", "18.5", "17.7")) if platform == "ios" else rng.choice(("16", "15", "14")),
        "model": rng.choice(("iPhone 15", "iPhone 16", "iPhone SE")) if platform == "ios" else rng.choice(
            ("Pixel 9", "Galaxy S24", "moto g54")),
        "serial": "SN%09d" % rng.randrange(10 ** 9),
        "ownership": "corporate",
        "last_checkin": _stamp(anchor, rng.uniform(0, 48)),
        "signal": {"visible": True, "installed": True, "version": NEWEST[platform],
                   "install_source": "app_store" if platform == "ios" else "play_store"},
        "screen_lock": {"passcode_present": True, "passcode_compliant": True, "max_inactivity_minutes": rng.choice((1, 2, 5))},
        "lockscreen_notifications": {"hides_content": True, "enforced_by": "notification settings profile"},
        "raw_fields": {"signal.version": "detectedApps.version", "screen_lock.passcode_present": "isEncrypted"},
    }
    if platform == "ios":
        record["supervised"] = True
        record["unknown_reasons"] = {"last_boot": "no MDM can report an iPhone's last boot"}
    else:
        record["app_auto_update_policy"] = "always"
        record["last_boot"] = _stamp(anchor, rng.uniform(0, 20))
    if rng.random() < 0.02:
        record["owner"] = None  # shared or kiosk device
    if kind == "failing":
        for _round in range(rng.randint(1, 3)):
            what = rng.randrange(6)
            if what == 0:
                record["signal"]["version"] = rng.choice(("6.48", "7.52", "7.70.4"))
            elif what == 1:
                record["signal"]["install_source"] = rng.choice(("sideload", "testflight", "marketplace"))
            elif what == 2:
                record["screen_lock"].update(passcode_present=False, passcode_compliant=False)
            elif what == 3:
                record["screen_lock"]["max_inactivity_minutes"] = rng.choice((0, 10, 15))
            elif what == 4:
                record["lockscreen_notifications"] = {"hides_content": False, "enforced_by": None}
            elif platform == "android":
                record["app_auto_update_policy"] = "never"
                record["last_boot"] = _stamp(anchor, rng.uniform(30, 400))
    elif kind == "incomplete":  # an Intune-like source: no install source, no notification policy
        record["signal"]["install_source"] = None
        record["screen_lock"].update(passcode_present=None, max_inactivity_minutes=None)
        del record["lockscreen_notifications"]
        reasons = record.setdefault("unknown_reasons", {})
        reasons.update({"signal.install_source": "Intune does not report where an app was installed from",
                        "screen_lock.passcode_present": "Intune reports passcode compliance only",
                        "screen_lock.max_inactivity_minutes": "no passcode policy assigned to this device",
                        "lockscreen_notifications": "no notification policy visible to this source"})
        if platform == "android":
            record["app_auto_update_policy"] = "user_choice"
            record.pop("last_boot")
    elif kind == "byod":
        record["ownership"] = "personal"
        record["signal"] = {"visible": False, "installed": None, "version": None, "install_source": None}
        record["unknown_reasons"] = {"signal": "Signal would be on the personal side of this work-profile device"}
    elif kind == "no_signal":
        record["signal"] = {"visible": True, "installed": False, "version": None, "install_source": None}
    elif kind == "stale":  # has not checked in for weeks
        record["last_checkin"] = _stamp(anchor, rng.uniform(24 * 14, 24 * 90))
        if platform == "android":
            record["last_boot"] = _stamp(anchor, rng.uniform(24 * 14, 24 * 90))
    elif kind == "malformed":  # some fields malformed: judged, those controls report error
        what = rng.randrange(3)
        if what == 0:
            record["signal"]["version"] = "seven"
        elif what == 1:
            record["screen_lock"]["passcode_present"] = "yes"
        else:
            record["screen_lock"]["max_inactivity_minutes"] = -5
    elif kind == "fatal":  # no usable platform: cannot be judged at all
        record.pop("platform")
    return record


def _workstation(rng, index, anchor, owners):
    host = "ws%05d.corp.example.org" % index
    platform = pick(rng, {"linux": 40, "macos": 35, "windows": 25})
    kind = pick(rng, {"compliant": 46, "failing": 30, "incomplete": 14, "no_signal": 5, "unreachable": 3, "failed": 1,
                      "never_probed": 0.5, "malformed": 0.5})
    owner = _owner(rng.randrange(owners)) if rng.random() < 0.95 else ""
    hostvars = {OWNER_VAR: owner, "ansible_host": "10.%d.%d.%d" % (index // 65536, index // 256 % 256, index % 256)}
    if kind == "unreachable":
        hostvars[PROBE_VAR] = {"unreachable": True, "changed": False,
                               "msg": "Failed to connect to the host via ssh: ssh: connect to host %s port 22: "
                                      "Connection timed out" % host}
        return host, hostvars
    if kind == "failed":
        hostvars[PROBE_VAR] = {"failed": True, "changed": False, "msg": "MODULE FAILURE: Permission denied"}
        return host, hostvars
    if kind == "never_probed":
        return host, hostvars
    version = NEWEST["desktop"]
    expires = _stamp(anchor, -24 * 60)  # 60 days ahead
    install = {
        "linux": {"kind": "deb", "path": "/opt/Signal", "package": "signal-desktop", "version": version,
                  "apt_sources": [{"file": "/etc/apt/sources.list.d/signal-desktop.sources", "line": 1,
                                   "uri": "https://updates.signal.org/desktop/apt", "suite": "xenial",
                                   "components": ["main"], "trusted": False,
                                   "signed_by": ["/usr/share/keyrings/signal-desktop-keyring.gpg"],
                                   "key_fingerprints": [SIGNAL_KEY], "offers": [version]}],
                  "build_expires": expires, "installed_at": _stamp(anchor, 24 * 5),
                  "running": [{"pid": 2000 + index % 30000, "user": "u%d" % index, "started": _stamp(anchor, 20)}]},
        "macos": {"kind": "macos_app", "path": "/Applications/Signal.app", "version": version,
                  "bundle_id": "org.whispersystems.signal-desktop", "build_expires": expires,
                  "signature": {"signed": True, "verified": True, "team_id": "U68MSDN6DR",
                                "authority": "Developer ID Application: Signal Messenger, LLC (U68MSDN6DR)",
                                "identifier": "org.whispersystems.signal-desktop"}},
        "windows": {"kind": "windows_user", "path": "C:\\Users\\u%d\\AppData\\Local\\Programs\\signal-desktop" % index,
                    "user": "CORP\\u%d" % index, "version": version, "build_expires": expires,
                    "signature": {"status": "Valid", "signer_name": "Signal Messenger, LLC",
                                  "signer_subject": 'CN="Signal Messenger, LLC", O="Signal Messenger, LLC", C=US'}},
    }[platform]
    facts = {
        "schema_version": 3,
        "platform": platform,
        "os": {"family": platform, "distribution": {"linux": "Debian", "macos": "macOS", "windows": "Windows"}[platform],
               "version": {"linux": "13", "macos": "15.6", "windows": "11 24H2"}[platform],
               "desktop": "gnome" if platform == "linux" else None},
        "signal": {"installed": True, "version": version, "installs": [install],
                   "profiles": [{"user": "u%d" % index, "path": "/home/u%d/.config/Signal" % index, "linked": True,
                                 "mode": "0700"}]},
        "update": {"hosts_entries": [], "unattended_upgrades": None},
        "screen_lock": {"enabled": True, "idle_delay_seconds": rng.choice((120, 300)), "lock_delay_seconds": 0,
                        "locked_by_admin": rng.random() < 0.5, "source": "dconf" if platform == "linux" else "policy"},
        "lockscreen_notifications": {"hides_content": True, "source": "dconf" if platform == "linux" else "policy"},
        "unknown_reasons": {},
        "errors": {},
    }
    if platform == "linux":
        # What desktop_info reports of a Debian host the role set up: its stock origins and Signal's.
        facts["update"]["proxies"] = []
        facts["update"]["unattended_upgrades"] = {
            "installed": True, "timer_masked": False, "package_lists": [],
            "periodic": [{"name": "APT::Periodic::Unattended-Upgrade", "value": "1",
                          "file": "/etc/apt/apt.conf.d/20auto-upgrades", "line": 2}],
            "origins": [
                {"setting": "Unattended-Upgrade::Origins-Pattern", "file": "/etc/apt/apt.conf.d/50unattended-upgrades",
                 "line": 29, "entry": "origin=Debian,codename=${distro_codename},label=Debian",
                 "fields": [{"key": "origin", "pattern": "Debian"}, {"key": "codename", "pattern": "trixie"},
                            {"key": "label", "pattern": "Debian"}]},
                {"setting": "Unattended-Upgrade::Origins-Pattern", "file": "/etc/apt/apt.conf.d/50unattended-upgrades",
                 "line": 30, "entry": "origin=Debian,codename=${distro_codename},label=Debian-Security",
                 "fields": [{"key": "origin", "pattern": "Debian"}, {"key": "codename", "pattern": "trixie"},
                            {"key": "label", "pattern": "Debian-Security"}]},
                {"setting": "Unattended-Upgrade::Origins-Pattern",
                 "file": "/etc/apt/apt.conf.d/52signal-desktop-unattended-upgrades", "line": 4,
                 "entry": "origin=. xenial,codename=xenial",
                 "fields": [{"key": "origin", "pattern": ". xenial"}, {"key": "codename", "pattern": "xenial"}]}]}
    else:
        facts["unknown_reasons"]["update.unattended_upgrades"] = "Signal Desktop updates itself on this platform"
    if kind == "failing":
        for _round in range(rng.randint(1, 3)):
            what = rng.randrange(5)
            if what == 0:
                old = rng.choice(("7.60.0", "7.70.1", "6.40.0"))
                facts["signal"]["version"] = install["version"] = old
            elif what == 1:
                facts["screen_lock"]["idle_delay_seconds"] = rng.choice((0, 900, 1800))
            elif what == 2:
                facts["lockscreen_notifications"]["hides_content"] = False
            elif what == 3:
                facts["signal"]["profiles"][0]["mode"] = "0755"
            elif platform == "linux":
                facts["signal"]["installs"].append({"kind": "flatpak", "path": "/var/lib/flatpak/app/org.signal.Signal",
                                                    "version": "7.79.0", "build_expires": None})
                facts["unknown_reasons"]["signal.installs.1.build_expires"] = "the expiry date of flatpak builds is not read"
            else:
                facts["update"]["hosts_entries"] = [{"file": "/etc/hosts", "line": 3, "host": "updates.signal.org",
                                                     "address": "0.0.0.0"}]
    elif kind == "incomplete":  # no supported desktop environment, unreadable profile
        facts.pop("screen_lock")
        facts.pop("lockscreen_notifications")
        facts["signal"]["profiles"][0]["mode"] = None
        facts["unknown_reasons"].update({"screen_lock": "no supported desktop environment was found",
                                         "lockscreen_notifications": "no supported desktop environment was found",
                                         "signal.profiles.0.mode": "a profile folder could not be read"})
    elif kind == "no_signal":
        facts["signal"] = {"installed": False, "version": None, "installs": [], "profiles": []}
    elif kind == "malformed":  # facts that do not match desktop_facts.schema.json
        facts["signal"]["installed"] = "yes"
    hostvars[PROBE_VAR] = {"changed": False, "facts": facts}
    return host, hostvars


def generate(directory):
    """Write the input files; returns a description of what was written."""
    rng = random.Random(SEED)
    # Times relative to now, so waivers, attestations and boot times read the same whenever the bench runs
    # (no generated boot time lies near the 24-hour limit, so the seconds between here and the job change nothing).
    anchor = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    today = anchor.replace(hour=0, minute=0)
    workstations = int(SUBJECTS * WORKSTATION_SHARE)
    phones = SUBJECTS - workstations
    owners = int(SUBJECTS * 0.8)

    hostvars = {}
    for index in range(workstations):
        host, host_vars = _workstation(rng, index, anchor, owners)
        hostvars[host] = host_vars

    exports = {"corp-intune": [], "corp-amapi": []}
    for index in range(phones):
        platform = "ios" if rng.random() < 0.55 else "android"
        source = "corp-amapi" if platform == "android" and rng.random() < 0.7 else "corp-intune"
        exports[source].append(_phone(rng, index, platform, anchor, owners))

    attestations = []
    for owner_index in rng.sample(range(owners), owners // 4):
        for control in rng.sample(ATTESTATION_CONTROLS, rng.randint(1, 5)):
            answered = today - datetime.timedelta(days=rng.randint(0, 400))
            if rng.random() < 0.001:
                answered = today + datetime.timedelta(days=3)  # a misdated answer: error
            attestations.append({"owner": _owner(owner_index), "control": control,
                                 "answer": "yes" if rng.random() < 0.9 else "no", "date": answered.date().isoformat()})
    waivers = [
        {"id": "WVR-2026-014", "control": "sh-3.10-ios-daily-reboot", "scope": {"platforms": ["ios"]},
         "owner": "ciso@example.org", "justification": "No MDM can report an iPhone's last boot.", "ticket": "SEC-1432",
         "expires": (today + datetime.timedelta(days=120)).date().isoformat()},
        {"id": "WVR-2026-021", "control": "sh-3.1-android-signature", "scope": {"sources": ["corp-intune"]},
         "owner": "ciso@example.org", "justification": "Intune cannot report an app's installer.", "ticket": "SEC-1501",
         "expires": (today - datetime.timedelta(days=10)).date().isoformat()},
    ]
    run = {
        "org": ORG, "newest_versions": NEWEST, "waivers": waivers, "attestations": attestations,
        "mdm_sources": [{"name": name, "type": "file", "path": os.path.join(directory, "%s.json" % name)} for name in exports],
        "hostvars": hostvars, "groups": {GROUP: list(hostvars)},
    }
    files = []
    for name, devices in exports.items():
        document = {"format": "hardening.signal/mdm-export", "format_version": 1, "source": "synthetic %s" % name,
                    "exported_at": _stamp(anchor, 0), "devices": devices}
        path = os.path.join(directory, "%s.json" % name)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
        files.append(path)
    path = os.path.join(directory, "run.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(run, handle)
    files.insert(0, path)
    # Flush the input to disk here, so that the job's own fsync of its reports does not also pay for it.
    os.sync()
    return {"files": files, "workstations": workstations, "phones": phones, "attestations": len(attestations),
            "waivers": len(waivers), "bytes": sum(os.path.getsize(f) for f in files)}


# ---- phases (each in its own interpreter) -------------------------------------

def phase_floor(directory):
    gc.collect()
    baseline = maxrss_mib()
    started = time.perf_counter()
    with open(os.path.join(directory, "run.json"), encoding="utf-8") as handle:
        run = json.load(handle)
    subjects = len(run["hostvars"])
    for spec in run["mdm_sources"]:
        with open(spec["path"], encoding="utf-8") as handle:
            subjects += len(json.load(handle)["devices"])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "baseline_mib": baseline, "peak_mib": maxrss_mib() - baseline, "subjects": subjects}


class _Stub(object):
    def __init__(self, **attrs):
        self.__dict__.update(attrs)


def _action(args):
    """The real fleet_summary action plugin, with just enough of Ansible's task around it."""
    from ansible_collections.hardening.signal.plugins.action.fleet_summary import ActionModule
    task = _Stub(args=args, async_val=0, check_mode=True, action="hardening.signal.fleet_summary")
    connection = _Stub(_shell=_Stub(tmpdir="/nonexistent-not-used"))
    return ActionModule(task, connection, _Stub(check_mode=True), loader=None, templar=None)


def run_job(run, report_dir, formats, action_sheets=False):
    """The action's result for the generated run.json (loaded), writing the given formats to report_dir.

    The job measured against its target writes json, md and html only; --action-sheets measures a second job that
    also writes every person's action sheet and the questionnaire (no target: figures to report).
    """
    args = {"controls_dir": CONTROLS_DIR, "org": run["org"], "newest_versions": run["newest_versions"],
            "workstation_group": GROUP, "probe_var": PROBE_VAR, "owner_var": OWNER_VAR,
            "mdm_sources": run["mdm_sources"], "waivers": run["waivers"], "attestations": run["attestations"],
            "report_dir": report_dir, "formats": formats, "threshold_pct": 0.0, "action_sheets": action_sheets}
    return _action(args).run(task_vars={"hostvars": run["hostvars"], "groups": run["groups"]})


def phase_job(directory, formats=("json", "md", "html"), action_sheets=False):
    collection_on_path()
    # Everything the run imports, so the baseline holds the interpreter and its imports.
    from ansible_collections.hardening.signal.plugins.action import fleet_summary  # noqa: F401
    report_dir = tempfile.mkdtemp(prefix="bench-reports-")
    try:
        gc.collect()
        baseline = maxrss_mib()
        started = time.perf_counter()
        with open(os.path.join(directory, "run.json"), encoding="utf-8") as handle:
            run = json.load(handle)
        result = run_job(run, report_dir, list(formats), action_sheets)
        seconds = time.perf_counter() - started
        peak = maxrss_mib() - baseline
        sizes = {fmt: os.path.getsize(path) for fmt, path in result["reports"].items() if os.path.isfile(path)}
        if action_sheets:
            sheets = result["reports"]["action_sheets"]
            names = os.listdir(sheets)
            sizes["action_sheets"] = sum(os.path.getsize(os.path.join(sheets, name)) for name in names)
            sizes["action_sheet_files"] = len(names)
    finally:
        shutil.rmtree(report_dir, ignore_errors=True)
    return {"seconds": seconds, "baseline_mib": baseline, "peak_mib": peak, "subjects": result["subjects"],
            "results": sum(result["totals"].values()), "totals": result["totals"], "compliance_pct": result["compliance_pct"],
            "input_errors": result["input_errors"], "report_bytes": sizes, "timings": result["timings"]}


def phase_profile(directory, out):
    """The job under cProfile (bench_fleet.py --profile): where the time goes."""
    import cProfile
    import pstats
    collection_on_path()
    from ansible_collections.hardening.signal.plugins.action import fleet_summary  # noqa: F401
    profiler = cProfile.Profile()
    profiler.enable()
    result = phase_job(directory)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    return result


def phase_sheets(directory):
    """The job with every person's action sheet and the questionnaire as well (bench_fleet.py --action-sheets)."""
    return phase_job(directory, ("json", "md", "html", "questionnaire"), action_sheets=True)


PHASES = {"generate": generate, "floor": phase_floor, "job": phase_job, "sheets": phase_sheets}


def run_phase(name, directory):
    """Run one phase in a fresh interpreter; its JSON report."""
    return run_child_phase(__file__, name, ["--input", directory])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--input", help="a folder of already generated input (with --phase)")
    parser.add_argument("--profile", action="store_true", help="run the job once under cProfile and print the top functions")
    parser.add_argument("--keep", action="store_true", help="keep the generated input folder and print its path")
    parser.add_argument("--action-sheets", action="store_true",
                        help="also run the job with every person's action sheet and the questionnaire, and print its figures")
    options = parser.parse_args(argv)

    if options.phase:
        print(json.dumps(PHASES[options.phase](options.input)))
        return 0

    with work_folder("bench-fleet-", options.keep, "input") as directory:
        started = time.perf_counter()
        # In a child too: Linux keeps ru_maxrss across fork and exec, so a parent that built the fleet
        # would hand its own peak to every phase as a floor.
        made = run_phase("generate", directory)
        print("Synthetic fleet: %d subjects (%d workstations, %d phones), %d attestations, %d waivers, "
              "%.1f MiB of JSON in %d files (generated in %.1f s, not timed)" % (
                  made["workstations"] + made["phones"], made["workstations"], made["phones"], made["attestations"],
                  made["waivers"], made["bytes"] / 2 ** 20, len(made["files"]), time.perf_counter() - started))
        if options.profile:
            collection_on_path()
            result = phase_profile(directory, sys.stdout)
            print("job under cProfile: %.2f s" % result["seconds"])
            return 0
        floor = run_phase("floor", directory)
        job = run_phase("job", directory)
        sheets = run_phase("sheets", directory) if options.action_sheets else None

    time_ok = job["seconds"] <= TARGET_RATIO * floor["seconds"]
    mem_ok = job["peak_mib"] < TARGET_MIB
    rows = [
        ("phase", "seconds", "peak MiB", "time/floor", "mem/floor", "results", "target"),
        ("floor (json.load)", "%.2f" % floor["seconds"], "%.0f" % floor["peak_mib"], "1.0x", "1.0x",
         "%d subjects" % floor["subjects"], "-"),
        ("job (fleet_summary)", "%.2f" % job["seconds"], "%.0f" % job["peak_mib"], ratio(job["seconds"], floor["seconds"]),
         ratio(job["peak_mib"], floor["peak_mib"]), "%d" % job["results"],
         "PASS" if time_ok and mem_ok else "FAIL (%s)" % ", ".join(
             w for w, ok in (("> %.0fx the floor" % TARGET_RATIO, time_ok), ("> 1 GiB", mem_ok)) if not ok)),
    ]
    print_table(rows, (0, 5, 6))
    print("Peak MiB is ru_maxrss minus the interpreter+imports baseline (floor %.0f MiB, job %.0f MiB)."
          % (floor["baseline_mib"], job["baseline_mib"]))
    print("Job: %d subjects, %d results %s, compliance %s%%, %d input errors; reports json %.1f MiB, md %.0f KiB, html %.0f KiB."
          % (job["subjects"], job["results"], json.dumps(job["totals"], separators=(",", ":")), job["compliance_pct"],
             job["input_errors"], job["report_bytes"].get("json", 0) / 2 ** 20, job["report_bytes"].get("md", 0) / 1024,
             job["report_bytes"].get("html", 0) / 1024))
    print("Job phases (s): %s" % ", ".join("%s %.2f" % item for item in job["timings"].items()))
    if sheets is not None:
        print("With action sheets and the questionnaire: %.2f s, peak %.0f MiB; action sheets %.2f s, %d files, %.1f MiB; "
              "questionnaire %.1f MiB (written in the forked process: %.2f s)."
              % (sheets["seconds"], sheets["peak_mib"], sheets["timings"].get("write_action_sheets", 0),
                 sheets["report_bytes"].get("action_sheet_files", 0), sheets["report_bytes"].get("action_sheets", 0) / 2 ** 20,
                 sheets["report_bytes"].get("questionnaire", 0) / 2 ** 20, sheets["timings"].get("write_questionnaire", 0)))
    passed = judge_ratio("bench_fleet", "fleet job (50,000 subjects)", job["seconds"], "json.load of its input",
                         floor["seconds"], TARGET_RATIO,
                         [] if mem_ok else ["peak %.0f MiB, over the 1 GiB limit" % job["peak_mib"]])
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
