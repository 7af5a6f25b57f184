//! Generates the Rust code and the file descriptor set from `allmenn/v1/*.proto`.
//!
//! `protoc` comes from the `protoc-bin-vendored` crate so that a machine with only cargo can build.

use std::path::PathBuf;

const PROTOS: [&str; 4] = [
    "allmenn/v1/common.proto",
    "allmenn/v1/patient_lists.proto",
    "allmenn/v1/team_rosters.proto",
    "allmenn/v1/legevakt.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let mut config = prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);

    tonic_prost_build::configure()
        .file_descriptor_set_path(out_dir.join("allmenn_descriptor.bin"))
        // Methods whose capability has not landed answer UNIMPLEMENTED instead of failing to compile.
        .generate_default_stubs(true)
        .compile_with_config(config, &PROTOS, &["."])?;
    Ok(())
}
