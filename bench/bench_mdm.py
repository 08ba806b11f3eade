# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark the phone pull end to end: 50,000 phones from four MDM APIs through the playbook (``make bench``).

A child process generates (untimed) a deterministic fleet of 50,000 phones
(tests/fakes/fleets.py) and serves it on 127.0.0.1 with the vendor fakes of
tests/fakes/:

  Microsoft Intune (Graph)     15,000 phones  iOS, iPadOS, Android   1,000 a page
  Jamf Pro                     15,000 phones  iOS (+150 Apple TVs)   500 a page
  Android Management API       15,000 phones  Android                100 a page
  Workspace ONE UEM             5,000 phones  iOS, Android (+100     500 a page, plus one app-list
                                              desktops)              request per phone

with compliant, failing, incomplete, stale, malformed and unusable records
in each. Then, each in a fresh process (the servers stay in their own):

  floor     a plain urllib loop over the same URLs as the clients
            (tests/fakes/floor_clients.py: same page
            sizes, same auth headers; Workspace ONE's app lists on as many
            threads as the client's APP_WORKERS), JSON-parsing each page and
            dropping it, one source after the other; tokens are fetched
            before the clock starts
  playbook  ansible-playbook playbooks/harden_signal.yml --check with the four
            sources configured and an inventory without workstations, end to
            end: pulled, normalized, judged, summarized, reports written to a
            temporary folder. Started from a small wrapper process, whose
            getrusage(RUSAGE_CHILDREN).ru_maxrss after the run is the peak RSS
            of the largest process of the ansible-playbook tree

The fakes are slow to compute an answer (Jamf Pro sorts and deep-copies the
inventory for every page, Workspace ONE collects every device id for every
app list), so the first floor walk is a warm-up that meets them cold; after
it each server sends the answer it computed for a URL again, when the token
is valid (--cold: never). The written fleet-summary.json is read back (in
another child) to confirm 50,000 mobile subjects and every source complete;
the servers' request logs confirm the floor and the playbook asked for the
same URLs. Exits non-zero when the playbook misses the target: at most
TARGET_RATIO times the floor (wall-clock) and under 1 GiB peak.
"""

from __future__ import annotations

import argparse
import collections
import gc
import hashlib
import json
import os
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

from bench_common import COLLECTIONS, ROOT, collection_on_path, judge_ratio, maxrss_mib, print_table, ratio, run_child_phase, work_folder

if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # the fakes, fleets and floor clients live in tests/fakes
from tests.fakes.fleets import (  # noqa: E402 (after the path is set)
    CREDENTIALS,
    ENTERPRISE,
    INTUNE_PAGE,
    NEWEST,
    NOT_PHONES,
    PHONES,
    SPLIT,
    TENANT_ID,
    build_fleet,
)

PLAYBOOK = os.path.join(ROOT, "playbooks", "harden_signal.yml")

# The playbook at most this many times its floor (the same pages with plain urllib), measured in the same run.
TARGET_RATIO = 3.0
TARGET_MIB = 1024.0

SERVE_READY_SECONDS = 300.0     # generating the fleet and an RSA key
SERVE_MAX_SECONDS = 3600.0      # the servers stop on their own after this, whatever happens to the bench
FLOOR_TIMEOUT = 600.0
PLAYBOOK_TIMEOUT = 900.0
CHECK_TIMEOUT = 300.0
COMMAND_TIMEOUT = 60.0


# ---- the servers (child process) ----------------------------------------------------------------------------------

def _header(request, name):
    for key, value in request.headers.items():
        if key.lower() == name:
            return value
    return None


class _Replay(object):
    """A fake's routes, keeping each successful GET answer as bytes and sending it again when the same URL is asked
    with a token the fake issued (and, for Workspace ONE, its tenant code).

    The fleet does not change while the bench runs, so the answer is the one the fake would compute again; only the
    fake's own cost per request (sorting and copying the inventory, serializing a page) is paid once, in the warm-up
    walk, instead of in every measured phase. --cold turns it off.
    """

    def __init__(self, fake, route, tenant_code=None):
        self.fake, self.route, self.tenant_code = fake, route, tenant_code
        self.answers = {}
        self.lock = threading.Lock()

    def _authorized(self, request):
        authorization = _header(request, "authorization") or ""
        if not authorization.startswith("Bearer ") or authorization[7:] not in self.fake.tokens:
            return False
        return self.tenant_code is None or _header(request, "aw-tenant-code") == self.tenant_code

    def __call__(self, request):
        if request.method != "GET":
            return self.route(request)
        key = (request.path, request.raw_query)
        with self.lock:
            kept = self.answers.get(key)
        if kept is not None and self._authorized(request):
            return kept[0], kept[1], dict(kept[2])
        answer = self.route(request)
        if answer[0] != 200 or not self._authorized(request):
            return answer
        payload = answer[1]
        data = json.dumps(payload).encode("utf-8") if isinstance(payload, (dict, list)) else payload
        kept = (answer[0], data, dict(answer[2]) if len(answer) > 2 else {})
        with self.lock:
            self.answers[key] = kept
        return kept[0], kept[1], dict(kept[2])


def phase_serve(argument):
    """Generate the fleet, serve it, print the connection details, then obey 'log' and 'stop' on stdin."""
    workdir, mode = argument.split(":", 1)
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from tests.fakes.android_management_api import FakeAndroidManagement, ServiceAccount
    from tests.fakes.intune_api import IntuneFake
    from tests.fakes.jamf_api import JamfFake
    from tests.fakes.workspace_one_api import TOKEN_PATH, WorkspaceOneFake

    started = time.monotonic()
    fleet = build_fleet()
    intune_data, jamf_devices = fleet["intune"], fleet["jamf"]
    (amapi_devices, amapi_policies), (ws1_devices, ws1_apps) = fleet["android_management"], fleet["workspace_one"]
    generated = time.monotonic() - started

    devices, apps, app_devices, configurations, assignments = intune_data
    intune = IntuneFake(tenant_id=TENANT_ID, devices=devices, detected_apps=apps, app_devices=app_devices,
                        configurations=configurations, assignments=assignments, page_size=INTUNE_PAGE,
                        **CREDENTIALS["intune"])
    jamf = JamfFake(jamf_devices, **CREDENTIALS["jamf"])
    account = ServiceAccount()
    amapi = FakeAndroidManagement(account, devices=amapi_devices, policies=amapi_policies, enterprise=ENTERPRISE)
    ws1 = WorkspaceOneFake(ws1_devices, ws1_apps, **CREDENTIALS["workspace_one"])
    servers = {"intune": intune.server, "jamf": jamf.serve(), "android_management": amapi.server,
               "workspace_one": ws1.serve()}
    token_paths = {"/%s/oauth2/v2.0/token" % TENANT_ID, "/api/oauth/token", "/token", TOKEN_PATH}
    if mode == "replay":
        for name, fake in (("intune", intune), ("jamf", jamf), ("android_management", amapi), ("workspace_one", ws1)):
            servers[name].routes = _Replay(fake, servers[name].routes,
                                           CREDENTIALS["workspace_one"]["tenant_code"] if name == "workspace_one" else None)
    entered = []
    try:
        for server in servers.values():
            server.__enter__()
            entered.append(server)
        key_file = account.write(workdir, amapi.token_url)
        config = {
            "generated_seconds": round(generated, 1),
            "intune": {"api_url": intune.url, "token_url": intune.token_url, "tenant_id": TENANT_ID,
                       **CREDENTIALS["intune"]},
            "jamf": {"api_url": servers["jamf"].url, **CREDENTIALS["jamf"]},
            "android_management": {"api_url": amapi.url, "enterprise_id": ENTERPRISE, "service_account_file": key_file},
            "workspace_one": {"api_url": servers["workspace_one"].url, "token_url": servers["workspace_one"].url + TOKEN_PATH,
                              **CREDENTIALS["workspace_one"]},
            "records": {"intune": len(devices), "jamf": len(jamf_devices), "android_management": len(amapi_devices),
                        "workspace_one": len(ws1_devices)},
        }
        print(json.dumps({"ready": config}), flush=True)
        deadline = time.monotonic() + SERVE_MAX_SECONDS
        while time.monotonic() < deadline:
            readable, dummy, dummy = select.select([sys.stdin], [], [], 1.0)
            if not readable:
                continue
            command = sys.stdin.readline().strip()
            if command in ("", "stop"):  # EOF: the bench is gone
                break
            if command == "log":
                print(json.dumps({"log": _request_log(servers, token_paths, (amapi.api_requests, amapi.token_requests))}),
                      flush=True)
    finally:
        for server in reversed(entered):
            server.__exit__(None, None, None)
    return None


def _request_log(servers, token_paths, extra_lists):
    """Per server: token requests, other requests and a digest of the other requests' method+URL (then forgotten)."""
    log = {}
    for name, server in servers.items():
        with server.lock:
            taken = list(server.requests)
            del server.requests[:]
        lines = sorted("%s %s%s" % (r.method, r.path, "?" + r.raw_query if r.raw_query else "")
                       for r in taken if r.path not in token_paths)
        log[name] = {"tokens": sum(1 for r in taken if r.path in token_paths), "requests": len(lines),
                     "digest": hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]}
    for extra in extra_lists:
        del extra[:]
    return log


