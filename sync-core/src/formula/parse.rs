//! Tokenizer and recursive-descent parser for [`Expression`](super::Expression).

use std::fmt;

use rust_decimal::Decimal;

use super::{FormulaError, Func, Node, Op};

/// Parse a whole expression; trailing tokens are an error.
pub(super) fn parse(text: &str) -> Result<Node, FormulaError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let root = parser.expr()?;
    if let Some(token) = parser.tokens.get(parser.at) {
        return Err(FormulaError::UnexpectedToken {
            found: token.kind.to_string(),
            expected: "an operator or the end",
            position: token.position,
        });
    }
    Ok(root)
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Number(String),
    Ident(String),
    Op(char),
    Open,
    Close,
    Comma,
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(t) | Self::Ident(t) => f.write_str(t),
            Self::Op(c) => write!(f, "{c}"),
            Self::Open => f.write_str("("),
            Self::Close => f.write_str(")"),
            Self::Comma => f.write_str(","),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    position: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, FormulaError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let take_while = |i: &mut usize, pred: &dyn Fn(char) -> bool| {
            let begin = *i;
            while chars.get(*i).is_some_and(|c| pred(*c)) {
                *i += 1;
            }
            chars[begin..*i].iter().collect::<String>()
        };
        let kind = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '0'..='9' | '.' => {
                TokenKind::Number(take_while(&mut i, &|c| c.is_ascii_digit() || c == '.'))
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                TokenKind::Ident(take_while(&mut i, &|c| {
                    c.is_ascii_alphanumeric() || c == '_'
                }))
            }
            '+' | '-' | '*' | '/' => {
                i += 1;
                TokenKind::Op(c)
            }
            '(' => {
                i += 1;
                TokenKind::Open
            }
            ')' => {
                i += 1;
                TokenKind::Close
            }
            ',' => {
                i += 1;
                TokenKind::Comma
            }
            other => {
                return Err(FormulaError::UnexpectedChar {
                    found: other,
                    position: i,
                });
            }
        };
        tokens.push(Token {
            kind,
            position: start,
        });
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self, expected: &'static str) -> Result<Token, FormulaError> {
        let token = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or(FormulaError::UnexpectedEnd { expected })?;
        self.at += 1;
        Ok(token)
    }

    fn binary(
        &mut self,
        ops: [(char, Op); 2],
        operand: fn(&mut Self) -> Result<Node, FormulaError>,
    ) -> Result<Node, FormulaError> {
        let mut left = operand(self)?;
        while let Some(Token {
            kind: TokenKind::Op(c),
            position,
        }) = self.peek().cloned()
        {
            let Some((_, op)) = ops.iter().find(|(sym, _)| *sym == c) else {
                break;
            };
            self.at += 1;
            let right = operand(self)?;
            left = Node::Binary(Box::new(left), *op, Box::new(right), position);
        }
        Ok(left)
    }

    fn expr(&mut self) -> Result<Node, FormulaError> {
        self.binary([('+', Op::Add), ('-', Op::Sub)], Self::term)
    }

    fn term(&mut self) -> Result<Node, FormulaError> {
        self.binary([('*', Op::Mul), ('/', Op::Div)], Self::factor)
    }

    fn factor(&mut self) -> Result<Node, FormulaError> {
        const EXPECTED: &str = "a number, a column, min(…), max(…) or `(`";
        let token = self.next(EXPECTED)?;
        match token.kind {
            TokenKind::Op('-') => Ok(Node::Neg(Box::new(self.factor()?), token.position)),
            TokenKind::Number(text) => {
                text.parse::<Decimal>()
                    .map(Node::Number)
                    .map_err(|_| FormulaError::InvalidNumber {
                        text,
                        position: token.position,
                    })
            }
            TokenKind::Open => {
                let inner = self.expr()?;
                self.expect_close()?;
                Ok(inner)
            }
            TokenKind::Ident(name) => {
                if !matches!(
                    self.peek(),
                    Some(Token {
                        kind: TokenKind::Open,
                        ..
                    })
                ) {
                    return Ok(Node::Column {
                        name,
                        position: token.position,
                    });
                }
                let func = match name.to_ascii_lowercase().as_str() {
                    "min" => Func::Min,
                    "max" => Func::Max,
                    _ => {
                        return Err(FormulaError::UnknownFunction {
                            name,
                            position: token.position,
                        });
                    }
                };
                self.at += 1; // the `(`
                let mut args = vec![self.expr()?];
                while matches!(
                    self.peek(),
                    Some(Token {
                        kind: TokenKind::Comma,
                        ..
                    })
                ) {
                    self.at += 1;
                    args.push(self.expr()?);
                }
                self.expect_close()?;
                Ok(Node::Call(func, args))
            }
            other => Err(FormulaError::UnexpectedToken {
                found: other.to_string(),
                expected: EXPECTED,
                position: token.position,
            }),
        }
    }

    fn expect_close(&mut self) -> Result<(), FormulaError> {
        let token = self.next("`)`")?;
        match token.kind {
            TokenKind::Close => Ok(()),
            other => Err(FormulaError::UnexpectedToken {
                found: other.to_string(),
                expected: "`)`",
                position: token.position,
            }),
        }
    }
}
