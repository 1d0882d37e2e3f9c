//! A small expression language over named Decimal quantities, for the stock formula
//! (`QTY_AVAIL - QTY_RES_SO`, `max(QTY_TECH - 2, 0)`).
//!
//! Written here because no maintained crate evaluates expressions in `rust_decimal::Decimal`: the
//! general evaluators (evalexpr, meval, fasteval) compute in `f64`, which the house rules forbid for
//! quantities. The grammar is tiny:
//!
//! ```text
//! expr   := term (('+' | '-') term)*
//! term   := factor (('*' | '/') factor)*
//! factor := '-' factor | number | column | call | '(' expr ')'
//! call   := ('min' | 'max') '(' expr (',' expr)* ')'
//! column := [A-Za-z_][A-Za-z0-9_]*
//! ```
//!
//! ```
//! use rust_decimal_macros::dec;
//! use sync_core::formula::Expression;
//! let expr = Expression::parse("max(QTY_AVAIL - QTY_RES_SO, 0)").unwrap();
//! let value = expr.eval(&|col: &str| match col {
//!     "QTY_AVAIL" => Some(dec!(3)),
//!     "QTY_RES_SO" => Some(dec!(5)),
//!     _ => None,
//! });
//! assert_eq!(value.unwrap(), dec!(0));
//! ```

use std::fmt;

use rust_decimal::Decimal;

use crate::error::{ErrorKind, SyncError};

/// Why an expression could not be parsed or evaluated. Positions are 0-based character offsets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormulaError {
    /// A character that is not part of the grammar.
    #[error("unexpected character `{found}` at position {position}")]
    UnexpectedChar {
        /// The character.
        found: char,
        /// Where.
        position: usize,
    },
    /// A token in the wrong place.
    #[error("unexpected `{found}` at position {position}, expected {expected}")]
    UnexpectedToken {
        /// What was found.
        found: String,
        /// What would have fitted.
        expected: &'static str,
        /// Where.
        position: usize,
    },
    /// The expression ended too early.
    #[error("the expression ends too early, expected {expected}")]
    UnexpectedEnd {
        /// What was still expected.
        expected: &'static str,
    },
    /// A number that is not a valid decimal.
    #[error("invalid number `{text}` at position {position}")]
    InvalidNumber {
        /// The text.
        text: String,
        /// Where.
        position: usize,
    },
    /// A function other than `min` and `max`.
    #[error("unknown function `{name}` at position {position} (only min and max exist)")]
    UnknownFunction {
        /// The name.
        name: String,
        /// Where.
        position: usize,
    },
    /// A column the record does not have.
    #[error("unknown column `{name}` at position {position}")]
    UnknownColumn {
        /// The column name.
        name: String,
        /// Where it is used in the expression.
        position: usize,
    },
    /// Division by zero.
    #[error("division by zero at position {position}")]
    DivisionByZero {
        /// Where the division is.
        position: usize,
    },
    /// A result too large for a Decimal.
    #[error("arithmetic overflow at position {position}")]
    Overflow {
        /// Where the operation is.
        position: usize,
    },
}

