//! Says so at build time when the harness is built without `--cfg tokio_unstable`: it then
//! cannot seed tokio's scheduler or see its task hooks, and every report says NOT
//! DETERMINISTIC.

fn main() {
    println!("cargo::rerun-if-env-changed=CARGO_CFG_TOKIO_UNSTABLE");
    if std::env::var_os("CARGO_CFG_TOKIO_UNSTABLE").is_none()
        && std::env::var_os("CARGO_CFG_LOOM").is_none()
    {
        println!(
            "cargo::warning=faultline-harness is built without --cfg tokio_unstable: runs are not \
             deterministic (tokio's scheduler cannot be seeded) and reports say so; add to \
             .cargo/config.toml: [build] rustflags = [\"--cfg\", \"tokio_unstable\"]"
        );
    }
}
