//! Quoting for the shell commands mmcheck prints (`replay: mmcheck replay FILE TOKEN ...`),
//! so that a copy-paste runs exactly that command whatever the file or test is called.

/// `s` as one word for a POSIX shell (sh, dash, bash, zsh). Plain words (letters, digits,
/// `_ - . / : = @ % + ,`, not starting with `-`) stay as they are; anything else goes in
/// single quotes, inside which the shell interprets nothing, with each `'` written `'\''`
/// (close the quotes, an escaped quote, reopen them).
pub fn quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c);
    if !s.is_empty() && s.chars().all(plain) && !s.starts_with('-') {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn plain_words_stay_plain() {
        assert_eq!(quote("tests/mmk/a-b_c.mmk"), "tests/mmk/a-b_c.mmk");
        assert_eq!(quote("0x7-1x14-2"), "0x7-1x14-2");
    }

    #[test]
    fn everything_else_is_quoted() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("`x` \"y\" \\z"), "'`x` \"y\" \\z'");
        assert_eq!(quote("-n"), "'-n'");
    }

    /// What the shell reads back is the string itself (when a shell is there to ask).
    #[test]
    fn the_shell_reads_back_the_same_string() {
        let cases = [
            "plain",
            "two words",
            "$(touch /nonexistent/x) `id` $HOME",
            "quote ' and \" and \\ and '' end'",
            "* ? [a] ~ # ; & | < > ! { }",
            "tab\there, new\nline",
            "",
        ];
        for s in cases {
            let Ok(out) = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf '%s' {}", quote(s)))
                .output()
            else {
                return; // no shell on this machine
            };
            assert_eq!(String::from_utf8_lossy(&out.stdout), s, "{}", quote(s));
        }
    }
}
