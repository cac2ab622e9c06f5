//! Which process owns each end of a conversation ("which program made this traffic?").
//!
//! Wireshark has no such fields, so they live under `sockeye.process`. The owners are
//! looked up once, when the pipeline sees a conversation's first packet, through an
//! [`OwnerLookup`] the live capture supplies (the kernel's socket table); every later
//! packet of the conversation reuses the answer, so the cost is per conversation, never per
//! packet. A conversation whose sockets were already gone when it was looked up (a
//! short-lived UDP client, a capture started late) says so instead of staying silent.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::decode::FieldList;
use crate::field::{FieldId, Value};

/// A process that owns a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// The command name (`/proc/PID/comm`).
    pub name: String,
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (pid {})", self.name, self.pid)
    }
}

/// Finds the processes owning the local sockets of a new conversation.
pub trait OwnerLookup: Send + fmt::Debug {
    /// The owners of the sockets at `src` and at `dst` (TCP when `tcp`, else UDP), each
    /// `None` when no socket of this machine has that end.
    fn lookup(
        &mut self,
        tcp: bool,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> (Option<Owner>, Option<Owner>);

    /// A cheap second look, asked on each later packet of a conversation nobody was found
    /// for: owners learned since it started (a traced program's call that was recorded
    /// after its first packet arrived). `None`: nothing new, or no such source.
    fn late(
        &mut self,
        _tcp: bool,
        _src: SocketAddr,
        _dst: SocketAddr,
    ) -> Option<(Option<Owner>, Option<Owner>)> {
        None
    }
}

/// What is said about a conversation whose sockets were all gone when it was looked up.
pub const NOT_FOUND: &str =
    "not found (no socket on this machine had this conversation when it started)";

/// One end's owner with its label (`python3 (pid 1234)`), kept so fields can borrow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedEnd {
    pub owner: Owner,
    label: String,
}

impl OwnedEnd {
    fn new(owner: Owner) -> Self {
        OwnedEnd {
            label: owner.to_string(),
            owner,
        }
    }

    pub fn label(&self) -> &str {
        &self.label
    }
}

/// The owners of a conversation's two ends, found when it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationOwners {
    /// The end that sent the conversation's first packet.
    pub first_end: SocketAddr,
    pub first: Option<OwnedEnd>,
    pub second: Option<OwnedEnd>,
}

/// One packet's view of its conversation's owners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessFacts {
    pub owners: Arc<ConversationOwners>,
    /// The packet goes from the second end to the first.
    pub reversed: bool,
}

impl ProcessFacts {
    /// The sending socket's owner, then the receiving one's (those found).
    pub fn ends(&self) -> impl Iterator<Item = &OwnedEnd> {
        let o = &*self.owners;
        let (a, b) = if self.reversed {
            (&o.second, &o.first)
        } else {
            (&o.first, &o.second)
        };
        a.iter().chain(b.iter())
    }

    /// The packet comment written to pcapng (`frame.comment` in Wireshark), one line that
    /// [`parse_comment`] reads back.
    pub fn comment(&self) -> String {
        let ends: Vec<&str> = self.ends().map(OwnedEnd::label).collect();
        if ends.is_empty() {
            format!("{COMMENT_PREFIX}{NOT_FOUND}")
        } else {
            format!("{COMMENT_PREFIX}{}", ends.join(", "))
        }
    }

    /// The packet list's Process column: each owned end as `name (pid)`, sender first,
    /// joined with commas as Wireshark joins a repeated field in a custom column; `not
    /// found` when neither end was found.
    pub fn column(&self) -> String {
        let ends: Vec<String> = self
            .ends()
            .map(|e| format!("{} ({})", e.owner.name, e.owner.pid))
            .collect();
        if ends.is_empty() {
            "not found".to_string()
        } else {
            ends.join(", ")
        }
    }

    /// `sockeye.process` (one per owned end, with its pid and name), or the not-found note.
    pub fn emit<'s>(&'s self, out: &mut FieldList<'s>) {
        let mut any = false;
        for end in self.ends() {
            any = true;
            out.fact(FieldId::SockeyeProcess, Value::Text(end.label()), 0);
            out.fact(
                FieldId::SockeyeProcessPid,
                Value::U64(u64::from(end.owner.pid)),
                1,
            );
            out.fact(FieldId::SockeyeProcessName, Value::Text(&end.owner.name), 1);
        }
        if !any {
            out.fact(FieldId::SockeyeProcess, Value::Text(NOT_FOUND), 0);
        }
    }
}

