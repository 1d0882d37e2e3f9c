//! Versioned schema migrations, applied when a SQL store opens.
//!
//! Each backend has its own numbered SQL scripts under `migrations/<backend>/` (the dialects differ:
//! integer microseconds and TEXT JSON in SQLite, TIMESTAMPTZ and JSON in PostgreSQL). The applied
//! versions are recorded in a `schema_migrations` table (version, name, applied_at); opening runs
//! only the scripts above the highest recorded version, each in one transaction together with its
//! `schema_migrations` row, so applying twice is a no-op and a failed script leaves nothing behind.
//! Both backends keep the same version numbers, so a version means the same schema everywhere.

use super::StateError;

/// One numbered migration script.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("migrations/sqlite/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "fenced claims and inbox",
        sql: include_str!("migrations/sqlite/0002_fenced_claims_and_inbox.sql"),
    },
];

#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "fenced claims and inbox",
        sql: include_str!("migrations/postgres/0002_fenced_claims_and_inbox.sql"),
    },
];

/// The bookkeeping table (same text works in both dialects).
pub(crate) const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// The scripts to run on a database whose highest applied version is `current`.
///
/// A database migrated by a newer Koppel (a version this build does not know) is refused rather
/// than used with a schema this code may misread.
pub(crate) fn pending(
    all: &'static [Migration],
    current: Option<i64>,
) -> Result<&'static [Migration], StateError> {
    let current = current.unwrap_or(0);
    let latest = latest_version(all);
    if current > latest {
        return Err(StateError::InvalidConfig(format!(
            "the state database is at schema version {current}, newer than this build knows \
             ({latest}); upgrade Koppel"
        )));
    }
    let first_pending = all.partition_point(|m| m.version <= current);
    Ok(&all[first_pending..])
}

/// The highest version in a list.
pub(crate) fn latest_version(all: &[Migration]) -> i64 {
    all.last().map_or(0, |m| m.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_start_at_one_and_increase_by_one_in_both_dialects() {
        for list in [SQLITE, POSTGRES] {
            for (index, migration) in list.iter().enumerate() {
                assert_eq!(migration.version, index as i64 + 1, "{}", migration.name);
                assert!(!migration.sql.trim().is_empty());
            }
        }
        let versions =
            |list: &[Migration]| list.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(
            versions(SQLITE),
            versions(POSTGRES),
            "dialects evolve in lockstep"
        );
    }

    #[test]
    fn pending_skips_applied_versions() {
        assert_eq!(pending(SQLITE, None).unwrap().len(), SQLITE.len());
        assert!(
            pending(SQLITE, Some(latest_version(SQLITE)))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_newer_database_is_refused() {
        let error = pending(SQLITE, Some(latest_version(SQLITE) + 1)).unwrap_err();
        assert!(error.to_string().contains("upgrade Koppel"), "{error}");
    }
}
