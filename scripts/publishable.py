# -*- coding: utf-8 -*-
"""Build the collection as it would be uploaded and run galaxy-importer on it, as Galaxy and Automation Hub do.

    python scripts/publishable.py --tools .build/tools-venv/bin [--repository URL]   (make publishable)

galaxy-importer comes from its own venv (it pins its own ansible-core and ansible-lint). Its ansible-test step is
off (scripts/galaxy-importer.cfg): it needs containers. The check fails when the importer fails, prints an ERROR,
or prints a warning that is not one of the two known ones below.

The repository URL: Galaxy requires one, and this collection is not published anywhere yet, so galaxy.yml names
none and nothing here invents one. The artifact to upload is built with --repository (make publishable
COLLECTION_REPOSITORY=https://...). Without it the artifact is checked with a placeholder under .invalid and is
not meant for upload; the script says so.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".build", "publish")
CONFIG = os.path.join(ROOT, "scripts", "galaxy-importer.cfg")
PLACEHOLDER = "https://repository.invalid/hardening.signal-is-not-published-yet"

# Warnings the importer is expected to print, each with the reason it is accepted.
KNOWN_WARNINGS = (
    # plugins/modules/win_desktop_info.ps1: validate-modules needs PowerShell, which cannot be installed where this
    # collection is built and tested; tests/sanity/ignore-2.19.txt says so for that one file.
    re.compile(r"sanity\[cannot-ignore\]: Ignore file contains validate-modules!skip"),
    re.compile(r"Ignore files skip ansible-test sanity tests, found ignore-2\.19\.txt with 1 statement"),
)


def source_files():
    """The files a clone has, plus new files not yet committed; nothing git ignores (venvs, builds, reports)."""
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode("utf-8")
    return sorted(name for name in listed.split("\0") if name and os.path.lexists(os.path.join(ROOT, name)))


def stage(repository):
    """A copy of the tree with the repository URL in its galaxy.yml; returns the copy's collection root."""
    target = os.path.join(OUT, "stage", "ansible_collections", "hardening", "signal")
    shutil.rmtree(os.path.join(OUT, "stage"), ignore_errors=True)
    for name in source_files():
        source, dest = os.path.join(ROOT, name), os.path.join(target, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), dest)
        else:
            shutil.copy2(source, dest)
    galaxy = os.path.join(target, "galaxy.yml")
    with open(galaxy, encoding="utf-8") as handle:
        text = handle.read()
    if re.search(r"^repository:", text, re.MULTILINE):
        raise SystemExit("galaxy.yml names a repository now: drop --repository / COLLECTION_REPOSITORY")
    with open(galaxy, "a", encoding="utf-8") as handle:
        handle.write("repository: %s\n" % repository)
    return target


def build(tools, collection):
    for old in glob.glob(os.path.join(OUT, "hardening-signal-*.tar.gz")):
        os.remove(old)
    subprocess.run([os.path.join(tools, "ansible-galaxy"), "collection", "build", "--output-path", OUT, collection],
                   check=True, env=tool_env(tools), stdout=subprocess.DEVNULL)
    (artifact,) = glob.glob(os.path.join(OUT, "hardening-signal-*.tar.gz"))
    return artifact


def tool_env(tools):
    """The tools' own Ansible: none of the controller's ANSIBLE_* settings (the Makefile exports them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env["PATH"] = os.path.abspath(tools) + os.pathsep + env.get("PATH", "")
    env["ANSIBLE_HOME"] = os.path.join(OUT, "ansible-home")
    return env


def problems(returncode, output):
    """What makes the import fail: its exit code, ERROR lines, warnings that are not known ones."""
    found = [] if returncode == 0 else ["galaxy-importer exited %d" % returncode]
    for line in output.splitlines():
        text = line.strip()
        if text.startswith("ERROR"):
            found.append(text)
        elif text.startswith("WARNING") and not any(known.search(text) for known in KNOWN_WARNINGS):
            found.append(text)
    return found


def run_importer(tools, artifact):
    env = tool_env(tools)
    scratch = tempfile.mkdtemp(prefix="importer-", dir=OUT)
    env.update(GALAXY_IMPORTER_CONFIG=CONFIG, GALAXY_IMPORTER_TMP_ROOT_DIR=scratch,
               GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=os.path.join(scratch, "ansible-tmp"))
    try:
        done = subprocess.run([os.path.join(tools, "python"), "-m", "galaxy_importer.main", artifact], env=env,
                              cwd=scratch, capture_output=True, text=True, timeout=1200, check=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    output = done.stdout + done.stderr
    with open(os.path.join(OUT, "galaxy-importer.log"), "w", encoding="utf-8") as handle:
        handle.write(output)
    return done.returncode, output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", required=True, help="bin folder of the venv with galaxy-importer")
    parser.add_argument("--repository", default="", help="the URL of the published source repository")
    args = parser.parse_args(argv)
    args.tools = os.path.abspath(args.tools)
    os.makedirs(OUT, exist_ok=True)
    artifact = build(args.tools, stage(args.repository or PLACEHOLDER))
    returncode, output = run_importer(args.tools, artifact)
    for line in output.splitlines():
        if not line.startswith("Loading ") and line.strip():
            print("galaxy-importer: " + line)
    found = problems(returncode, output)
    if found:
        print("The collection is not publishable (full log: %s):" % os.path.relpath(os.path.join(OUT, "galaxy-importer.log"), ROOT))
        for problem in found:
            print("  " + problem)
        return 1
    if args.repository:
        print("Publishable: %s (repository %s)" % (os.path.relpath(artifact, ROOT), args.repository))
    else:
        print("galaxy-importer accepts the collection. %s names the placeholder repository %s and is not for upload:"
              " galaxy.yml names no repository (none is published yet); build the upload with"
              " make publishable COLLECTION_REPOSITORY=<the source repository's URL>." % (os.path.relpath(artifact, ROOT), PLACEHOLDER))
    return 0


if __name__ == "__main__":
    sys.exit(main())
