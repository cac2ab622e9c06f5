//! What tshark does with a message body by its media type (HTTP bodies, the IMF message in
//! SMTP): which dissector takes it (`frame.protocols`) and what it adds to the Info column.

/// The media type without parameters, lower-cased: `text/html;charset=utf-8` → `text/html`.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The body's dissector name in `frame.protocols` and its Info suffix (with the leading
/// space tshark writes: ` (text/html)`).
pub fn body(content_type: &str, body: &[u8]) -> (&'static str, String) {
    let media = essence(content_type);
    match media.as_str() {
        "image/png" => ("png", " (PNG)".to_string()),
        "image/gif" => {
            let version = if body.starts_with(b"GIF87a") {
                "GIF87a"
            } else {
                "GIF89a"
            };
            ("image-gif", format!(" ({version})"))
        }
        "image/jpeg" | "image/jpg" => ("image-jfif", " (JPEG JFIF image)".to_string()),
        "application/x-www-form-urlencoded" => ("urlencoded-form", format!(" ({media})")),
        // JSON says its name in Info and adds itself to the Protocol column (HTTP/JSON).
        "application/json" => ("json", format!(", JavaScript Object Notation ({media})")),
        "text/xml" | "application/xml" => ("xml", format!(" ({media})")),
        m if m.starts_with("text/") => ("data-text-lines", format!(" ({media})")),
        _ => ("media", format!(" ({media})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_as_tshark_names_them() {
        assert_eq!(essence("text/html; charset=UTF-8"), "text/html");
        assert_eq!(body("text/css", b"a{}").0, "data-text-lines");
        assert_eq!(body("image/png", b"").1, " (PNG)");
        assert_eq!(
            body("application/javascript", b"x").1,
            " (application/javascript)"
        );
        assert_eq!(body("application/javascript", b"x").0, "media");
    }
}
