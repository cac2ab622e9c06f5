//! Conversation lookup: a 5-tuple's key to the number of its (latest) conversation.
//!
//! A map from the key to the number held a second copy of every key (40 bytes, beside the
//! copy each conversation keeps): on a capture of 91,000 TCP conversations that was a
//! tenth of the run's memory, and twice that while the map grew. This table holds only
//! each conversation's number and 32 bits of its key's hash; the key itself is read from
//! the conversation when a probe lands on a matching hash (hashbrown's `HashTable`, the
//! map's own engine without its storage of keys).

use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;

use super::hash::FxBuildHasher;
use super::key::ConvKey;

#[derive(Debug, Clone, Copy)]
struct Slot {
    index: u32,
    hash: u32,
}

#[derive(Debug, Default)]
pub(crate) struct ConvIndex {
    table: HashTable<Slot>,
}

/// The key's hash, kept in 32 bits.
fn hash32(key: &ConvKey) -> u32 {
    let mut hasher = FxBuildHasher::default().build_hasher();
    key.hash(&mut hasher);
    let full = std::hash::Hasher::finish(&hasher);
    (full ^ (full >> 32)) as u32
}

/// The table's 64-bit hash of a 32-bit one: spread over every bit, since the table picks
/// buckets by the low bits and tags them with the top seven.
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl ConvIndex {
    /// The number of `key`'s conversation; `key_of` gives the key of conversation `i`.
    pub(crate) fn get(
        &self,
        key: &ConvKey,
        key_of: impl Fn(usize) -> Option<ConvKey>,
    ) -> Option<usize> {
        let hash = hash32(key);
        self.table
            .find(spread(hash), |s| {
                s.hash == hash && key_of(s.index as usize).as_ref() == Some(key)
            })
            .map(|s| s.index as usize)
    }

    /// `key`'s conversation is now number `index` (a new one, or one reusing the ports of
    /// an earlier one, which it replaces here). Numbers past `u32::MAX` (four billion
    /// conversations, far more than memory holds) are not indexed.
    pub(crate) fn set(
        &mut self,
        key: &ConvKey,
        index: usize,
        key_of: impl Fn(usize) -> Option<ConvKey>,
    ) {
        let Ok(index) = u32::try_from(index) else {
            return;
        };
        let hash = hash32(key);
        let slot = Slot { index, hash };
        let found = self.table.find_mut(spread(hash), |s| {
            s.hash == hash && key_of(s.index as usize).as_ref() == Some(key)
        });
        match found {
            Some(old) => *old = slot,
            None => {
                self.table
                    .insert_unique(spread(hash), slot, |s| spread(s.hash));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::key::Endpoint;

    fn key(port: u16) -> ConvKey {
        let end = |port| Endpoint {
            addr: "10.0.0.1".parse().unwrap(),
            port,
        };
        ConvKey::new(end(port), end(80)).0
    }

    /// Agrees with a map on 20,000 keys, ports reused included.
    #[test]
    fn finds_what_a_map_finds() {
        let mut keys: Vec<ConvKey> = Vec::new();
        let mut map = std::collections::HashMap::new();
        let mut index = ConvIndex::default();
        for i in 0..20_000u32 {
            // Every seventh conversation reuses an earlier one's ports.
            let k = if i % 7 == 6 {
                key((i / 2) as u16)
            } else {
                key(i as u16)
            };
            let n = keys.len();
            keys.push(k);
            map.insert(k, n);
            index.set(&k, n, |j| keys.get(j).copied());
        }
        for port in 0..=u16::MAX {
            let k = key(port);
            assert_eq!(
                index.get(&k, |j| keys.get(j).copied()),
                map.get(&k).copied(),
                "port {port}"
            );
        }
    }
}
