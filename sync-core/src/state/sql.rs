//! A small `WHERE … ORDER … LIMIT` builder shared by the SQLite and PostgreSQL stores, so the list
//! queries (dead letters, runs, activity) are written once and only name the conditions a filter
//! sets (which keeps them index-friendly, unlike `(? IS NULL OR col = ?)`).
//!
//! Parameters are kept as [`Param`]s; each backend turns them into its own driver values.

use chrono::{DateTime, Utc};

use super::records::{ActivityFilter, DeadLetterFilter, RunFilter};

/// How a backend spells positional parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `?1`, `?2`, …
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    Sqlite,
    /// `$1`, `$2`, …
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Postgres,
}

/// A parameter value, independent of the driver.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

/// A query under construction: `SELECT … FROM table` + conditions + order + page.
#[derive(Debug)]
pub(crate) struct Query {
    dialect: Dialect,
    sql: String,
    conditions: Vec<String>,
    params: Vec<Param>,
}

impl Query {
    pub(crate) fn new(dialect: Dialect, select: &str) -> Self {
        Query {
            dialect,
            sql: select.to_owned(),
            conditions: Vec::new(),
            params: Vec::new(),
        }
    }

    fn placeholder(&mut self, param: Param) -> String {
        self.params.push(param);
        match self.dialect {
            Dialect::Sqlite => format!("?{}", self.params.len()),
            Dialect::Postgres => format!("${}", self.params.len()),
        }
    }

    /// Adds `<expr> <op> <param>` when `value` is set.
    pub(crate) fn condition(&mut self, expr: &str, op: &str, value: Option<Param>) -> &mut Self {
        if let Some(value) = value {
            let placeholder = self.placeholder(value);
            self.conditions.push(format!("{expr} {op} {placeholder}"));
        }
        self
    }

    /// Finishes with `ORDER BY <order>` and an optional page.
    pub(crate) fn finish(
        mut self,
        order: &str,
        limit: Option<usize>,
        offset: usize,
    ) -> (String, Vec<Param>) {
        let mut sql = std::mem::take(&mut self.sql);
        if !self.conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.conditions.join(" AND "));
        }
        sql.push_str(" ORDER BY ");
        sql.push_str(order);
        if limit.is_some() || offset > 0 {
            // SQLite needs a LIMIT before OFFSET; -1 there and NULL in PostgreSQL mean "no limit".
            let limit = match (limit, self.dialect) {
                (Some(limit), _) => Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
                (None, Dialect::Sqlite) => Param::Int(-1),
                (None, Dialect::Postgres) => Param::Int(i64::MAX),
            };
            let limit = self.placeholder(limit);
            let offset = self.placeholder(Param::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT {limit} OFFSET {offset}"));
        }
        (sql, self.params)
    }
}

fn text(value: &Option<String>) -> Option<Param> {
    value.clone().map(Param::Text)
}

fn time(value: Option<DateTime<Utc>>) -> Option<Param> {
    value.map(Param::Time)
}

/// The dead-letter list query (`select` names the columns and the table).
pub(crate) fn dead_letters(
    dialect: Dialect,
    select: &str,
    filter: &DeadLetterFilter,
) -> (String, Vec<Param>) {
    let mut query = Query::new(dialect, select);
    query
        .condition("connection", "=", text(&filter.connection))
        .condition("flow", "=", text(&filter.flow))
        .condition(
            "status",
            "=",
            filter.status.map(|s| Param::Text(s.as_str().to_owned())),
        )
        .condition(
            "record_key",
            "=",
            filter
                .record_key
                .as_ref()
                .map(|k| Param::Text(k.to_string())),
        )
        .condition("error_kind", "=", text(&filter.error_kind));
    query.finish("id", filter.limit, filter.offset)
}

/// The run list query, newest first.
pub(crate) fn runs(
    dialect: Dialect,
    select: &str,
    filter: &RunFilter,
    limit: usize,
) -> (String, Vec<Param>) {
    let mut query = Query::new(dialect, select);
    query
        .condition("connection", "=", text(&filter.connection))
        .condition("flow", "=", text(&filter.flow))
        .condition("outcome", "=", text(&filter.outcome))
        .condition("started_at", ">=", time(filter.since));
    query.finish("started_at DESC, id DESC", Some(limit), 0)
}

/// The activity list query.
pub(crate) fn activity(
    dialect: Dialect,
    select: &str,
    filter: &ActivityFilter,
) -> (String, Vec<Param>) {
    let mut query = Query::new(dialect, select);
    query
        .condition("run_id", "=", filter.run_id.map(|id| Param::Int(id.0)))
        .condition("connection", "=", text(&filter.connection))
        .condition("flow", "=", text(&filter.flow))
        .condition("record_key", "=", text(&filter.record_key))
        .condition("at", ">=", time(filter.since))
        .condition("at", "<", time(filter.until));
    let order = if filter.newest_first {
        "at DESC, id DESC"
    } else {
        "at, id"
    };
    query.finish(order, filter.limit, filter.offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::records::{DeadLetterStatus, RunId};

    #[test]
    fn only_set_conditions_appear() {
        let filter = DeadLetterFilter {
            flow: Some("orders".into()),
            status: Some(DeadLetterStatus::Pending),
            ..Default::default()
        };
        let (sql, params) = dead_letters(Dialect::Postgres, "SELECT * FROM dead_letters", &filter);
        assert_eq!(
            sql,
            "SELECT * FROM dead_letters WHERE flow = $1 AND status = $2 ORDER BY id"
        );
        assert_eq!(
            params,
            [Param::Text("orders".into()), Param::Text("pending".into())]
        );
    }

    #[test]
    fn sqlite_paging_without_a_limit_uses_minus_one() {
        let filter = ActivityFilter {
            run_id: Some(RunId(3)),
            offset: 10,
            newest_first: true,
            ..Default::default()
        };
        let (sql, params) = activity(Dialect::Sqlite, "SELECT * FROM activity", &filter);
        assert_eq!(
            sql,
            "SELECT * FROM activity WHERE run_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3"
        );
        assert_eq!(params, [Param::Int(3), Param::Int(-1), Param::Int(10)]);
    }

    #[test]
    fn runs_are_limited_newest_first() {
        let (sql, params) = runs(
            Dialect::Sqlite,
            "SELECT * FROM runs",
            &RunFilter::default(),
            5,
        );
        assert_eq!(
            sql,
            "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?1 OFFSET ?2"
        );
        assert_eq!(params, [Param::Int(5), Param::Int(0)]);
    }
}