# ---- floor: the same pages with plain urllib (fresh process) --------------------------------------------------------

def phase_floor(config_path):
    collection_on_path()
    from tests.fakes.floor_clients import WALKERS, Walk, fetch_tokens
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    tokens = fetch_tokens(config)
    gc.collect()
    baseline = maxrss_mib()
    walk = Walk()
    seconds = {}
    cpu = time.process_time()
    started = time.perf_counter()
    for name, walker in WALKERS:
        lap = time.perf_counter()
        walker(walk, config[name], tokens[name])
        seconds[name] = round(time.perf_counter() - lap, 3)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = maxrss_mib()
    return {"seconds": total, "cpu_seconds": cpu, "per_source": seconds, "baseline_mib": baseline, "peak_mib": peak,
            "delta_mib": peak - baseline, "requests": walk.requests, "bytes": walk.bytes, "phones": dict(walk.phones)}


# ---- the playbook, from a small wrapper process ---------------------------------------------------------------------

def phase_wrap(spec_path):
    """Run the command of the spec; wall time and the peak RSS of its process tree (RUSAGE_CHILDREN)."""
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    with open(spec["log"], "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(spec["command"], env=spec["env"], cwd=spec["cwd"], stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code = process.wait(timeout=spec["timeout"])
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session this wrapper started for it
            process.wait(timeout=30)
            code = "timeout after %.0f s" % spec["timeout"]
        wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024.0,
            "rc": code, "load": os.getloadavg()[0]}


