//! kubectl-ippool: lint and manage Calico IPPools. The binary is a thin shell around [`app::run`].
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod app;
pub mod cli;
pub mod config;
pub mod fix;
#[doc(hidden)]
pub mod fuzzing;
pub mod lint;
pub mod live;
pub mod manifest;
pub mod model;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suggest;
pub mod suppress;
