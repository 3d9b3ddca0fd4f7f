//! A stateful fake Kubernetes API server for the live tests, on 127.0.0.1 over plain HTTP.
//!
//! It keeps objects in memory and speaks enough of the API for `kubectl-ippool` and kubectl
//! itself: discovery (core, apps, batch, both Calico groups, the operator group; `projectcalico.org/v3`
//! only when asked for), get and paginated list (`limit`/`continue`), JSON merge patch with the
//! `metadata.resourceVersion` precondition, create, replace and delete, `dryRun=All` that stores
//! nothing, Kubernetes `Status` bodies for 401/403/404/409/422, a log of every request, and
//! faults on demand (a status once, a slow answer, another client writing first).
//!
//! Not a server anyone should run: it exists so the tests can drive the real binary end to end.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

mod simulator;

/// One resource type the server knows.
#[derive(Debug, Clone, Copy)]
pub struct Resource {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
}

pub const RESOURCES: &[Resource] = &[
    Resource {
        group: "",
        version: "v1",
        plural: "namespaces",
        kind: "Namespace",
        namespaced: false,
    },
    Resource {
        group: "",
        version: "v1",
        plural: "nodes",
        kind: "Node",
        namespaced: false,
    },
    Resource {
        group: "",
        version: "v1",
        plural: "pods",
        kind: "Pod",
        namespaced: true,
    },
    Resource {
        group: "",
        version: "v1",
        plural: "configmaps",
        kind: "ConfigMap",
        namespaced: true,
    },
    Resource {
        group: "apps",
        version: "v1",
        plural: "deployments",
        kind: "Deployment",
        namespaced: true,
    },
    Resource {
        group: "apps",
        version: "v1",
        plural: "statefulsets",
        kind: "StatefulSet",
        namespaced: true,
    },
    Resource {
        group: "apps",
        version: "v1",
        plural: "daemonsets",
        kind: "DaemonSet",
        namespaced: true,
    },
    Resource {
        group: "apps",
        version: "v1",
        plural: "replicasets",
        kind: "ReplicaSet",
        namespaced: true,
    },
    Resource {
        group: "batch",
        version: "v1",
        plural: "jobs",
        kind: "Job",
        namespaced: true,
    },
    Resource {
        group: "batch",
        version: "v1",
        plural: "cronjobs",
        kind: "CronJob",
        namespaced: true,
    },
    Resource {
        group: "crd.projectcalico.org",
        version: "v1",
        plural: "ippools",
        kind: "IPPool",
        namespaced: false,
    },
    Resource {
        group: "crd.projectcalico.org",
        version: "v1",
        plural: "ipamblocks",
        kind: "IPAMBlock",
        namespaced: false,
    },
    Resource {
        group: "crd.projectcalico.org",
        version: "v1",
        plural: "blockaffinities",
        kind: "BlockAffinity",
        namespaced: false,
    },
    Resource {
        group: "crd.projectcalico.org",
        version: "v1",
        plural: "ipamconfigs",
        kind: "IPAMConfig",
        namespaced: false,
    },
    Resource {
        group: "projectcalico.org",
        version: "v3",
        plural: "ippools",
        kind: "IPPool",
        namespaced: false,
    },
    Resource {
        group: "operator.tigera.io",
        version: "v1",
        plural: "installations",
        kind: "Installation",
        namespaced: false,
    },
];

fn api_version(resource: &Resource) -> String {
    if resource.group.is_empty() {
        resource.version.to_owned()
    } else {
        format!("{}/{}", resource.group, resource.version)
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub query: String,
    pub body: String,
    pub content_type: String,
}

impl Logged {
    pub fn is_write(&self) -> bool {
        self.method != "GET"
    }
}

/// What to do to a matching request instead of (or before) serving it.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status and a Status body; the request has no effect.
    Status {
        code: u16,
        reason: &'static str,
        message: String,
    },
    /// Wait this long, then serve the request.
    Delay(Duration),
    /// Another client merge-patches the target object first (bumping its resourceVersion), then
    /// the request is served: a writer guarded by resourceVersion then gets a real 409.
    ConcurrentPatch(Value),
}

#[derive(Debug, Clone)]
struct FaultRule {
    method: String,
    path_contains: String,
    /// Matching requests let through before the fault applies.
    skip: usize,
    remaining: usize,
    fault: Fault,
}

/// A request RBAC denies: `verb` is get, list, patch, create, update or delete.
#[derive(Debug, Clone)]
struct Denial {
    verb: String,
    plural: String,
}