CALLBACK = '''
# Written by bench/bench_mdm.py into a temporary folder: task start times and the fleet_summary result's timings.
import json, os, time
from ansible.plugins.callback import CallbackBase

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_mdm_timings"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.tasks, self.result, self.current = [], None, None

    def _close(self):
        if self.current:
            self.tasks.append([self.current[0], round(time.monotonic() - self.current[1], 3)])
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = [task.get_name(), time.monotonic()]

    def v2_runner_on_ok(self, result):
        if result._task.action in ("hardening.signal.fleet_summary", "fleet_summary"):
            self.result = {k: result._result.get(k) for k in ("seconds", "timings", "subjects", "totals",
                                                             "incomplete_sources", "input_errors")}

    def v2_playbook_on_stats(self, stats):
        self._close()
        with open(os.environ["BENCH_MDM_CALLBACK_OUT"], "w") as handle:
            json.dump({"tasks": self.tasks, "fleet_summary": self.result}, handle)
'''


def phase_check(report_dir):
    """What the written fleet-summary.json says (in its own process: the file is large)."""
    path = os.path.join(report_dir, "fleet-summary.json")
    with open(path, encoding="utf-8") as handle:
        summary = json.load(handle)
    by_source = collections.Counter()
    invalid = collections.Counter()
    for subject in summary["subjects"]:
        if subject["kind"] == "mobile":
            by_source[subject["source"]["name"]] += 1
            if subject["state"] != "ok":
                invalid[subject["source"]["name"]] += 1
    return {"bytes": os.path.getsize(path), "subjects": summary["compliance"]["subjects"],
            "mobile": sum(by_source.values()), "by_source": dict(by_source), "invalid": dict(invalid),
            "kinds": dict(collections.Counter(s["kind"] for s in summary["subjects"])),
            "sources": [{k: s.get(k) for k in ("name", "type", "status", "subjects", "errors", "stats")}
                        for s in summary["run"]["sources"]],
            "totals": summary["totals"], "compliance_pct": summary["compliance"]["pct"],
            "input_errors": len(summary["input_errors"])}


