//! Field occurrences read from an emitted [`FieldList`] (the general path: every field of
//! the table, analysis facts included).

use super::eval::FieldSource;
use crate::decode::FieldList;
use crate::field::{Display, FieldId, Value};

/// The bytes a protocol field stands for, as Wireshark's FT_PROTOCOL value: from the
/// protocol's first byte to the end of its packet. Link layers and `frame` reach to the end
/// of the captured frame (padding included); layers inside IP stop at the end of the IP
/// packet (`net_end`), as their tvb does.
pub fn protocol_bytes(link: bool, data: &[u8], start: usize, net_end: Option<usize>) -> &[u8] {
    let end = match net_end {
        Some(end) if !link && end >= start => end.min(data.len()),
        _ => data.len(),
    };
    data.get(start..end).unwrap_or(&[])
}

/// Occurrences from a field list plus the frame bytes (for protocol values).
pub struct ListSource<'l, 'a> {
    pub fields: &'l FieldList<'a>,
    pub data: &'a [u8],
    pub net_end: Option<usize>,
}

impl FieldSource for ListSource<'_, '_> {
    fn any(&self, id: FieldId, f: &mut dyn FnMut(&Value<'_>) -> bool) -> bool {
        let protocol = id.def().display == Display::Protocol;
        let link = matches!(id.protocol(), "frame" | "eth" | "sll" | "null" | "vlan");
        self.fields
            .iter()
            .filter(|field| field.id == id)
            .any(|field| {
                if protocol {
                    let bytes = match field.range {
                        Some(range) => {
                            protocol_bytes(link, self.data, range.start as usize, self.net_end)
                        }
                        None => &[],
                    };
                    f(&Value::Bytes(bytes))
                } else {
                    f(&field.value)
                }
            })
    }
}
