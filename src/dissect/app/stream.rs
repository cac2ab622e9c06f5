//! One TCP conversation's application state: its protocol, the reassembly of each
//! direction, and the session facts tshark keeps (TLS cipher state and version, HTTP
//! requests awaiting answers, SMTP DATA mode, STARTTLS, FTP data-connection setup).

use std::collections::VecDeque;
use std::net::IpAddr;

use super::facts::Message;
use super::MAX_PENDING_LINKS;
use crate::decode;
use crate::decode::app::{dns, ftp, http, imap, smtp, tls, Parse};
use crate::dissect::reassembly::Reassembler;

/// SMTP message bytes kept to read its IMF headers; the headers come first.
const MAX_MAIL: usize = 256 * 1024;

/// Which application protocol a conversation speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proto {
    Dns,
    Http,
    Tls,
    Smtp,
    Ftp,
    FtpData,
    Imap,
}

pub(super) fn tcp_port_protocol(port: u16) -> Option<Proto> {
    Some(match port {
        53 => Proto::Dns,
        80 | 3128 | 8000 | 8008 | 8080 | 8088 => Proto::Http,
        443 | 465 | 636 | 853 | 993 | 995 | 8443 => Proto::Tls,
        25 | 587 => Proto::Smtp,
        21 => Proto::Ftp,
        143 => Proto::Imap,
        _ => return None,
    })
}

#[derive(Debug, Default)]
pub(super) struct SmtpSession {
    /// The server answered DATA with 354: the client now sends the message.
    data_mode: bool,
    mail: Vec<u8>,
    starttls_asked: bool,
}

#[derive(Debug)]
pub(super) struct TcpStream {
    pub(super) proto: Option<Proto>,
    /// The server's port (the one that named the protocol).
    pub(super) server_port: u16,
    pub(super) reassembler: [Reassembler; 2],
    pub(super) tls: [tls::Direction; 2],
    pub(super) tls_version: Option<u16>,
    pub(super) http_requests: VecDeque<u64>,
    pub(super) smtp: SmtpSession,
    pub(super) imap_starttls_tag: Option<String>,
    /// STARTTLS succeeded: TLS from the next segment on.
    pub(super) switch_to_tls: bool,
    /// An HTTP message was seen: later undecodable data is its continuation.
    pub(super) http_seen: bool,
    /// FTP control: how the last data connection was set up and the last transfer command.
    pub(super) ftp_mode: &'static str,
    pub(super) ftp_command: Option<String>,
    /// FTP data: the control connection that announced this one.
    pub(super) ftp_control: Option<u64>,
}

impl TcpStream {
    pub(super) fn new(proto: Option<Proto>, server_port: u16, ftp_control: Option<u64>) -> Self {
        TcpStream {
            proto,
            server_port,
            reassembler: Default::default(),
            tls: Default::default(),
            tls_version: None,
            http_requests: VecDeque::new(),
            smtp: SmtpSession::default(),
            imap_starttls_tag: None,
            switch_to_tls: false,
            http_seen: false,
            ftp_mode: "PASV",
            ftp_command: None,
            ftp_control,
        }
    }

