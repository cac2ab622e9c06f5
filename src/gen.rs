//! Deterministic synthetic traffic for benchmarks and tests: interleaved TCP connections
//! (handshake, request, response segments with ACKs, FIN teardown), UDP query/response pairs,
//! about 15% of conversations over IPv6. Frames are built with etherparse's PacketBuilder, so
//! every header and checksum is valid. The payloads are what such ports carry on a real
//! network: DNS queries and answers on 53, HTTP/1.1 requests and responses (a
//! Content-Length body over several segments) on 80 and 8080, TLS records (a ClientHello
//! with a server name, a ServerHello, application data) on 443 — so a benchmark pays for
//! the application layer as a real capture makes it.

use etherparse::PacketBuilder;

use crate::frame::OwnedFrame;

/// A small xorshift PRNG: deterministic across platforms and runs, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const CLIENT_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const SERVER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Syn,
    SynAck,
    Ack,
    Request,
    Response(u32),
    AckResponse,
    Fin,
    FinAck,
    LastAck,
    Done,
}

/// One conversation in progress.
#[derive(Debug, Clone)]
struct Flow {
    v6: bool,
    udp: bool,
    client: u32,
    server: u32,
    cport: u16,
    sport: u16,
    cseq: u32,
    sseq: u32,
    step: Step,
    /// Which of the flows this is (names, paths and DNS ids differ per flow).
    id: u32,
    /// The response's segments still to send: their payloads, built at the request.
    response: Vec<Vec<u8>>,
}

/// Generates `count` frames. Same `seed` ⇒ same bytes.
pub struct TrafficGen {
    rng: Rng,
    flows: Vec<Flow>,
    ts_ns: i64,
    next_port: u16,
    flows_made: u32,
}

impl TrafficGen {
    pub fn new(seed: u64) -> Self {
        TrafficGen {
            rng: Rng::new(seed),
            flows: Vec::new(),
            ts_ns: 1_700_000_000_000_000_000,
            next_port: 30000,
            flows_made: 0,
        }
    }

    fn new_flow(&mut self) -> Flow {
        self.next_port = if self.next_port >= 60000 {
            30000
        } else {
            self.next_port + 1
        };
        let udp = self.rng.below(100) < 20;
        self.flows_made = self.flows_made.wrapping_add(1);
        Flow {
            v6: self.rng.below(100) < 15,
            udp,
            client: 0x0a00_0000 | (self.rng.below(250) as u32 + 1),
            server: 0xc633_6400 | (self.rng.below(250) as u32 + 1),
            cport: self.next_port,
            sport: if udp {
                53
            } else {
                [80, 443, 8080][self.rng.below(3) as usize]
            },
            cseq: self.rng.next_u64() as u32,
            sseq: self.rng.next_u64() as u32,
            step: Step::Syn,
            id: self.flows_made,
            response: Vec::new(),
        }
    }

    /// The next frame.
    pub fn next_frame(&mut self) -> OwnedFrame {
        while self.flows.len() < 32 {
            let flow = self.new_flow();
            self.flows.push(flow);
        }
        let index = self.rng.below(self.flows.len() as u64) as usize;
        self.ts_ns += 1_000 + self.rng.below(50_000) as i64;
        let mut flow = self.flows.swap_remove(index);
        let frame = self.emit(&mut flow);
        if flow.step != Step::Done {
            self.flows.push(flow);
        }
        OwnedFrame::ethernet(self.ts_ns, frame)
    }

