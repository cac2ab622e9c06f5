#!/usr/bin/env python3
"""A server that starts a thread per client; every thread shares the process's sockets.

    sockeye run -- python3 examples/python/threaded_server.py [PORT] [CLIENTS]
"""
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7007
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 1


def echo(conn):
    with conn:
        while data := conn.recv(1024):
            conn.sendall(data)


with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    threads = []
    for _ in range(clients):
        conn, addr = s.accept()
        t = threading.Thread(target=echo, args=(conn,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
