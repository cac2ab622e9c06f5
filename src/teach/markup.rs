//! Text from a capture, a traced program or a lesson file made safe inside the SVG and
//! HTML handouts: every such string is hostile (an HTTP request line may carry `<script>`),
//! so it goes through [`escape`] on its way into an element or an attribute.

/// Text safe inside an XML or HTML element or a quoted attribute: the five markup
/// characters as entities, and the characters XML 1.0 does not allow (control characters
/// but tab and newline, U+FFFE, U+FFFF) as `?`, so the document always parses.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push('?')
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_neutralised() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}[31m\nc\u{fffe}"), "a?b?[31m\nc?");
    }
}
