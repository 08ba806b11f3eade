# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contract between sources.py and a vendor client module (intune, jamf, android_management, workspace_one).

Each vendor module defines ``VENDOR = Vendor(...)``:

* type: the source type it serves (``signal_hardening_mdm_sources[].type``).
* required: options that must be set (from the source or the environment); a tuple inside the tuple names
  alternatives, one of which is enough (client_id or username).
* default_api_url, default_token_url: the vendor's public endpoints, or None where each customer has their own.
  The token URL may name options in braces ({tenant_id}).
* connect(options, policy, stats) -> HttpClient: checks the options and sets up authentication. It makes no
  request, and raises MdmHttpError naming the option that is wrong.
* iter_records(client, options) -> iterator of Pulled: every phone of the source, in the vendor's order; a phone
  met twice (a page boundary that moved during the walk) is yielded twice, and sources.py decides
  (mdm/duplicate_ids.py). A network failure raises MdmHttpError (the source is then failed or incomplete).

A normaliser (``<vendor>_records.py``) turns one vendor record into a Pulled, or into NotAPhone for a record the
vendor holds that is not a phone (an Apple TV, a Windows PC); the client skips those and yields only Pulled.
"""

from __future__ import annotations

from collections import namedtuple


class Pulled(namedtuple("Pulled", "label record errors")):
    """One vendor record, normalized.

    label: where the record is, in words (``mobile-devices mobileDeviceId 101``).
    record: the phone record (schemas/mobile_device.schema.json), or None when the vendor record cannot be used at
    all (no usable id or platform); errors then say why.
    errors: [(field, message)] of the vendor fields found malformed, for the run's input errors.
    """

    __slots__ = ()


class NotAPhone(namedtuple("NotAPhone", "label why")):
    """A vendor record that is not a phone: skipped, never judged."""

    __slots__ = ()


Vendor = namedtuple("Vendor", "type required default_api_url default_token_url connect iter_records")
