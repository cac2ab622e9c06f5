//! The seven steps of the lesson: what each says, which shipped capture it shows, which
//! view, and which packet it starts on.

use crate::analysis::AnalysisFlag;
use crate::dissect::Dissection;

/// The view a step shows under its explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepView {
    Ladder,
    Encap,
    List,
}

pub struct Step {
    pub title: &'static str,
    /// Two or three sentences; the narration of the focused packet follows them.
    pub text: &'static str,
    /// File name shown in the footer (and of the temporary copy).
    pub file: &'static str,
    pub bytes: &'static [u8],
    pub view: StepView,
    /// The packet the step starts on: the first one for which this holds.
    pub focus: fn(&Dissection<'_>) -> bool,
}

fn syn(d: &Dissection<'_>) -> bool {
    d.packet.tcp().is_some_and(|t| t.syn() && !t.ack())
}

fn data(d: &Dissection<'_>) -> bool {
    d.packet.tcp().is_some() && d.packet.tcp_len.unwrap_or(0) > 0
}

fn fin(d: &Dissection<'_>) -> bool {
    d.packet.tcp().is_some_and(|t| t.fin())
}

fn udp(d: &Dissection<'_>) -> bool {
    d.packet.udp().is_some()
}

fn rst(d: &Dissection<'_>) -> bool {
    d.packet.tcp().is_some_and(|t| t.rst())
}

fn retransmission(d: &Dissection<'_>) -> bool {
    d.tcp
        .as_ref()
        .is_some_and(|t| t.flags.iter().any(|f| f == AnalysisFlag::Retransmission))
}

macro_rules! capture {
    ($dir:literal, $file:literal) => {
        (
            $file,
            include_bytes!(concat!("../../../captures/", $dir, "/", $file)) as &'static [u8],
        )
    };
}

const HANDSHAKE: (&str, &[u8]) = capture!("scenarios", "handshake-loopback.pcapng");
const ECHO: (&str, &[u8]) = capture!("scenarios", "echo-loopback.pcapng");
const HALF_CLOSE: (&str, &[u8]) = capture!("scenarios", "half-close-loopback.pcapng");
const UDP_VS_TCP: (&str, &[u8]) = capture!("scenarios", "udp-vs-tcp-loopback.pcapng");
const REFUSED: (&str, &[u8]) = capture!("scenarios", "refused-loopback.pcapng");
const RETRANS: (&str, &[u8]) = capture!("textbook", "tcp_retransmissions.pcapng");

pub const STEPS: [Step; 7] = [
    Step {
        title: "The three-way handshake",
        text: "Before TCP carries any data, both sides agree on their starting sequence numbers. The client sends SYN, the server answers SYN-ACK, and the client's ACK completes the handshake: three segments, client on the left, server on the right.",
        file: HANDSHAKE.0,
        bytes: HANDSHAKE.1,
        view: StepView::Ladder,
        focus: syn,
    },
    Step {
        title: "Data and acknowledgements",
        text: "Every byte TCP sends has a sequence number. The receiver acknowledges the next byte it expects, so Ack = Seq + Len of the data it got. Follow Seq, Ack and Len down the ladder.",
        file: ECHO.0,
        bytes: ECHO.1,
        view: StepView::Ladder,
        focus: data,
    },
    Step {
        title: "Teardown",
        text: "Each direction closes on its own: a FIN says \"I will send no more\" and the other side acknowledges it. After a half-close the other side may still send, until its own FIN.",
        file: HALF_CLOSE.0,
        bytes: HALF_CLOSE.1,
        view: StepView::Ladder,
        focus: fin,
    },
    Step {
        title: "UDP vs TCP",
        text: "The same kind of exchange over UDP and over TCP. UDP sends each message as one datagram: no handshake, no sequence numbers, no acknowledgements. TCP wraps the same data in a handshake, ACKs and a teardown; count the packets.",
        file: UDP_VS_TCP.0,
        bytes: UDP_VS_TCP.1,
        view: StepView::List,
        focus: udp,
    },
    Step {
        title: "Encapsulation of one segment",
        text: "Each layer wraps the one inside it: link header, IP, TCP, then the application's bytes. A header is fixed-size or says its own length (IHL, data offset); IP's total length says where the packet ends. The bytes are coloured (or tagged) by layer.",
        file: ECHO.0,
        bytes: ECHO.1,
        view: StepView::Encap,
        focus: data,
    },
    Step {
        title: "A refused connection",
        text: "When nothing listens on the port, the server's TCP answers the SYN with a reset (RST). There is no handshake and no data: connect() fails with ECONNREFUSED.",
        file: REFUSED.0,
        bytes: REFUSED.1,
        view: StepView::Ladder,
        focus: rst,
    },
    Step {
        title: "A retransmission",
        text: "When a segment or its ACK is lost, the sender's timer expires and it sends the same bytes again, with the same sequence number. sockeye, like Wireshark, marks the copy as a retransmission.",
        file: RETRANS.0,
        bytes: RETRANS.1,
        view: StepView::Ladder,
        focus: retransmission,
    },
];
