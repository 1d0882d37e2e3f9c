//! Durations written the way people write them in configuration: `"90s"`, `"5m"`, `"1h30m"`, `"2d"`.
//!
//! Hand-written rather than a dependency: the format is four units, the root manifest is shared by
//! several crates, and the parser plus its formatter are a few dozen lines.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Parse `"1h30m"`-style text: one or more `<number><unit>` parts with units `s`, `m`, `h`, `d`
/// (also `sec`, `min`), optionally separated by spaces.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Err("empty duration (write e.g. \"5m\")".into());
    }
    let mut total: u64 = 0;
    let mut rest = lower.as_str();
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("`{text}`: expected a number at `{rest}`"));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{text}`: number too large"))?;
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let seconds_per = match &rest[..unit_len] {
            "s" | "sec" | "secs" => 1,
            "m" | "min" | "mins" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "" => return Err(format!("`{text}`: a unit is missing (s, m, h or d)")),
            other => {
                return Err(format!(
                    "`{text}`: unknown unit `{other}` (use s, m, h or d)"
                ));
            }
        };
        rest = &rest[unit_len..];
        total = number
            .checked_mul(seconds_per)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(|| format!("`{text}`: duration too large"))?;
    }
    Ok(Duration::from_secs(total))
}

/// Format a duration in the compact form [`parse_duration`] reads (`5400s` → `"1h30m"`).
pub fn format_duration(duration: Duration) -> String {
    let mut secs = duration.as_secs();
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

/// A duration in configuration, written as text (`"10m"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// A duration of `minutes` minutes.
    pub const fn minutes(minutes: u64) -> Self {
        Self(Duration::from_secs(minutes * 60))
    }

    /// The duration.
    pub fn get(self) -> Duration {
        self.0
    }
}

impl TryFrom<String> for HumanDuration {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        parse_duration(&value).map(Self)
    }
}

impl From<HumanDuration> for String {
    fn from(value: HumanDuration) -> Self {
        format_duration(value.0)
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

/// How often a flow runs: an interval such as `"5m"`. Never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Schedule {
    every: Duration,
}

impl Schedule {
    /// Parse an interval (`"5m"`, `"1h"`); zero is rejected.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::every(parse_duration(text)?)
    }

    /// A schedule from a duration; zero is rejected.
    pub fn every(every: Duration) -> Result<Self, String> {
        if every.is_zero() {
            return Err("a schedule interval must be longer than zero".into());
        }
        Ok(Self { every })
    }

    /// Every `minutes` minutes (at least one).
    pub fn minutes(minutes: u64) -> Self {
        Self {
            every: Duration::from_secs(minutes.max(1) * 60),
        }
    }

    /// The interval.
    pub fn interval(&self) -> Duration {
        self.every
    }
}

impl TryFrom<String> for Schedule {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Schedule> for String {
    fn from(value: Schedule) -> Self {
        format_duration(value.every)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "every {}", format_duration(self.every))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_compounds() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration(" 5 min ").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("1h 30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("2D").unwrap(), Duration::from_secs(172_800));
        assert_eq!(parse_duration("0s").unwrap(), Duration::ZERO);
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        assert!(parse_duration("").unwrap_err().contains("empty"));
        assert!(parse_duration("5").unwrap_err().contains("unit is missing"));
        assert!(
            parse_duration("5w")
                .unwrap_err()
                .contains("unknown unit `w`")
        );
        assert!(
            parse_duration("m5")
                .unwrap_err()
                .contains("expected a number")
        );
        assert!(parse_duration("99999999999999999999s").is_err());
        assert!(
            parse_duration("999999999999999d")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn schedule_rejects_zero_and_round_trips() {
        assert!(Schedule::parse("0m").is_err());
        let s = Schedule::parse("90m").unwrap();
        assert_eq!(s.interval(), Duration::from_secs(5400));
        assert_eq!(String::from(s), "1h30m");
        assert_eq!(s.to_string(), "every 1h30m");
        assert_eq!(Schedule::minutes(0).interval(), Duration::from_secs(60));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Schedule>(&json).unwrap(), s);
        assert!(serde_json::from_str::<Schedule>("\"0s\"").is_err());
        assert_eq!(format_duration(Duration::from_secs(90_061)), "1d1h1m1s");
        assert_eq!(HumanDuration::minutes(10).to_string(), "10m");
    }
}
