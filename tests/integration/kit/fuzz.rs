//! A deterministic generator of messy-but-plausible TCP traffic: several connections
//! (some with handshakes, some joined mid-stream, some with reused ports) whose segments
//! get dropped, duplicated, delayed and reordered, with zero windows, keep-alives and
//! window-scale options sprinkled in. Used to compare the analysis with tshark on
//! thousands of decisions at once.

use etherparse::TcpOptionElement::WindowScale;

use super::synth::{Conv, A, F, P, R, S};

/// Small LCG: deterministic across platforms and Rust versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    pub fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

struct Side {
    seq: u32,
    acked: u32,
    window: u16,
    /// Window-scale shift of this side's advertised window (0 without scaling).
    shift: u32,
}

/// One connection's worth of segments appended to `c`, starting at `t_us`.
fn connection(c: &mut Conv, rng: &mut Rng, t_us: &mut i64, segments: u32) {
    // A quarter of the connections start just below the 2^32 wrap.
    let isn = |rng: &mut Rng| {
        if rng.chance(25) {
            u32::MAX - rng.below(5000)
        } else {
            rng.next()
        }
    };
    let mut cl = Side {
        seq: isn(rng),
        acked: 0,
        window: 1000 + rng.below(60000) as u16,
        shift: 0,
    };
    let mut sv = Side {
        seq: isn(rng),
        acked: 0,
        window: 1000 + rng.below(60000) as u16,
        shift: 0,
    };
    let handshake = rng.chance(75);
    if handshake {
        let ws_c = rng.chance(70).then(|| rng.below(15) as u8);
        let ws_s = rng.chance(70).then(|| rng.below(15) as u8);
        if let (Some(c), Some(s)) = (ws_c, ws_s) {
            cl.shift = u32::from(c);
            sv.shift = u32::from(s);
        }
        let oc: Vec<_> = ws_c.map(WindowScale).into_iter().collect();
        let os: Vec<_> = ws_s.map(WindowScale).into_iter().collect();
        c.seg_opts(*t_us, true, S, cl.seq, 0, cl.window, 0, &oc);
        if rng.chance(15) {
            *t_us += 1_000_000;
            c.seg_opts(*t_us, true, S, cl.seq, 0, cl.window, 0, &oc);
        }
        *t_us += 200 + i64::from(rng.below(5000));
        c.seg_opts(
            *t_us,
            false,
            S | A,
            sv.seq,
            cl.seq.wrapping_add(1),
            sv.window,
            0,
            &os,
        );
        if rng.chance(10) {
            // A SYN-ACK retransmission, sometimes with a different ISN.
            let other = if rng.chance(50) {
                sv.seq
            } else {
                sv.seq.wrapping_add(77_777)
            };
            c.seg_opts(
                *t_us + 50,
                false,
                S | A,
                other,
                cl.seq.wrapping_add(1),
                sv.window,
                0,
                &os,
            );
        }
        cl.seq = cl.seq.wrapping_add(1);
        sv.seq = sv.seq.wrapping_add(1);
        *t_us += 200 + i64::from(rng.below(5000));
        c.seg(*t_us, true, A, cl.seq, sv.seq, cl.window, 0);
    }
    let mut pending: Vec<(bool, u16, u32, u32, u16, usize)> = Vec::new();
    for _ in 0..segments {
        *t_us += i64::from(rng.below(3000));
        let from_client = rng.chance(50);
        let (me, peer) = if from_client {
            (&mut cl, &mut sv)
        } else {
            (&mut sv, &mut cl)
        };
        let roll = rng.below(100);
        let mut repeat = false;
        let (flags, seq, len) = match roll {
            0..=49 => {
                let len = [1usize, 10, 100, 536, 1448][rng.below(5) as usize];
                let s = me.seq;
                me.seq = me.seq.wrapping_add(len as u32);
                (P | A, s, len)
            }
            50..=59 => {
                // resend something recent
                let back = rng.below(3000);
                (
                    P | A,
                    me.seq.wrapping_sub(back),
                    [1usize, 100, 536][rng.below(3) as usize],
                )
            }
            60..=64 => (A, me.seq.wrapping_sub(1), rng.below(2) as usize), // keep-alive-ish
            65..=69 => {
                me.window = if me.window == 0 {
                    500 + rng.below(5000) as u16
                } else {
                    0
                };
                (A, me.seq, 0)
            }
            70..=72 => (A, me.seq, 1), // probe-ish
            73..=79 => {
                // Fill the peer's advertised window exactly (window full).
                let edge = peer
                    .acked
                    .wrapping_add(u32::from(peer.window) << peer.shift);
                let len = edge.wrapping_sub(me.seq);
                if (1..=3000).contains(&len) {
                    let s = me.seq;
                    me.seq = edge;
                    (P | A, s, len as usize)
                } else {
                    (A, me.seq, 0)
                }
            }
            80..=87 => {
                // Repeat the last ACK: duplicate / keep-alive / zero-window-probe ACK.
                repeat = true;
                (A, me.seq, 0)
            }
            _ => (A, me.seq, 0),
        };
        // Acknowledge most of what the peer sent, sometimes beyond or behind.
        let ack = match rng.below(10) {
            _ if repeat => me.acked,
            0 => peer.seq.wrapping_add(rng.below(2000)),
            1 => me.acked,
            _ => peer.seq,
        };
        me.acked = ack;
        let win = me.window;
        if rng.chance(8) {
            continue; // lost before the capture point
        }
        if rng.chance(6) {
            pending.push((from_client, flags, seq, ack, win, len));
            continue; // delayed: appears after later segments
        }
        c.seg(*t_us, from_client, flags, seq, ack, win, len);
        if rng.chance(5) {
            c.seg(*t_us + 1, from_client, flags, seq, ack, win, len); // duplicated
        }
        if !pending.is_empty() && rng.chance(30) {
            let (fc, fl, s, a, w, l) = pending.remove(0);
            *t_us += i64::from(rng.below(4000));
            c.seg(*t_us, fc, fl, s, a, w, l);
        }
    }
    for (fc, fl, s, a, w, l) in pending {
        *t_us += 100;
        c.seg(*t_us, fc, fl, s, a, w, l);
    }
    *t_us += 1000;
    match rng.below(3) {
        0 => {
            c.seg(*t_us, true, F | A, cl.seq, sv.seq, cl.window, 0);
            c.seg(
                *t_us + 100,
                false,
                F | A,
                sv.seq,
                cl.seq.wrapping_add(1),
                sv.window,
                0,
            );
            c.seg(
                *t_us + 200,
                true,
                A,
                cl.seq.wrapping_add(1),
                sv.seq.wrapping_add(1),
                cl.window,
                0,
            );
        }
        1 => {
            c.seg(*t_us, false, R | A, sv.seq, cl.seq, 0, 0);
        }
        2 if rng.chance(50) => {
            // Half-close by the server only, then a client RST.
            c.seg(*t_us, false, F | A, sv.seq, cl.seq, sv.window, 0);
            c.seg(*t_us + 100, true, R, cl.seq, 0, 0, 0);
        }
        _ => {}
    }
}

/// A capture of `conns` connections, some sharing ports (reuse), interleaved in time.
pub fn messy_capture(seed: u64, conns: u32, segments: u32) -> Conv {
    let mut rng = Rng::new(seed);
    let mut all = Conv::new(50000, 80);
    let mut t_us = 0i64;
    for i in 0..conns {
        // Every third connection reuses the previous ports.
        let port = 50000 + (i - i % 3 / 2) as u16;
        let mut c = Conv::new(port, 80);
        connection(&mut c, &mut rng, &mut t_us, segments);
        all.extend(&c);
        t_us += 10_000;
    }
    all
}
