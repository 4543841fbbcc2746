fn main() {
    std::process::exit(mmcheck::cli::main());
}
