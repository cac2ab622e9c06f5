//! `-z` statistics, as tshark spells them: `conv,tcp|udp|eth|ip|ipv6`,
//! `endpoints,eth|ip|ipv6|tcp|udp`, `io,phs[,FILTER]`, `io,stat,INTERVAL[,COLUMN…]`, `follow,tcp|udp,ascii|hex|raw,N`,
//! `expert[,LEVEL][,FILTER]`.
//! Collected in the same single pass as the packets; the computations live below (analysis,
//! stats), these only print.

mod expert;
mod iostat;
mod phs;
mod talkers;

use crate::analysis::follow::{render_tshark_ascii, TcpFollower, UdpFollower};
use crate::analysis::follow_dump::{render_tshark_dump, FollowMode};
use crate::analysis::{render_tshark, Analyzer, ConvProto, RenderOptions};
use crate::decode::Interest;
use crate::dissect::{tcp_segment, udp_datagram, Dissection, SackBlocks};
use crate::filter::Filter;
use crate::stats::expert::{ExpertTable, Severity};
use crate::stats::hierarchy::Hierarchy;
use crate::stats::io::{Calc, IoLine, IoSeries};
use crate::stats::talkers::{AddrKind, Conversations, Endpoints};

#[derive(Debug, Clone, PartialEq)]
pub enum StatSpec {
    Conv(ConvProto),
    /// `conv,eth|ip|ipv6`: conversations between addresses.
    ConvAddr(AddrKind),
    /// `endpoints,eth|ip|ipv6|tcp|udp`.
    Endpoints(AddrKind),
    /// `io,phs[,FILTER]`: the protocol hierarchy of the packets `filter` keeps.
    Hierarchy(Option<Filter>),
    /// `io,stat,INTERVAL[,COLUMN…]`.
    IoStat(IoStatSpec),
    Follow {
        proto: ConvProto,
        mode: FollowMode,
        stream: u64,
    },
    /// Items at `lowest` severity or above, of the packets `filter` keeps.
    Expert {
        lowest: Severity,
        filter: Option<Filter>,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatError {
    #[error(
        "-z {0}: expected conv,tcp|udp|eth|ip|ipv6 | endpoints,eth|ip|ipv6|tcp|udp | io,phs[,FILTER] | \
         io,stat,INTERVAL[,FILTER|COUNT(FIELD)FILTER|SUM|MIN|MAX|AVG(FIELD)FILTER…] | \
         follow,tcp|udp,ascii|hex|raw,N | expert[,error|warn|note|chat|comment][,FILTER]"
    )]
    Unknown(String),
    #[error("-z {spec}: {message}")]
    Bad { spec: String, message: String },
}

fn follow_mode(word: &str) -> Option<FollowMode> {
    match word {
        "ascii" => Some(FollowMode::Ascii),
        "hex" => Some(FollowMode::Hex),
        "raw" => Some(FollowMode::Raw),
        _ => None,
    }
}

impl StatSpec {
    pub fn parse(spec: &str) -> Result<Self, StatError> {
        let unknown = || StatError::Unknown(spec.to_string());
        let bad = |message: String| StatError::Bad {
            spec: spec.to_string(),
            message,
        };
        if let Some(rest) = spec.strip_prefix("expert") {
            return Self::expert(rest).map_err(bad);
        }
        if let Some(rest) = spec.strip_prefix("io,stat,") {
            return IoStatSpec::parse(rest).map(StatSpec::IoStat).map_err(bad);
        }
        if let Some(rest) = spec.strip_prefix("io,phs") {
            return match rest {
                "" => Ok(StatSpec::Hierarchy(None)),
                _ => match rest.strip_prefix(',') {
                    Some(text) => Filter::parse(text)
                        .map(|f| StatSpec::Hierarchy(Some(f)))
                        .map_err(|e| bad(e.to_string())),
                    None => Err(unknown()),
                },
            };
        }
        let parts: Vec<&str> = spec.split(',').collect();
        match parts.as_slice() {
            ["conv", "tcp"] => Ok(StatSpec::Conv(ConvProto::Tcp)),
            ["conv", "udp"] => Ok(StatSpec::Conv(ConvProto::Udp)),
            ["conv", "eth"] => Ok(StatSpec::ConvAddr(AddrKind::Eth)),
            ["conv", "ip"] => Ok(StatSpec::ConvAddr(AddrKind::Ipv4)),
            ["conv", "ipv6"] => Ok(StatSpec::ConvAddr(AddrKind::Ipv6)),
            ["endpoints", kind] => Ok(StatSpec::Endpoints(match *kind {
                "eth" => AddrKind::Eth,
                "ip" => AddrKind::Ipv4,
                "ipv6" => AddrKind::Ipv6,
                "tcp" => AddrKind::Tcp,
                "udp" => AddrKind::Udp,
                other => {
                    return Err(bad(format!(
                        "no endpoints table '{other}' (eth, ip, ipv6, tcp or udp)"
                    )))
                }
            })),
            ["follow", proto, mode, n] => {
                let proto = match *proto {
                    "tcp" => ConvProto::Tcp,
                    "udp" => ConvProto::Udp,
                    other => return Err(bad(format!("cannot follow '{other}' (tcp or udp)"))),
                };
                let mode = follow_mode(mode)
                    .ok_or_else(|| bad(format!("mode '{mode}' is not ascii, hex or raw")))?;
                let stream = n
                    .parse::<u64>()
                    .map_err(|_| bad(format!("'{n}' is not a stream number")))?;
                Ok(StatSpec::Follow {
                    proto,
                    mode,
                    stream,
                })
            }
            _ => Err(unknown()),
        }
    }

