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
