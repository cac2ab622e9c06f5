//! `-z` statistics, as tshark spells them: `conv,tcp`, `conv,udp`, `follow,tcp,ascii,N`,
//! `follow,udp,ascii,N`. Collected in the same single pass as the packets.

use crate::analysis::follow::{render_tshark_ascii, TcpFollower, UdpFollower};
use crate::analysis::{render_tshark, Analyzer, ConvProto, RenderOptions};
use crate::dissect::{tcp_segment, udp_datagram, Dissection, SackBlocks};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatSpec {
    Conv(ConvProto),
    FollowTcp(u64),
    FollowUdp(u64),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("-z {0}: expected conv,tcp | conv,udp | follow,tcp,ascii,N | follow,udp,ascii,N")]
pub struct StatError(pub String);

impl StatSpec {
    pub fn parse(spec: &str) -> Result<Self, StatError> {
        let bad = || StatError(spec.to_string());
        let parts: Vec<&str> = spec.split(',').collect();
        match parts.as_slice() {
            ["conv", "tcp"] => Ok(StatSpec::Conv(ConvProto::Tcp)),
            ["conv", "udp"] => Ok(StatSpec::Conv(ConvProto::Udp)),
            ["follow", proto, "ascii", n] => {
                let stream = n.parse::<u64>().map_err(|_| bad())?;
                match *proto {
                    "tcp" => Ok(StatSpec::FollowTcp(stream)),
                    "udp" => Ok(StatSpec::FollowUdp(stream)),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }
}

enum Collector {
    Conv(ConvProto),
    Tcp(TcpFollower),
    Udp(UdpFollower),
}

/// Collects every requested statistic while packets stream past.
pub struct Stats {
    collectors: Vec<Collector>,
    first_ts: Option<i64>,
    sack: SackBlocks,
}

impl Stats {
    pub fn new(specs: &[StatSpec]) -> Self {
        let collectors = specs
            .iter()
            .map(|spec| match *spec {
                StatSpec::Conv(proto) => Collector::Conv(proto),
                StatSpec::FollowTcp(n) => Collector::Tcp(TcpFollower::new(n)),
                StatSpec::FollowUdp(n) => Collector::Udp(UdpFollower::new(n)),
            })
            .collect();
        Stats {
            collectors,
            first_ts: None,
            sack: SackBlocks::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.collectors.is_empty()
    }

    pub fn observe(&mut self, d: &Dissection<'_>) {
        self.first_ts.get_or_insert(d.info.ts_ns);
        for collector in &mut self.collectors {
            match collector {
                Collector::Conv(_) => {}
                Collector::Tcp(follower) => {
                    if let (Some(facts), Some(seg)) = (
                        &d.tcp,
                        tcp_segment(&d.packet, d.info.number, d.info.ts_ns, &mut self.sack),
                    ) {
                        follower.push(&seg, facts);
                    }
                }
                Collector::Udp(follower) => {
                    if let (Some(facts), Some(datagram)) =
                        (&d.udp, udp_datagram(&d.packet, d.info.number, d.info.ts_ns))
                    {
                        follower.push(&datagram, facts);
                    }
                }
            }
        }
    }

    /// Renders every statistic, in the order asked for.
    pub fn finish(self, analyzer: &Analyzer) -> String {
        let opts = RenderOptions {
            capture_start_ns: self.first_ts.unwrap_or(0),
            with_state: true,
        };
        let mut out = String::new();
        for collector in self.collectors {
            match collector {
                Collector::Conv(ConvProto::Tcp) => out.push_str(&render_tshark(
                    ConvProto::Tcp,
                    analyzer.tcp_conversations(),
                    opts,
                )),
                Collector::Conv(ConvProto::Udp) => out.push_str(&render_tshark(
                    ConvProto::Udp,
                    analyzer.udp_conversations(),
                    opts,
                )),
                Collector::Tcp(follower) => out.push_str(&render_tshark_ascii(&follower.finish())),
                Collector::Udp(follower) => out.push_str(&render_tshark_ascii(&follower.finish())),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tshark_spellings() {
        assert_eq!(
            StatSpec::parse("conv,tcp"),
            Ok(StatSpec::Conv(ConvProto::Tcp))
        );
        assert_eq!(
            StatSpec::parse("follow,tcp,ascii,3"),
            Ok(StatSpec::FollowTcp(3))
        );
        assert!(StatSpec::parse("follow,tcp,hex,3").is_err());
        assert!(StatSpec::parse("io,phs").is_err());
    }
}
