//! Captures and lessons compiled into the binary, so `sockeye demo --lesson` and lesson
//! files that name a built-in scenario run anywhere, from any directory.

/// A capture built into sockeye, named as lesson files name it (`scenario = "handshake"`).
#[derive(Debug)]
pub struct BuiltinCapture {
    pub name: &'static str,
    /// The shipped file it was compiled from (shown in footers).
    pub file: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! capture {
    ($name:literal, $dir:literal, $file:literal) => {
        BuiltinCapture {
            name: $name,
            file: $file,
            bytes: include_bytes!(concat!("../../captures/", $dir, "/", $file)),
        }
    };
}

/// The loopback recordings of the teaching scenarios (`sockeye lab list`, except the
/// 270 KiB bulk transfer) and the textbook retransmission.
pub const CAPTURES: &[BuiltinCapture] = &[
    capture!("handshake", "scenarios", "handshake-loopback.pcapng"),
    capture!("echo", "scenarios", "echo-loopback.pcapng"),
    capture!("half-close", "scenarios", "half-close-loopback.pcapng"),
    capture!("reset", "scenarios", "reset-loopback.pcapng"),
    capture!("refused", "scenarios", "refused-loopback.pcapng"),
    capture!("udp", "scenarios", "udp-loopback.pcapng"),
    capture!("udp-vs-tcp", "scenarios", "udp-vs-tcp-loopback.pcapng"),
    capture!("retransmissions", "textbook", "tcp_retransmissions.pcapng"),
];

/// The built-in capture called `name`.
pub fn capture(name: &str) -> Option<&'static BuiltinCapture> {
    CAPTURES.iter().find(|c| c.name == name)
}

/// The names, for error messages.
pub fn capture_names() -> String {
    CAPTURES
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lesson `sockeye demo --lesson` plays (lessons/tcp-basics.toml).
pub const TCP_BASICS: &str = include_str!("../../lessons/tcp-basics.toml");
