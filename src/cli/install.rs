//! What a packager or a player installing kombat needs besides the binary: shell completions
//! (`kombat completions bash|zsh|fish|…`) and manual pages (`kombat man`), both generated from the
//! same clap definition that parses the command line, so they cannot drift from it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory as _;

use super::Cli;

/// `kombat --version`: the crate version and the git revision it was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("KOMBAT_GIT_REVISION"), ")");

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "kombat", out);
    out.flush().context("writing the completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `kombat.1` to `out`, or with `dir`, one page per command (`kombat.1`,
/// `kombat-host.1`, `kombat-scenario-test.1`, …) into that directory.
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let command = Cli::command();
    match dir {
        None => {
            clap_mangen::Man::new(command).render(out).context("writing the manual page")?;
            out.flush().context("writing the manual page")?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("writing manual pages into {}", dir.display()))?;
            writeln!(
                out,
                "Manual pages written to {}; `man -l {}/kombat.1` reads the first.",
                dir.display(),
                dir.display()
            )
            .context("writing to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_names_the_revision() {
        assert!(VERSION.starts_with(env!("CARGO_PKG_VERSION")));
        let revision = VERSION.rsplit_once('(').map(|(_, r)| r.trim_end_matches(')'));
        assert!(
            revision.is_some_and(|r| r == "unknown" || (r.len() == 12 && r.chars().all(|c| c.is_ascii_hexdigit())))
        );
    }

    #[test]
    fn bash_completion_offers_every_subcommand() {
        let mut out = Vec::new();
        completions(clap_complete::Shell::Bash, &mut out).expect("completions");
        let script = String::from_utf8(out).expect("utf-8");
        for sub in Cli::command().get_subcommands() {
            assert!(script.contains(sub.get_name()), "{} missing from the bash completion", sub.get_name());
        }
        assert!(script.contains("complete -F"), "{script}");
    }

    #[test]
    fn the_manual_page_describes_the_commands() {
        let mut out = Vec::new();
        man(None, &mut out).expect("man");
        let page = String::from_utf8(out).expect("utf-8");
        assert!(page.starts_with(".ie") || page.contains(".TH kombat"), "{}", &page[..page.len().min(200)]);
        assert!(page.contains("completions") && page.contains("host"));
    }

    #[test]
    fn man_pages_for_every_command_go_into_a_directory() {
        let dir = std::env::temp_dir().join(format!("kombat-man-{}", std::process::id()));
        let mut out = Vec::new();
        man(Some(&dir), &mut out).expect("man --out");
        assert!(dir.join("kombat.1").is_file());
        assert!(dir.join("kombat-scenario-test.1").is_file());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
