//! The connection to a cluster, made the way kubectl makes it, and the few requests live mode
//! sends (get, paginated list, merge patch). This is the only place that does network I/O, and
//! the only place that turns what went wrong on the wire into [`LiveError`], one clear sentence
//! each. A runtime is built here and nowhere else: `lint` never pays for one.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::Value;

use crate::cli::{ClusterArgs, ConnectArgs};

/// Objects per list page, as kubectl's `--chunk-size` default.
pub const PAGE_SIZE: usize = 500;

/// Lists sent at the same time by [`Connection::list_each`]: enough to keep a connection busy
/// while the previous page is decoded, few enough to stay a polite client of the API server.
pub const LISTS_IN_FLIGHT: usize = 4;

/// A resource type live mode reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
}

impl Resource {
    pub const fn core(plural: &'static str, kind: &'static str, namespaced: bool) -> Self {
        Self {
            group: "",
            version: "v1",
            plural,
            kind,
            namespaced,
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `namespace`, `deployment.apps`, `ippool.crd.projectcalico.org`: kubectl's way.
    pub fn kubectl_name(&self) -> String {
        let singular = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            singular
        } else {
            format!("{singular}.{}", self.group)
        }
    }

    fn path(&self, namespace: Option<&str>, name: Option<&str>) -> String {
        let mut path = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        if self.namespaced
            && let Some(namespace) = namespace
        {
            path.push_str("/namespaces/");
            path.push_str(&encode(namespace));
        }
        path.push('/');
        path.push_str(self.plural);
        if let Some(name) = name {
            path.push('/');
            path.push_str(&encode(name));
        }
        path
    }
}

/// Percent-encodes a path segment or query value. Kubernetes names are DNS labels, but a user
/// can type anything.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// What went wrong, as the user should read it.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("{0}")]
    Config(String),
    #[error("cannot reach the cluster at {server}: {detail}")]
    Unreachable { server: String, detail: String },
    #[error("TLS with {server} failed: {detail}")]
    Tls { server: String, detail: String },
    #[error("no answer from {server} within {after}")]
    Timeout { server: String, after: String },
    #[error(
        "the API server at {server} rejected the credentials (401 Unauthorized): check the user of the kubeconfig context, or log in again"
    )]
    Unauthorized { server: String },
    #[error("RBAC denied {verb} on {resource}{group_note} {scope}: {message}")]
    Forbidden {
        verb: String,
        resource: String,
        group_note: String,
        scope: String,
        message: String,
    },
    #[error("{message}{help}")]
    NotFound { message: String, help: String },
    #[error(
        "{what} kept changing while we wrote it ({attempts} conflicts in a row); nothing was changed, try again"
    )]
    Conflict { what: String, attempts: usize },
    #[error("the API server rejected the change (422 Invalid): {message}")]
    Invalid { message: String },
    #[error("the API server answered {code}{reason}: {message}")]
    Server {
        code: u16,
        reason: String,
        message: String,
    },
    /// Refused by this tool before anything was sent (or, for rule findings, rendered apart).
    #[error("{0}")]
    Refused(String),
    /// Stopped by Ctrl-C between two API calls (exit 130, as a shell reports SIGINT).
    #[error("{0}")]
    Interrupted(String),
}

impl LiveError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, LiveError::Server { code: 409, .. })
    }
}

/// A live connection: the client, where it points, and the runtime that drives it.
pub struct Connection {
    client: kube::Client,
    runtime: tokio::runtime::Runtime,
    pub server: String,
    /// `-n`, else the context's namespace, else `default`.
    pub namespace: String,
    timeout: Option<Duration>,
    timeout_text: String,
}

/// Parses kubectl's `--request-timeout` forms: `0`, `30`, `30s`, `2m`, `1h30m`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Option<Duration>, LiveError> {
    let bad = || {
        LiveError::Config(format!(
            "invalid --request-timeout {text:?}: use a duration such as 30s, 2m or 1h30m (0 waits as long as it takes)"
        ))
    };
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok((seconds > 0).then(|| Duration::from_secs(seconds)));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(bad)?;
        let number: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ms" => number / 1000.0,
            "s" => number,
            "m" => number * 60.0,
            "h" => number * 3600.0,
            _ => return Err(bad()),
        };
        total += Duration::try_from_secs_f64(seconds).map_err(|_| bad())?;
        rest = &rest[unit_len..];
    }
    Ok((!total.is_zero()).then_some(total))
}

