# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Control ids the catalogue no longer has, and why: a waiver naming one is refused with the reason (the judge run
hands this table to the waiver collector, as governance does not read the catalogue).

A retired id is never mapped onto its successor: the successor checks something else, so a risk accepted for the
old check is not accepted for the new one without someone deciding so.
"""

from __future__ import annotations

RETIRED = {
    "sh-3.1-android-play-store": (
        "it was replaced by sh-3.1-android-signature, which judges Signal's signing certificate instead of the "
        "installer; a waiver for the old check does not cover the new one, so write one for the new id if the risk "
        "is still accepted"),
}
