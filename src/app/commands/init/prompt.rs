//! Questions on the terminal, each answerable by a flag: a flag skips its question, `--non-interactive`
//! never asks (a missing required answer is an error naming the flag), and a default in brackets is
//! taken on an empty answer.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use secrecy::SecretString;

/// How many times an empty answer to a required question is asked again.
const ATTEMPTS: usize = 3;

/// One question.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    /// What is asked.
    pub text: &'a str,
    /// The flag that answers it (`--lightspeed-api-key`).
    pub flag: &'a str,
}

impl<'a> Question<'a> {
    /// A question answered by `flag`.
    pub fn new(text: &'a str, flag: &'a str) -> Self {
        Self { text, flag }
    }
}

/// Asks questions on an input and an output (the terminal, or scripted in tests).
pub struct Prompter<'io> {
    input: Box<dyn BufRead + 'io>,
    output: Box<dyn Write + 'io>,
    interactive: bool,
    hide_secrets: bool,
}

impl std::fmt::Debug for Prompter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prompter")
            .field("interactive", &self.interactive)
            .finish_non_exhaustive()
    }
}

impl<'io> Prompter<'io> {
    /// Standard input and output; secrets are typed without echo when stdin is a terminal.
    pub fn stdio(interactive: bool) -> Prompter<'static> {
        Prompter {
            input: Box::new(std::io::BufReader::new(std::io::stdin())),
            output: Box::new(std::io::stdout()),
            interactive,
            hide_secrets: std::io::stdin().is_terminal(),
        }
    }

    /// Any input and output (tests, a future web front end).
    pub fn new(input: impl BufRead + 'io, output: impl Write + 'io, interactive: bool) -> Self {
        Self {
            input: Box::new(input),
            output: Box::new(output),
            interactive,
            hide_secrets: false,
        }
    }

    /// Whether questions are asked.
    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    /// Prints a line.
    pub fn say(&mut self, text: impl AsRef<str>) -> anyhow::Result<()> {
        writeln!(self.output, "{}", text.as_ref()).context("cannot write to the terminal")
    }

    /// An answer: the flag's value, else the answer typed (empty = `default`), else the default; an
    /// error naming the flag when there is none.
    pub fn text(
        &mut self,
        q: Question<'_>,
        flag: Option<String>,
        default: Option<&str>,
    ) -> anyhow::Result<String> {
        match self.optional(q, flag, default)? {
            Some(answer) => Ok(answer),
            None => bail!("no answer for \"{}\": pass {}", q.text, q.flag),
        }
    }

    /// Like [`text`](Self::text), but an empty answer without a default is `None`.
    pub fn optional(
        &mut self,
        q: Question<'_>,
        flag: Option<String>,
        default: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        if let Some(value) = flag.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
            return Ok(Some(value));
        }
        if !self.interactive {
            return Ok(default.map(str::to_owned));
        }
        let prompt = match default {
            Some(d) if !d.is_empty() => format!("{} [{d}]: ", q.text),
            _ => format!("{}: ", q.text),
        };
        let answer = self.read_line(&prompt, false)?;
        Ok(answer
            .filter(|a| !a.is_empty())
            .or_else(|| default.map(str::to_owned))
            .filter(|a| !a.is_empty()))
    }

    /// A required answer without a default, asked again when left empty.
    pub fn required(&mut self, q: Question<'_>, flag: Option<String>) -> anyhow::Result<String> {
        self.required_inner(q, flag, false)
            .map(|s| s.unwrap_or_default())
    }

    /// A required secret: typed without echo on a terminal, never shown back.
    pub fn secret(
        &mut self,
        q: Question<'_>,
        flag: Option<String>,
    ) -> anyhow::Result<SecretString> {
        self.required_inner(q, flag, true)
            .map(|s| SecretString::from(s.unwrap_or_default()))
    }

    fn required_inner(
        &mut self,
        q: Question<'_>,
        flag: Option<String>,
        secret: bool,
    ) -> anyhow::Result<Option<String>> {
        if let Some(value) = flag.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
            return Ok(Some(value));
        }
        if !self.interactive {
            bail!("no answer for \"{}\": pass {}", q.text, q.flag);
        }
        for _ in 0..ATTEMPTS {
            match self.read_line(&format!("{}: ", q.text), secret)? {
                Some(answer) if !answer.is_empty() => return Ok(Some(answer)),
                Some(_) => self.say("  (an answer is needed)")?,
                None => break,
            }
        }
        bail!("no answer for \"{}\": pass {}", q.text, q.flag)
    }

    /// Yes or no (`default` on an empty answer, and without questions).
    pub fn confirm(&mut self, text: &str, default: bool) -> anyhow::Result<bool> {
        if !self.interactive {
            return Ok(default);
        }
        let hint = if default { "Y/n" } else { "y/N" };
        for _ in 0..ATTEMPTS {
            let Some(answer) = self.read_line(&format!("{text} [{hint}]: "), false)? else {
                return Ok(default);
            };
            match answer.to_lowercase().as_str() {
                "" => return Ok(default),
                "y" | "yes" | "j" | "ja" => return Ok(true),
                "n" | "no" | "nee" => return Ok(false),
                _ => self.say("  (answer y or n)")?,
            }
        }
        Ok(default)
    }

    /// One trimmed line; `None` at the end of the input.
    fn read_line(&mut self, prompt: &str, secret: bool) -> anyhow::Result<Option<String>> {
        write!(self.output, "{prompt}").context("cannot write to the terminal")?;
        self.output
            .flush()
            .context("cannot write to the terminal")?;
        let hidden = secret && self.hide_secrets && set_echo(false);
        let mut line = String::new();
        let read = self.input.read_line(&mut line);
        if hidden {
            set_echo(true);
            let _ = writeln!(self.output);
        }
        if read.context("cannot read the answer")? == 0 {
            let _ = writeln!(self.output);
            return Ok(None);
        }
        Ok(Some(line.trim().to_owned()))
    }
}