    fn emit(&mut self, flow: &mut Flow) -> Vec<u8> {
        if flow.udp {
            let query = flow.step == Step::Syn;
            let len = if query {
                30 + self.rng.below(30)
            } else {
                60 + self.rng.below(200)
            };
            let _ = len;
            flow.step = if query { Step::Request } else { Step::Done };
            let payload = dns_message(flow.id, query, flow.server);
            let builder = addresses(flow, query);
            let (src, dst) = if query {
                (flow.cport, flow.sport)
            } else {
                (flow.sport, flow.cport)
            };
            return write(builder.udp(src, dst), &payload);
        }
        let from_client = matches!(
            flow.step,
            Step::Syn | Step::Ack | Step::Request | Step::AckResponse | Step::Fin | Step::LastAck
        );
        let (len, flags, next) = match flow.step {
            Step::Syn => (0, "S", Step::SynAck),
            Step::SynAck => (0, "SA", Step::Ack),
            Step::Ack => (0, "A", Step::Request),
            Step::Request => {
                let segments = 1 + self.rng.below(4) as usize;
                let sizes: Vec<usize> = (0..segments)
                    .map(|_| 200 + self.rng.below(1200) as usize)
                    .collect();
                flow.response = response_segments(flow.sport, &sizes);
                (0, "PA", Step::Response(segments as u32))
            }
            Step::Response(n) => (
                0,
                "PA",
                if n > 1 {
                    Step::Response(n - 1)
                } else {
                    Step::AckResponse
                },
            ),
            Step::AckResponse => (0, "A", Step::Fin),
            Step::Fin => (0, "FA", Step::FinAck),
            Step::FinAck => (0, "FA", Step::LastAck),
            Step::LastAck | Step::Done => (0, "A", Step::Done),
        };
        let (seq, ack) = if from_client {
            (flow.cseq, flow.sseq)
        } else {
            (flow.sseq, flow.cseq)
        };
        let (src, dst) = if from_client {
            (flow.cport, flow.sport)
        } else {
            (flow.sport, flow.cport)
        };
        let mut tcp = addresses(flow, from_client).tcp(src, dst, seq, 64240);
        if flags.contains('A') {
            tcp = tcp.ack(ack);
        }
        if flags.contains('S') {
            tcp = tcp.syn();
        }
        if flags.contains('F') {
            tcp = tcp.fin();
        }
        if flags.contains('P') {
            tcp = tcp.psh();
        }
        let payload = match flow.step {
            Step::Request => request(flow.sport, flow.id),
            Step::Response(_) if !flow.response.is_empty() => flow.response.remove(0),
            _ => vec![b'x'; len as usize],
        };
        let len = payload.len() as u32;
        let consumed = len + u32::from(flags.contains('S')) + u32::from(flags.contains('F'));
        if from_client {
            flow.cseq = flow.cseq.wrapping_add(consumed);
        } else {
            flow.sseq = flow.sseq.wrapping_add(consumed);
        }
        flow.step = next;
        write(tcp, &payload)
    }
}

/// A DNS query for `host{id}.example.com` type A, or its answer (`server`'s address).
fn dns_message(id: u32, query: bool, server: u32) -> Vec<u8> {
    let mut m = Vec::with_capacity(64);
    m.extend_from_slice(&(id as u16).to_be_bytes());
    m.extend_from_slice(if query { &[0x01, 0x00] } else { &[0x81, 0x80] });
    m.extend_from_slice(&[0, 1, 0, u8::from(!query), 0, 0, 0, 0]);
    for label in [format!("host{id}"), "example".into(), "com".into()] {
        m.push(label.len() as u8);
        m.extend_from_slice(label.as_bytes());
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]);
    if !query {
        // The answer's name points back at the question's (offset 12).
        m.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4]);
        m.extend_from_slice(&server.to_be_bytes());
    }
    m
}

/// The client's request: an HTTP GET, or a TLS ClientHello naming the server.
fn request(port: u16, id: u32) -> Vec<u8> {
    if port == 443 {
        return client_hello(&format!("www{id}.example.com"));
    }
    format!(
        "GET /page/{id}.html HTTP/1.1\r\nHost: www{id}.example.com\r\nUser-Agent: sockeye-gen/1\r\nAccept: */*\r\n\r\n"
    )
    .into_bytes()
}

/// The server's response cut into segments of `sizes` bytes: an HTTP response whose
/// Content-Length covers every segment, or TLS records (a ServerHello, then application
/// data), one whole record per segment.
fn response_segments(port: u16, sizes: &[usize]) -> Vec<Vec<u8>> {
    if port == 443 {
        return sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                if i == 0 {
                    server_hello()
                } else {
                    tls_record(0x17, &vec![0xa5; size])
                }
            })
            .collect();
    }
    let body: usize = sizes.iter().sum();
    let head = format!(
        "HTTP/1.1 200 OK\r\nServer: sockeye-gen\r\nContent-Type: text/html\r\nContent-Length: {body}\r\n\r\n"
    );
    let mut segments: Vec<Vec<u8>> = sizes.iter().map(|&n| vec![b'x'; n]).collect();
    if let Some(first) = segments.first_mut() {
        let mut with_head = head.into_bytes();
        with_head.append(first);
        *first = with_head;
    }
    segments
}

