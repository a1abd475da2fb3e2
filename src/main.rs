//! The `kombat` binary: see [`kombat::cli`].

fn main() -> std::process::ExitCode {
    kombat::cli::main()
}
