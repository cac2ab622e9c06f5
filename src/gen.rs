//! Deterministic synthetic traffic for benchmarks and tests: interleaved TCP connections
//! (handshake, request, response segments with ACKs, FIN teardown), UDP query/response pairs,
//! about 15% of conversations over IPv6. Frames are built with etherparse's PacketBuilder, so
//! every header and checksum is valid.

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
}

/// Generates `count` frames. Same `seed` ⇒ same bytes.
pub struct TrafficGen {
    rng: Rng,
    flows: Vec<Flow>,
    ts_ns: i64,
    next_port: u16,
}

impl TrafficGen {
    pub fn new(seed: u64) -> Self {
        TrafficGen {
            rng: Rng::new(seed),
            flows: Vec::new(),
            ts_ns: 1_700_000_000_000_000_000,
            next_port: 30000,
        }
    }

    fn new_flow(&mut self) -> Flow {
        self.next_port = if self.next_port >= 60000 {
            30000
        } else {
            self.next_port + 1
        };
        let udp = self.rng.below(100) < 20;
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
            flow.step = if query { Step::Request } else { Step::Done };
            let payload = vec![0x42u8; len as usize];
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
            Step::Request => (
                60 + self.rng.below(300) as u32,
                "PA",
                Step::Response(1 + self.rng.below(4) as u32),
            ),
            Step::Response(n) => (
                200 + self.rng.below(1200) as u32,
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
        let consumed = len + u32::from(flags.contains('S')) + u32::from(flags.contains('F'));
        if from_client {
            flow.cseq = flow.cseq.wrapping_add(consumed);
        } else {
            flow.sseq = flow.sseq.wrapping_add(consumed);
        }
        flow.step = next;
        let payload = vec![b'x'; len as usize];
        write(tcp, &payload)
    }
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
}
