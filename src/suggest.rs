//! "Did you mean" for every place that names something: rule codes, fields, modes, pools. Pure
//! string distance, so the loader, the rules, the config reader and live commands share one notion
//! of a plausible typo.

/// Nearest candidate by edit distance, for "did you mean" helps. Returns `None` when nothing is
/// close enough to be a plausible typo: within a third of the candidate's length, at least 2.
///
/// A candidate whose length alone rules it out costs nothing, and a distance computation stops
/// as soon as every path exceeds the allowance: thousands of names stay cheap (issue 9 item 8).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.to_ascii_lowercase().chars().collect();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let allowed = (candidate.len() / 3).max(2);
        let limit = best.map_or(allowed, |(distance, _)| {
            allowed.min(distance.saturating_sub(1))
        });
        let length = candidate.chars().count();
        if length.abs_diff(word.len()) > limit {
            continue;
        }
        let other: Vec<char> = candidate.to_ascii_lowercase().chars().collect();
        if let Some(distance) = bounded_distance(&word, &other, limit) {
            best = Some((distance, candidate));
            if distance == 0 {
                break;
            }
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The edit distance of `a` and `b` when it is at most `limit`, else `None`.
fn bounded_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_plausible_typo_wins() {
        assert_eq!(
            closest("extra-ipool", ["default-ipv4-ippool", "extra-ippool"]),
            Some("extra-ippool")
        );
        assert_eq!(
            closest("blocksize", ["blockSize", "cidr"]),
            Some("blockSize")
        );
        assert_eq!(closest("zzzz", ["blockSize", "cidr"]), None);
        assert_eq!(closest("cidr", ["cide", "cidr"]), Some("cidr"));
        assert_eq!(closest("ab", ["abcd"]), Some("abcd"));
        assert_eq!(closest("ab", ["abcde"]), None);
    }

    /// Issue 9 item 8: names of one shape and length are the worst case for the length filter;
    /// the bounded distance still finds nothing where nothing is near.
    #[test]
    fn many_candidates_of_one_shape() {
        let pools: Vec<String> = (0..500).map(|i| format!("pool-{i:05}-zone-a")).collect();
        let unknown: Vec<String> = (0..200).map(|i| format!("team-{i:05}-xxxxxx")).collect();
        let found = unknown
            .iter()
            .filter(|name| closest(name, pools.iter().map(String::as_str)).is_some())
            .count();
        assert_eq!(found, 0);
    }
}
