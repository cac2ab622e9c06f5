#!/usr/bin/env python3
"""Writes dns_names.pcap (copied to tests/data/names/): DNS answers (A, CNAME then A, AAAA, an
answer naming its own receiver, a rename) each followed by traffic to the address they name,
so the host names learned from captured DNS can be checked against tshark -N mntd."""
import struct
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return (~s)&0xffff
def ip(src,dst,proto,payload):
    h=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(payload),1,0,64,proto,0,bytes(src),bytes(dst))
    h=h[:10]+struct.pack('!H',csum(h))+h[12:]
    return h+payload
def ip6(src,dst,nh,payload): return struct.pack('!IHBB',0x60000000,len(payload),nh,64)+src+dst+payload
A=b'\x00\x16\xce\x6e\x8b\x24'; B=b'\x00\x05\x5d\x21\x99\x4c'
def eth(p, src=A, dst=B, t=b'\x08\x00'): return dst+src+t+p
def udp(sp,dp,data): return struct.pack('!HHHH',sp,dp,8+len(data),0)+data
def tcp(sp,dp,flags,seq=1000): return struct.pack('!HHIIBBHHH',sp,dp,seq,0,0x50,flags,8192,0,0)
def name(n): return b''.join(bytes([len(x)])+x.encode() for x in n.split('.'))+b'\0'
def rr(n,t,data): return name(n)+struct.pack('!HHIH',t,1,300,len(data))+data
c=[192,168,0,2]; s=[192,168,0,1]; t=[93,184,216,34]; e=[198,51,100,7]
c6=bytes.fromhex('20010db8000000000000000000000002'); t6=bytes.fromhex('20010db8000000000000000000000099')
def q(id,n,ty=1): return struct.pack('!HHHHHH',id,0x0100,1,0,0,0)+name(n)+struct.pack('!HH',ty,1)
def r(id,n,rrs,ty=1): return struct.pack('!HHHHHH',id,0x8180,1,len(rrs),0,0)+name(n)+struct.pack('!HH',ty,1)+b''.join(rrs)
pk=[
 eth(ip(t,c,6,tcp(80,40010,0x12))),
 eth(ip(c,s,17,udp(40001,53,q(0x1234,'example.org')))),
 eth(ip(s,c,17,udp(53,40001,r(0x1234,'example.org',[rr('example.org',1,bytes(t))]))),src=B,dst=A),
 eth(ip(c,t,6,tcp(40002,80,0x02))),
 eth(ip(t,c,6,tcp(80,40002,0x12))),
 eth(ip(c,s,17,udp(40003,53,q(0x2222,'www.example.net')))),
 eth(ip(s,c,17,udp(53,40003,r(0x2222,'www.example.net',[rr('www.example.net',5,name('edge.example.net')),rr('edge.example.net',1,bytes(e))]))),src=B,dst=A),
 eth(ip(c,e,6,tcp(40004,443,0x02))),
 eth(ip(e,c,17,udp(53,40005,r(0x3333,'self.example.com',[rr('self.example.com',1,bytes(c))]))),src=B,dst=A),
 eth(ip(c,e,6,tcp(40004,443,0x10,1001))),
 eth(ip(s,c,17,udp(53,40006,r(0x4444,'v6.example.org',[rr('v6.example.org',28,t6)],28))),src=B,dst=A),
 eth(ip6(c6,t6,6,tcp(40007,80,0x02)),t=b'\x86\xdd'),
 eth(ip(s,c,17,udp(53,40008,r(0x5555,'example.org',[rr('renamed.example.org',1,bytes(t))]))),src=B,dst=A),
 eth(ip(c,t,6,tcp(40009,8099,0x02))),
]
out=open('dns_names.pcap','wb'); out.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))
for i,p in enumerate(pk): out.write(struct.pack('<IIII',1000+i,0,len(p),len(p))+p)