    /// `expert` then `[,LEVEL][,FILTER]`, as tshark reads it.
    fn expert(rest: &str) -> Result<Self, String> {
        if rest.is_empty() {
            return Ok(StatSpec::Expert {
                lowest: Severity::Comment,
                filter: None,
            });
        }
        let Some(rest) = rest.strip_prefix(',') else {
            return Err("expected expert[,LEVEL][,FILTER]".into());
        };
        let (word, tail) = rest.split_once(',').unwrap_or((rest, ""));
        let (lowest, filter_text) = match Severity::from_word(word) {
            Some(level) => (level, tail),
            None => (Severity::Comment, rest),
        };
        let filter = if filter_text.is_empty() {
            None
        } else {
            Some(Filter::parse(filter_text).map_err(|e| e.to_string())?)
        };
        Ok(StatSpec::Expert { lowest, filter })
    }
}

/// `io,stat`'s interval and columns, each with the text tshark shows for it (`None`: the
/// default frames-and-bytes column).
#[derive(Debug, Clone, PartialEq)]
pub struct IoStatSpec {
    /// 0: one interval for the whole capture.
    pub interval_us: u64,
    /// Decimals the interval was written with (tshark shows times to that precision).
    pub precision: u32,
    pub columns: Vec<(Option<String>, IoLine)>,
}

impl IoStatSpec {
    fn parse(rest: &str) -> Result<Self, String> {
        let (interval, columns) = rest.split_once(',').unwrap_or((rest, ""));
        let seconds: f64 = interval
            .trim()
            .parse()
            .map_err(|_| format!("'{interval}' is not an interval in seconds"))?;
        if !seconds.is_finite() || seconds < 0.0 {
            return Err(format!("'{interval}' is not an interval in seconds"));
        }
        // Rounded to the microsecond, as tshark does.
        let interval_us = (seconds * 1_000_000.0 + 0.5) as u64;
        if seconds > 0.0 && interval_us == 0 {
            return Err("the interval must be at least 0.000001 seconds, or 0".into());
        }
        let precision = interval
            .split_once('.')
            .map_or(0, |(_, decimals)| decimals.trim().len().min(6) as u32);
        let columns = if rest.contains(',') {
            columns
                .split(',')
                .map(Self::column)
                .collect::<Result<Vec<_>, _>>()?
        } else {
            vec![(
                None,
                IoLine {
                    calc: Calc::FramesAndBytes,
                    filter: None,
                },
            )]
        };
        Ok(IoStatSpec {
            interval_us,
            precision,
            columns,
        })
    }

    /// `""`, `FILTER`, or `FUNC(FIELD)FILTER`, with the text as tshark titles it.
    fn column(text: &str) -> Result<(Option<String>, IoLine), String> {
        let title = (!text.is_empty()).then(|| text.to_string());
        Ok((title, IoLine::parse(text)?))
    }
}

enum Collector {
    Conv(ConvProto),
    ConvAddr(Conversations),
    Endpoints(Endpoints),
    Hierarchy(Hierarchy, Option<Filter>),
    IoStat(IoSeries, IoStatSpec),
    Tcp(TcpFollower, FollowMode),
    Udp(UdpFollower, FollowMode),
    Expert {
        table: ExpertTable,
        lowest: Severity,
        filter: Option<Filter>,
    },
}

/// Collects every requested statistic while packets stream past.
pub struct Stats {
    collectors: Vec<Collector>,
    /// What the collectors read from each dissection.
    interest: Interest,
    first_ts: Option<i64>,
    sack: SackBlocks,
}

fn render_follow(stream: &crate::analysis::follow::FollowedStream, mode: FollowMode) -> String {
    match mode {
        FollowMode::Ascii => render_tshark_ascii(stream),
        mode => render_tshark_dump(stream, mode),
    }
}

impl StatSpec {
    /// The layers this statistic reads from each dissection: the conversation and
    /// endpoint tables read addresses and the analysis only; the others read anything.
    pub fn interest(&self) -> Interest {
        match self {
            StatSpec::Conv(_) | StatSpec::ConvAddr(_) | StatSpec::Endpoints(_) => Interest::NONE,
            _ => Interest::ALL.union(Interest::COLUMNS),
        }
    }
}

