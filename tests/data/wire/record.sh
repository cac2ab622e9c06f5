#!/bin/sh
# Records what tshark 4.0 says about captures/{link_layers,tunnels,malformed}.pcapng (made by
# captures/make_wire.py) into tests/data/wire/. Run from anywhere with tshark on PATH; the
# tests only read the files. All occurrences of a field, joined by `,` (tshark's
# `-E occurrence=a -E aggregator=,`), so a tunnel's two ip.src read `outer,inner`; the
# malformed frames' expert messages hold commas, so that file joins with `|`.
set -eu
cd "$(dirname "$0")/../../.."
fields() {
    capture=$1
    out=$2
    aggregator=$3
    shift 3
    args=""
    for f in "$@"; do args="$args -e $f"; done
    # shellcheck disable=SC2086
    tshark -n -r "captures/$capture" -T fields -E header=y -E occurrence=a -E "aggregator=$aggregator" \
        $args >"tests/data/wire/$out" 2>/dev/null
}

COMMON="frame.number frame.protocols _ws.col.Protocol _ws.col.Info"

# shellcheck disable=SC2086
fields link_layers.pcapng link_layers.tsv , $COMMON eth.dst eth.src eth.type eth.len \
    eth.padding llc.dsap llc.ssap llc.control llc.oui llc.pid llc.cisco_pid llc.type \
    stp.protocol stp.version stp.type stp.flags stp.flags.tcack stp.flags.tc stp.root.prio \
    stp.root.ext stp.root.hw stp.root.cost stp.bridge.prio stp.bridge.ext stp.bridge.hw \
    stp.port stp.msg_age stp.max_age stp.hello stp.forward stp.version_1_length \
    lldp.tlv.type lldp.tlv.len lldp.chassis.subtype lldp.chassis.id.mac lldp.chassis.id \
    lldp.port.subtype lldp.port.id lldp.time_to_live lldp.port.desc lldp.tlv.system.name \
    lldp.tlv.system.desc cdp.version cdp.ttl cdp.checksum cdp.tlv.type cdp.tlv.len \
    cdp.deviceid cdp.portid cdp.software_version cdp.platform

# shellcheck disable=SC2086
fields tunnels.pcapng tunnels.tsv , $COMMON eth.src eth.dst eth.type ip.src ip.dst ip.proto \
    ip.len ip.ttl ip.hdr_len ipv6.src ipv6.dst ipv6.nxt ipv6.plen ipv6.hlim \
    gre.flags_and_version gre.flags.checksum gre.flags.routing gre.flags.key \
    gre.flags.sequence_number gre.flags.version gre.proto gre.key gre.sequence_number \
    vxlan.flags vxlan.gbp vxlan.vni geneve.version geneve.option.length geneve.flags \
    geneve.proto_type geneve.vni geneve.option.class geneve.option.type mpls.label mpls.exp \
    mpls.bottom mpls.ttl udp.srcport udp.dstport udp.length udp.stream tcp.srcport \
    tcp.dstport tcp.stream tcp.len tcp.seq tcp.seq_raw tcp.ack tcp.nxtseq tcp.hdr_len \
    tcp.flags tcp.flags.str tcp.window_size_value tcp.window_size tcp.analysis.acks_frame \
    tcp.analysis.initial_rtt tcp.options.mss_val

# shellcheck disable=SC2086
fields malformed.pcapng malformed.tsv '|' $COMMON ip.hdr_len ip.len ip.proto ip.src \
    ip.dst ipv6.plen ipv6.nxt tcp.srcport tcp.dstport tcp.hdr_len tcp.len tcp.flags \
    udp.srcport udp.dstport udp.length _ws.malformed _ws.expert.message _ws.expert.severity

tshark -n -r captures/tunnels.pcapng -q -z conv,tcp >tests/data/wire/tunnels.convtcp.txt 2>/dev/null
tshark -n -r captures/tunnels.pcapng -q -z conv,udp >tests/data/wire/tunnels.convudp.txt 2>/dev/null

# tcpdump -n lines, the timestamp cut off (what `sockeye -r` prints for each frame).
for name in link_layers tunnels; do
    tcpdump -n -r "captures/$name.pcapng" 2>/dev/null | cut -d' ' -f2- >"tests/data/wire/$name.tcpdump.txt"
done

# Display filters on the new fields: capture, expression, the frames tshark shows.
printf 'capture\texpression\tframes\n' >tests/data/wire/filters.tsv
while IFS='	' read -r capture expr; do
    frames=$(tshark -n -r "captures/$capture" -Y "$expr" -T fields -e frame.number 2>/dev/null | paste -sd, -)
    printf '%s\t%s\t%s\n' "$capture" "$expr" "$frames" >>tests/data/wire/filters.tsv
done <<'CASES'
link_layers.pcapng	stp
link_layers.pcapng	llc
link_layers.pcapng	eth.len == 38
link_layers.pcapng	eth.type
link_layers.pcapng	stp.flags.tc == 1
link_layers.pcapng	stp.type == 0x02
link_layers.pcapng	lldp.tlv.system.name == "access-sw1"
link_layers.pcapng	cdp.deviceid contains "sw1"
link_layers.pcapng	llc.cisco_pid == 0x2000
tunnels.pcapng	ip.src == 10.5.0.1
tunnels.pcapng	ip.addr == 192.0.2.1 && ip.addr == 10.1.0.2
tunnels.pcapng	ipv6 && ip
tunnels.pcapng	gre.key == 42
tunnels.pcapng	gre.proto == 0x6558
tunnels.pcapng	vxlan.vni == 5001
tunnels.pcapng	geneve.vni == 7001
tunnels.pcapng	mpls.label == 24
tunnels.pcapng	mpls.bottom == 1
tunnels.pcapng	tcp.stream == 7
tunnels.pcapng	tcp.flags.syn == 1 && tcp.flags.ack == 0
tunnels.pcapng	udp.dstport == 4789
tunnels.pcapng	eth.src == 02:00:00:00:00:0c
malformed.pcapng	_ws.malformed
malformed.pcapng	_ws.expert.message contains "Bogus"
malformed.pcapng	udp.length > 20
malformed.pcapng	ip.hdr_len < 20
CASES

# tshark -V of the 802.3 and tunnel captures (checksums verified, as sockeye always does).
for name in link_layers tunnels; do
    TZ=UTC tshark -n -V -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
        -o udp.check_checksum:TRUE -r "captures/$name.pcapng" >"tests/data/wire/$name.verbose.txt" 2>/dev/null
done
