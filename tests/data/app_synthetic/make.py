import struct, sys

frames = []
T = [1_600_000_000.0]

def eth(dst, src, etype, payload):
    return dst + src + struct.pack(">H", etype) + payload

MAC_C = bytes.fromhex("020000000001")
MAC_S = bytes.fromhex("020000000002")

def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ipv4(src, dst, proto, payload, ident=1, frag=0, mf=False, ttl=64):
    flags = (0x2000 if mf else 0) | (frag // 8)
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, ttl, proto, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return h + payload

def ipv6(src, dst, nxt, payload, hlim=64):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), nxt, hlim, src, dst) + payload

def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0x1234 if sport == 40007 else 0) + payload

def tcp(sport, dport, seq, ack, flags, payload, win=65535, urg=0):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, win, 0, urg) + payload

C4, S4 = [10, 0, 0, 1], [10, 0, 0, 2]
C6 = bytes.fromhex("fe800000000000000000000000000001")
S6 = bytes.fromhex("ff020000000000000000000000010002")

def add(b):
    T[0] += 0.001
    frames.append((T[0], b))

def v4udp(sport, dport, payload, src=C4, dst=S4):
    add(eth(MAC_S, MAC_C, 0x0800, ipv4(src, dst, 17, udp(sport, dport, payload))))

def dnsname(n):
    out = b""
    for part in n.split("."):
        out += bytes([len(part)]) + part.encode()
    return out + b"\0"

# 1 mDNS query, 2 mDNS response, 3 LLMNR query
v4udp(5353, 5353, struct.pack(">HHHHHH", 0, 0, 1, 0, 0, 0) + dnsname("_services._dns-sd._udp.local") + struct.pack(">HH", 12, 1), dst=[224, 0, 0, 251])
v4udp(5353, 5353, struct.pack(">HHHHHH", 0, 0x8400, 0, 1, 0, 0) + dnsname("_services._dns-sd._udp.local") + struct.pack(">HHIH", 12, 1, 4500, 12) + dnsname("_http._tcp") [:-1] + b"\xc0\x23", dst=[224, 0, 0, 251])
v4udp(50000, 5355, struct.pack(">HHHHHH", 0x1234, 0, 1, 0, 0, 0) + dnsname("printer") + struct.pack(">HH", 1, 1), dst=[224, 0, 0, 252])
# 4 DHCPv6 Solicit
duid = bytes.fromhex("000100011c39cf8808002782ff71")
sol = bytes([1]) + bytes.fromhex("2b5e2c") + struct.pack(">HH", 1, len(duid)) + duid + struct.pack(">HHH", 8, 2, 0)
add(eth(bytes.fromhex("333300010002"), MAC_C, 0x86dd, ipv6(C6, S6, 17, udp(546, 547, sol))))
# 5 DNS query then 6 ICMP port unreachable quoting it
q = struct.pack(">HHHHHH", 0xabcd, 0x0100, 1, 0, 0, 0) + dnsname("example.com") + struct.pack(">HH", 1, 1)
inner = ipv4(C4, S4, 17, udp(40001, 53, q))
v4udp(40001, 53, q)
icmp_body = struct.pack(">BBHI", 3, 3, 0, 0) + inner[:28]
add(eth(MAC_C, MAC_S, 0x0800, ipv4(S4, C4, 1, icmp_body)))
# FTP session: server 21, client 40002; data on 5001
def ftp(from_server, seq, ack, text, sport=21, cport=40002, flags=0x18):
    if from_server:
        add(eth(MAC_C, MAC_S, 0x0800, ipv4(S4, C4, 6, tcp(sport, cport, seq, ack, flags, text))))
    else:
        add(eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(cport, sport, seq, ack, flags, text))))
ss, cs = 1000, 2000
def srv(text):
    global ss
    ftp(True, ss, cs, text); ss += len(text)
def cli(text):
    global cs
    ftp(False, cs, ss, text); cs += len(text)
