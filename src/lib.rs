//! Town Crier: a CI/CD notification step.
//!
//! Data flows one way: [`settings`] → [`context`] → [`render`] → [`deliver`] → [`report`].
//! [`services`] is the registry of everything crier sends to, one file per service; [`url`],
//! [`verdict`] and [`http`] are the leaves they stand on; [`redact`] keeps secrets out of
//! every output, and [`report`] is the only way out.

mod app;
pub mod cli;
pub mod context;
pub mod deliver;
pub mod env;
pub mod error;
pub mod files;
pub mod handles;
pub mod history;
pub mod http;
pub mod jsonc;
pub mod markup;
pub mod net;
pub mod redact;
pub mod render;
pub mod report;
pub mod routes;
pub mod services;
pub mod settings;
pub mod status;
pub mod tls;
pub mod url;
pub mod verdict;

pub use app::{run, run_os, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
