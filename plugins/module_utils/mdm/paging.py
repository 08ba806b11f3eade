# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Numbered pages with a total (Jamf Pro's page/page-size/totalCount, Workspace ONE's page/pagesize/Total).

A walk ends when the items seen reach the total or a page comes back
empty; a page shorter than asked for before that fails the pull (the
server caps the page size) instead of skipping devices, and so does an
answer without the paging fields.
"""

from __future__ import annotations

MAX_PAGES = 100000  # a hard bound on the walk: 50 million devices at 500 a page


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def page_size(client, options, default):
    """options' page_size as a whole number of at least 1, or default when it is not set."""
    value = options.get("page_size")
    if value in (None, ""):
        return default
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise client.fail("page_size must be a whole number, not %r" % (value,))
    if isinstance(value, bool) or size < 1 or str(size) != str(value).strip():
        raise client.fail("page_size must be a whole number of at least 1, not %r" % (value,))
    return size


def numbered_pages(client, get, page_url, size, items_key, total_key, size_name, empty_ends=False):
    """(page number, items) for each page from 0 on; get(url) fetches one, page_url(page) names it.

    empty_ends: an empty answer (204 No Content) ends the walk instead of failing it.
    """
    page = 0
    while page < MAX_PAGES:
        url = page_url(page)
        body = get(url)
        client.stats.pages += 1
        if empty_ends and body == {}:
            return
        if not isinstance(body, dict):
            raise client.fail("GET %s answered a JSON %s instead of an object with %s and %s"
                              % (url, type(body).__name__, items_key, total_key), url=url)
        items, total = body.get(items_key), body.get(total_key)
        if not isinstance(items, list):
            raise client.fail("GET %s answered without a %s list (page %d)" % (url, items_key, page), url=url)
        if not is_int(total) or total < 0:
            raise client.fail("GET %s answered without a usable %s (%r) on page %d" % (url, total_key, total, page), url=url)
        yield page, items
        if not items or page * size + len(items) >= total:
            return
        if len(items) < size:
            raise client.fail("page %d held %d device(s) though %s was %d and %s %d says more follow: the server caps "
                              "%s; set page_size to %d or less"
                              % (page, len(items), size_name, size, total_key, total, size_name, len(items)), url=url)
        page += 1
    raise client.fail("stopped after %d pages: the inventory did not end (%s keeps growing?)" % (MAX_PAGES, total_key))
