//! IPP000 invalid-yaml. Its findings are made while loading (`manifest`), not by a check.

declare_rule! {
    /// ## What it does
    /// Reports a file or document that cannot be read as Kubernetes YAML or JSON: a syntax error,
    /// a duplicate key, text that is not UTF-8, a binary file, a file too large to be a manifest,
    /// nesting or aliasing beyond what any manifest needs. The finding points at the line and
    /// column where the parser stopped.
    ///
    /// The verdict is kubectl's, which reads YAML with go-yaml v2 (through sigs.k8s.io/yaml)
    /// after splitting documents at `---` lines: content after a `---` marker and control
    /// characters are reported, as kubectl refuses them; a tab after `:`, a comment right after
    /// a quoted value (`'v'#c`), a flow collection continued at its key's indentation and a
    /// byte order mark at the start of a later document are accepted, as kubectl accepts them.
    /// UTF-16 files with a byte order mark are decoded. YAML merge keys (`<<: *base`) are
    /// applied.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` and `calicoctl` reject the whole file, so none of the objects in it reach
    /// the cluster. Every other rule skips what it cannot read, so a broken file would otherwise
    /// hide its mistakes.
    ///
    /// The rest of the run goes on: other files, and the documents of the same file after the
    /// next `---`, are still linted. Documents that no rule reads (a Service, a ConfigMap, a
    /// Deployment without annotations) are not parsed unless `lint --no-skip` is given, so
    /// their syntax errors are reported only then.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: [10.0.0.0/16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: IPPool
    /// metadata:
    ///   name: extra-ippool
    /// spec:
    ///   cidr: 10.0.0.0/16
    /// ```
    code: "IPP000",
    name: "invalid-yaml",
    severity: Error,
    summary: "a file or document that cannot be parsed; the error's own line/column",
    check: super::no_check,
}
