# -*- coding: utf-8 -*-
# Copyright: contributors to hardening.signal
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a document against NIST's OSCAL 1.2.3 JSON schema (made by `make consumer-deps`, or here when missing).

NIST's patterns use \\p{L} and \\p{N}, which Python's re cannot compile: the check runs jsonschema's Draft 7
validator with its pattern keyword evaluated by the regex package, and its format checker (date-time, uri).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import regex

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))
SCHEMA = os.path.join(ROOT, '.build', 'oscal', 'oscal_complete_schema.json')


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, 'string') and not regex.search(pattern, instance):
        yield jsonschema.ValidationError('%r does not match %r' % (instance, pattern))


_Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, {'pattern': _pattern})
_cache = {}


def nist_validator():
    if 'validator' not in _cache:
        if not os.path.exists(SCHEMA):
            subprocess.run([sys.executable, os.path.join(ROOT, 'tests', 'consumers', 'oscal_schema.py'), SCHEMA],
                           check=True)
        with open(SCHEMA, encoding='utf-8') as handle:
            schema = json.load(handle)
        assert schema['$id'].endswith('/1.2.3/oscal-complete-schema.json'), schema['$id']
        _cache['validator'] = _Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return _cache['validator']


def _leaves(error):
    # The schema's root is a oneOf over the eight models: the errors that say something are inside it.
    if not error.context:
        return [error]
    return [leaf for child in error.context for leaf in _leaves(child)]


def schema_errors(document):
    return ['%s: %s' % ('/'.join(map(str, e.absolute_path)), e.message[:300])
            for error in nist_validator().iter_errors(document) for e in _leaves(error)]
