//! `{placeholder}` templates, shared by the datamapper's `template` transform and the external
//! reference format (`"LS-{shop_id}-{number}"`). `{{` and `}}` stand for literal braces.

/// Why a template is malformed. Positions are 0-based character offsets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// A `{` without its `}`.
    #[error("unclosed `{{` at position {0}")]
    Unclosed(usize),
    /// A `}` without its `{` (write `}}` for a literal brace).
    #[error("unmatched `}}` at position {0} (write `}}}}` for a literal brace)")]
    Unmatched(usize),
    /// `{}` with no name.
    #[error("empty placeholder at position {0}")]
    Empty(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(String),
}

/// A parsed template.
///
/// ```
/// use sync_core::datamapper::Template;
/// let t = Template::parse("LS-{shop_id}-{number}").unwrap();
/// let text = t.render(&|name: &str| match name {
///     "shop_id" => Some("12".to_owned()),
///     "number" => Some("ORD001".to_owned()),
///     _ => None,
/// });
/// assert_eq!(text, "LS-12-ORD001");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parse template text.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().is_some_and(|(_, n)| *n == '{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().is_some_and(|(_, n)| *n == '}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err(TemplateError::Unmatched(i)),
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            None => return Err(TemplateError::Unclosed(i)),
                            Some((_, '}')) => break,
                            Some((_, ch)) => name.push(ch),
                        }
                    }
                    let name = name.trim().to_owned();
                    if name.is_empty() {
                        return Err(TemplateError::Empty(i));
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Field(name));
                }
                other => literal.push(other),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Self { parts })
    }

    /// The placeholder names, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Fill in the placeholders; unknown ones render as empty text.
    pub fn render(&self, value: &dyn Fn(&str) -> Option<String>) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Field(name) => value(name).unwrap_or_default(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_escapes() {
        let t = Template::parse("{{{ first }}} {last}!").unwrap();
        assert_eq!(t.fields().collect::<Vec<_>>(), ["first", "last"]);
        let out = t.render(&|n| (n == "first").then(|| "Jan".to_owned()));
        assert_eq!(out, "{Jan} !");
    }

    #[test]
    fn reports_malformed_templates() {
        assert_eq!(
            Template::parse("a {b").unwrap_err(),
            TemplateError::Unclosed(2)
        );
        assert_eq!(
            Template::parse("a } b").unwrap_err(),
            TemplateError::Unmatched(2)
        );
        assert_eq!(
            Template::parse("x{ }").unwrap_err(),
            TemplateError::Empty(1)
        );
    }
}
