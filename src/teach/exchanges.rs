//! Which frame answers which: DNS queries and their responses, HTTP requests and theirs,
//! with each frame's time, gathered in one pass so the narration of a request can say what
//! later frame answered it and after how long (the pipeline's own links point backward
//! only, from a response to its request).

use std::collections::HashMap;

use crate::dissect::app::Message;
use crate::dissect::Dissection;

#[derive(Debug, Default, Clone)]
pub struct Exchanges {
    /// Time of every frame that carries a DNS or HTTP message.
    ts_ns: HashMap<u64, i64>,
    /// Request frame → the first frame that answers it.
    answer: HashMap<u64, u64>,
}

impl Exchanges {
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes the DNS and HTTP messages of `d` (call in capture order).
    pub fn push(&mut self, d: &Dissection<'_>) {
        let frame = d.info.number;
        for placed in &d.app.messages {
            let request = match &placed.message {
                Message::Dns(dns) => Some(dns.response_to),
                Message::Http(http) => Some(http.request_in),
                _ => None,
            };
            let Some(request) = request else { continue };
            self.ts_ns.insert(frame, d.info.ts_ns);
            if let Some(request) = request {
                self.answer.entry(request).or_insert(frame);
            }
        }
    }

    /// The time of frame `frame`, if it carries a DNS or HTTP message.
    pub fn ts_ns(&self, frame: u64) -> Option<i64> {
        self.ts_ns.get(&frame).copied()
    }

    /// The frame that answers the request in `frame`, if the capture has one.
    pub fn answer_to(&self, frame: u64) -> Option<u64> {
        self.answer.get(&frame).copied()
    }
}