/// A lookup handed to a thread that will own it (the live store's ingest thread takes it
/// once); cloneable so the configuration carrying it can be.
pub type SharedLookup = Arc<std::sync::Mutex<Option<Box<dyn OwnerLookup>>>>;

impl ProcessFacts {
    /// `owners` as packet `packet` sees them (from the first end or towards it).
    pub fn oriented(owners: &Arc<ConversationOwners>, src: SocketAddr) -> ProcessFacts {
        ProcessFacts {
            reversed: owners.first_end != src,
            owners: Arc::clone(owners),
        }
    }
}

/// The sending end (address and port) of a TCP/UDP packet, which orients its
/// conversation's owners.
pub fn source_end(packet: &crate::decode::Packet<'_>) -> Option<SocketAddr> {
    let (src, _) = super::ip_addresses(packet)?;
    let port = match (packet.tcp(), packet.udp()) {
        (Some(t), _) => t.source_port(),
        (None, Some(u)) => u.source_port(),
        _ => return None,
    };
    Some(SocketAddr::new(src, port))
}

/// How a sockeye process comment starts, so other comments are left alone.
pub const COMMENT_PREFIX: &str = "sockeye.process: ";

/// The owners named by a comment [`ProcessFacts::comment`] wrote (sender first), or `None`
/// for any other comment. Hostile text: never panics; a malformed entry is skipped.
pub fn parse_comment(comment: &str) -> Option<Vec<Owner>> {
    let rest = comment.strip_prefix(COMMENT_PREFIX)?;
    if rest.starts_with("not found") {
        return Some(Vec::new());
    }
    Some(
        rest.split(", ")
            .filter_map(|entry| {
                let (name, pid) = entry.rsplit_once(" (pid ")?;
                let pid = pid.strip_suffix(')')?.parse().ok()?;
                Some(Owner {
                    pid,
                    name: name.to_string(),
                })
            })
            .collect(),
    )
}

/// The owners a capture file's packet comment names (sender first), as the packet's
/// process facts; `None` when the comment is not sockeye's.
/// `src`: the packet's sending end, which the comment names first.
pub fn from_comment(comment: &str, src: Option<SocketAddr>) -> Option<ProcessFacts> {
    let mut owners = parse_comment(comment)?.into_iter().map(OwnedEnd::new);
    let unknown = SocketAddr::from(([0, 0, 0, 0], 0));
    Some(ProcessFacts {
        owners: Arc::new(ConversationOwners {
            first_end: src.unwrap_or(unknown),
            first: owners.next(),
            second: owners.next(),
        }),
        reversed: false,
    })
}

/// Records a file is searched for owners before its UI opens: a file sockeye attributed
/// carries them on every TCP/UDP packet, so the first few tell.
const RECORDS_TO_LOOK_AT: usize = 64;

/// Whether one of the first records of the capture file at `path` carries sockeye's
/// process comment. Unreadable or damaged files simply do not.
pub fn file_names_processes(path: &str) -> bool {
    // A pipe or FIFO is read once, by the indexer: never peeked at.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut reader) = crate::pcapio::CaptureReader::new(std::io::BufReader::new(file)) else {
        return false;
    };
    let comments = reader.share_comments();
    for _ in 0..RECORDS_TO_LOOK_AT {
        match reader.next_frame() {
            Ok(Some(_)) => {}
            _ => return false,
        }
        if comments
            .take()
            .is_some_and(|c| c.starts_with(COMMENT_PREFIX))
        {
            return true;
        }
    }
    false
}

/// Finds nobody (a placeholder while a lookup is being wrapped).
#[derive(Debug)]
struct Nobody;

impl OwnerLookup for Nobody {
    fn lookup(
        &mut self,
        _tcp: bool,
        _src: SocketAddr,
        _dst: SocketAddr,
    ) -> (Option<Owner>, Option<Owner>) {
        (None, None)
    }
}

/// The per-conversation cache the pipeline keeps beside its conversation tables.
#[derive(Debug)]
pub(crate) struct Attribution {
    lookup: Box<dyn OwnerLookup>,
    known: HashMap<(bool, u64), Arc<ConversationOwners>>,
}

impl Attribution {
    pub(crate) fn new(lookup: Box<dyn OwnerLookup>) -> Self {
        Attribution {
            lookup,
            known: HashMap::new(),
        }
    }

    /// Puts the lookup behind `wrap` (e.g. [`super::anonymize::Deanonymized`]).
    pub(crate) fn wrap_lookup(
        &mut self,
        wrap: impl FnOnce(Box<dyn OwnerLookup>) -> Box<dyn OwnerLookup>,
    ) {
        let inner = std::mem::replace(&mut self.lookup, Box::new(Nobody));
        self.lookup = wrap(inner);
    }

