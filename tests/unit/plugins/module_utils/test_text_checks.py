# -*- coding: utf-8 -*-
"""Lone surrogates in text from outside: found with their path, shown escaped, never repeated in a message."""

from __future__ import annotations

from ansible_collections.hardening.signal.plugins.module_utils import text_checks


def test_valid_text_has_no_problem_whatever_its_script():
    for value in ("plain", "Zoë's iPhone", "東京", "\U0001F4F1 phone", "", None, 5, True):
        assert text_checks.surrogate_at(value) is None
    assert text_checks.surrogate_fields({"a": ["Zoë", {"b": "東京"}], "ü": 1}) == []


def test_each_lone_surrogate_is_found_with_its_path_and_keys():
    value = {"name": "ok", "owner": {"upn": "al\udc80ice"}, "list": ["x", "\ud800"], "k\udcff": "v"}
    found = text_checks.surrogate_fields(value)
    assert [(path, keys) for path, keys, _message in found] == [
        ("owner.upn", ("owner", "upn")), ("list[1]", ("list", 1)), ("k\\udcff", ("k\udcff",))]
    assert found[0][2] == ("the value is not valid Unicode text: a lone surrogate (U+DC80) at character 3, "
                           "so it is not used")
    assert found[2][2].startswith("the field name is not valid Unicode text")
    for path, _keys, message in found:
        (path + message).encode("utf-8")  # printable as it is


def test_a_string_alone_and_a_path_prefix():
    assert text_checks.surrogate_fields("\udc80", "signal_hardening_owner")[0][0] == "signal_hardening_owner"
    assert text_checks.surrogate_fields("\udc80")[0][0] is None


def test_the_message_never_repeats_the_value():
    secret = "s3cr\udc80t-token"
    message = text_checks.surrogate_fields({"client_secret": secret})[0][2]
    assert "s3cr" not in message and "token" not in message


def test_escaped_keeps_valid_text_and_spells_out_each_surrogate():
    assert text_checks.escaped("Zoë") == "Zoë"
    assert text_checks.escaped("a\udc80b\ud83d") == "a\\udc80b\\ud83d"
    assert text_checks.escaped(None) is None
    assert text_checks.escaped_all({"k\udc80": ["\udc81", 3]}) == {"k\\udc80": ["\\udc81", 3]}


def test_subclasses_of_str_are_checked_too():
    class Tagged(str):
        pass
    assert text_checks.surrogate_fields({"a": Tagged("x\udc80")})[0][0] == "a"
    assert text_checks.surrogate_fields([Tagged("é"), (Tagged("\udc80"),)])[0][0] == "[1][0]"