#[derive(Debug, Default)]
struct State {
    /// (api version, plural, namespace, name) → object.
    objects: BTreeMap<(String, String, String, String), Value>,
    resource_version: u64,
    log: Vec<Logged>,
    faults: Vec<FaultRule>,
    serve_v3: bool,
    token: Option<String>,
    denials: Vec<Denial>,
    user: String,
    /// Run the cluster simulator after writes (pods replaced, addresses allocated).
    simulate: bool,
}

pub struct FakeApi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
    dir: tempfile::TempDir,
}

impl FakeApi {
    /// A server with nothing stored, serving `crd.projectcalico.org/v1` only, that wants the
    /// bearer token `test-token`.
    pub fn start() -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let addr = server.server_addr().to_ip().expect("an IP listener");
        let state = Arc::new(Mutex::new(State {
            resource_version: 1000,
            token: Some("test-token".to_owned()),
            user: "tester".to_owned(),
            ..State::default()
        }));
        // kubectl discovers every group at once: fewer workers than its connections stall it.
        let workers = (0..16)
            .map(|_| {
                let server = Arc::clone(&server);
                let state = Arc::clone(&state);
                std::thread::spawn(move || {
                    while let Ok(request) = server.recv() {
                        handle(&state, request);
                    }
                })
            })
            .collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let api = Self {
            addr,
            state,
            server,
            workers,
            dir,
        };
        api.write_kubeconfig("kubeconfig", "test-token");
        api
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The kubeconfig that points at this server (context `fake`, namespace `default`).
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    /// A scratch directory that lives as long as the server (kubectl's cache, extra files).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a kubeconfig named `name` in [`Self::dir`] with this bearer token.
    pub fn write_kubeconfig(&self, name: &str, token: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\n\
             contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: tester\n    namespace: default\n\
             current-context: fake\nusers:\n- name: tester\n  user:\n    token: {token}\n",
            self.url()
        );
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Whether requests must carry the bearer token. kubectl (client-go) sends no credentials
    /// over plain HTTP, so the tests that run kubectl turn this off.
    pub fn require_token(&self, on: bool) {
        self.lock().token = on.then(|| "test-token".to_owned());
    }

    /// Behave like a cluster after writes: a workload whose pod template changes gets new pods
    /// with addresses picked as Calico would, a deleted pod frees its address (simulator.rs).
    pub fn simulate(&self, on: bool) {
        self.lock().simulate = on;
    }

    /// Serve `projectcalico.org/v3` (the Calico API server, or native v3 CRDs).
    pub fn serve_v3(&self, on: bool) {
        self.lock().serve_v3 = on;
    }

    /// RBAC: refuse `verb` on `plural` with 403.
    pub fn deny(&self, verb: &str, plural: &str) {
        self.lock().denials.push(Denial {
            verb: verb.to_owned(),
            plural: plural.to_owned(),
        });
    }