def source_specs(config):
    return [
        dict(name="corp-intune", type="intune",
             **{k: config["intune"][k] for k in ("api_url", "token_url", "tenant_id", "client_id", "client_secret")}),
        dict(name="corp-jamf", type="jamf", **config["jamf"]),
        dict(name="corp-android", type="android_management", **config["android_management"]),
        dict(name="corp-ws1", type="workspace_one", **config["workspace_one"]),
    ]


def phase_pull(argument):
    """One source's pull_source (client, normalization, record checks) in a fresh process, outside Ansible, with the
    cycle collector paused as the fleet_summary action pauses it; optionally under cProfile (top functions on stderr)."""
    request = json.loads(argument)
    collection_on_path()
    from ansible_collections.hardening.signal.plugins.module_utils.mdm.sources import pull_source
    with open(request["config"], encoding="utf-8") as handle:
        spec = source_specs(json.load(handle))[request["source"]]
    profiler = None
    if request.get("profile"):
        import cProfile
        profiler = cProfile.Profile()
    gc.collect()
    baseline = maxrss_mib()
    gc.disable()
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    subjects, errors, status = pull_source(spec)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    peak = maxrss_mib() - baseline
    gc.enable()
    if profiler is not None:
        import pstats
        sys.stderr.write("\n==== %s: %d subjects, %s, %.2f s under cProfile ====\n" % (
            spec["name"], len(subjects), status["status"], seconds))
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(request.get("top", 12))
    return {"name": spec["name"], "seconds": seconds, "peak_mib": peak, "subjects": len(subjects),
            "status": status["status"], "stats": status.get("stats"), "errors": len(errors)}


PHASES = {"floor": phase_floor, "wrap": phase_wrap, "check": phase_check, "pull": phase_pull}


# ---- orchestration ---------------------------------------------------------------------------------------------------

def run_phase(name, argument, timeout, stderr=None):
    """Run one phase in a fresh interpreter; its JSON report (the last line of its output)."""
    return run_child_phase(__file__, name, ["--input", argument], timeout, stderr)


