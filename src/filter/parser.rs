//! Recursive-descent parser for Wireshark's display-filter grammar (the subset people type):
//!
//! ```text
//! or      := and (("||" | "or") and)*
//! and     := unary (("&&" | "and") unary)*          -- `and` binds tighter, as in 4.0
//! unary   := ("!" | "not") unary | "(" or ")" | test
//! test    := operand [cmp value | "contains" value | ("matches" | "~") string | "in" set]
//! operand := FIELD ["[" slice "]"] ["&" number]
//! set     := "{" item ([","] item)* "}"             -- 4.0 wants commas; we accept both
//! item    := value | value ".." value
//! ```
//!
//! Nesting is limited so hostile input cannot overflow the stack.

use super::ast::{Expr, FieldRef, Kind, Literal, Operand, SetItem};
use super::error::{ErrorKind, FilterError};
use super::lexer::{tokenize, Tok, Token};
use super::literal::unsigned;
use super::terms::{bad_value, close, cmp_op, compile_pattern, describe, is, literal, parse_slice};

const MAX_DEPTH: usize = 200;

pub fn parse(input: &str) -> Result<Expr, FilterError> {
    let tokens = tokenize(input)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        end_column: input.chars().count() + 1,
        depth: 0,
    };
    if parser.tokens.is_empty() {
        return Err(FilterError::new(ErrorKind::Empty, 1, 1));
    }
    let expr = parser.or()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(parser.unexpected(token.clone(), "'&&', '||' or the end")),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end_column: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn eat(&mut self, punct: &str, word: &str) -> bool {
        if self.peek().is_some_and(|t| is(&t.tok, punct, word)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn unexpected(&self, token: Token, expected: &'static str) -> FilterError {
        FilterError::new(
            ErrorKind::Unexpected {
                expected,
                found: describe(&token.tok),
            },
            token.column,
            token.width,
        )
    }

    fn at_end(&self, expected: &'static str) -> FilterError {
        FilterError::new(
            ErrorKind::Unexpected {
                expected,
                found: "the end of the filter".to_string(),
            },
            self.end_column,
            1,
        )
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.eat("||", "or") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.eat("&&", "and") {
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let column = self.peek().map_or(self.end_column, |t| t.column);
            return Err(FilterError::new(ErrorKind::TooDeep, column, 1));
        }
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Expr, FilterError> {
        if self.eat("!", "not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        let Some(token) = self.peek().cloned() else {
            return Err(self.at_end("a field name, '!' or '('"));
        };
        if token.tok == Tok::Punct("(") {
            self.pos += 1;
            let inner = self.or()?;
            if !self.eat(")", ")") {
                return Err(match self.peek().cloned() {
                    Some(t) => self.unexpected(t, "')'"),
                    None => FilterError::new(ErrorKind::UnclosedParen, token.column, 1),
                });
            }
            return Ok(inner);
        }
        self.test()
    }

    fn field(&mut self) -> Result<FieldRef, FilterError> {
        let Some(token) = self.next() else {
            return Err(self.at_end("a field name"));
        };
        let Tok::Word(name) = &token.tok else {
            return Err(self.unexpected(token, "a field name, '!' or '('"));
        };
        FieldRef::from_name(name).ok_or_else(|| {
            let suggestion = crate::field::suggest(name).or_else(|| {
                super::ast::Virtual::ALL
                    .iter()
                    .map(|v| v.name())
                    .find(|v| close(name, v))
            });
            FilterError::new(
                ErrorKind::UnknownField {
                    name: name.clone(),
                    suggestion,
                },
                token.column,
                token.width,
            )
        })
    }

    fn operand(&mut self) -> Result<(Operand, Token), FilterError> {
        let start = self.peek().cloned();
        let field = self.field()?;
        let field_token = start.unwrap_or(Token {
            tok: Tok::Punct(""),
            column: self.end_column,
            width: 1,
        });
        let mut operand = Operand::field(field);
        if self.eat("[", "[") {
            let open = self
                .tokens
                .get(self.pos - 1)
                .cloned()
                .unwrap_or(field_token.clone());
            if !field.sliceable() {
                return Err(FilterError::new(
                    ErrorKind::NotSliceable {
                        field: field.name(),
                        what: field.kind().describe(),
                    },
                    field_token.column,
                    field_token.width,
                ));
            }
            let text = match self.next() {
                Some(Token {
                    tok: Tok::Word(w), ..
                }) => w,
                Some(t) if t.tok == Tok::Punct("]") => String::new(),
                Some(t) => return Err(self.unexpected(t, "a slice like 0:3")),
                None => return Err(self.at_end("a slice like 0:3")),
            };
            let slice = parse_slice(&text).ok_or_else(|| {
                FilterError::new(
                    ErrorKind::BadSlice { text: text.clone() },
                    open.column,
                    text.len() + 2,
                )
            })?;
            if !text.is_empty() && !self.eat("]", "]") {
                return Err(match self.peek().cloned() {
                    Some(t) => self.unexpected(t, "']'"),
                    None => self.at_end("']'"),
                });
            }
            operand.slice = Some(slice);
        }
        if self.eat("&", "&") {
            if operand.kind() != Kind::Unsigned {
                return Err(FilterError::new(
                    ErrorKind::BadOperator {
                        op: "&",
                        field: field.name(),
                        what: operand.kind().describe(),
                    },
                    field_token.column,
                    field_token.width,
                ));
            }
            let Some(token) = self.next() else {
                return Err(self.expected_value("&"));
            };
            let mask = match &token.tok {
                Tok::Word(w) => unsigned(w),
                _ => None,
            };
            let masked = Operand::field(field);
            operand.mask = Some(mask.ok_or_else(|| bad_value(&token, &masked))?);
        }
        Ok((operand, field_token))
    }

    fn expected_value(&self, after: &str) -> FilterError {
        let column = self.peek().map_or(self.end_column, |t| t.column);
        FilterError::new(
            ErrorKind::ExpectedValue {
                after: after.to_string(),
            },
            column,
            1,
        )
    }

    /// A value token converted for `kind`, the operator it follows named in errors.
    fn value(&mut self, operand: &Operand, after: &str) -> Result<Literal, FilterError> {
        let token = match self.peek() {
            Some(t) if matches!(t.tok, Tok::Word(_) | Tok::Str(_)) => self.next(),
            _ => None,
        };
        let Some(token) = token else {
            return Err(self.expected_value(after));
        };
        literal(&token, operand, after)
    }

    fn test(&mut self) -> Result<Expr, FilterError> {
        let (operand, field_token) = self.operand()?;
        let Some(op_token) = self.peek().cloned() else {
            return Ok(Expr::Test(operand));
        };
        let kind = operand.kind();
        let bad_op = |op: &'static str| {
            FilterError::new(
                ErrorKind::BadOperator {
                    op,
                    field: operand.field.name(),
                    what: kind.describe(),
                },
                op_token.column,
                op_token.width,
            )
        };
        let op_text = match &op_token.tok {
            Tok::Word(w) => w.clone(),
            Tok::Punct(p) => p.to_string(),
            Tok::Str(_) => String::new(),
        };
        if let Some(op) = cmp_op(&op_token.tok) {
            self.pos += 1;
            if kind == Kind::Bool && op.is_ordering() {
                return Err(bad_op(op.symbol()));
            }
            let value = self.value(&operand, &op_text)?;
            return Ok(Expr::Compare(operand, op, value));
        }
        if is(&op_token.tok, "", "contains") {
            self.pos += 1;
            if !matches!(kind, Kind::Text | Kind::Bytes | Kind::Protocol) {
                return Err(bad_op("contains"));
            }
            let value = self.value(&operand, "contains")?;
            return Ok(Expr::Contains(operand, value));
        }
        if is(&op_token.tok, "~", "matches") {
            self.pos += 1;
            if !matches!(kind, Kind::Text | Kind::Bytes | Kind::Protocol) {
                return Err(bad_op("matches"));
            }
            let Some(token) = self.next() else {
                return Err(self.expected_value(&op_text));
            };
            let Tok::Str(source) = &token.tok else {
                return Err(self.unexpected(token, "a quoted regular expression"));
            };
            let pattern = compile_pattern(source)
                .map_err(|e| FilterError::new(ErrorKind::BadRegex(e), token.column, token.width))?;
            return Ok(Expr::Matches(operand, pattern));
        }
        if is(&op_token.tok, "", "in") {
            self.pos += 1;
            return self.set(operand);
        }
        let _ = field_token;
        Ok(Expr::Test(operand))
    }

    fn set(&mut self, operand: Operand) -> Result<Expr, FilterError> {
        match self.next() {
            Some(t) if t.tok == Tok::Punct("{") => {}
            Some(t) => return Err(self.unexpected(t, "'{' after 'in'")),
            None => return Err(self.at_end("'{' after 'in'")),
        }
        let mut items = Vec::new();
        loop {
            let Some(token) = self.next() else {
                return Err(self.at_end("'}'"));
            };
            match &token.tok {
                Tok::Punct("}") if !items.is_empty() => break,
                Tok::Punct(",") if !items.is_empty() => continue,
                Tok::Word(w) if w.contains("..") && w != ".." => {
                    let (low, high) = w.split_once("..").unwrap_or((w, ""));
                    let low_tok = Token {
                        tok: Tok::Word(low.to_string()),
                        column: token.column,
                        width: low.len(),
                    };
                    let high_tok = Token {
                        tok: Tok::Word(high.to_string()),
                        column: token.column + low.len() + 2,
                        width: high.len(),
                    };
                    let low = literal(&low_tok, &operand, "in")?;
                    // `80.. 90` or `00.."x"`: the high end is the next token.
                    let high = if high.is_empty() {
                        self.value(&operand, "..")?
                    } else {
                        literal(&high_tok, &operand, "..")?
                    };
                    items.push(SetItem::Range(low, high));
                }
                Tok::Word(_) | Tok::Str(_) => {
                    let low = literal(&token, &operand, "in")?;
                    if self.eat("..", "..") {
                        let high = self.value(&operand, "..")?;
                        items.push(SetItem::Range(low, high));
                    } else {
                        items.push(SetItem::One(low));
                    }
                }
                _ => return Err(self.unexpected(token, "a value in the set")),
            }
        }
        Ok(Expr::In(operand, items))
    }
}
