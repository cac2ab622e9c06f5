//! The frame's subtree: sizes, interface, encapsulation and tshark's time lines.

use super::{named, seconds, Layer, Lines};
use crate::decode::Packet;
use crate::field::{names, FieldId as F, Value};

pub(super) fn frame(packet: &Packet<'_>, layer: &Layer<'_, '_>, out: &mut Lines) {
    let root = layer.root();
    let number = layer.u64(F::FrameNumber).unwrap_or(0);
    let wire = u64::from(packet.orig_len);
    let captured = packet.data.len() as u64;
    let interface = layer.u64(F::FrameInterfaceId).unwrap_or(0);
    // tshark says "unknown" when the capture names no interface.
    let name = match layer.peek(F::FrameInterfaceName).map(|f| f.value) {
        Some(Value::Text(name)) => name.to_string(),
        _ => "unknown".to_string(),
    };
    out.push(
        0,
        Some(root),
        format!(
            "Frame {number}: {wire} bytes on wire ({} bits), {captured} bytes captured ({} bits) \
             on interface {name}, id {interface}",
            wire * 8,
            captured * 8
        ),
    );
    out.push(1, None, "Section number: 1".into());
    if let Some((i, _)) = layer.take(F::FrameInterfaceId) {
        out.push(1, Some(i), format!("Interface id: {interface} ({name})"));
        let named = layer.take(F::FrameInterfaceName).map_or(i, |(n, _)| n);
        out.push(2, Some(named), format!("Interface name: {name}"));
    }
    if let Some((i, f)) = layer.take(F::FrameEncapType) {
        let link = value_u64(&f.value);
        let text = match names::encapsulation(link) {
            Some((name, number)) => format!("{name} ({number})"),
            None => named(None, link),
        };
        out.push(1, Some(i), format!("Encapsulation type: {text}"));
    }
    if let Some((i, f)) = layer.take(F::FrameTimeEpoch) {
        let ns = nanos(&f.value);
        out.push(1, Some(i), format!("Arrival Time: {}", utc(ns)));
        out.push(
            1,
            None,
            "[Time shift for this packet: 0.000000000 seconds]".into(),
        );
        out.push(1, Some(i), format!("Epoch Time: {} seconds", seconds(ns)));
    }
    if let Some((i, f)) = layer.take(F::FrameTimeDelta) {
        let delta = seconds(nanos(&f.value));
        out.push(
            1,
            Some(i),
            format!("[Time delta from previous captured frame: {delta} seconds]"),
        );
        // Every captured frame is displayed unless a display filter hides some; the
        // printer sees frames one at a time, so it reports the captured delta.
        out.push(
            1,
            Some(i),
            format!("[Time delta from previous displayed frame: {delta} seconds]"),
        );
    }
    if let Some((i, f)) = layer.take(F::FrameTimeRelative) {
        out.push(
            1,
            Some(i),
            format!(
                "[Time since reference or first frame: {} seconds]",
                seconds(nanos(&f.value))
            ),
        );
    }
    if let Some((i, _)) = layer.take(F::FrameNumber) {
        out.push(1, Some(i), format!("Frame Number: {number}"));
    }
    if let Some((i, _)) = layer.take(F::FrameLen) {
        out.push(
            1,
            Some(i),
            format!("Frame Length: {wire} bytes ({} bits)", wire * 8),
        );
    }
    if let Some((i, _)) = layer.take(F::FrameCapLen) {
        out.push(
            1,
            Some(i),
            format!("Capture Length: {captured} bytes ({} bits)", captured * 8),
        );
    }
    out.push(1, None, "[Frame is marked: False]".into());
    out.push(1, None, "[Frame is ignored: False]".into());
    if let Some((i, f)) = layer.take(F::FrameDirection) {
        let text = if value_u64(&f.value) == 0 {
            "Sent (0)"
        } else {
            "Received (1)"
        };
        out.push(1, Some(i), format!("[Point-to-Point Direction: {text}]"));
    }
    if let Some((i, f)) = layer.take(F::FrameProtocols) {
        if let Value::Text(protocols) = f.value {
            out.push(1, Some(i), format!("[Protocols in frame: {protocols}]"));
        }
    }
}

fn value_u64(value: &Value<'_>) -> u64 {
    match *value {
        Value::U64(v) => v,
        _ => 0,
    }
}

fn nanos(value: &Value<'_>) -> i64 {
    match *value {
        Value::Nanos(ns) => ns,
        _ => 0,
    }
}

/// `Jan  7, 2010 19:38:34.341715000 UTC`. Always UTC, so the tree does not depend on the
/// machine's time zone (tshark prints local time; recorded with TZ=UTC they agree).
/// Hand-written civil-date arithmetic (Howard Hinnant's days_from_civil inverse): one
/// conversion does not justify a date crate.
pub(crate) fn utc(ns: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = usize::try_from(month - 1)
        .ok()
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("???");
    format!(
        "{name} {day:>2}, {year} {:02}:{:02}:{:02}.{frac:09} UTC",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn arrival_time_in_utc() {
        assert_eq!(
            utc(1_262_893_114_341_715_000),
            "Jan  7, 2010 19:38:34.341715000 UTC"
        );
        assert_eq!(utc(0), "Jan  1, 1970 00:00:00.000000000 UTC");
        assert_eq!(
            utc(951_782_400_000_000_000),
            "Feb 29, 2000 00:00:00.000000000 UTC"
        );
        assert_eq!(utc(-1), "Dec 31, 1969 23:59:59.999999999 UTC");
    }
}
