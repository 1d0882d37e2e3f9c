//! One module per command.

pub mod admin;
pub mod demo;
pub mod run;
