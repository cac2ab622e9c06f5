#!/usr/bin/env python3
"""Bulk TCP transfer over loopback for `make bench-run`: a receiver thread and a sender in
one process, SIZE_MIB MiB in 256 KiB send() calls. Prints MiB/s and the transfer's seconds."""
import os
import socket
import sys
import threading
import time

size = int(sys.argv[1] if len(sys.argv) > 1 else 1024) * 1024 * 1024
chunk = b"x" * (256 * 1024)

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]
got = [0]


def receive():
    conn, _ = server.accept()
    while data := conn.recv(1 << 20):
        got[0] += len(data)
    conn.close()


t = threading.Thread(target=receive)
t.start()
start = time.monotonic()
with socket.create_connection(("127.0.0.1", port)) as c:
    sent = 0
    while sent < size:
        c.sendall(chunk)
        sent += len(chunk)
t.join()
secs = time.monotonic() - start
print(f"{got[0] / 2**20 / secs:.0f} {secs:.3f}", flush=True)
