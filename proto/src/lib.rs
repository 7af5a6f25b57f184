//! The Allmenn gRPC API: messages, servers and clients generated from `allmenn/v1/*.proto`, and the
//! encoded file descriptor set that server reflection publishes.
#![forbid(unsafe_code)]
#![allow(missing_docs, unreachable_pub, clippy::large_enum_variant, clippy::doc_lazy_continuation)]

/// Version 1 of the API (`package allmenn.v1`).
pub mod v1 {
    tonic::include_proto!("allmenn.v1");
}

/// The encoded `FileDescriptorSet` of every Allmenn proto, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("allmenn_descriptor");
