#!/usr/bin/env python3
"""UDP echo server: no connection, just datagrams (recvfrom tells who sent each one).

    sockeye run -- python3 examples/python/udp_echo_server.py [PORT] [DATAGRAMS]

Echoes DATAGRAMS datagrams (default 1), then exits.
"""
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7008
# The server's address: loopback, or the server host of `sockeye run --two-hosts`.
host = os.environ.get("SOCKEYE_SERVER_IP", "127.0.0.1")
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind((host, port))
    print(f"waiting for datagrams on 127.0.0.1:{port}", flush=True)
    for _ in range(count):
        data, addr = s.recvfrom(1024)
        s.sendto(data, addr)