    /// One PDU of this stream's protocol from the start of `rest`.
    pub(super) fn parse(
        &mut self,
        proto: Proto,
        from_server: bool,
        rest: &[u8],
        frame: u64,
        peer: Option<IpAddr>,
        announced: &mut Vec<(IpAddr, u16)>,
    ) -> Parse<Message> {
        let dir = usize::from(from_server);
        match proto {
            Proto::Dns => {
                let Some(len) = decode::app::be_u16(rest, 0) else {
                    return Parse::More {
                        info: None,
                        need: None,
                    };
                };
                let total = 2 + usize::from(len);
                match rest.get(..total) {
                    Some(pdu) => match dns::parse(pdu, dns::Flavor::Dns, true) {
                        Some(d) => Parse::Done(Message::Dns(d), total),
                        None => Parse::NotMine,
                    },
                    None => Parse::More {
                        info: None,
                        need: Some(total),
                    },
                }
            }
            Proto::Http => match http::parse(rest) {
                Parse::Done(mut h, used) => {
                    if h.is_request() {
                        if self.http_requests.len() >= MAX_PENDING_LINKS {
                            self.http_requests.clear();
                        }
                        // tshark keeps one request per frame: pipelined requests sharing a
                        // segment leave the later responses unmatched.
                        if self.http_requests.back() != Some(&frame) {
                            self.http_requests.push_back(frame);
                        }
                    } else {
                        h.request_in = self.http_requests.pop_front();
                    }
                    Parse::Done(Message::Http(h), used)
                }
                Parse::More { info, need } => Parse::More { info, need },
                Parse::NotMine => Parse::NotMine,
            },
            Proto::Tls => match tls::parse(rest, &mut self.tls[dir]) {
                Parse::Done(t, used) => {
                    if let Some(v) = t.negotiated() {
                        self.tls_version = Some(v);
                    }
                    Parse::Done(Message::Tls(t), used)
                }
                Parse::More { info, need } => Parse::More { info, need },
                Parse::NotMine => Parse::NotMine,
            },
            Proto::Smtp => self.smtp(from_server, rest),
            Proto::Imap => {
                let Some(end) = complete_lines(rest) else {
                    return Parse::More {
                        info: None,
                        need: None,
                    };
                };
                let Some(i) = imap::parse(rest.get(..end).unwrap_or(&[]), !from_server) else {
                    return Parse::NotMine;
                };
                if let Some(tag) = i.starttls_tag() {
                    self.imap_starttls_tag = Some(tag.to_string());
                }
                if let Some(tag) = &self.imap_starttls_tag {
                    if from_server && i.ok_for(tag) {
                        self.switch_to_tls = true;
                    }
                }
                Parse::Done(Message::Imap(i), end)
            }
            Proto::Ftp => {
                let Some(end) = complete_lines(rest) else {
                    return Parse::More {
                        info: None,
                        need: None,
                    };
                };
                let Some(f) = ftp::parse(rest.get(..end).unwrap_or(&[]), !from_server) else {
                    return Parse::NotMine;
                };
                if let Some(peer) = peer {
                    if let Some(endpoint) = f.data_endpoint(peer) {
                        announced.push(endpoint);
                    }
                }
                for line in f.lines.iter().filter(|l| l.request) {
                    let verb = line.command_or_code.to_ascii_uppercase();
                    match verb.as_str() {
                        "PASV" => self.ftp_mode = "PASV",
                        "EPSV" => self.ftp_mode = "EPASV",
                        "PORT" => self.ftp_mode = "PORT",
                        "EPRT" => self.ftp_mode = "EPRT",
                        "LIST" | "NLST" | "MLSD" | "RETR" | "STOR" | "APPE" | "STOU" => {
                            self.ftp_command = Some(line.line.clone());
                        }
                        _ => {}
                    }
                }
                Parse::Done(Message::Ftp(f), end)
            }
            // Built by the tracker, which can read the control connection.
            Proto::FtpData => Parse::NotMine,
        }
    }

    fn smtp(&mut self, from_server: bool, rest: &[u8]) -> Parse<Message> {
        if !from_server && self.smtp.data_mode {
            let at_line_start = self.smtp.mail.is_empty() || self.smtp.mail.ends_with(b"\n");
            return match smtp::data_end(rest, at_line_start) {
                Some((dot, after)) => {
                    let body = rest.get(..dot).unwrap_or(&[]);
                    self.keep_mail(body);
                    let imf = smtp::parse_imf(&self.smtp.mail);
                    self.smtp.mail.clear();
                    self.smtp.data_mode = false;
                    let end = smtp::Smtp::DataEnd {
                        len: body.len(),
                        span: decode::app::Span::new(0, dot),
                    };
                    // tshark reads nothing after the end of the message in that segment.
                    let _ = after;
                    Parse::Done(Message::SmtpMessage(end, imf), rest.len())
                }
                None => {
                    self.keep_mail(rest);
                    let fragment = smtp::Smtp::DataFragment {
                        len: rest.len(),
                        span: decode::app::Span::new(0, rest.len()),
                    };
                    Parse::Done(Message::Smtp(fragment), rest.len())
                }
            };
        }
        let Some(end) = complete_lines(rest) else {
            return Parse::More {
                info: None,
                need: None,
            };
        };
        let lines = rest.get(..end).unwrap_or(&[]);
        let message = if from_server {
            let replies = smtp::parse_replies(lines);
            let s = smtp::Smtp::Replies(replies);
            for code in s.reply_codes().collect::<Vec<_>>() {
                match code {
                    354 => self.smtp.data_mode = true,
                    220 if self.smtp.starttls_asked => self.switch_to_tls = true,
                    _ => {}
                }
            }
            s
        } else {
            let commands = smtp::parse_commands(lines);
            if commands
                .iter()
                .any(|c| c.line.trim().eq_ignore_ascii_case("STARTTLS"))
            {
                self.smtp.starttls_asked = true;
            }
            smtp::Smtp::Commands(commands)
        };
        Parse::Done(Message::Smtp(message), end)
    }

    fn keep_mail(&mut self, bytes: &[u8]) {
        let room = MAX_MAIL.saturating_sub(self.smtp.mail.len());
        self.smtp
            .mail
            .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or(&[]));
    }
}

/// Length of the complete lines at the start of `bytes` (through the last LF), if any.
fn complete_lines(bytes: &[u8]) -> Option<usize> {
    bytes.iter().rposition(|b| *b == b'\n').map(|p| p + 1)
}
