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

mod parse;
#[cfg(test)]
mod tests;

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
pub(crate) enum Node {
    Number(Decimal),
    Column { name: String, position: usize },
    Neg(Box<Node>, usize),
    Binary(Box<Node>, Op, Box<Node>, usize),
    Call(Func, Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Func {
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
        let root = parse::parse(text)?;
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
