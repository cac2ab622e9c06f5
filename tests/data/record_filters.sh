#!/bin/sh
# Records which frames `tshark -Y EXPR` selects for each filter case, into
# tests/data/filters.tsv (layer fields) and tests/data/filters_analysis.tsv (fields computed
# by the TCP/UDP conversation analysis). Run from the repository root with tshark 4.0 on
# PATH; the test suite only reads the TSVs. Columns: capture, expression, frame numbers
# (comma-separated, empty when none match).
set -eu
cd "$(dirname "$0")/../.."
record() {
    out=$1
    printf 'capture\texpression\tframes\n' >"$out"
    while IFS='	' read -r capture expr; do
        case "$capture" in '' | '#'*) continue ;; esac
        frames=$(tshark -n -r "captures/textbook/$capture" -Y "$expr" -T fields -e frame.number 2>/dev/null |
            paste -sd, -) || { echo "tshark rejected: $expr" >&2; exit 1; }
        printf '%s\t%s\t%s\n' "$capture" "$expr" "$frames" >>"$out"
    done
}

record tests/data/filters.tsv <<'CASES'
# presence tests
http_ip4and6.pcapng	tcp
arp_resolution.pcapng	arp
icmp_echo.pcapng	icmp
icmpv6_neighbor_solicitation.pcapng	icmpv6
http_ip4and6.pcapng	ipv6
dns.pcap	udp
arp_resolution.pcapng	!ip
ip_frag_source.pcapng	udp || icmp
# multi-occurrence semantics: == any, != all, ~= any-not-equal, === all
http_ip4and6.pcapng	ip.addr == 172.16.16.140
http_ip4and6.pcapng	ip.addr != 172.16.16.140
http_ip4and6.pcapng	ip.addr ~= 172.16.16.140
http_ip4and6.pcapng	ip.addr !== 172.16.16.139
http_ip4and6.pcapng	ip.src === 172.16.16.140
http_ip4and6.pcapng	!(ip.addr == 172.16.16.140)
http_ip4and6.pcapng	tcp.port != 80
http_ip4and6.pcapng	tcp.srcport != 80
http_ip4and6.pcapng	ip.addr != 10.1.1.1
http_ip4and6.pcapng	tcp.port eq 80 and ip
dns.pcap	udp.port == 53 && udp.srcport ne 53
# numbers: decimal, hex, octal; every comparison operator in both spellings
http_ip4and6.pcapng	frame.len > 100
http_ip4and6.pcapng	frame.len >= 0x42
http_ip4and6.pcapng	frame.len lt 074
http_ip4and6.pcapng	frame.len le 66 && frame.len ge 66
http_ip4and6.pcapng	frame.len ne 66
http_ip4and6.pcapng	frame.len gt 70 and frame.len <= 90
http_ip4and6.pcapng	frame.len < 0x50 && frame.len eq 74
http_ip4and6.pcapng	tcp.window_size_value < 300
http_ip4and6.pcapng	tcp.hdr_len == 40
http_ip4and6.pcapng	tcp.len > 0
http_ip4and6.pcapng	ip.ttl == 64 && ip.proto == 6
http_ip4and6.pcapng	ipv6.nxt == 6 && ipv6.hlim == 64
http_ip4and6.pcapng	frame.number in {1..3, 18}
http_ip4and6.pcapng	ip.len >= 60
tcp_handshake.pcapng	tcp.seq_raw > 1000000000
tcp_handshake.pcapng	tcp.ack_raw == 0
http_google.pcapng	eth.type == 0x0800
http_google.pcapng	frame.interface_id == 0
# addresses: IPv4, CIDR, IPv6 (+ prefix), MAC in three spellings, ordering
http_ip4and6.pcapng	ip.src == 172.16.16.0/24
http_ip4and6.pcapng	ip.addr == 172.16.0.0/12
http_ip4and6.pcapng	ip.dst == 172.16.16.139/32
http_ip4and6.pcapng	ipv6.src == 2001:db8:1:2::/64
http_ip4and6.pcapng	ipv6.addr == 2001:db8:1:2::1002
http_ip4and6.pcapng	ipv6.dst == 2001:db8:1:2:0:0:0:1000
http_ip4and6.pcapng	eth.src == 00:0c:29:1f:a7:55
http_ip4and6.pcapng	eth.addr == 00-0c-29-d3-46-dd
http_ip4and6.pcapng	eth.dst == 000c.29d3.46dd
http_ip4and6.pcapng	ip.src > 172.16.16.139
http_ip4and6.pcapng	eth.src < 00:0c:29:d3:00:00
arp_resolution.pcapng	arp.opcode == 2
arp_resolution.pcapng	arp.src.proto_ipv4 == 10.0.0.0/8 || arp.dst.hw_mac == 00:00:00:00:00:00
# slices
http_ip4and6.pcapng	eth.src[0:3] == 00:0c:29
http_ip4and6.pcapng	eth.src[3:3] == 1f:a7:55
http_ip4and6.pcapng	eth.src[3-5] == 1fa755
http_ip4and6.pcapng	eth.src[:2] == 00:0c
http_ip4and6.pcapng	eth.src[5] == 55
http_ip4and6.pcapng	eth.src[-1] == dd
http_ip4and6.pcapng	eth.src[4:] == a7:55
http_ip4and6.pcapng	ip.src[0:2] == ac:10
http_ip4and6.pcapng	ipv6.src[14:2] == 10:02
http_google.pcapng	frame[12:2] == 08:00
http_google.pcapng	tcp[13] == 12
http_google.pcapng	ip[9] == 06
http_google.pcapng	tcp.payload[0:3] == "GET"
# sets and ranges
http_google.pcapng	tcp.port in {80, 443}
http_google.pcapng	tcp.srcport in {1024..65535}
dns.pcap	udp.port in {53, 5353}
http_ip4and6.pcapng	frame.len in {66, 74..80}
http_ip4and6.pcapng	ip.addr in {172.16.16.139, 10.0.0.0/8}
# contains / matches (matches is case-insensitive unless (?-i))
http_google.pcapng	frame contains "GET"
http_google.pcapng	frame contains "get"
http_google.pcapng	tcp contains 47:45:54
http_google.pcapng	frame matches "get /"
http_google.pcapng	frame matches "(?-i)get"
http_google.pcapng	tcp.payload contains "HTTP/1.1"
http_google.pcapng	frame contains "\x47ET"
http_google.pcapng	ip contains "Host: www.google.com\r\n"
http_ip4and6.pcapng	tcp.flags.str contains "S"
http_ip4and6.pcapng	tcp.flags.str matches "^.{7}A"
# booleans and bitwise and
http_ip4and6.pcapng	tcp.flags.syn == 1
http_ip4and6.pcapng	tcp.flags.syn == True && tcp.flags.ack == False
http_ip4and6.pcapng	tcp.flags & 0x02
http_ip4and6.pcapng	tcp.flags & 0x12 == 0x12
http_ip4and6.pcapng	tcp.flags == 0x018
ip_frag_source.pcapng	ip.flags.mf == 1
ip_frag_source.pcapng	ip.frag_offset > 0
# precedence and negation
http_ip4and6.pcapng	frame.len > 100 or tcp.flags.syn == 1 and ipv6
http_ip4and6.pcapng	(frame.len > 100 or tcp.flags.syn == 1) and ipv6
http_ip4and6.pcapng	not tcp.flags.push == 1 && !(ipv6 || frame.len < 70)
http_ip4and6.pcapng	!!ipv6 && not not tcp.flags.fin == 1
http_ip4and6.pcapng	ip.flags.df == 1 and not tcp.flags.push == 1
http_ip4and6.pcapng	tcp.srcport == 53350 || tcp.dstport == 35023 && ipv6
# ICMP, time, options (not on the fast path)
icmp_echo.pcapng	icmp.type == 8
icmp_echo.pcapng	icmp.type == 0 && icmp.seq < 3
icmpv6_neighbor_solicitation.pcapng	icmpv6.type == 135
http_ip4and6.pcapng	frame.time_delta > 0.5
http_ip4and6.pcapng	frame.time_relative >= 5
http_ip4and6.pcapng	tcp.options.mss_val == 1440
http_ip4and6.pcapng	tcp.options.wscale.shift == 7 && ip
CASES

