"""Validation of base URLs, the private-address policy, and auth header settings."""

from __future__ import annotations

import socket

import pytest

from pen.providers.urls import (
    BlockedAddress,
    InvalidBaseURL,
    is_blocked_ip,
    validate_auth_header,
    validate_base_url,
    validate_extra_headers,
)


@pytest.mark.parametrize(("url", "normalised"), [
    ("https://api.openai.com/v1", "https://api.openai.com/v1"),
    ("  HTTPS://API.Example.COM/v1/  ", "https://api.example.com/v1"),
    ("http://localhost:11434", "http://localhost:11434"),
    ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1"),
    ("http://[::1]:1234/v1", "http://[::1]:1234/v1"),
    ("https://generativelanguage.googleapis.com/v1beta", "https://generativelanguage.googleapis.com/v1beta"),
])
def test_valid_base_urls_are_normalised(url, normalised):
    assert validate_base_url(url, block_private=False) == normalised


@pytest.mark.parametrize(("url", "message"), [
    ("", "Enter"),
    ("api.openai.com/v1", "http:// or https://"),
    ("ftp://example.com", "http:// or https://"),
    ("javascript:alert(1)", "http:// or https://"),
    ("file:///etc/passwd", "http:// or https://"),
    ("https://user:pass@example.com/v1", "user name or password"),
    ("https://key@example.com/v1", "user name or password"),
    ("https:///v1", "host"),
    ("https://exa mple.com", "spaces"),
    ("https://example.com/v1\r\nX-Injected: 1", "control"),
    ("https://example.com/v1?key=abc", "query"),
    ("https://example.com/v1#frag", "fragment"),
    ("https://example.com:99999/v1", "not valid"),
])
def test_invalid_base_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(InvalidBaseURL, match=message):
        validate_base_url(url, block_private=False)


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1",  # loopback in every IPv4 form
    "10.0.0.5", "172.16.3.4", "192.168.1.10", "100.64.0.1", "0.0.0.0", "169.254.169.254",
    "[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[fd12:3456::1]",
    "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[64:ff9b::a9fe:a9fe]", "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]", "localhost", "LOCALHOST.", "db.localhost",
])
def test_private_targets_are_refused_when_blocking(host):
    with pytest.raises(BlockedAddress):
        validate_base_url(f"http://{host}:8080/v1", block_private=True)
    assert validate_base_url(f"http://{host}:8080/v1", block_private=False)  # allowed by default


@pytest.mark.parametrize("host", ["8.8.8.8", "[2606:4700:4700::1111]", "1.1.1.1"])
def test_public_addresses_pass_when_blocking(host):
    assert validate_base_url(f"https://{host}/v1", block_private=True) == f"https://{host}/v1"


def test_a_host_name_is_judged_by_every_address_it_resolves_to(monkeypatch):
    answers = {"mixed.example": ["93.184.216.34", "10.0.0.1"], "public.example": ["93.184.216.34"]}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            raise socket.gaierror("unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(BlockedAddress):
        validate_base_url("https://mixed.example/v1", block_private=True)
    assert validate_base_url("https://public.example/v1", block_private=True)
    with pytest.raises(InvalidBaseURL, match="could not be resolved"):
        validate_base_url("https://nowhere.example/v1", block_private=True)


def test_is_blocked_ip_unwraps_embedded_ipv4():
    assert is_blocked_ip("::ffff:10.1.2.3")
    assert not is_blocked_ip("::ffff:93.184.216.34")
    assert is_blocked_ip("64:ff9b::c0a8:0101")  # NAT64 of 192.168.1.1
    assert not is_blocked_ip("64:ff9b::5db8:d822")  # NAT64 of 93.184.216.34
    assert is_blocked_ip("fe80::1%eth0")
    assert is_blocked_ip("224.0.0.1")


@pytest.mark.parametrize(("value", "normalised"), [
    ("x-api-key", "x-api-key"),
    ("  x-goog-api-key ", "x-goog-api-key"),
    ("Authorization: Bearer {key}", "Authorization: Bearer {key}"),
    ("Authorization:Token {key}", "Authorization: Token {key}"),
])
def test_valid_auth_header_settings(value, normalised):
    assert validate_auth_header(value) == normalised


@pytest.mark.parametrize(("value", "message"), [
    ("", "Enter"),
    ("Authorization: Bearer {key}\r\nX-Evil: 1", "line breaks"),
    ("x-api-key\n", "line breaks"),
    ("Bad Header: {key}", "not a valid"),
    ("Authorization: Bearer", "must contain {key}"),
    ("(): {key}", "not a valid"),
])
def test_auth_header_settings_refuse_injection_and_missing_key(value, message):
    with pytest.raises(ValueError, match=message):
        validate_auth_header(value)


def test_extra_headers_are_checked():
    assert validate_extra_headers({"HTTP-Referer": " https://pen.example "}) == {"HTTP-Referer": "https://pen.example"}
    assert validate_extra_headers(None) == {}
    with pytest.raises(ValueError, match="header name"):
        validate_extra_headers({"Bad Name": "x"})
    with pytest.raises(ValueError, match="line breaks"):
        validate_extra_headers({"X-Title": "Pen\r\nSet-Cookie: a=b"})