impl From<FormulaError> for SyncError {
    /// Evaluation problems concern one record's data (skippable `validation`); parse problems are
    /// configuration errors (fatal).
    fn from(error: FormulaError) -> Self {
        let class_kind = match error {
            FormulaError::UnknownColumn { .. }
            | FormulaError::DivisionByZero { .. }
            | FormulaError::Overflow { .. } => ErrorKind::Validation,
            _ => ErrorKind::Config,
        };
        SyncError::new(class_kind, format!("stock formula: {error}")).with_source(error)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Number(Decimal),
    Column { name: String, position: usize },
    Neg(Box<Node>, usize),
    Binary(Box<Node>, Op, Box<Node>, usize),
    Call(Func, Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Func {
    Min,
    Max,
}

/// A parsed expression. Parse once (at configuration time), evaluate per record.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    source: String,
    root: Node,
}

impl Expression {
    /// Parse `text`.
    pub fn parse(text: &str) -> Result<Self, FormulaError> {
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
        Ok(Self {
            source: text.to_owned(),
            root,
        })
    }

    /// An expression that reads one column.
    pub fn column(name: &str) -> Self {
        Self {
            source: name.to_owned(),
            root: Node::Column {
                name: name.to_owned(),
                position: 0,
            },
        }
    }

    /// `a - b` over two columns.
    pub fn difference(a: &str, b: &str) -> Self {
        Self {
            source: format!("{a} - {b}"),
            root: Node::Binary(
                Box::new(Node::Column {
                    name: a.to_owned(),
                    position: 0,
                }),
                Op::Sub,
                Box::new(Node::Column {
                    name: b.to_owned(),
                    position: a.chars().count() + 3,
                }),
                a.chars().count() + 1,
            ),
        }
    }

    /// The text the expression was built from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The columns the expression reads, in order of appearance, without duplicates.
    pub fn columns(&self) -> Vec<String> {
        fn walk(node: &Node, out: &mut Vec<String>) {
            match node {
                Node::Number(_) => {}
                Node::Column { name, .. } => {
                    if !out.contains(name) {
                        out.push(name.clone());
                    }
                }
                Node::Neg(inner, _) => walk(inner, out),
                Node::Binary(a, _, b, _) => {
                    walk(a, out);
                    walk(b, out);
                }
                Node::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }

    /// Evaluate with `column` giving each column's value (`None` = unknown column).
    pub fn eval(&self, column: &dyn Fn(&str) -> Option<Decimal>) -> Result<Decimal, FormulaError> {
        eval(&self.root, column)
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn eval(node: &Node, column: &dyn Fn(&str) -> Option<Decimal>) -> Result<Decimal, FormulaError> {
    match node {
        Node::Number(n) => Ok(*n),
        Node::Column { name, position } => {
            column(name).ok_or_else(|| FormulaError::UnknownColumn {
                name: name.clone(),
                position: *position,
            })
        }
        Node::Neg(inner, _) => Ok(-eval(inner, column)?),
        Node::Binary(a, op, b, position) => {
            let (a, b) = (eval(a, column)?, eval(b, column)?);
            let overflow = || FormulaError::Overflow {
                position: *position,
            };
            match op {
                Op::Add => a.checked_add(b).ok_or_else(overflow),
                Op::Sub => a.checked_sub(b).ok_or_else(overflow),
                Op::Mul => a.checked_mul(b).ok_or_else(overflow),
                Op::Div if b.is_zero() => Err(FormulaError::DivisionByZero {
                    position: *position,
                }),
                Op::Div => a.checked_div(b).ok_or_else(overflow),
            }
        }
        Node::Call(func, args) => {
            let mut values = args.iter().map(|a| eval(a, column));
            // The parser guarantees at least one argument.
            let first = values.next().transpose()?.unwrap_or_default();
            values.try_fold(first, |acc, v| {
                let v = v?;
                Ok(match func {
                    Func::Min => acc.min(v),
                    Func::Max => acc.max(v),
                })
            })
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn columns(name: &str) -> Option<Decimal> {
        match name {
            "QTY_TECH" => Some(dec!(10)),
            "QTY_AVAIL" => Some(dec!(8)),
            "QTY_RES_SO" => Some(dec!(3)),
            "ZERO" => Some(dec!(0)),
            _ => None,
        }
    }

    fn eval_text(text: &str) -> Result<Decimal, FormulaError> {
        Expression::parse(text)?.eval(&columns)
    }

    #[test]
    fn arithmetic_precedence_parentheses_and_unary_minus() {
        assert_eq!(eval_text("QTY_AVAIL - QTY_RES_SO").unwrap(), dec!(5));
        assert_eq!(eval_text("1 + 2 * 3").unwrap(), dec!(7));
        assert_eq!(eval_text("(1 + 2) * 3").unwrap(), dec!(9));
        assert_eq!(
            eval_text("10 - 4 - 3").unwrap(),
            dec!(3),
            "left-associative"
        );
        assert_eq!(eval_text("QTY_TECH / 4").unwrap(), dec!(2.5));
        assert_eq!(eval_text("-QTY_RES_SO + 1").unwrap(), dec!(-2));
        assert_eq!(eval_text("0.1 + 0.2").unwrap(), dec!(0.3), "exact decimals");
    }

    #[test]
    fn min_and_max() {
        assert_eq!(eval_text("min(QTY_TECH, QTY_AVAIL, 9)").unwrap(), dec!(8));
        assert_eq!(eval_text("MAX(QTY_RES_SO - QTY_TECH, 0)").unwrap(), dec!(0));
        assert_eq!(eval_text("max(1)").unwrap(), dec!(1));
    }

    #[test]
    fn errors_name_the_column_or_position() {
        assert_eq!(
            eval_text("QTY_AVAIL - QTY_RESERVED").unwrap_err(),
            FormulaError::UnknownColumn {
                name: "QTY_RESERVED".into(),
                position: 12
            }
        );
        assert_eq!(
            eval_text("QTY_TECH / ZERO").unwrap_err(),
            FormulaError::DivisionByZero { position: 9 }
        );
        assert_eq!(
            Expression::parse("QTY_TECH % 2").unwrap_err(),
            FormulaError::UnexpectedChar {
                found: '%',
                position: 9
            }
        );
        assert!(matches!(
            Expression::parse("QTY_TECH -").unwrap_err(),
            FormulaError::UnexpectedEnd { .. }
        ));
        assert!(matches!(
            Expression::parse("(QTY_TECH").unwrap_err(),
            FormulaError::UnexpectedEnd { expected: "`)`" }
        ));
        assert!(matches!(
            Expression::parse("QTY_TECH QTY_AVAIL").unwrap_err(),
            FormulaError::UnexpectedToken { position: 9, .. }
        ));
        assert!(matches!(
            Expression::parse("avg(1, 2)").unwrap_err(),
            FormulaError::UnknownFunction { .. }
        ));
        assert!(matches!(
            Expression::parse("1.2.3").unwrap_err(),
            FormulaError::InvalidNumber { .. }
        ));
        assert!(matches!(
            Expression::parse("").unwrap_err(),
            FormulaError::UnexpectedEnd { .. }
        ));
        let huge = Expression::parse("79228162514264337593543950335 * 2").unwrap();
        assert!(matches!(
            huge.eval(&columns).unwrap_err(),
            FormulaError::Overflow { .. }
        ));
    }

    #[test]
    fn columns_and_builders() {
        let e = Expression::parse("max(QTY_AVAIL - QTY_RES_SO, QTY_AVAIL)").unwrap();
        assert_eq!(e.columns(), ["QTY_AVAIL", "QTY_RES_SO"]);
        assert_eq!(e.to_string(), "max(QTY_AVAIL - QTY_RES_SO, QTY_AVAIL)");
        let d = Expression::difference("QTY_AVAIL", "QTY_RES_SO");
        assert_eq!(d.eval(&columns).unwrap(), dec!(5));
        assert_eq!(
            d.eval(&|c| (c == "QTY_AVAIL").then_some(dec!(1)))
                .unwrap_err(),
            FormulaError::UnknownColumn {
                name: "QTY_RES_SO".into(),
                position: 12
            },
            "built expressions report positions in their source text"
        );
        assert_eq!(
            Expression::column("QTY_TECH").eval(&columns).unwrap(),
            dec!(10)
        );
    }

    #[test]
    fn conversion_into_sync_error_classifies() {
        let e: SyncError = FormulaError::UnknownColumn {
            name: "X".into(),
            position: 0,
        }
        .into();
        assert!(e.is_skippable());
        let e: SyncError = FormulaError::UnexpectedEnd { expected: "x" }.into();
        assert!(e.stops_run());
    }
}
