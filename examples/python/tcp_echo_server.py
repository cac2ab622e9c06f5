#!/usr/bin/env python3
"""TCP echo server: the first program of every socket tutorial.

    sockeye run -- python3 examples/python/tcp_echo_server.py [PORT] [CLIENTS]

Serves CLIENTS clients (default 1) one after the other, then exits, so a trace ends.
"""
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7007
# The server's address: loopback, or the server host of `sockeye run --two-hosts`.
host = os.environ.get("SOCKEYE_SERVER_IP", "127.0.0.1")
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 1

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen()
    print(f"listening on {host}:{port}", flush=True)
    for _ in range(clients):
        conn, addr = s.accept()
        with conn:
            print(f"connection from {addr[0]}:{addr[1]}", flush=True)
            while True:
                data = conn.recv(1024)
                if not data:
                    break
                conn.sendall(data)