srv(b"220 (vsFTPd 3.0.3)\r\n")
cli(b"USER anonymous\r\n")
srv(b"331 Please specify the password.\r\n")
cli(b"PASV\r\n")
srv(b"227 Entering Passive Mode (10,0,0,2,19,137).\r\n")
cli(b"LIST\r\n")
ftp(True, 7000, 8000, b"-rw-r--r--    1 0        0               4 Jan 01 00:00 a.txt\r\n", sport=5001, cport=40003)
srv(b"150 Here comes the directory listing.\r\n226 Directory send OK.\r\n")
cli(b"EPSV\r\n")
srv(b"229 Entering Extended Passive Mode (|||5002|)\r\n")
cli(b"RETR a.bin\r\n")
ftp(True, 9000, 9100, bytes(range(0, 200)), sport=5002, cport=40008)
srv(b"226 Transfer complete.\r\n")
# HTTP: two pipelined GETs in one segment, then a chunked response
def http(from_server, seq, ack, text):
    if from_server:
        add(eth(MAC_C, MAC_S, 0x0800, ipv4(S4, C4, 6, tcp(80, 40004, seq, ack, 0x18, text))))
    else:
        add(eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(40004, 80, seq, ack, 0x18, text))))
r1 = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
http(False, 1, 1, r1)
r2 = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
http(True, 1, 1 + len(r1), r2)
r3 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
http(True, 1 + len(r2), 1 + len(r1), r3)
# TLS: Client Hello (from the textbook capture) then a plain Alert
ch = bytes.fromhex("16030100a00100009c03031089948b2319e04c1697f8952d5cc4ded467261b480ae3aba28703e8beff24b5000016c02bc02fc00ac009c013c01400330039002f0035000a0100005d0000001b00190000166d61696c30322e637962657264796e652e6c6f63616cff01000100000a00080006001700180019000b0002010000230000000500050100000000000d001600140401050106010201040305030603020304020202")
add(eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(40005, 443, 1, 1, 0x18, ch))))
add(eth(MAC_C, MAC_S, 0x0800, ipv4(S4, C4, 6, tcp(443, 40005, 1, 1 + len(ch), 0x18, bytes.fromhex("15030300020228")))))
# DNS over TCP: two whole messages in one segment
q1 = struct.pack(">HHHHHH", 0x0001, 0x0100, 1, 0, 0, 0) + dnsname("a.example") + struct.pack(">HH", 1, 1)
q2 = struct.pack(">HHHHHH", 0x0002, 0x0100, 1, 0, 0, 0) + dnsname("b.example") + struct.pack(">HH", 28, 1)
both = struct.pack(">H", len(q1)) + q1 + struct.pack(">H", len(q2)) + q2
add(eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(40009, 53, 1, 1, 0x18, both))))
# SMTP STARTTLS then TLS on port 25
def smtp(from_server, seq, ack, data):
    if from_server:
        add(eth(MAC_C, MAC_S, 0x0800, ipv4(S4, C4, 6, tcp(25, 40010, seq, ack, 0x18, data))))
    else:
        add(eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(40010, 25, seq, ack, 0x18, data))))
smtp(False, 1, 1, b"STARTTLS\r\n")
smtp(True, 1, 11, b"220 2.0.0 Ready to start TLS\r\n")
smtp(False, 11, 31, ch)
# HTTP POST with a JSON body
body = b'{"a":1}'
post = b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n" + body
add(eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(40011, 8080, 1, 1, 0x18, post))))
# TCP with URG
add(eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(40006, 7777, 1, 1, 0x38, b"!", urg=1))))
# IPv6 fragments of a UDP datagram (nxt 44)
payload = udp(40007, 9999, b"x" * 40)
def frag6(off, more, chunk):
    fh = struct.pack(">BBHI", 17, 0, (off // 8) << 3 | (1 if more else 0), 0x1234)
    return eth(S6[:0] + bytes.fromhex("333300010002"), MAC_C, 0x86dd, ipv6(C6, S6, 44, fh + chunk))
add(frag6(0, True, payload[:24]))
add(frag6(24, False, payload[24:]))

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for ts, b in frames:
        f.write(struct.pack("<IIII", int(ts), int((ts % 1) * 1e6), len(b), len(b)))
        f.write(b)
print(len(frames), "frames")
