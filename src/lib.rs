//! Town Crier: a CI/CD notification step.
//!
//! Data flows one way: [`settings`] → [`context`] → [`render`] → [`deliver`] → [`report`].
//! [`destination`] maps a URL to one of the [`formats`]; [`markup`] escapes user text for
//! each; [`http`] sends; [`redact`] keeps secrets out of every output.

mod app;
pub mod context;
pub mod deliver;
pub mod destination;
pub mod email;
pub mod env;
pub mod error;
pub mod formats;
pub mod handles;
pub mod http;
pub mod irc;
pub mod jsonc;
pub mod markup;
pub mod message;
pub mod pushover;
pub mod redact;
pub mod render;
pub mod report;
pub mod routes;
pub mod settings;
pub mod status;
pub mod tls;

pub use app::{run, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
