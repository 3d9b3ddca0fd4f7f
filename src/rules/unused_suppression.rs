//! IPP900 unused-suppression. Its findings are made while loading (malformed suppressions,
//! unknown codes) and by the suppression pass after the rules ran (`crate::suppress`), not by a
//! check.

declare_rule! {
    /// ## What it does
    /// Reports a suppression that silences nothing: an `# ippool-lint: ignore CODE` comment or an
    /// `ippool.lint/ignore` annotation naming a rule that reports no finding where the
    /// suppression applies. Also reports a suppression that names no rule, or a code or name
    /// that is not a rule (with the closest real one), and a comment directive other than
    /// `ignore`.
    ///
    /// A comment applies to the line it ends, or, on a line of its own, to the next line that
    /// is not blank or a comment; the annotation applies to the whole object that carries it.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it was written for: once the pool is fixed, it stays
    /// and silently hides the next real problem of that rule at that place. A misspelled code
    /// silences nothing, so the comment looks like it works while the finding it was meant for
    /// is still reported, or was never there.
    ///
    /// A suppression of a rule that did not run (left out by `--select` or `--ignore`) is not
    /// reported, since nothing can be said about it; neither is `all` unless every rule ran.
    /// Suppressions never silence this rule itself: turn it off with `--ignore IPP900` or
    /// `ignore: [IPP900]` in `.ippool-lint.yaml`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16 # ippool-lint: ignore cidr-host-bits-set -- fixed in #42
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: default-ipv4-ippool
    /// spec:
    ///   cidr: 10.244.0.0/16
    /// ```
    ///
    /// ## Calico source
    /// None: this is a rule about kubectl-ippool's own suppressions. Calico ignores YAML comments,
    /// and the API server accepts any annotation, `ippool.lint/ignore` included.
    code: "IPP900",
    name: "unused-suppression",
    severity: Info,
    summary: "a suppression comment or annotation that silences nothing, or names an unknown rule",
    check: super::no_check,
}
