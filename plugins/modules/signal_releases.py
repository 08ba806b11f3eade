#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: signal_releases
short_description: Find the newest official Signal Desktop version per platform
version_added: 0.1.0
description:
  - Runs on the controller (action plugin), once per run. For each desktop platform (linux, macos, windows) it
    decides which newest version the judge compares installed versions with.
  - An offline value in O(offline) (the platform's own key, or C(desktop) for all three) always wins, and no feed is
    read for that platform.
  - Otherwise, when O(feed_url) is not empty, it reads Signal's electron-builder feed for the platform under that
    base URL (C(latest-linux.yml), C(latest-mac.yml), C(latest.yml); every value is read as a string) with a timeout.
    With O(apt_index=true), Linux takes the highest C(signal-desktop) version of the apt index
    C(dists/<suite>/main/binary-amd64/Packages.gz) (or C(Packages)) instead, falling back to the feed.
  - It never fails because of a feed. A feed that cannot be read (network, HTTP status, malformed YAML) leaves that
    platform's newest version unknown, and the reason is returned; version freshness is then C(unknown), never C(pass).
author:
  - hardening.signal contributors (@hardening-signal)
options:
  feed_url:
    description: Base URL of Signal's update feeds. Empty means never read a feed.
    type: str
    default: ""
  offline:
    description: Offline newest versions (keys C(desktop), C(linux), C(macos), C(windows), C(ios), C(android)); they win over feeds.
    type: dict
    default: {}
  platforms:
    description: Desktop platforms to decide.
    type: list
    elements: str
    choices: [linux, macos, windows]
    default: [linux, macos, windows]
  apt_index:
    description: For Linux, read the apt repository's Packages index (what .deb hosts are offered) before the feed.
    type: bool
    default: false
  apt_repo_url:
    description: The apt repository whose index is read when O(apt_index=true).
    type: str
    default: https://updates.signal.org/desktop/apt
  apt_suite:
    description: Suite of that apt repository.
    type: str
    default: xenial
  timeout:
    description: Seconds to wait for each feed.
    type: float
    default: 10
  validate_certs:
    description: Verify TLS certificates of the feeds.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    details: Only reads; runs the same in check mode.
  platform:
    support: full
    platforms: all
    details: Runs on the controller.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - hardening.signal.controller_action
seealso:
  - module: hardening.signal.fleet_summary
"""

EXAMPLES = r"""
- name: Newest Signal Desktop versions (offline values win; feeds otherwise)
  hardening.signal.signal_releases:
    feed_url: https://updates.signal.org/desktop/
    offline: "{{ signal_hardening_newest_versions }}"
  register: signal_releases

- name: Judge the fleet against them
  hardening.signal.fleet_summary:
    controls_dir: "{{ role_path }}/controls"
    org: "{{ org }}"
    newest_versions: "{{ signal_releases.newest_versions }}"
    newest_release_dates: "{{ signal_releases.release_dates }}"
    newest_unknown_reasons: "{{ signal_releases.unknown_reasons }}"
    report_dir: /var/lib/signal-compliance
"""

RETURN = r"""
newest_versions:
  description: The offline values given, plus the version each feed that was read gave for its platform.
  returned: always
  type: dict
  sample: {"desktop": "7.80.0", "ios": "7.85", "android": "7.80.2", "macos": "7.81.0"}
release_dates:
  description: Release date per platform, where a feed gave one.
  returned: always
  type: dict
  sample: {"macos": "2025-11-19T18:25:09.575Z"}
release_ages_days:
  description: Days since each of those release dates.
  returned: always
  type: dict
  sample: {"macos": 3}
unknown_reasons:
  description: Platforms whose newest version is not known, with the reason.
  returned: always
  type: dict
  sample: {"windows": "the update feed could not be read: https://updates.signal.org/desktop/latest.yml: timed out"}
sources:
  description: Where each known platform's newest version came from (offline value, or the URL read).
  returned: always
  type: dict
  sample: {"linux": "offline value (signal_hardening_newest_versions)"}
read:
  description: Platforms whose feed was read (or tried) in this run.
  returned: always
  type: list
  elements: str
  sample: [macos, windows]
msg:
  description: One line per platform, for people.
  returned: always
  type: str
"""
