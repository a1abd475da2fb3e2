//! The `kombat` binary: see [`kombat::cli`].

// The console builds many small strings per command; mimalloc keeps that cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kombat::cli::main()
}