impl Stats {
    pub fn new(specs: &[StatSpec]) -> Self {
        let collectors = specs
            .iter()
            .map(|spec| match spec {
                StatSpec::Conv(proto) => Collector::Conv(*proto),
                StatSpec::ConvAddr(kind) => Collector::ConvAddr(Conversations::new(*kind)),
                StatSpec::Endpoints(kind) => Collector::Endpoints(Endpoints::new(*kind)),
                StatSpec::IoStat(spec) => Collector::IoStat(
                    IoSeries::new(
                        spec.interval_us,
                        spec.columns.iter().map(|(_, line)| line.clone()).collect(),
                    ),
                    spec.clone(),
                ),
                StatSpec::Hierarchy(filter) => {
                    Collector::Hierarchy(Hierarchy::new(), filter.clone())
                }
                StatSpec::Follow {
                    proto: ConvProto::Tcp,
                    mode,
                    stream,
                } => Collector::Tcp(TcpFollower::new(*stream), *mode),
                StatSpec::Follow {
                    proto: ConvProto::Udp,
                    mode,
                    stream,
                } => Collector::Udp(UdpFollower::new(*stream), *mode),
                StatSpec::Expert { lowest, filter } => Collector::Expert {
                    table: ExpertTable::new(),
                    lowest: *lowest,
                    filter: filter.clone(),
                },
            })
            .collect();
        Stats {
            collectors,
            interest: specs
                .iter()
                .fold(Interest::NONE, |acc, spec| acc.union(spec.interest())),
            first_ts: None,
            sack: SackBlocks::new(),
        }
    }

    /// The layers the statistics read from each dissection.
    pub fn interest(&self) -> Interest {
        self.interest
    }

    pub fn is_empty(&self) -> bool {
        self.collectors.is_empty()
    }

    pub fn observe(&mut self, d: &Dissection<'_>) {
        self.first_ts.get_or_insert(d.info.ts_ns);
        for collector in &mut self.collectors {
            match collector {
                Collector::Conv(_) => {}
                Collector::ConvAddr(table) => table.observe(d),
                Collector::Endpoints(table) => table.observe(d),
                Collector::IoStat(series, _) => series.observe(d),
                Collector::Hierarchy(h, filter) => {
                    if filter.as_ref().is_none_or(|f| f.matches(d)) {
                        h.observe(d);
                    }
                }
                Collector::Tcp(follower, _) => {
                    if let (Some(facts), Some(seg)) = (
                        &d.tcp,
                        tcp_segment(&d.packet, d.info.number, d.info.ts_ns, &mut self.sack),
                    ) {
                        follower.push(&seg, facts);
                    }
                }
                Collector::Udp(follower, _) => {
                    if let (Some(facts), Some(datagram)) =
                        (&d.udp, udp_datagram(&d.packet, d.info.number, d.info.ts_ns))
                    {
                        follower.push(&datagram, facts);
                    }
                }
                Collector::Expert { table, filter, .. } => {
                    if filter.as_ref().is_none_or(|f| f.matches(d)) {
                        table.observe(d);
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
                Collector::ConvAddr(table) => out.push_str(&talkers::render_conversations(
                    &table,
                    opts.capture_start_ns,
                )),
                Collector::Endpoints(table) => out.push_str(&talkers::render_endpoints(&table)),
                Collector::IoStat(series, spec) => {
                    let titles: Vec<Option<String>> =
                        spec.columns.iter().map(|(t, _)| t.clone()).collect();
                    out.push_str(&iostat::render(&series, &titles, spec.precision))
                }
                Collector::Hierarchy(h, filter) => {
                    out.push_str(&phs::render(&h, filter.as_ref().map(|f| f.text())))
                }
                Collector::Tcp(follower, mode) => {
                    out.push_str(&render_follow(&follower.finish(), mode))
                }
                Collector::Udp(follower, mode) => {
                    out.push_str(&render_follow(&follower.finish(), mode))
                }
                Collector::Expert { table, lowest, .. } => {
                    out.push_str(&expert::render(&table, lowest))
                }
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
            StatSpec::parse("follow,tcp,hex,3"),
            Ok(StatSpec::Follow {
                proto: ConvProto::Tcp,
                mode: FollowMode::Hex,
                stream: 3
            })
        );
        assert_eq!(
            StatSpec::parse("expert,Warn"),
            Ok(StatSpec::Expert {
                lowest: Severity::Warn,
                filter: None
            })
        );
        assert!(matches!(
            StatSpec::parse("expert,note,tcp.port == 80"),
            Ok(StatSpec::Expert {
                lowest: Severity::Note,
                filter: Some(_)
            })
        ));
        assert!(matches!(
            StatSpec::parse("follow,tcp,ebcdic,3"),
            Err(StatError::Bad { .. })
        ));
        assert!(matches!(
            StatSpec::parse("expert,tcp.port =="),
            Err(StatError::Bad { .. })
        ));
        assert!(matches!(
            StatSpec::parse("io,phs2"),
            Err(StatError::Unknown(_))
        ));
    }
}
