# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark the role's workstation audit against Ansible's own floor (part of ``make bench``).

Generates an inventory of 50 workstations, each a local-connection alias of this machine, and times with the
real ansible-playbook, forks 10:

  ping   a play running ansible.builtin.ping on the 50 hosts: what merely reaching them costs
  audit  the real playbooks/harden_signal.yml with --check (variables checked, one desktop_info probe per host,
         the fleet judged and the json/md/html reports written), remediation off (an audit), offline (the newest
         version is given, no feed is read)

Each is run once to warm up, then REPEATS times, interleaved; the medians are compared. Prints the wall-clock
ratio audit/ping, which must be at most 1.4 (exits non-zero otherwise), and the CPU-time ratio (the steadier
figure when other work shares the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from bench_common import judge_ratio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")
HOSTS = 50
FORKS = 10
REPEATS = 7
TARGET_RATIO = 1.4


def write_inputs(folder, hosts):
    inventory = os.path.join(folder, "inventory.ini")
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write("[signal_workstations]\n")
        for i in range(1, hosts + 1):
            handle.write("ws%03d ansible_connection=local ansible_python_interpreter=%s\n" % (i, sys.executable))
    ping = os.path.join(folder, "ping.yml")
    with open(ping, "w", encoding="utf-8") as handle:
        handle.write("---\n- name: Reach every workstation\n  hosts: signal_workstations\n  gather_facts: false\n"
                     "  tasks:\n    - name: Ping\n      ansible.builtin.ping:\n")
    extra = os.path.join(folder, "vars.json")
    with open(extra, "w", encoding="utf-8") as handle:
        json.dump({"signal_hardening_remediate": False,
                   "signal_hardening_report_dir": os.path.join(folder, "reports"),
                   "signal_hardening_newest_versions": {"linux": "7.80.0"},
                   "signal_hardening_release_feed_url": ""}, handle)
    return inventory, ping, extra


def run(command, env):
    """(wall seconds, CPU seconds of the run and everything it started)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit("bench_workstations: %s failed (rc %d)" % (os.path.basename(command[-1]), proc.returncode))
    return elapsed, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--hosts", type=int, default=HOSTS)
    parser.add_argument("--forks", type=int, default=FORKS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    with tempfile.TemporaryDirectory(prefix="hs-bench-ws-") as folder:
        inventory, ping, extra = write_inputs(folder, args.hosts)
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
                   ANSIBLE_HOME=os.path.join(folder, "ansible-home"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_FORCE_COLOR="0")
        env.pop("ANSIBLE_CALLBACKS_ENABLED", None)
        commands = {
            "ping": [playbook_bin, "-i", inventory, "-f", str(args.forks), ping],
            "audit": [playbook_bin, "-i", inventory, "-f", str(args.forks), "--check", "-e", "@" + extra, PLAYBOOK],
        }
        times = {name: [] for name in commands}
        cpu = {name: [] for name in commands}
        for name, command in commands.items():
            run(command, env)  # warm-up (imports, byte-compiled caches)
        for _i in range(args.repeats):
            for name, command in commands.items():  # interleaved, so a busy moment hits both
                wall, used = run(command, env)
                times[name].append(wall)
                cpu[name].append(used)
        with open(os.path.join(folder, "reports", "fleet-summary.json"), encoding="utf-8") as handle:
            summary = json.load(handle)
    workstations = [s for s in summary["subjects"] if s["kind"] == "workstation"]
    ok = [s for s in workstations if s["state"] == "ok"]
    median = {name: statistics.median(values) for name, values in times.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    ratio = median["audit"] / median["ping"]
    print("workstation audit bench: %d hosts (local-connection aliases of this machine), forks %d, %d runs each"
          % (args.hosts, args.forks, args.repeats))
    for name in commands:
        print("  %-5s median %6.2f s wall, %6.2f s CPU  (wall of each run: %s)"
              % (name, median[name], median_cpu[name], ", ".join("%.2f" % t for t in times[name])))
    # The CPU ratio is the steadier figure on a shared machine; the target is on wall-clock time.
    print("  ratio audit/ping: %.2f wall (target at most %.1f), %.2f CPU; load average %.1f; %d of %d workstations judged ok"
          % (ratio, TARGET_RATIO, median_cpu["audit"] / median_cpu["ping"], os.getloadavg()[0], len(ok), len(workstations)))
    problems = [] if len(workstations) == args.hosts and len(ok) == args.hosts else [
        "%d of %d workstations probed and judged ok" % (len(ok), args.hosts)]
    passed = judge_ratio("bench_workstations", "audit of %d workstations (median)" % args.hosts, median["audit"],
                         "an ansible.builtin.ping play (median)", median["ping"], TARGET_RATIO, problems)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