    /// The owners of stream `stream` (TCP when `tcp`), looked up on its first packet.
    pub(crate) fn facts(
        &mut self,
        tcp: bool,
        stream: u64,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> ProcessFacts {
        let lookup = &mut self.lookup;
        let entry = self.known.entry((tcp, stream));
        let owners = match entry {
            std::collections::hash_map::Entry::Occupied(mut known) => {
                let nobody = known.get().first.is_none() && known.get().second.is_none();
                if nobody {
                    let first_end = known.get().first_end;
                    let other = if first_end == src { dst } else { src };
                    if let Some((first, second)) = lookup.late(tcp, first_end, other) {
                        known.insert(Arc::new(ConversationOwners {
                            first_end,
                            first: first.map(OwnedEnd::new),
                            second: second.map(OwnedEnd::new),
                        }));
                    }
                }
                Arc::clone(known.get())
            }
            std::collections::hash_map::Entry::Vacant(new) => {
                let (first, second) = lookup.lookup(tcp, src, dst);
                Arc::clone(new.insert(Arc::new(ConversationOwners {
                    first_end: src,
                    first: first.map(OwnedEnd::new),
                    second: second.map(OwnedEnd::new),
                })))
            }
        };
        ProcessFacts {
            reversed: owners.first_end != src,
            owners,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Counting(u32);

    impl OwnerLookup for Counting {
        fn lookup(
            &mut self,
            _tcp: bool,
            src: SocketAddr,
            _dst: SocketAddr,
        ) -> (Option<Owner>, Option<Owner>) {
            self.0 += 1;
            let owner = Owner {
                pid: u32::from(src.port()),
                name: "python3".into(),
            };
            (Some(owner), None)
        }
    }

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn looked_up_once_per_conversation_and_oriented_per_packet() {
        let mut a = Attribution::new(Box::new(Counting(0)));
        let (c, s) = (addr("127.0.0.1:40000"), addr("127.0.0.1:7007"));
        let first = a.facts(true, 0, c, s);
        let reply = a.facts(true, 0, s, c);
        let other = a.facts(false, 0, c, s);
        assert_eq!(format!("{:?}", a.lookup), "Counting(2)");
        assert!(!first.reversed && reply.reversed && !other.reversed);
        assert_eq!(first.comment(), "sockeye.process: python3 (pid 40000)");
        assert_eq!(reply.ends().count(), 1);
    }

    /// Knows nobody at first; learns the client once asked late.
    #[derive(Debug)]
    struct LearnsLate;

    impl OwnerLookup for LearnsLate {
        fn lookup(
            &mut self,
            _tcp: bool,
            _src: SocketAddr,
            _dst: SocketAddr,
        ) -> (Option<Owner>, Option<Owner>) {
            (None, None)
        }

        fn late(
            &mut self,
            _tcp: bool,
            src: SocketAddr,
            _dst: SocketAddr,
        ) -> Option<(Option<Owner>, Option<Owner>)> {
            let client = Owner {
                pid: u32::from(src.port()),
                name: "python3".into(),
            };
            Some((Some(client), None))
        }
    }

    #[test]
    fn a_conversation_found_late_is_named_from_then_on_oriented_as_it_started() {
        let mut a = Attribution::new(Box::new(LearnsLate));
        let (c, s) = (addr("127.0.0.1:40000"), addr("127.0.0.1:7007"));
        assert_eq!(a.facts(true, 0, c, s).ends().count(), 0);
        // The server's reply: the client (the conversation's first end) is named.
        let reply = a.facts(true, 0, s, c);
        assert!(reply.reversed);
        assert_eq!(reply.comment(), "sockeye.process: python3 (pid 40000)");
    }

    #[test]
    fn comments_read_back_and_hostile_ones_do_not_panic() {
        let owners = parse_comment("sockeye.process: python3 (pid 12), my prog (pid 13)");
        assert_eq!(
            owners,
            Some(vec![
                Owner {
                    pid: 12,
                    name: "python3".into()
                },
                Owner {
                    pid: 13,
                    name: "my prog".into()
                }
            ])
        );
        assert_eq!(
            parse_comment(&format!("{COMMENT_PREFIX}{NOT_FOUND}")),
            Some(vec![])
        );
        assert_eq!(parse_comment("a note from a colleague"), None);
        for bad in [
            "sockeye.process: (pid",
            "sockeye.process: x (pid 99999999999)",
            "",
        ] {
            let _ = parse_comment(bad);
        }
    }
}
