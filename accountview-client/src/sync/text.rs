//! Small text rules shared by the mappings: blanks, deliberate truncation, search codes.

use unicode_normalization::UnicodeNormalization;

/// The trimmed text, or `None` when it is absent or blank.
pub(super) fn filled(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Cuts `value` to at most `max` characters (character-safe, trailing blanks removed) and warns when it
/// had to. Used where a long value is better shortened than refused (names: the client's validator
/// rejects over-long names to protect identities, so the connector shortens them on purpose).
pub(super) fn truncate_with_warning(value: &str, max: usize, what: &str) -> String {
    let value = value.trim();
    if value.chars().count() <= max {
        return value.to_owned();
    }
    let cut: String = value.chars().take(max).collect();
    let cut = cut.trim_end().to_owned();
    tracing::warn!(
        field = what,
        max,
        original_length = value.chars().count(),
        truncated = %cut,
        "value longer than AccountView allows: truncated"
    );
    cut
}

/// Uppercase ASCII letters and digits of `text`, accents folded (`Müller` → `MULLER`, `ß` → `SS`).
///
/// NFD decomposition splits an accented letter into its base letter and combining marks; the marks are
/// not ASCII alphanumerics and drop out.
pub(super) fn ascii_key(text: &str) -> String {
    text.replace('ß', "ss")
        .nfd()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Longest AccountView search code (`CONTACT.SRC_CODE`, C10).
pub(super) const SEARCH_CODE_LEN: usize = 10;

/// The search code for a debtor name: the key word in uppercase letters and digits, at most 10
/// characters — a person's last name (the last word, so `Jan van der Berg` → `BERG`), a company's first
/// word (`Bakkerij Van Dam B.V.` → `BAKKERIJ`). When that word has no letters or digits, the whole name
/// is used; when the name has none either, `fallback` (e.g. the e-mail's local part), and finally
/// `DEBITEUR`.
pub(super) fn search_code(name: &str, is_person: bool, fallback: Option<&str>) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let key_word = if is_person {
        words.iter().rev().find(|w| !ascii_key(w).is_empty())
    } else {
        words.iter().find(|w| !ascii_key(w).is_empty())
    };
    let candidates = [
        key_word.map(|w| ascii_key(w)),
        Some(ascii_key(name)),
        fallback.map(ascii_key),
    ];
    let code = candidates
        .into_iter()
        .flatten()
        .find(|c| !c.is_empty())
        .unwrap_or_else(|| "DEBITEUR".to_owned());
    code.chars().take(SEARCH_CODE_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_codes_follow_the_fixture_convention() {
        assert_eq!(search_code("P. Pietersen", true, None), "PIETERSEN");
        assert_eq!(search_code("J. Jansen", true, None), "JANSEN");
        assert_eq!(search_code("Jan van der Berg", true, None), "BERG");
        assert_eq!(
            search_code("Bakkerij Van Dam B.V.", false, None),
            "BAKKERIJ"
        );
        assert_eq!(
            search_code("Anna Müller-Lüdenscheidt", true, None),
            "MULLERLUDE"
        );
        assert_eq!(search_code("Straße GmbH", false, None), "STRASSE");
        assert_eq!(search_code("Émile O'Brien", true, None), "OBRIEN");
        assert_eq!(search_code("'t Hoekje", false, None), "T");
        assert_eq!(search_code("— —", true, Some("jan.j")), "JANJ");
        assert_eq!(search_code("", true, None), "DEBITEUR");
        assert_eq!(search_code("李 小龍", true, None), "DEBITEUR");
    }

    #[test]
    fn truncation_is_character_safe() {
        assert_eq!(truncate_with_warning("  abc ", 5, "x"), "abc");
        assert_eq!(truncate_with_warning("ééééé", 3, "x"), "ééé");
        assert_eq!(truncate_with_warning("ab  cd", 3, "x"), "ab");
        assert_eq!(filled(Some("  ")), None);
        assert_eq!(filled(Some(" a ")).as_deref(), Some("a"));
        assert_eq!(filled(None), None);
    }
}
