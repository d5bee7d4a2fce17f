//! The signed sign-off (DESIGN.md §5): the statement, its SSH signature, the pull-request
//! comment that carries both, and their verification.

pub mod allowed_signers;
pub mod comment;
pub mod ecdsa_repair;
pub mod envelope;
pub mod gate;
pub mod signing;
pub mod statement;
pub mod verify;
pub mod write;
