#!/usr/bin/env python3
"""Half-close: send everything, shutdown(SHUT_WR) to say "no more from me" (a FIN), and
keep reading until the server closes too (recv returns b"", the server's FIN).

    sockeye run -- python3 examples/python/half_close_client.py [PORT]
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7007

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect(("127.0.0.1", port))
    s.sendall(b"all I have to say\n")
    s.shutdown(socket.SHUT_WR)
    received = b""
    while chunk := s.recv(1024):
        received += chunk
print(f"received {received!r} then EOF", flush=True)
