//! The shell syntax a command line in a node or a container may carry (`ssh NODE -- 'a && b; c
//! || d | grep x'`, `exec POD -- sh -c '…'`): words with quotes and escapes, joined by `&&`, `||`
//! and `;`, each a pipeline into the console's pipe tools. Runbooks and the kubeadm upgrade guide
//! chain their commands this way.

/// How a command is joined to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    Always,
    IfOk,
    IfFailed,
}

impl Join {
    /// Whether the command runs, given whether the one before it succeeded.
    pub fn runs_after(self, ok: bool) -> bool {
        match self {
            Self::Always => true,
            Self::IfOk => ok,
            Self::IfFailed => !ok,
        }
    }
}

/// One pipeline: the command's words and the pipe stages after it.
#[derive(Debug, PartialEq, Eq)]
pub struct Command {
    pub join: Join,
    pub words: Vec<String>,
    pub stages: Vec<Option<Vec<String>>>,
}

impl Command {
    /// What the pipeline prints and whether it succeeded, given the command's own output: a
    /// failed command's message is its error and is not piped; grep finding nothing fails, as in
    /// a shell; a pipe tool's own error (`bash: …`) fails the pipeline.
    pub fn piped(&self, text: String, ok: bool) -> (String, bool) {
        if !ok || self.stages.is_empty() {
            return (text, ok);
        }
        let last = self.stages.last().and_then(|s| s.as_ref()).and_then(|w| w.first()).map(String::as_str);
        match super::pipe::run(&text, &self.stages) {
            Ok(out) => {
                let found = !(out.is_empty() && matches!(last, Some("grep" | "egrep")));
                (out, found)
            }
            Err(e) => (e, false),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Op(&'static str),
}

/// Splits a script into words and operators, as a POSIX shell would (no expansions).
fn lex(script: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("bash: unexpected EOF while looking for matching `''".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => word.extend(chars.next()),
                        Some(ch) => word.push(ch),
                        None => return Err("bash: unexpected EOF while looking for matching `\"'".to_owned()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            ';' | '|' | '&' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                let doubled = chars.peek() == Some(&c);
                let op = match (c, doubled) {
                    ('&', true) => "&&",
                    ('|', true) => "||",
                    ('|', false) => "|",
                    (';', _) => ";",
                    _ => return Err("bash: background jobs are not available in this console".to_owned()),
                };
                if doubled && c != ';' {
                    chars.next();
                }
                tokens.push(Token::Op(op));
            }
            c if c.is_whitespace() => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// Words already split by the console, with operators left as words of their own or stuck to
/// the end of one (`daemon-reload;`).
fn from_words(words: &[String]) -> Vec<Token> {
    let mut tokens = Vec::new();
    for w in words {
        match w.as_str() {
            "&&" => tokens.push(Token::Op("&&")),
            "||" => tokens.push(Token::Op("||")),
            "|" => tokens.push(Token::Op("|")),
            ";" => tokens.push(Token::Op(";")),
            _ => match w.strip_suffix(';') {
                Some(head) if !head.is_empty() => {
                    tokens.push(Token::Word(head.to_owned()));
                    tokens.push(Token::Op(";"));
                }
                _ => tokens.push(Token::Word(w.clone())),
            },
        }
    }
    tokens
}

/// The commands of a remote command line: one quoted script, or the words after `--`.
pub fn parse(words: &[String]) -> Result<Vec<Command>, String> {
    let tokens = match words {
        [script] => lex(script)?,
        _ => from_words(words),
    };
    let mut commands = vec![Command { join: Join::Always, words: Vec::new(), stages: Vec::new() }];
    for token in tokens {
        let Some(current) = commands.last_mut() else { break };
        match token {
            Token::Word(w) => match current.stages.last_mut() {
                Some(Some(stage)) => stage.push(w),
                _ => current.words.push(w),
            },
            Token::Op("|") => {
                if current.words.is_empty() {
                    return Err("bash: syntax error near unexpected token `|'".to_owned());
                }
                current.stages.push(Some(Vec::new()));
            }
            Token::Op(op) => {
                let join = match op {
                    "&&" => Join::IfOk,
                    "||" => Join::IfFailed,
                    _ => Join::Always,
                };
                if current.words.is_empty() && join != Join::Always {
                    return Err(format!("bash: syntax error near unexpected token `{op}'"));
                }
                commands.push(Command { join, words: Vec::new(), stages: Vec::new() });
            }
        }
    }
    commands.retain(|c| !c.words.is_empty());
    Ok(commands)
}

#[cfg(test)]
mod tests {
    use super::{Join, parse};

    fn words(line: &str) -> Vec<String> {
        vec![line.to_owned()]
    }

    #[test]
    fn a_runbook_chain_splits_into_its_commands() {
        let c = parse(&words(
            "sudo apt-mark unhold kubelet && sudo apt-get install -y kubelet='1.31.0-*'; apt-mark showhold | grep kube",
        ))
        .expect("parses");
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].words, ["sudo", "apt-mark", "unhold", "kubelet"]);
        assert_eq!((c[1].join, c[1].words[4].as_str()), (Join::IfOk, "kubelet=1.31.0-*"));
        assert_eq!(c[2].join, Join::Always);
        assert_eq!(c[2].stages, [Some(vec!["grep".to_owned(), "kube".to_owned()])]);
    }

    #[test]
    fn split_words_keep_their_operators() {
        let w: Vec<String> = ["systemctl", "daemon-reload;", "systemctl", "restart", "kubelet", "||", "true"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let c = parse(&w).expect("parses");
        assert_eq!(c.iter().map(|c| c.join).collect::<Vec<_>>(), [Join::Always, Join::Always, Join::IfFailed]);
    }

    #[test]
    fn bad_syntax_is_the_shell_s_error() {
        assert!(parse(&words("echo 'unterminated")).is_err());
        assert!(parse(&words("&& ls")).is_err());
        assert!(parse(&words("| grep x")).is_err());
        assert!(parse(&words("sleep 10 &")).is_err());
        assert_eq!(parse(&words("'a b' c")).expect("parses")[0].words, ["a b", "c"]);
    }
}
