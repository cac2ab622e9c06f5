#!/usr/bin/env python3
"""TCP echo client: connect, send a line, read the echo, close.

    sockeye run -- python3 examples/python/tcp_echo_client.py [PORT] [MESSAGE]
"""
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7007
# The server's address: loopback, or the server host of `sockeye run --two-hosts`.
host = os.environ.get("SOCKEYE_SERVER_IP", "127.0.0.1")
message = (sys.argv[2] if len(sys.argv) > 2 else "hello, sockeye\n").encode()

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((host, port))
    s.sendall(message)
    data = s.recv(1024)
print(f"received {data!r}", flush=True)
