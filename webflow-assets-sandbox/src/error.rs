//! Why a sandbox could not start, or a site file was refused: the
//! sandbox's own errors, apart from the client's.

/// A sandbox error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration or the site file is unusable.
    #[error("{problem}; {fix}")]
    #[non_exhaustive]
    Config {
        /// What is wrong.
        problem: String,
        /// What to do about it.
        fix: String,
    },

    /// A directory or socket could not be used; `source` says why.
    #[error("the sandbox cannot use {path}")]
    #[non_exhaustive]
    Io {
        /// What it could not use.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A value the library's checks refuse (an id, a token, a file name).
    #[error(transparent)]
    Refused(#[from] webflow_assets::Error),
}

impl Error {
    pub(crate) fn config(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::Config {
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}