record tests/data/filters_analysis.tsv <<'CASES'
tcp_retransmissions.pcapng	tcp.analysis.retransmission
tcp_retransmissions.pcapng	tcp.analysis.flags
tcp_dupack.pcapng	tcp.analysis.duplicate_ack
tcp_dupack.pcapng	tcp.analysis.duplicate_ack_num == 2
http_ip4and6.pcapng	tcp.stream == 1
http_ip4and6.pcapng	tcp.seq > 100
tcp_zerowindowrecovery.pcapng	tcp.window_size < 1000
dns.pcap	udp.stream == 2
tcp_zerowindowrecovery.pcapng	tcp.analysis.zero_window
tcp_zerowindowrecovery.pcapng	tcp.analysis.zero_window_probe || tcp.analysis.window_update
tcp_retransmissions.pcapng	tcp.analysis.retransmission && tcp.stream == 0
http_ip4and6.pcapng	tcp.ack == 1 && tcp.stream in {0, 1}
tcp_dupack.pcapng	!tcp.analysis.flags && tcp
http_ip4and6.pcapng	tcp.nxtseq > 1 && tcp.len > 0
tcp_retransmissions.pcapng	tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission
tcp_dupack.pcapng	tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment
dns_tcp.pcapng	tcp.stream != 0
# facts only the analysis computes per packet (the UI once lost them in a second copy)
http_google.pcapng	tcp.analysis.acks_frame
http_google.pcapng	tcp.window_size_scalefactor > 1
http_google.pcapng	tcp.analysis.ack_rtt > 0.01
tcp_dupack.pcapng	tcp.analysis.duplicate_ack_frame == 1
tcp_retransmissions.pcapng	tcp.window_size_scalefactor == -1
http_ip4and6.pcapng	tcp.analysis.acks_frame == 4
CASES
