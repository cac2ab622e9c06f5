#!/usr/bin/env python3
"""Connecting to a port nobody listens on: the SYN is answered by an RST, and connect_ex
returns the error (ECONNREFUSED) instead of raising it.

    sockeye run -- python3 examples/python/connect_refused.py [PORT]
"""
import errno
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7009

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    err = s.connect_ex(("127.0.0.1", port))
print(f"connect_ex returned {err} ({errno.errorcode.get(err, '?')})", flush=True)