impl Connection {
    /// Connects as kubectl would: `--kubeconfig`, else `$KUBECONFIG` (several files merged),
    /// else `~/.kube/config`, else the pod's service account; `--context` and `--user` pick
    /// within the kubeconfig. Nothing is sent yet.
    pub fn open(args: &ConnectArgs) -> Result<Self, LiveError> {
        Self::open_with(&args.cluster, args.namespace.clone())
    }

    /// [`Connection::open`] with the namespace given apart.
    pub fn open_with(args: &ClusterArgs, namespace: Option<String>) -> Result<Self, LiveError> {
        let timeout = parse_duration(&args.request_timeout)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| LiveError::Config(format!("cannot start the I/O runtime: {error}")))?;
        let options = KubeConfigOptions {
            context: args.context.clone(),
            cluster: None,
            user: args.user.clone(),
        };
        let mut config = runtime.block_on(load_config(args.kubeconfig.clone(), &options))?;
        if let Some(timeout) = timeout {
            config.connect_timeout = Some(timeout);
            config.read_timeout = Some(timeout);
            config.write_timeout = Some(timeout);
            config.reset_reader_on_write = true;
        }
        let server = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_owned();
        let namespace = namespace.unwrap_or_else(|| config.default_namespace.clone());
        // The client's connection pool lives on this runtime.
        let _guard = runtime.enter();
        let client = kube::Client::try_from(config).map_err(|error| LiveError::Tls {
            server: server.clone(),
            detail: chain(&error),
        })?;
        Ok(Self {
            client,
            runtime,
            server,
            namespace,
            timeout,
            timeout_text: args.request_timeout.clone(),
        })
    }

    fn send(&self, request: http::Request<Vec<u8>>) -> Result<Value, kube::Error> {
        self.runtime.block_on(self.send_async(request))
    }

    async fn send_async(&self, request: http::Request<Vec<u8>>) -> Result<Value, kube::Error> {
        let future = self.client.request::<Value>(request);
        match self.timeout {
            // The client's own timeouts cover connect, read and write; this one also covers a
            // server that answers slowly in small pieces.
            Some(limit) => tokio::time::timeout(limit + Duration::from_millis(250), future)
                .await
                .unwrap_or_else(|_| Err(kube::Error::Service("request timed out".into()))),
            None => future.await,
        }
    }

    /// The API groups the server serves (`GET /apis`).
    pub fn api_groups(&self) -> Result<Vec<(String, Vec<String>)>, LiveError> {
        let request = http::Request::get("/apis")
            .body(Vec::new())
            .map_err(|e| LiveError::Config(e.to_string()))?;
        let list = self
            .send(request)
            .map_err(|error| self.error(error, "list", "API groups", "", None, None))?;
        let groups = list["groups"].as_array().cloned().unwrap_or_default();
        Ok(groups
            .iter()
            .filter_map(|group| {
                let name = group["name"].as_str()?.to_owned();
                let versions = group["versions"]
                    .as_array()
                    .map(|versions| {
                        versions
                            .iter()
                            .filter_map(|v| v["version"].as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                Some((name, versions))
            })
            .collect())
    }

    pub fn get(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Value, LiveError> {
        let request = http::Request::get(resource.path(namespace, Some(name)))
            .body(Vec::new())
            .map_err(|e| LiveError::Config(e.to_string()))?;
        self.send(request).map_err(|error| {
            self.error(
                error,
                "get",
                resource.plural,
                resource.group,
                namespace,
                Some(name),
            )
        })
    }

    /// Every object of a type (in `namespace`, or in all namespaces when `None`), page by page.
    pub fn list(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
    ) -> Result<Vec<Value>, LiveError> {
        self.runtime
            .block_on(self.list_async(resource, namespace, None))
    }

    /// The objects whose labels match a Kubernetes label selector (`app=web,tier!=db`), matched
    /// by the API server as `kubectl get -l` has it; a selector it cannot parse is its 400.
    pub fn list_selected(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        selector: &str,
    ) -> Result<Vec<Value>, LiveError> {
        self.runtime
            .block_on(self.list_async(resource, namespace, Some(selector)))
    }

    /// Every object of each type, in all namespaces; up to [`LISTS_IN_FLIGHT`] types are
    /// listed at once, so the server's time and ours overlap. In the order given. A type the
    /// server does not serve (404 on the list: its CRD is not installed) has no objects.
    pub fn list_each(&self, resources: &[Resource]) -> Result<Vec<Vec<Value>>, LiveError> {
        use futures_util::stream::{StreamExt, TryStreamExt};
        let lists = resources.iter().map(|resource| async move {
            match self.list_async(resource, None, None).await {
                Err(LiveError::NotFound { .. }) => Ok(Vec::new()),
                listed => listed,
            }
        });
        self.runtime.block_on(
            futures_util::stream::iter(lists)
                .buffered(LISTS_IN_FLIGHT)
                .try_collect(),
        )
    }

    async fn list_async(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        selector: Option<&str>,
    ) -> Result<Vec<Value>, LiveError> {
        let base = resource.path(namespace, None);
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut path = format!("{base}?limit={PAGE_SIZE}");
            if let Some(selector) = selector {
                path.push_str("&labelSelector=");
                path.push_str(&encode(selector));
            }
            if let Some(token) = &token {
                path.push_str("&continue=");
                path.push_str(&encode(token));
            }
            let request = http::Request::get(path)
                .body(Vec::new())
                .map_err(|e| LiveError::Config(e.to_string()))?;
            let mut page = self.send_async(request).await.map_err(|error| {
                self.error(
                    error,
                    "list",
                    resource.plural,
                    resource.group,
                    namespace,
                    None,
                )
            })?;
            if let Some(Value::Array(page_items)) = page.get_mut("items").map(Value::take) {
                items.extend(page_items);
            }
            token = page["metadata"]["continue"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            if token.is_none() {
                return Ok(items);
            }
        }
    }

    /// A JSON merge patch (RFC 7386); `server_dry_run` sends `dryRun=All`.
    pub fn merge_patch(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        name: &str,
        patch: &Value,
        server_dry_run: bool,
    ) -> Result<Value, LiveError> {
        let mut path = resource.path(namespace, Some(name));
        if server_dry_run {
            path.push_str("?dryRun=All");
        }
        let body = serde_json::to_vec(patch).map_err(|e| LiveError::Config(e.to_string()))?;
        let request = http::Request::patch(path)
            .header(http::header::CONTENT_TYPE, "application/merge-patch+json")
            .body(body)
            .map_err(|e| LiveError::Config(e.to_string()))?;
        self.send(request).map_err(|error| {
            self.error(
                error,
                "patch",
                resource.plural,
                resource.group,
                namespace,
                Some(name),
            )
        })
    }

    /// Creates an object (`POST`); `server_dry_run` sends `dryRun=All`.
    pub fn create(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        object: &Value,
        server_dry_run: bool,
    ) -> Result<Value, LiveError> {
        let mut path = resource.path(namespace, None);
        if server_dry_run {
            path.push_str("?dryRun=All");
        }
        let body = serde_json::to_vec(object).map_err(|e| LiveError::Config(e.to_string()))?;
        let request = http::Request::post(path)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body)
            .map_err(|e| LiveError::Config(e.to_string()))?;
        let name = object["metadata"]["name"].as_str();
        self.send(request).map_err(|error| {
            self.error(
                error,
                "create",
                resource.plural,
                resource.group,
                namespace,
                name,
            )
        })
    }

    /// Deletes an object; `server_dry_run` sends `dryRun=All`.
    pub fn delete(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        name: &str,
        server_dry_run: bool,
    ) -> Result<Value, LiveError> {
        let mut path = resource.path(namespace, Some(name));
        if server_dry_run {
            path.push_str("?dryRun=All");
        }
        let request = http::Request::delete(path)
            .body(Vec::new())
            .map_err(|e| LiveError::Config(e.to_string()))?;
        self.send(request).map_err(|error| {
            self.error(
                error,
                "delete",
                resource.plural,
                resource.group,
                namespace,
                Some(name),
            )
        })
    }

    /// One sentence for what went wrong with a request: who refused what, or why nothing
    /// answered.
    fn error(
        &self,
        error: kube::Error,
        verb: &str,
        plural: &str,
        group: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> LiveError {
        let status = match error {
            kube::Error::Api(status) => status,
            other => return self.transport_error(&other),
        };
        let message = status.message.trim().to_owned();
        match status.code {
            401 => LiveError::Unauthorized {
                server: self.server.clone(),
            },
            403 => LiveError::Forbidden {
                verb: verb.to_owned(),
                resource: match name {
                    Some(name) => format!("{plural} \"{name}\""),
                    None => plural.to_owned(),
                },
                group_note: if group.is_empty() {
                    " (core API group)".to_owned()
                } else {
                    format!(" (API group {group})")
                },
                scope: match namespace {
                    Some(namespace) => format!("in namespace {namespace}"),
                    None if plural == "namespaces" || !NAMESPACED.contains(&plural) => {
                        "at cluster scope".to_owned()
                    }
                    None => "in all namespaces".to_owned(),
                },
                message,
            },
            404 => LiveError::NotFound {
                message: if message.is_empty() {
                    format!("{plural} {} not found", name.unwrap_or_default())
                } else {
                    message
                },
                help: String::new(),
            },
            422 => LiveError::Invalid { message },
            code => LiveError::Server {
                code,
                reason: if status.reason.is_empty() {
                    String::new()
                } else {
                    format!(" {}", status.reason)
                },
                message,
            },
        }
    }

    fn transport_error(&self, error: &kube::Error) -> LiveError {
        let detail = chain(error);
        let lower = detail.to_ascii_lowercase();
        if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
            || lower.contains("invalidcontenttype")
        {
            return LiveError::Tls {
                server: self.server.clone(),
                detail,
            };
        }
        if lower.contains("timed out") || lower.contains("deadline has elapsed") {
            let after = match self.timeout {
                Some(_) => format!("{} (--request-timeout)", self.timeout_text),
                None => "30s, the connect timeout (--request-timeout sets another)".to_owned(),
            };
            return LiveError::Timeout {
                server: self.server.clone(),
                after,
            };
        }
        if let kube::Error::Auth(_) = error {
            return LiveError::Config(format!("cannot authenticate to {}: {detail}", self.server));
        }
        LiveError::Unreachable {
            server: self.server.clone(),
            detail,
        }
    }
}

/// Namespaced resources by plural, for 403 messages on lists across all namespaces.
const NAMESPACED: &[&str] = &[
    "pods",
    "configmaps",
    "deployments",
    "statefulsets",
    "daemonsets",
    "replicasets",
    "jobs",
    "cronjobs",
];

async fn load_config(
    path: Option<PathBuf>,
    options: &KubeConfigOptions,
) -> Result<kube::Config, LiveError> {
    let explicit = options.context.is_some() || options.user.is_some();
    if let Some(path) = path {
        let kubeconfig = Kubeconfig::read_from(&path).map_err(|error| {
            LiveError::Config(format!(
                "cannot read kubeconfig {}: {}",
                path.display(),
                chain(&error)
            ))
        })?;
        return kube::Config::from_custom_kubeconfig(kubeconfig, options)
            .await
            .map_err(|error| {
                LiveError::Config(format!("kubeconfig {}: {}", path.display(), chain(&error)))
            });
    }
    match kube::Config::from_kubeconfig(options).await {
        Ok(config) => Ok(config),
        Err(error) => {
            let in_cluster = std::env::var_os("KUBERNETES_SERVICE_HOST").is_some();
            if in_cluster && !explicit && std::env::var_os("KUBECONFIG").is_none() {
                return kube::Config::incluster().map_err(|error| {
                    LiveError::Config(format!("in-cluster configuration: {}", chain(&error)))
                });
            }
            Err(LiveError::Config(format!("kubeconfig: {}", chain(&error))))
        }
    }
}

/// An error and its causes in one line, without repeating a cause its parent already quotes.
fn chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    // kube's own prefixes ("ServiceError: ", "HyperError: ") say nothing to a user.
    parts
        .iter()
        .map(|p| {
            p.trim_start_matches("ServiceError: ")
                .trim_start_matches("HyperError: ")
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectl() {
        assert_eq!(parse_duration("0").unwrap(), None);
        assert_eq!(parse_duration("5").unwrap(), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("5s").unwrap(), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_duration("500ms").unwrap(),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            parse_duration("1h30m").unwrap(),
            Some(Duration::from_secs(5400))
        );
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn paths_follow_the_api_layout() {
        let pods = Resource::core("pods", "Pod", true);
        assert_eq!(
            pods.path(Some("a b"), Some("x")),
            "/api/v1/namespaces/a%20b/pods/x"
        );
        assert_eq!(pods.path(None, None), "/api/v1/pods");
        let pools = Resource {
            group: "crd.projectcalico.org",
            version: "v1",
            plural: "ippools",
            kind: "IPPool",
            namespaced: false,
        };
        assert_eq!(
            pools.path(Some("ignored"), Some("p")),
            "/apis/crd.projectcalico.org/v1/ippools/p"
        );
        assert_eq!(pools.kubectl_name(), "ippool.crd.projectcalico.org");
    }
}
