#!/usr/bin/env python3
"""A server that forks a child process per client (the classic Unix design); the parent
goes back to accept() while the child echoes.

    sockeye run -- python3 examples/python/forking_server.py [PORT] [CLIENTS]
"""
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7007
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 1

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    children = []
    for _ in range(clients):
        conn, addr = s.accept()
        pid = os.fork()
        if pid == 0:
            s.close()
            while data := conn.recv(1024):
                conn.sendall(data)
            conn.close()
            os._exit(0)
        children.append(pid)
        conn.close()
    for pid in children:
        os.waitpid(pid, 0)
