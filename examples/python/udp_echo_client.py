#!/usr/bin/env python3
"""UDP echo client: sendto a datagram, recvfrom the answer.

    sockeye run -- python3 examples/python/udp_echo_client.py [PORT] [MESSAGE]
"""
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7008
# The server's address: loopback, or the server host of `sockeye run --two-hosts`.
host = os.environ.get("SOCKEYE_SERVER_IP", "127.0.0.1")
message = (sys.argv[2] if len(sys.argv) > 2 else "ping").encode()

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.settimeout(5)
    s.sendto(message, (host, port))
    data, addr = s.recvfrom(1024)
print(f"received {data!r} from {addr[0]}:{addr[1]}", flush=True)
