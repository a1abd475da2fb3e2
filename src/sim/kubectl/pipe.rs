//! Shell pipes after a console command (`kubectl get pods -A | grep -v Running | wc -l`): the
//! text tools players chain onto kubectl, with GNU coreutils' flags and output layouts, run on
//! the command's output in memory. Every stage only narrows or rearranges what it is given (a
//! bounded number of stages, regexes with a size limit), so no line can make a pipe grow without
//! bound or panic. A tool the console does not have answers as bash would.

mod awk;
mod grep;
mod text;

#[cfg(test)]
mod tests;

/// How many stages a line may chain.
pub const MAX_STAGES: usize = 16;

/// Splits a line at its unquoted `|`s: the command, then each stage's words. A stage whose
/// quotes do not close is kept as `None`, and fails when it runs.
pub fn split(line: &str) -> (&str, Vec<Option<Vec<String>>>) {
    let mut quote = None;
    let mut escaped = false;
    let mut cuts = Vec::new();
    for (i, c) in line.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (None | Some('"'), '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '|') => cuts.push(i),
            _ => {}
        }
    }
    let Some(&first) = cuts.first() else { return (line, Vec::new()) };
    let mut stages = Vec::new();
    let mut bounds = cuts.clone();
    bounds.push(line.len());
    for pair in bounds.windows(2) {
        stages.push(shlex::split(&line[pair[0] + 1..pair[1]]));
    }
    (&line[..first], stages)
}

/// Runs `input` through the stages; the error is what the shell would print instead.
pub fn run(input: &str, stages: &[Option<Vec<String>>]) -> Result<String, String> {
    if stages.len() > MAX_STAGES {
        return Err(format!("bash: too many pipes: this console runs at most {MAX_STAGES}"));
    }
    let mut lines: Vec<String> = input.lines().map(str::to_owned).collect();
    for stage in stages {
        let Some(words) = stage else {
            return Err("bash: unexpected EOF while looking for matching quote".to_owned());
        };
        let Some((cmd, args)) = words.split_first() else {
            return Err("bash: syntax error near unexpected token `|'".to_owned());
        };
        lines = match cmd.as_str() {
            "grep" => grep::run(&lines, args, false)?,
            "egrep" => grep::run(&lines, args, true)?,
            "head" => text::head(lines, args)?,
            "tail" => text::tail(lines, args)?,
            "wc" => text::wc(&lines, args)?,
            "sort" => text::sort(lines, args)?,
            "uniq" => text::uniq(&lines, args)?,
            "cut" => text::cut(&lines, args)?,
            "awk" => awk::run(&lines, args)?,
            "cat" => lines,
            other => return Err(format!("bash: {other}: command not found")),
        };
    }
    Ok(lines.join("\n"))
}

/// A count a flag takes (`-n 5`, `-A3`), with the tool's own error for a bad one.
fn count(tool: &str, flag: &str, value: Option<&str>) -> Result<usize, String> {
    let value = value.ok_or_else(|| format!("{tool}: option requires an argument -- '{flag}'"))?;
    value.trim().parse::<usize>().map_err(|_| match tool {
        "grep" => format!("grep: {value}: invalid context length argument"),
        "head" | "tail" => format!("{tool}: invalid number of lines: ‘{value}’"),
        _ => format!("{tool}: invalid number: ‘{value}’"),
    })
}
