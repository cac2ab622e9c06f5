//! Splitting a filter into tokens, each with its column for error messages.
//!
//! Field names and unquoted values share one "word" token: `ip.src`, `10.0.0.0/8`,
//! `00:16:35`, `2001:db8::1`, `0x50`, `8000..8080`, `-1`. Which one a word is depends on
//! where the parser meets it, so the lexer does not guess.

use super::error::{ErrorKind, FilterError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Word(String),
    /// A quoted string, escapes resolved.
    Str(Vec<u8>),
    /// `==`, `!=`, `===`, `!==`, `~=`, `<`, `<=`, `>`, `>=`, `~`, `&&`, `||`, `!`, `&`,
    /// `(`, `)`, `{`, `}`, `[`, `]`, `,`.
    Punct(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    /// 1-based column of the first character.
    pub column: usize,
    /// Width in characters as written.
    pub width: usize,
}

/// Longest first, so `===` is not read as `==` then `=`.
const PUNCT: [&str; 21] = [
    "===", "!==", "==", "!=", "~=", "<=", ">=", "&&", "||", "<", ">", "~", "!", "&", "(", ")", "{",
    "}", "[", "]", ",",
];

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/' | '-')
}

pub fn tokenize(input: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '"' {
            let (bytes, end) = string(&chars, i)?;
            tokens.push(Token {
                tok: Tok::Str(bytes),
                column,
                width: end - i,
            });
            i = end;
            continue;
        }
        if is_word_char(c) {
            let end = (i..chars.len())
                .find(|&j| !chars.get(j).copied().is_some_and(is_word_char))
                .unwrap_or(chars.len());
            tokens.push(Token {
                tok: Tok::Word(chars[i..end].iter().collect()),
                column,
                width: end - i,
            });
            i = end;
            continue;
        }
        let punct = PUNCT.iter().find(|p| {
            p.chars()
                .enumerate()
                .all(|(k, pc)| chars.get(i + k) == Some(&pc))
        });
        match punct {
            Some(p) => {
                let width = p.len();
                tokens.push(Token {
                    tok: Tok::Punct(p),
                    column,
                    width,
                });
                i += width;
            }
            None => return Err(FilterError::new(ErrorKind::BadChar(c), column, 1)),
        }
    }
    Ok(tokens)
}

/// A quoted string starting at `chars[start] == '"'`: its bytes and the index after the
/// closing quote. Escapes are Wireshark's (C-like).
fn string(chars: &[char], start: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(FilterError::new(
                ErrorKind::UnterminatedString,
                start + 1,
                i - start,
            ));
        };
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let (byte, used) = escape(chars, i + 1)?;
                out.push(byte);
                i += 1 + used;
            }
            other => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                i += 1;
            }
        }
    }
}

/// The escape after a backslash at `chars[at]`: its byte and how many chars it used.
fn escape(chars: &[char], at: usize) -> Result<(u8, usize), FilterError> {
    let bad = |text: String, width: usize| {
        Err(FilterError::new(ErrorKind::BadEscape(text), at, width + 1))
    };
    let Some(&c) = chars.get(at) else {
        return bad(String::new(), 0);
    };
    let simple = match c {
        '\\' => Some(b'\\'),
        '"' => Some(b'"'),
        '\'' => Some(b'\''),
        'n' => Some(b'\n'),
        't' => Some(b'\t'),
        'r' => Some(b'\r'),
        'a' => Some(0x07),
        'b' => Some(0x08),
        'f' => Some(0x0c),
        'v' => Some(0x0b),
        _ => None,
    };
    if let Some(byte) = simple {
        return Ok((byte, 1));
    }
    if c == 'x' {
        let digits: String = chars
            .iter()
            .skip(at + 1)
            .take(2)
            .take_while(|d| d.is_ascii_hexdigit())
            .collect();
        return match u8::from_str_radix(&digits, 16) {
            Ok(byte) => Ok((byte, 1 + digits.len())),
            Err(_) => bad(format!("x{digits}"), 1 + digits.len()),
        };
    }
    if c.is_digit(8) {
        let digits: String = chars
            .iter()
            .skip(at)
            .take(3)
            .take_while(|d| d.is_digit(8))
            .collect();
        return match u8::from_str_radix(&digits, 8) {
            Ok(byte) => Ok((byte, digits.len())),
            Err(_) => bad(digits.clone(), digits.len()),
        };
    }
    bad(c.to_string(), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Vec<Tok> {
        tokenize(input)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn splits_words_and_operators() {
        assert_eq!(
            words("ip.src==10.0.0.0/8&&!tcp"),
            vec![
                Tok::Word("ip.src".into()),
                Tok::Punct("=="),
                Tok::Word("10.0.0.0/8".into()),
                Tok::Punct("&&"),
                Tok::Punct("!"),
                Tok::Word("tcp".into()),
            ]
        );
        assert_eq!(words("a === b")[1], Tok::Punct("==="));
        assert_eq!(words("a !== b")[1], Tok::Punct("!=="));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            words(r#""a\"b\\\x41\101\n""#),
            vec![Tok::Str(b"a\"b\\AA\n".to_vec())]
        );
        let err = tokenize(r#"x == "abc"#).unwrap_err();
        assert_eq!((err.kind, err.column), (ErrorKind::UnterminatedString, 6));
        let err = tokenize(r#""\q""#).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadEscape("q".into()));
        assert!(tokenize("\"\\").is_err());
        assert!(tokenize("\"\\x\"").is_err());
    }

    #[test]
    fn bad_character_has_column() {
        let err = tokenize("tcp $").unwrap_err();
        assert_eq!((err.kind, err.column), (ErrorKind::BadChar('$'), 5));
    }
}