    /// The next `times` requests with this method whose path contains `path_contains` meet
    /// `fault`.
    pub fn fault(&self, method: &str, path_contains: &str, times: usize, fault: Fault) {
        self.lock().faults.push(FaultRule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            skip: 0,
            remaining: times,
            fault,
        });
    }

    /// The `nth` (from 1) request with this method whose path contains `path_contains` meets
    /// `fault`; the ones before it pass.
    pub fn fault_nth(&self, method: &str, path_contains: &str, nth: usize, fault: Fault) {
        self.lock().faults.push(FaultRule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            skip: nth.saturating_sub(1),
            remaining: 1,
            fault,
        });
    }

    /// Stores an object (any resource the server knows, by its apiVersion and kind), filling in
    /// resourceVersion, uid and creationTimestamp.
    pub fn insert(&self, mut object: Value) {
        let api_version = object["apiVersion"].as_str().unwrap_or_default().to_owned();
        let kind = object["kind"].as_str().unwrap_or_default().to_owned();
        let resource = RESOURCES
            .iter()
            .find(|r| api_version_matches(r, &api_version) && r.kind == kind)
            .unwrap_or_else(|| panic!("the fake server has no {api_version} {kind}"));
        let namespace = object["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let name = object["metadata"]["name"]
            .as_str()
            .expect("metadata.name")
            .to_owned();
        let mut state = self.lock();
        stamp(&mut state, &mut object, true);
        state.objects.insert(
            (api_version, resource.plural.to_owned(), namespace, name),
            object,
        );
    }

    /// The stored object, if any.
    pub fn get(
        &self,
        api_version: &str,
        plural: &str,
        namespace: &str,
        name: &str,
    ) -> Option<Value> {
        self.lock()
            .objects
            .get(&(
                api_version.to_owned(),
                plural.to_owned(),
                namespace.to_owned(),
                name.to_owned(),
            ))
            .cloned()
    }

    /// Every stored object, for before/after comparisons.
    pub fn snapshot(&self) -> BTreeMap<(String, String, String, String), Value> {
        self.lock().objects.clone()
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.lock().log.clone()
    }

    pub fn clear_log(&self) {
        self.lock().log.clear();
    }

    pub fn writes(&self) -> Vec<Logged> {
        self.requests()
            .into_iter()
            .filter(Logged::is_write)
            .collect()
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.server.unblock();
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

fn api_version_matches(resource: &Resource, api_version: &str) -> bool {
    api_version == api_version_of(resource)
}

fn api_version_of(resource: &Resource) -> String {
    api_version(resource)
}

fn stamp(state: &mut State, object: &mut Value, created: bool) {
    state.resource_version += 1;
    let metadata = object
        .as_object_mut()
        .map(|o| o.entry("metadata").or_insert_with(|| json!({})));
    if let Some(Value::Object(metadata)) = metadata {
        metadata.insert(
            "resourceVersion".to_owned(),
            Value::String(state.resource_version.to_string()),
        );
        if created {
            metadata
                .entry("uid")
                .or_insert_with(|| Value::String(format!("uid-{}", state.resource_version)));
            metadata
                .entry("creationTimestamp")
                .or_insert_with(|| Value::String("2026-01-01T00:00:00Z".to_owned()));
        }
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(entries) => {
            if !target.is_object() {
                *target = json!({});
            }
            if let Value::Object(target) = target {
                for (key, value) in entries {
                    if value.is_null() {
                        target.remove(key);
                    } else {
                        merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// What a request addresses.
struct Target {
    resource: &'static Resource,
    namespace: Option<String>,
    name: Option<String>,
}

enum Route {
    Api,
    Apis,
    ResourceList(&'static str, &'static str),
    Object(Target),
    NotFound,
}

fn route(state: &State, path: &str) -> Route {
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api"] => return Route::Api,
        ["apis"] => return Route::Apis,
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return Route::NotFound,
    };
    let served = |r: &&Resource| {
        r.group == group
            && r.version == version
            && (r.group != "projectcalico.org" || state.serve_v3)
    };
    let Some(first) = RESOURCES.iter().find(served) else {
        return Route::NotFound;
    };
    if rest.is_empty() {
        return Route::ResourceList(first.group, first.version);
    }
    let find = |plural: &str| RESOURCES.iter().filter(served).find(|r| r.plural == plural);
    let target = match rest {
        [plural] => find(plural).map(|resource| Target {
            resource,
            namespace: None,
            name: None,
        }),
        ["namespaces", namespace, plural, tail @ ..] if tail.len() <= 1 => find(plural)
            .filter(|r| r.namespaced)
            .map(|resource| Target {
                resource,
                namespace: Some((*namespace).to_owned()),
                name: tail.first().map(|s| (*s).to_owned()),
            }),
        [plural, name] => find(plural)
            .filter(|r| !r.namespaced)
            .map(|resource| Target {
                resource,
                namespace: None,
                name: Some((*name).to_owned()),
            }),
        _ => None,
    };
    target.map_or(Route::NotFound, Route::Object)
}

fn status(code: u16, reason: &str, message: &str, details: Value) -> (u16, Value) {
    (
        code,
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
            "details": details,
            "code": code,
        }),
    )
}

fn query_param<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn handle(shared: &Arc<Mutex<State>>, mut request: tiny_http::Request) {
    let method = request.method().as_str().to_owned();
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let (path, query) = (path.to_owned(), query.to_owned());
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_owned())
    };
    let content_type = header("Content-Type").unwrap_or_default();
    let authorization = header("Authorization");
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);

    let fault = {
        let mut state = shared.lock().unwrap_or_else(|p| p.into_inner());
        state.log.push(Logged {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            body: body.clone(),
            content_type: content_type.clone(),
        });
        let found = state.faults.iter_mut().find(|rule| {
            rule.remaining > 0 && rule.method == method && path.contains(&rule.path_contains)
        });
        found.and_then(|rule| {
            if rule.skip > 0 {
                rule.skip -= 1;
                return None;
            }
            rule.remaining -= 1;
            Some(rule.fault.clone())
        })
    };
    if let Some(Fault::Delay(delay)) = &fault {
        std::thread::sleep(*delay);
    }
    let (code, value) = {
        let mut state = shared.lock().unwrap_or_else(|p| p.into_inner());
        let request = Incoming {
            method: &method,
            path: &path,
            query: &query,
            body: &body,
            content_type: &content_type,
            authorization: authorization.as_deref(),
        };
        serve(&mut state, &request, fault)
    };
    let text = serde_json::to_string(&value).unwrap_or_default();
    let response = tiny_http::Response::from_string(text)
        .with_status_code(code)
        .with_header(
            tiny_http::Header::from_bytes("Content-Type", "application/json").expect("header"),
        );
    let _ = request.respond(response);
}

struct Incoming<'r> {
    method: &'r str,
    path: &'r str,
    query: &'r str,
    body: &'r str,
    content_type: &'r str,
    authorization: Option<&'r str>,
}

fn serve(state: &mut State, request: &Incoming<'_>, fault: Option<Fault>) -> (u16, Value) {
    let Incoming {
        method,
        path,
        query,
        body,
        content_type,
        authorization,
    } = *request;
    if let Some(token) = &state.token
        && authorization != Some(&format!("Bearer {token}"))
    {
        return status(401, "Unauthorized", "Unauthorized", json!({}));
    }
    if let Some(Fault::Status {
        code,
        reason,
        message,
    }) = &fault
    {
        return status(*code, reason, message, json!({}));
    }
    let target = match route(state, path) {
        Route::Api => {
            return (
                200,
                json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
            );
        }
        Route::Apis => return (200, group_list(state)),
        Route::ResourceList(group, version) => return (200, resource_list(state, group, version)),
        Route::NotFound => {
            return status(
                404,
                "NotFound",
                "the server could not find the requested resource",
                json!({}),
            );
        }
        Route::Object(target) => target,
    };
    let verb = match (method, target.name.is_some()) {
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("PATCH", _) => "patch",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("DELETE", _) => "delete",
        _ => return status(405, "MethodNotAllowed", "method not allowed", json!({})),
    };
    let resource = target.resource;
    if state
        .denials
        .iter()
        .any(|d| d.verb == verb && d.plural == resource.plural)
    {
        let name = target.name.clone().unwrap_or_default();
        let scope = match &target.namespace {
            Some(namespace) => format!("in the namespace \"{namespace}\""),
            None => "at the cluster scope".to_owned(),
        };
        let subject = if name.is_empty() {
            resource.plural.to_owned()
        } else {
            format!("{} \"{name}\"", resource.plural)
        };
        let message = format!(
            "{subject} is forbidden: User \"{}\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
            state.user, resource.plural, resource.group
        );
        return status(
            403,
            "Forbidden",
            &message,
            json!({"name": name, "group": resource.group, "kind": resource.plural}),
        );
    }
    let api_version = api_version(resource);
    let dry_run = query_param(query, "dryRun") == Some("All");
    let namespace = target.namespace.clone().unwrap_or_default();
    let key = |name: &str| {
        (
            api_version.clone(),
            resource.plural.to_owned(),
            namespace.clone(),
            name.to_owned(),
        )
    };
    let qualified = if resource.group.is_empty() {
        resource.plural.to_owned()
    } else {
        format!("{}.{}", resource.plural, resource.group)
    };
    let not_found = |name: &str| {
        status(
            404,
            "NotFound",
            &format!("{qualified} \"{name}\" not found"),
            json!({"name": name, "group": resource.group, "kind": resource.plural}),
        )
    };
    match (verb, target.name.as_deref()) {
        ("list", _) => list(
            state,
            resource,
            &api_version,
            target.namespace.as_deref(),
            query,
        ),
        ("get", Some(name)) => match state.objects.get(&key(name)) {
            Some(object) => (200, object.clone()),
            None => not_found(name),
        },
        ("patch", Some(name)) => {
            if let Some(Fault::ConcurrentPatch(patch)) = &fault
                && let Some(mut object) = state.objects.get(&key(name)).cloned()
            {
                merge_patch(&mut object, patch);
                stamp(state, &mut object, false);
                state.objects.insert(key(name), object);
            }
            let Some(mut object) = state.objects.get(&key(name)).cloned() else {
                return not_found(name);
            };
            let Ok(patch) = serde_json::from_str::<Value>(body) else {
                return status(400, "BadRequest", "the patch is not JSON", json!({}));
            };
            if !content_type.contains("merge-patch")
                && !content_type.contains("strategic-merge-patch")
            {
                return status(
                    415,
                    "UnsupportedMediaType",
                    "only merge patches are served here",
                    json!({}),
                );
            }
            if let Some(wanted) = patch["metadata"]["resourceVersion"].as_str()
                && Some(wanted) != object["metadata"]["resourceVersion"].as_str()
            {
                return conflict(&qualified, name);
            }
            let before = object.clone();
            merge_patch(&mut object, &patch);
            if dry_run {
                return (200, object);
            }
            stamp(state, &mut object, false);
            state.objects.insert(key(name), object.clone());
            if state.simulate {
                simulator::after_write(state, resource.plural, &namespace, name, Some(&before));
            }
            (200, object)
        }
        ("create", None) => {
            let Ok(mut object) = serde_json::from_str::<Value>(body) else {
                return status(400, "BadRequest", "the body is not JSON", json!({}));
            };
            let Some(name) = object["metadata"]["name"].as_str().map(str::to_owned) else {
                return status(422, "Invalid", "metadata.name: Required value", json!({}));
            };
            if state.objects.contains_key(&key(&name)) {
                return status(
                    409,
                    "AlreadyExists",
                    &format!("{qualified} \"{name}\" already exists"),
                    json!({"name": name, "group": resource.group, "kind": resource.plural}),
                );
            }
            if dry_run {
                return (201, object);
            }
            stamp(state, &mut object, true);
            state.objects.insert(key(&name), object.clone());
            (201, object)
        }
        ("update", Some(name)) => {
            let Some(stored) = state.objects.get(&key(name)).cloned() else {
                return not_found(name);
            };
            let Ok(mut object) = serde_json::from_str::<Value>(body) else {
                return status(400, "BadRequest", "the body is not JSON", json!({}));
            };
            if object["metadata"]["resourceVersion"] != stored["metadata"]["resourceVersion"] {
                return conflict(&qualified, name);
            }
            if dry_run {
                return (200, object);
            }
            stamp(state, &mut object, false);
            state.objects.insert(key(name), object.clone());
            (200, object)
        }
        ("delete", Some(name)) => match state.objects.get(&key(name)).cloned() {
            Some(object) => {
                if !dry_run {
                    state.objects.remove(&key(name));
                    if state.simulate {
                        simulator::after_write(
                            state,
                            resource.plural,
                            &namespace,
                            name,
                            Some(&object),
                        );
                    }
                }
                (200, object)
            }
            None => not_found(name),
        },
        _ => status(405, "MethodNotAllowed", "method not allowed", json!({})),
    }
}

fn conflict(qualified: &str, name: &str) -> (u16, Value) {
    status(
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on {qualified} \"{name}\": the object has been modified; \
             please apply your changes to the latest version and try again"
        ),
        json!({"name": name, "kind": qualified}),
    )
}

