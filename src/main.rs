// mimalloc: the search allocates and frees many small state vectors from several threads;
// glibc's allocator fragments badly under that pattern.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(mmcheck::cli::main());
}