/// Switches the terminal's echo with `stty` (Unix). Written by hand because the crates that do this
/// (`console`, `rpassword`) would be a new dependency in the shared manifest; `console` is already in
/// the lock file through `indicatif`, so the integrator can swap this for
/// `console::Term::read_secure_line`. Returns whether it worked; when it does not, the secret is typed
/// visibly.
fn set_echo(on: bool) -> bool {
    std::process::Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(
        input: &str,
        interactive: bool,
        f: impl FnOnce(&mut Prompter<'_>) -> T,
    ) -> (T, String) {
        let mut out = Vec::new();
        let value = {
            let mut p = Prompter::new(input.as_bytes(), &mut out, interactive);
            f(&mut p)
        };
        (value, String::from_utf8(out).unwrap())
    }

    const Q: Question<'static> = Question {
        text: "Shop language",
        flag: "--lightspeed-language",
    };

    #[test]
    fn a_flag_skips_the_question() {
        let (v, out) = run("", true, |p| p.text(Q, Some("de".into()), Some("nl")));
        assert_eq!(v.unwrap(), "de");
        assert!(out.is_empty(), "{out}");
    }

    #[test]
    fn an_empty_answer_takes_the_default_and_the_prompt_shows_it() {
        let (v, out) = run("\n", true, |p| p.text(Q, None, Some("nl")));
        assert_eq!(v.unwrap(), "nl");
        assert_eq!(out, "Shop language [nl]: ");
        let (v, _) = run("  en \n", true, |p| p.text(Q, None, Some("nl")));
        assert_eq!(v.unwrap(), "en");
    }

    #[test]
    fn non_interactive_takes_defaults_and_names_the_flag_of_a_missing_answer() {
        let (v, out) = run("ignored\n", false, |p| p.text(Q, None, Some("nl")));
        assert_eq!(v.unwrap(), "nl");
        assert!(out.is_empty());
        let (v, _) = run("", false, |p| p.required(Q, None));
        let err = v.unwrap_err().to_string();
        assert!(err.contains("--lightspeed-language"), "{err}");
        let (v, _) = run("", false, |p| p.secret(Q, None));
        assert!(v.is_err());
    }

    #[test]
    fn a_required_question_is_asked_again_and_fails_at_the_end_of_input() {
        let (v, out) = run("\nfr\n", true, |p| p.required(Q, None));
        assert_eq!(v.unwrap(), "fr");
        assert!(out.contains("an answer is needed"), "{out}");
        let (v, _) = run("", true, |p| p.required(Q, None));
        assert!(v.unwrap_err().to_string().contains("--lightspeed-language"));
    }

    #[test]
    fn a_secret_read_from_a_pipe_is_not_echoed_back() {
        use secrecy::ExposeSecret;
        let (v, out) = run("s3cret\n", true, |p| p.secret(Q, None));
        assert_eq!(v.unwrap().expose_secret(), "s3cret");
        assert!(!out.contains("s3cret"), "{out}");
    }

    #[test]
    fn confirm_understands_yes_no_and_the_default() {
        assert!(run("\n", true, |p| p.confirm("Write?", true)).0.unwrap());
        assert!(!run("nee\n", true, |p| p.confirm("Write?", true)).0.unwrap());
        assert!(
            run("maybe\nja\n", true, |p| p.confirm("Write?", false))
                .0
                .unwrap()
        );
        assert!(run("", false, |p| p.confirm("Write?", true)).0.unwrap());
    }
}
