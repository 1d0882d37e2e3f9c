//! One module per command.

pub mod admin;
pub mod check;
pub mod demo;
pub mod init;
pub mod run;