class Servers(object):
    """The fake vendor APIs in a child process: started, asked for request logs, always stopped."""

    def __init__(self, workdir, cold=False):
        self.workdir = workdir
        self.stderr = open(os.path.join(workdir, "servers.log"), "w", encoding="utf-8")
        argument = "%s:%s" % (workdir, "cold" if cold else "replay")
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--phase", "serve", "--input", argument],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
                                        cwd=ROOT)
        self.config = self._answer("ready", SERVE_READY_SECONDS)

    def _answer(self, key, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            readable, dummy, dummy = select.select([self.process.stdout], [], [], 1.0)
            if readable:
                line = self.process.stdout.readline()
                if not line:
                    break
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not one of ours
                if isinstance(message, dict) and key in message:
                    return message[key]
            elif self.process.poll() is not None:
                break
        self.stop()
        with open(self.stderr.name, encoding="utf-8") as handle:
            sys.stderr.write(handle.read()[-4000:])
        raise SystemExit("the fake servers gave no %r answer within %.0f s" % (key, timeout))

    def log(self):
        self.process.stdin.write("log\n")
        self.process.stdin.flush()
        return self._answer("log", COMMAND_TIMEOUT)

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write("stop\n")
                self.process.stdin.close()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.stderr.close()


def ansible_env(workdir):
    env = dict(os.environ)
    bindir = os.path.dirname(sys.executable)
    env.update({
        "PATH": bindir + os.pathsep + env.get("PATH", ""),
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
        "ANSIBLE_HOME": os.path.join(ROOT, ".build", "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": os.path.join(ROOT, ".build", "ansible-home", "tmp"),
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(workdir, "callback"), "ANSIBLE_CALLBACKS_ENABLED": "bench_mdm_timings",
        "ANSIBLE_NOCOLOR": "1", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
    })
    env.pop("ANSIBLE_FORCE_COLOR", None)
    for key in [k for k in env if k.startswith("HARDENING_SIGNAL_MDM_")]:
        del env[key]  # only the sources' own options count
    return env


def write_inventory(workdir, config, report_dir, formats=None):
    """An inventory without workstations: localhost for the controller plays, the sources as variables."""
    variables = {
        "signal_hardening_newest_versions": NEWEST, "signal_hardening_release_feed_url": "",
        "signal_hardening_remediate": False, "signal_hardening_report_dir": report_dir,
        "signal_hardening_mdm_sources": source_specs(config),
    }
    if formats:
        variables["signal_hardening_report_formats"] = formats
    inventory = {"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                                 "ansible_python_interpreter": "{{ ansible_playbook_python }}"}},
                         "children": {"signal_workstations": {"hosts": {}}}, "vars": variables}}
    path = os.path.join(workdir, "inventory.yml")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(inventory, handle, indent=1)  # JSON is YAML
    return path


def run_playbook(workdir, config, index, timeout, formats=None):
    report_dir = os.path.join(workdir, "reports-%d" % index)
    os.makedirs(report_dir)
    inventory = write_inventory(workdir, config, report_dir, formats)
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    if not os.path.exists(ansible_playbook):
        ansible_playbook = shutil.which("ansible-playbook") or "ansible-playbook"
    env = ansible_env(workdir)
    env["BENCH_MDM_CALLBACK_OUT"] = os.path.join(workdir, "callback-%d.json" % index)
    spec = {"command": [ansible_playbook, PLAYBOOK, "--check", "-i", inventory], "env": env, "cwd": ROOT,
            "log": os.path.join(workdir, "playbook-%d.log" % index), "timeout": timeout}
    spec_path = os.path.join(workdir, "wrap-%d.json" % index)
    with open(spec_path, "w", encoding="utf-8") as handle:
        json.dump(spec, handle)
    result = run_phase("wrap", spec_path, timeout + 60)
    result["log"] = spec["log"]
    result["report_dir"] = report_dir
    try:
        with open(env["BENCH_MDM_CALLBACK_OUT"], encoding="utf-8") as handle:
            result["callback"] = json.load(handle)
    except (OSError, ValueError):
        result["callback"] = None
    return result


def _tail(path, lines=40):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return "".join(handle.readlines()[-lines:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--phase", choices=sorted(PHASES) + ["serve"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help="playbook runs (the median is judged; default 1)")
    parser.add_argument("--sources", action="store_true",
                        help="also pull each source alone, outside Ansible, in a fresh process: seconds and peak MiB")
    parser.add_argument("--profile", action="store_true", help="like --sources, under cProfile (top functions printed)")
    parser.add_argument("--cold", action="store_true",
                        help="let the fakes compute every answer in every phase (no replay of the warm-up's answers)")
    parser.add_argument("--formats", help="report formats for the playbook, comma-separated (default: the role's default)")
    parser.add_argument("--no-playbook", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=PLAYBOOK_TIMEOUT, help="seconds one playbook run may take")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (logs, reports) and print its path")
    options = parser.parse_args(argv)

    if options.phase == "serve":
        phase_serve(options.input)
        return 0
    if options.phase:
        print(json.dumps(PHASES[options.phase](options.input)))
        return 0

    collection_on_path()
    runs = max(1, min(options.runs, 20))
    with work_folder("bench-mdm-", options.keep, "working folder") as workdir:
        os.makedirs(os.path.join(workdir, "callback"))
        with open(os.path.join(workdir, "callback", "bench_mdm_timings.py"), "w", encoding="utf-8") as handle:
            handle.write(CALLBACK)
        servers = None
        results, checks, logs, pulls = [], [], [], []
        try:
            started = time.perf_counter()
            servers = Servers(workdir, cold=options.cold)
            config = servers.config
            config_path = os.path.join(workdir, "config.json")
            with open(config_path, "w", encoding="utf-8") as handle:
                json.dump(config, handle)
            print("Synthetic fleet: %d phones (%s), plus %d records that are not phones (%s); generated and served on "
                  "127.0.0.1 in %.1f s (not timed)" % (
                      PHONES, ", ".join("%s %d" % (k, v) for k, v in SPLIT.items()), sum(NOT_PHONES.values()),
                      ", ".join("%s %d" % (k, v) for k, v in NOT_PHONES.items()), time.perf_counter() - started))
            servers.log()  # forget the requests of start-up (none expected)
            # The first walk meets the fakes cold (each answer computed by the fake); afterwards they replay its answers.
            cold_floor = run_phase("floor", config_path, FLOOR_TIMEOUT)
            servers.log()
            floor = run_phase("floor", config_path, FLOOR_TIMEOUT)
            floor_log = servers.log()
            print("Floor with the fakes computing every answer: %.2f s (%s); %s: %.2f s (%s), %.2f s of it CPU in "
                  "the floor process" % (
                      cold_floor["seconds"], ", ".join("%s %.2f" % i for i in cold_floor["per_source"].items()),
                      "again (still cold)" if options.cold else "with their answers replayed", floor["seconds"],
                      ", ".join("%s %.2f" % i for i in floor["per_source"].items()), floor["cpu_seconds"]))
            for index in range(0 if options.no_playbook else runs):
                result = run_playbook(workdir, config, index, options.timeout,
                                      [f.strip() for f in options.formats.split(",") if f.strip()] if options.formats else None)
                logs.append(servers.log())
                if result["rc"] != 0:
                    sys.stderr.write(_tail(result["log"]))
                try:
                    checks.append(run_phase("check", result["report_dir"], CHECK_TIMEOUT))
                except SystemExit as exc:
                    checks.append({"error": str(exc)})
                shutil.rmtree(result["report_dir"], ignore_errors=True)
                results.append(result)
                print("  run %d: %.2f s wall, %.2f s CPU (the ansible-playbook tree), peak %.0f MiB, exit %s, load average "
                      "%.1f at the end" % (index + 1, result["seconds"], result["cpu_seconds"], result["peak_mib"], result["rc"],
                                           result["load"]))
            for source in range(len(SPLIT)) if options.sources or options.profile else ():
                sys.stdout.flush()
                pulls.append(run_phase("pull", json.dumps({"config": config_path, "source": source, "profile": options.profile}),
                                       options.timeout, stderr=sys.stdout))
                servers.log()
                print("  %s alone: %.2f s, peak %.0f MiB above the imports, %d subjects, %s" % (
                    pulls[-1]["name"], pulls[-1]["seconds"], pulls[-1]["peak_mib"], pulls[-1]["subjects"], pulls[-1]["status"]))
        finally:
            if servers is not None:
                servers.stop()

    if not results:
        return 0
    return report(floor, floor_log, results, checks, logs, pulls)


def report(floor, floor_log, results, checks, logs, pulls):
    seconds = statistics.median(r["seconds"] for r in results)
    peak = statistics.median(r["peak_mib"] for r in results)
    problems = []
    for index, (result, check) in enumerate(zip(results, checks)):
        prefix = "run %d: " % (index + 1) if len(results) > 1 else ""
        if result["rc"] != 0:
            problems.append("%sansible-playbook exited %s (log tail above)" % (prefix, result["rc"]))
        if "error" in check:
            problems.append("%sfleet-summary.json could not be read: %s" % (prefix, check["error"]))
            continue
        if check["mobile"] != PHONES or check["kinds"].get("workstation"):
            problems.append("%s%d mobile subjects (%s), expected %d and no workstation"
                            % (prefix, check["mobile"], json.dumps(check["by_source"]), PHONES))
        bad = ["%s %s" % (s["name"], s["status"]) for s in check["sources"] if s["status"] != "complete"]
        if bad or len(check["sources"]) != len(SPLIT):
            problems.append("%ssources not all complete: %s" % (prefix, ", ".join(bad) or "%d sources" % len(check["sources"])))
    same = all(log == floor_log for log in logs)
    mem_ok = peak < TARGET_MIB

    rows = [("phase", "seconds", "peak MiB", "devices/s", "time/floor", "mem/floor", "target"),
            ("floor (urllib + json)", "%.2f" % floor["seconds"], "%.0f" % floor["peak_mib"],
             "%.0f" % (PHONES / floor["seconds"]), "1.0x", "1.0x", "-")]
    for index, result in enumerate(results):
        rows.append(("playbook%s" % (" run %d" % (index + 1) if len(results) > 1 else ""), "%.2f" % result["seconds"],
                     "%.0f" % result["peak_mib"], "%.0f" % (PHONES / result["seconds"]),
                     ratio(result["seconds"], floor["seconds"]), ratio(result["peak_mib"], floor["peak_mib"]),
                     "<= %.0fx, < 1 GiB" % TARGET_RATIO if index == 0 else ""))
    if len(results) > 1:
        rows.append(("playbook (median)", "%.2f" % seconds, "%.0f" % peak, "%.0f" % (PHONES / seconds),
                     ratio(seconds, floor["seconds"]), ratio(peak, floor["peak_mib"]), ""))
    print_table(rows, (0, 6))
    print("Floor: %d requests, %.1f MiB of JSON, %s phones; per source (s): %s. Its peak is the whole fresh process "
          "(%.0f MiB before the first page)." % (
              floor["requests"], floor["bytes"] / 2 ** 20, sum(floor["phones"].values()),
              ", ".join("%s %.2f" % item for item in floor["per_source"].items()), floor["baseline_mib"]))
    print("Playbook peak: ru_maxrss of the largest process of the ansible-playbook tree (RUSAGE_CHILDREN of a wrapper).")
    print("Requests (non-token) per server, floor vs playbook: %s; same URLs: %s." % (
        ", ".join("%s %d/%s" % (name, entry["requests"], "/".join(str(log[name]["requests"]) for log in logs))
                  for name, entry in floor_log.items()), "yes" if same else "NO"))
    for index, (result, check) in enumerate(zip(results, checks)):
        if "error" in check:
            continue
        print("Run %d summary: %d subjects (%s), %d invalid; sources: %s; compliance %s%%, %d input errors; "
              "fleet-summary.json %.0f MiB." % (
                  index + 1, check["subjects"], ", ".join("%s %d" % i for i in sorted(check["by_source"].items())),
                  sum(check["invalid"].values()),
                  ", ".join("%s %s %s" % (s["name"], s["status"], "%.2fs/%dreq" % (s["stats"]["seconds"], s["stats"]["requests"])
                                          if s.get("stats") else "") for s in check["sources"]),
                  check["compliance_pct"], check["input_errors"], check["bytes"] / 2 ** 20))
        callback = result.get("callback") or {}
        fleet = callback.get("fleet_summary") or {}
        if fleet.get("timings"):
            print("Run %d fleet_summary (s): %.2f in the action: %s" % (
                index + 1, fleet.get("seconds") or 0, ", ".join("%s %.2f" % i for i in fleet["timings"].items())))
        if callback.get("tasks"):
            slow = sorted(callback["tasks"], key=lambda t: -t[1])[:4]
            outside = result["seconds"] - sum(t[1] for t in callback["tasks"])
            print("Run %d slowest tasks (s): %s; outside tasks (start-up, parsing, exit) %.2f" % (
                index + 1, "; ".join("%s %.2f" % (name, s) for name, s in slow), outside))
    if pulls:
        print("Each source alone, outside Ansible (s / peak MiB): %s" % ", ".join(
            "%s %.2f / %.0f" % (p["name"], p["seconds"], p["peak_mib"]) for p in pulls))
    for problem in problems:
        print("PROBLEM: %s" % problem)
    if not mem_ok:
        problems.append("peak %.0f MiB, over the 1 GiB limit" % peak)
    passed = judge_ratio("bench_mdm", "playbook on %d phones (median of %d)" % (PHONES, len(results)), seconds,
                         "urllib walk of the same pages", floor["seconds"], TARGET_RATIO, problems)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
