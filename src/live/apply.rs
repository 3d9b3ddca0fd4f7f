//! Sending a planned write: read, plan, write, and on a resourceVersion conflict read, plan and
//! judge again, a bounded number of times with backoff. The patch carries the resourceVersion
//! it was planned against (see `plan`), so a write never lands on a state we did not judge.

use std::time::Duration;

use super::client::LiveError;

/// Conflicts in a row before giving up.
pub const MAX_ATTEMPTS: usize = 5;

fn backoff(attempt: usize) -> Duration {
    let millis = 50u64.saturating_mul(1 << attempt.min(5));
    Duration::from_millis(millis.min(1000))
}

/// Runs `attempt` (read, plan, write) until it ends in anything but a 409 conflict.
pub fn with_retries<T>(
    what: &str,
    mut attempt: impl FnMut(usize) -> Result<T, LiveError>,
) -> Result<T, LiveError> {
    for n in 0..MAX_ATTEMPTS {
        match attempt(n) {
            Err(error) if error.is_conflict() => std::thread::sleep(backoff(n)),
            other => return other,
        }
    }
    Err(LiveError::Conflict {
        what: what.to_owned(),
        attempts: MAX_ATTEMPTS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict() -> LiveError {
        LiveError::Server {
            code: 409,
            reason: " Conflict".to_owned(),
            message: String::new(),
        }
    }

    #[test]
    fn conflicts_are_retried_then_given_up_on() {
        let mut calls = 0;
        let result = with_retries("namespace/x", |n| {
            calls += 1;
            if n < 2 { Err(conflict()) } else { Ok(n) }
        });
        assert_eq!((result.unwrap(), calls), (2, 3));
        let error = with_retries::<()>("namespace/x", |_| Err(conflict())).unwrap_err();
        assert!(matches!(
            error,
            LiveError::Conflict {
                attempts: MAX_ATTEMPTS,
                ..
            }
        ));
        let mut calls = 0;
        let other = with_retries::<()>("namespace/x", |_| {
            calls += 1;
            Err(LiveError::Refused("no".into()))
        });
        assert!(other.is_err());
        assert_eq!(calls, 1);
    }
}