fn list(
    state: &State,
    resource: &Resource,
    api_version: &str,
    namespace: Option<&str>,
    query: &str,
) -> (u16, Value) {
    // Objects are keyed by (api version, plural, namespace, name): one type is one key range, as
    // a real API server serves a list from its cache without scanning every other type.
    let first = (
        api_version.to_owned(),
        resource.plural.to_owned(),
        String::new(),
        String::new(),
    );
    let items: Vec<&Value> = state
        .objects
        .range(first..)
        .take_while(|((v, plural, _, _), _)| v == api_version && plural == resource.plural)
        .filter(|((_, _, ns, _), _)| namespace.is_none_or(|wanted| wanted == ns))
        .map(|(_, object)| object)
        .collect();
    let selector = match query_param(query, "labelSelector").map(percent_decoded) {
        Some(text) => match parse_label_selector(&text) {
            Ok(requirements) => requirements,
            Err(message) => return status(400, "BadRequest", &message, json!({})),
        },
        None => Vec::new(),
    };
    let items: Vec<&Value> = items
        .into_iter()
        .filter(|object| {
            selector
                .iter()
                .all(|requirement| requirement.matches(&object["metadata"]["labels"]))
        })
        .collect();
    let start: usize = query_param(query, "continue")
        .and_then(|token| token.parse().ok())
        .unwrap_or(0);
    let limit: usize = query_param(query, "limit")
        .and_then(|limit| limit.parse().ok())
        .filter(|&limit| limit > 0)
        .unwrap_or(usize::MAX);
    let end = start.saturating_add(limit).min(items.len());
    let page: Vec<Value> = items
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(|&v| v.clone())
        .collect();
    let mut metadata = json!({"resourceVersion": state.resource_version.to_string()});
    if end < items.len() {
        metadata["continue"] = Value::String(end.to_string());
        metadata["remainingItemCount"] = json!(items.len() - end);
    }
    (
        200,
        json!({
            "apiVersion": api_version,
            "kind": format!("{}List", resource.kind),
            "metadata": metadata,
            "items": page,
        }),
    )
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match (bytes[at], text.get(at + 1..at + 3)) {
            (b'%', Some(hex)) if u8::from_str_radix(hex, 16).is_ok() => {
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                at += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                at += 1;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One requirement of a Kubernetes label selector, as the API server parses them
/// (apimachinery `labels.Parse`): `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    Absent(String),
}

impl Requirement {
    fn matches(&self, labels: &Value) -> bool {
        let value = |key: &str| labels.get(key).and_then(Value::as_str);
        match self {
            Requirement::Equals(k, v) => value(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => value(k) != Some(v.as_str()),
            Requirement::In(k, vs) => value(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => value(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            Requirement::Exists(k) => value(k).is_some(),
            Requirement::Absent(k) => value(k).is_none(),
        }
    }
}

fn parse_label_selector(text: &str) -> Result<Vec<Requirement>, String> {
    // Split at the commas outside parentheses.
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    let valid = |key: &str| {
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    };
    let list = |rest: &str| -> Option<Vec<String>> {
        let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
        Some(inner.split(',').map(|v| v.trim().to_owned()).collect())
    };
    let mut requirements = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let bad = || {
            format!(
                "unable to parse requirement: found '{part}', expected: in, notin, =, ==, !=, gt, lt"
            )
        };
        let requirement = if let Some(key) = part.strip_prefix('!') {
            Requirement::Absent(key.trim().to_owned())
        } else if let Some((key, value)) = part.split_once("!=") {
            Requirement::NotEquals(key.trim().to_owned(), value.trim().to_owned())
        } else if let Some((key, value)) = part.split_once("==").or_else(|| part.split_once('=')) {
            Requirement::Equals(key.trim().to_owned(), value.trim().to_owned())
        } else if let Some((key, rest)) = part.split_once(" notin ") {
            Requirement::NotIn(key.trim().to_owned(), list(rest).ok_or_else(bad)?)
        } else if let Some((key, rest)) = part.split_once(" in ") {
            Requirement::In(key.trim().to_owned(), list(rest).ok_or_else(bad)?)
        } else if valid(part) {
            Requirement::Exists(part.to_owned())
        } else {
            return Err(bad());
        };
        let key = match &requirement {
            Requirement::Equals(k, _)
            | Requirement::NotEquals(k, _)
            | Requirement::In(k, _)
            | Requirement::NotIn(k, _)
            | Requirement::Exists(k)
            | Requirement::Absent(k) => k,
        };
        if !valid(key) {
            return Err(bad());
        }
        requirements.push(requirement);
    }
    Ok(requirements)
}

fn group_list(state: &State) -> Value {
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for resource in RESOURCES {
        if resource.group.is_empty() || (resource.group == "projectcalico.org" && !state.serve_v3) {
            continue;
        }
        if !groups.contains(&(resource.group, resource.version)) {
            groups.push((resource.group, resource.version));
        }
    }
    let groups: Vec<Value> = groups
        .iter()
        .map(|(group, version)| {
            let gv = json!({"groupVersion": format!("{group}/{version}"), "version": version});
            json!({"name": group, "versions": [gv.clone()], "preferredVersion": gv})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn resource_list(state: &State, group: &str, version: &str) -> Value {
    let resources: Vec<Value> = RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .filter(|r| r.group != "projectcalico.org" || state.serve_v3)
        .map(|r| {
            let short_names: &[&str] = match (r.group, r.plural) {
                ("", "namespaces") => &["ns"],
                ("", "nodes") => &["no"],
                ("", "pods") => &["po"],
                ("", "configmaps") => &["cm"],
                (_, "deployments") => &["deploy"],
                (_, "statefulsets") => &["sts"],
                (_, "daemonsets") => &["ds"],
                (_, "replicasets") => &["rs"],
                (_, "cronjobs") => &["cj"],
                ("projectcalico.org", "ippools") => &["ipp", "ipps", "pool", "pools"],
                _ => &[],
            };
            json!({
                "name": r.plural,
                "shortNames": short_names,
                "singularName": r.kind.to_ascii_lowercase(),
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
            })
        })
        .collect();
    let group_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources})
}