fn tls_record(content_type: u8, body: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, 0x03, 0x03];
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut h = vec![kind];
    h.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    h.extend_from_slice(body);
    h
}

/// A TLS 1.2 ClientHello with one cipher suite and the server_name extension.
fn client_hello(server: &str) -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend_from_slice(&[0x11; 32]);
    b.push(0);
    b.extend_from_slice(&[0, 2, 0x13, 0x01, 1, 0]);
    let name = server.as_bytes();
    let mut sni = Vec::new();
    sni.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
    sni.push(0);
    sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
    sni.extend_from_slice(name);
    let mut ext = vec![0, 0];
    ext.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    ext.extend_from_slice(&sni);
    b.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    b.extend_from_slice(&ext);
    tls_record(0x16, &handshake(1, &b))
}

/// A TLS 1.2 ServerHello choosing the one suite offered.
fn server_hello() -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend_from_slice(&[0x22; 32]);
    b.extend_from_slice(&[0, 0x13, 0x01, 0, 0, 0]);
    tls_record(0x16, &handshake(2, &b))
}

fn addresses(
    flow: &Flow,
    from_client: bool,
) -> etherparse::PacketBuilderStep<etherparse::IpHeaders> {
    let (smac, dmac) = if from_client {
        (CLIENT_MAC, SERVER_MAC)
    } else {
        (SERVER_MAC, CLIENT_MAC)
    };
    let (src, dst) = if from_client {
        (flow.client, flow.server)
    } else {
        (flow.server, flow.client)
    };
    let eth = PacketBuilder::ethernet2(smac, dmac);
    if flow.v6 {
        let v6 = |host: u32| {
            let mut a = [0u8; 16];
            a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
            a[12..].copy_from_slice(&host.to_be_bytes());
            a
        };
        eth.ipv6(v6(src), v6(dst), 64)
    } else {
        eth.ipv4(src.to_be_bytes(), dst.to_be_bytes(), 64)
    }
}

fn write<T>(builder: etherparse::PacketBuilderStep<T>, payload: &[u8]) -> Vec<u8>
where
    etherparse::PacketBuilderStep<T>: SerializeStep,
{
    builder.serialize(payload)
}

/// PacketBuilder's final step differs by transport; this unifies "serialize with payload".
pub trait SerializeStep {
    fn serialize(self, payload: &[u8]) -> Vec<u8>;
}

impl SerializeStep for etherparse::PacketBuilderStep<etherparse::TcpHeader> {
    fn serialize(self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size(payload.len()));
        // Writing into a Vec cannot fail; a builder error would be a bug in this generator.
        self.write(&mut out, payload).expect("tcp frame serializes");
        out
    }
}

impl SerializeStep for etherparse::PacketBuilderStep<etherparse::UdpHeader> {
    fn serialize(self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size(payload.len()));
        self.write(&mut out, payload).expect("udp frame serializes");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    #[test]
    fn deterministic_and_decodable() {
        let a: Vec<_> = (0..500)
            .map({
                let mut g = TrafficGen::new(7);
                move |_| g.next_frame()
            })
            .collect();
        let mut g = TrafficGen::new(7);
        for frame in &a {
            assert_eq!(&g.next_frame(), frame);
            let packet = decode(&frame.as_frame());
            assert!(packet.stop.is_none(), "{:?}", packet.stop);
            assert!(packet.tcp().is_some() || packet.udp().is_some());
        }
        let v6 = a
            .iter()
            .filter(|f| decode(&f.as_frame()).ipv6().is_some())
            .count();
        assert!((30..150).contains(&v6), "{v6} IPv6 frames of 500");
    }

    /// At least a fifth of the frames carry DNS, HTTP or TLS, as a real capture's do.
    #[test]
    fn a_fifth_of_the_frames_carry_application_data() {
        let mut g = TrafficGen::new(11);
        let frames = 5000;
        let app = (0..frames)
            .filter(|_| {
                let frame = g.next_frame();
                let packet = decode(&frame.as_frame());
                let p = packet.payload_bytes();
                let dns = packet.udp().is_some() && p.len() >= 12;
                dns || p.starts_with(b"GET ")
                    || p.starts_with(b"HTTP/1.1 200")
                    || p.starts_with(&[0x16, 0x03, 0x03])
                    || p.starts_with(&[0x17, 0x03, 0x03])
            })
            .count();
        assert!(app * 5 >= frames, "{app} of {frames}");
    }
}
