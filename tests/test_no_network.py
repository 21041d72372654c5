"""The suite-wide network guard works (so a test that opens a connection fails)."""

import socket

import pytest


def test_network_connections_fail_in_tests() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(AssertionError, match="network connection attempted"):
            s.connect(("127.0.0.1", 9))
    finally:
        s.close()
