//! HTTP/1.x requests and responses. `httparse` reads the start line and headers; this file
//! decides where the message ends (Content-Length, chunked, or the rest of the data) and
//! what tshark shows for it.

use super::{media, printable, Malformed, Parse, Place, Span};
use crate::decode::FieldList;
use crate::field::{FieldId as F, Value};

/// Headers kept per message; more is hostile (httparse needs a fixed array).
const MAX_HEADERS: usize = 96;

#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    Request {
        method: String,
        uri: String,
        version: String,
    },
    Response {
        version: String,
        code: u16,
        phrase: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: String,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Http {
    pub start: Start,
    pub first_line: String,
    pub first_line_span: Span,
    pub headers: Vec<Header>,
    pub content_length: Option<u64>,
    /// The body as delivered (de-chunked), if any.
    pub body: Vec<u8>,
    pub body_span: Span,
    /// The body's dissector (`data-text-lines`, `png`, `media`…) and its Info suffix.
    pub body_kind: Option<(&'static str, String)>,
    /// `urlencoded-form` key/value pairs.
    pub form: Vec<(String, String)>,
    /// For a response: the frame of the request it answers (one pass: backward only).
    pub request_in: Option<u64>,
    pub malformed: Option<Malformed>,
}

impl Http {
    pub fn is_request(&self) -> bool {
        matches!(self.start, Start::Request { .. })
    }

    /// `GET /dvwa/login.php HTTP/1.1 ` / `HTTP/1.1 200 OK  (text/html)`.
    pub fn info(&self, out: &mut String) {
        out.push_str(&self.first_line);
        out.push(' ');
        if let Some((_, suffix)) = &self.body_kind {
            out.push_str(suffix);
        }
    }

    pub fn protocols(&self, out: &mut String) {
        out.push_str(":http");
        if let Some((name, _)) = &self.body_kind {
            out.push(':');
            out.push_str(name);
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    pub fn emit<'a>(&'a self, place: Place, out: &mut FieldList<'a>) {
        out.fact(F::Http, Value::None, 0);
        let line = self.first_line_span;
        match &self.start {
            Start::Request {
                method,
                uri,
                version,
            } => {
                out.fact(F::HttpRequest, Value::Bool(true), 1);
                place.emit(out, F::HttpRequestMethod, Value::Text(method), line, 2);
                place.emit(out, F::HttpRequestUri, Value::Text(uri), line, 2);
                place.emit(out, F::HttpRequestVersion, Value::Text(version), line, 2);
            }
            Start::Response {
                version,
                code,
                phrase,
            } => {
                out.fact(F::HttpResponse, Value::Bool(true), 1);
                place.emit(out, F::HttpResponseVersion, Value::Text(version), line, 2);
                place.emit(
                    out,
                    F::HttpResponseCode,
                    Value::U64((*code).into()),
                    line,
                    2,
                );
                place.emit(out, F::HttpResponsePhrase, Value::Text(phrase), line, 2);
            }
        }
        for h in &self.headers {
            let id = match h.name.to_ascii_lowercase().as_str() {
                "host" => F::HttpHost,
                "user-agent" => F::HttpUserAgent,
                "content-type" => F::HttpContentType,
                "server" => F::HttpServer,
                "cookie" => F::HttpCookie,
                "referer" => F::HttpReferer,
                "location" => F::HttpLocation,
                "authorization" => F::HttpAuthorization,
                "content-length" => {
                    if let Some(len) = self.content_length {
                        place.emit(out, F::HttpContentLength, Value::U64(len), h.span, 1);
                    }
                    continue;
                }
                _ => continue,
            };
            place.emit(out, id, Value::Text(&h.value), h.span, 1);
        }
        if let Some(frame) = self.request_in {
            out.fact(F::HttpRequestIn, Value::U64(frame), 1);
        }
        if !self.body.is_empty() {
            place.emit(
                out,
                F::HttpFileData,
                Value::Bytes(&self.body),
                self.body_span,
                1,
            );
        }
        if let Some(("data-text-lines", _)) = &self.body_kind {
            out.fact(F::DataTextLines, Value::None, 0);
        }
        if !self.form.is_empty() {
            out.fact(F::UrlencodedForm, Value::None, 0);
            for (k, v) in &self.form {
                out.fact(F::UrlencodedFormKey, Value::Text(k), 1);
                out.fact(F::UrlencodedFormValue, Value::Text(v), 1);
            }
        }
        place.malformed(out, &self.malformed);
    }
}

/// Does this look like the start of an HTTP message (so a port-80 payload that is not
/// HTTP goes to `data`)?
pub fn looks_like_http(bytes: &[u8]) -> bool {
    const METHODS: [&[u8]; 9] = [
        b"GET ",
        b"POST ",
        b"HEAD ",
        b"PUT ",
        b"DELETE ",
        b"OPTIONS ",
        b"PATCH ",
        b"CONNECT ",
        b"TRACE ",
    ];
    bytes.starts_with(b"HTTP/1.") || METHODS.iter().any(|m| bytes.starts_with(m))
}

/// Parses one message from the start of `bytes`. `Parse::More` carries the Info text tshark
/// has already written when the headers are complete but the body is not.
pub fn parse(bytes: &[u8]) -> Parse<Http> {
    if !looks_like_http(bytes) {
        return Parse::NotMine;
    }
    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let (start, header_len, raw_headers) = if bytes.starts_with(b"HTTP/") {
        let mut response = httparse::Response::new(&mut storage);
        match response.parse(bytes) {
            Ok(httparse::Status::Complete(len)) => {
                let version = format!("HTTP/1.{}", response.version.unwrap_or(1));
                let start = Start::Response {
                    version,
                    code: response.code.unwrap_or(0),
                    phrase: response.reason.unwrap_or("").to_string(),
                };
                (start, len, response.headers.to_vec())
            }
            Ok(httparse::Status::Partial) => {
                return Parse::More {
                    info: None,
                    need: None,
                }
            }
            Err(_) => return Parse::NotMine,
        }
    } else {
        let mut request = httparse::Request::new(&mut storage);
        match request.parse(bytes) {
            Ok(httparse::Status::Complete(len)) => {
                let start = Start::Request {
                    method: request.method.unwrap_or("").to_string(),
                    uri: request.path.unwrap_or("").to_string(),
                    version: format!("HTTP/1.{}", request.version.unwrap_or(1)),
                };
                (start, len, request.headers.to_vec())
            }
            Ok(httparse::Status::Partial) => {
                return Parse::More {
                    info: None,
                    need: None,
                }
            }
            Err(_) => return Parse::NotMine,
        }
    };
    let first_end = bytes.iter().position(|b| *b == b'\n').unwrap_or(0);
    let first_line = bytes
        .get(..first_end)
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .unwrap_or(&[]);
    let headers: Vec<Header> = raw_headers
        .iter()
        .map(|h| Header {
            name: h.name.to_string(),
            value: printable(h.value),
            span: Span::new(offset_in(bytes, h.name.as_bytes()), h.value.len()),
        })
        .collect();
    let mut http = Http {
        start,
        first_line: printable(first_line),
        first_line_span: Span::new(0, first_line.len()),
        headers,
        content_length: None,
        body: Vec::new(),
        body_span: Span::new(header_len, 0),
        body_kind: None,
        form: Vec::new(),
        request_in: None,
        malformed: None,
    };
    http.content_length = http
        .header("content-length")
        .and_then(|v| v.trim().parse().ok());
    let chunked = http
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let no_body = match http.start {
        Start::Response { code, .. } => code < 200 || code == 204 || code == 304,
        Start::Request { .. } => false,
    };
    let rest = bytes.get(header_len..).unwrap_or(&[]);
    let (body, consumed) = if no_body {
        (Vec::new(), header_len)
    } else if chunked {
        match dechunk(rest) {
            Some((body, used)) => (body, header_len + used),
            None => return more(&http, None),
        }
    } else if let Some(len) = http.content_length {
        let Ok(len) = usize::try_from(len) else {
            return Parse::NotMine;
        };
        match rest.get(..len) {
            Some(body) => (body.to_vec(), header_len + len),
            None => return more(&http, header_len.checked_add(len)),
        }
    } else if http.is_request() {
        (Vec::new(), header_len)
    } else {
        // A response without a length runs to the end of what we have.
        (rest.to_vec(), bytes.len())
    };
    http.body_span = Span::new(header_len, body.len());
    if !body.is_empty() {
        let content_type = http.header("content-type").unwrap_or("");
        let kind = media::body(content_type, &body);
        if kind.0 == "urlencoded-form" {
            http.form = form_pairs(&body);
        }
        http.body_kind = Some(kind);
    }
    http.body = body;
    Parse::Done(http, consumed)
}

fn more(http: &Http, need: Option<usize>) -> Parse<Http> {
    let mut info = String::new();
    http.info(&mut info);
    Parse::More {
        info: Some(info),
        need,
    }
}

/// Offset of `part` (a sub-slice handed out by httparse) in `whole`.
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(whole.as_ptr() as usize)
        .filter(|off| *off <= whole.len())
        .unwrap_or(0)
}

/// Joins a chunked body; returns it and the bytes used (trailer included), or `None` when
/// more data is needed. Malformed chunk sizes also ask for more: the caller's per-stream
/// cap ends that.
fn dechunk(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut body = Vec::new();
    let mut at = 0usize;
    loop {
        let line_end = at + bytes.get(at..)?.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(bytes.get(at..line_end)?).ok()?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // Trailer headers end with an empty line.
            loop {
                let end = at + bytes.get(at..)?.windows(2).position(|w| w == b"\r\n")?;
                let empty = end == at;
                at = end + 2;
                if empty {
                    return Some((body, at));
                }
            }
        }
        body.extend_from_slice(bytes.get(at..at.checked_add(size)?)?);
        at = at.checked_add(size)?.checked_add(2)?;
    }
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(v) = hex {
                    out.push(v);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    printable(&out)
}
