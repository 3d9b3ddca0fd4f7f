# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_ippool_global_optspecs
    string join \n h/help V/version
end

function __fish_kubectl_ippool_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_ippool_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_ippool_using_subcommand
    set -l cmd (__fish_kubectl_ippool_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "lint" -d 'Scan manifest files and directories and report problems with IPPools'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "rules" -d 'List every rule'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "explain" -d 'Print one rule\'s documentation'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "plan" -d 'Offline capacity calculator: blocks, addresses and headroom per blockSize, and a recommended blockSize'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "assign" -d 'Name the pools new pods of a namespace, pod or workload draw from (CNI annotations)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "unassign" -d 'Remove the pool annotations from a namespace, pod or workload'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "enable" -d 'Enable a pool (spec.disabled: false)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "disable" -d 'Disable a pool (spec.disabled: true): no new addresses come from it'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "patch" -d 'Change a pool\'s mutable fields, checked by the lint rules before anything is sent'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "list" -d 'List the cluster\'s pools with their usage (blocks, addresses in use)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "show" -d 'Show one pool: effective spec, blocks per node, who names it, pods using it'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "which" -d 'Explain which pools a new pod of a pod, namespace or workload draws from, step by step in Calico\'s order, and the error Calico gives when none qualifies'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "migrate" -d 'Plan Calico\'s pool migration: every pod moved off a pool, checked before anything changes'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "resize" -d 'Plan Calico\'s block-size change: a pool re-created with another blockSize, its pods moved out through a temporary pool and back'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish or powershell)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -s o -l output -l format -d 'Output format [default: human; github when GITHUB_ACTIONS=true]' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
junit\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l fail-on -d 'Exit 1 when a diagnostic of this severity or higher is reported' -r -f -a "error\t''
warning\t''
info\t''
never\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l select -d 'Only run these rules (code or name; repeatable or comma-separated)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l ignore -d 'Skip these rules (code or name; repeatable or comma-separated)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l include -d 'Only read files below directories that match these globs (default: *.yaml, *.yml, *.json)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l exclude -d 'Skip files and directories that match these globs, relative to the PATH argument' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l config -d 'Settings file [default: the nearest .ippool-lint.yaml from the working directory upward]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l calico-version -d 'Calico release whose rules apply: 3.28 to 3.32, 3.33 (= master, unreleased), or latest (3.32) [default: latest]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l nodes -d 'Number of nodes, for the capacity rules when the inputs hold no Node manifests' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l pods-per-node -d 'Pods per node [default: a KubeletConfiguration maxPods in the inputs, else 110]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l max-blocks-per-host -d 'Calico\'s per-node block limit [default: an IPAMConfig in the inputs, else 20]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l cluster-cidr -d 'Cluster (pod) CIDR, in addition to those the inputs declare (repeatable)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l service-cidr -d 'Service CIDR, in addition to those the inputs declare (repeatable)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l helm-values -d 'Values file for `helm template` when a Helm chart in the tree is rendered (repeatable)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l color -d 'When to use colors (NO_COLOR is honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l cluster-dump -d 'Read the cluster\'s state from this file instead (a recorded `kubectl get … -o yaml` of ippools, ipamblocks, blockaffinities, ipamconfigs, nodes, namespaces and pods)' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l exhaustion-threshold -d 'Percent of a pool\'s addresses (or blocks) in use from which it counts as nearly exhausted' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l no-skip -d 'Parse every document fully, also those no rule reads (reports their syntax errors too; slower on large trees)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l tracked-only -d 'In a git work tree, read below directories only the files git tracks or has staged (as the whole-tree pre-commit hook does); files named on the command line are read anyway'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l kustomize -d 'Lint a directory argument that holds a kustomization as `kubectl kustomize` builds it, instead of its files'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l fail-if-no-files -d 'Exit 2 when no file is linted (an empty tree, an --include that matches nothing), which otherwise is only a warning'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l cluster -d 'Also read the live cluster: lint its pools, IPAM blocks, nodes, namespaces, pods and workloads, and check the manifests (PATHs) against it'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -s h -l help -d 'Print help'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand rules" -s o -l output -l format -d 'Output format' -r -f -a "human\t''
json\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand rules" -s h -l help -d 'Print help'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand explain" -s h -l help -d 'Print help'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand plan" -l cidr -d 'The pool CIDR, strictly masked (e.g. 10.244.0.0/16 or fd00:10:244::/56)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand plan" -l nodes -d 'Number of nodes the pool serves' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand plan" -l pods-per-node -d 'Pods per node (the kubelet\'s maxPods)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand plan" -l block-size -d 'Judge only this blockSize' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand plan" -l max-blocks-per-host -d 'Calico\'s per-node block limit (IPAMConfig maxBlocksPerHost; 0 means Calico\'s default, 20)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand plan" -s o -l output -l format -d 'Output format' -r -f -a "human\t''
json\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -l dry-run -d 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing' -r -f -a "none\t''
client\t''
server\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -s o -l output -d 'Print the changed object instead of a one-line summary' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -l overwrite -d 'Replace a pool annotation that already has another value'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -s y -l yes -d 'Do not ask before a change that restarts pods or disables a pool in use'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand assign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -l dry-run -d 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing' -r -f -a "none\t''
client\t''
server\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -s o -l output -d 'Print the changed object instead of a one-line summary' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -s y -l yes -d 'Do not ask before a change that restarts pods or disables a pool in use'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand unassign" -s h -l help -d 'Print help'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -l dry-run -d 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing' -r -f -a "none\t''
client\t''
server\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -s o -l output -d 'Print the changed object instead of a one-line summary' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -l force -d 'Go on where the command would refuse: a pool the Tigera operator manages (it reverts the change), or the last enabled pool of a family'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -s y -l yes -d 'Do not ask before a change that restarts pods or disables a pool in use'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand enable" -s h -l help -d 'Print help'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -l dry-run -d 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing' -r -f -a "none\t''
client\t''
server\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -s o -l output -d 'Print the changed object instead of a one-line summary' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -l force -d 'Go on where the command would refuse: a pool the Tigera operator manages (it reverts the change), or the last enabled pool of a family'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -s y -l yes -d 'Do not ask before a change that restarts pods or disables a pool in use'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l dry-run -d 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing' -r -f -a "none\t''
client\t''
server\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -s o -l output -d 'Print the changed object instead of a one-line summary' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l nat-outgoing -d 'spec.natOutgoing' -r -f -a "true\t''
false\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l ipip-mode -d 'spec.ipipMode: Never, Always or CrossSubnet' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l vxlan-mode -d 'spec.vxlanMode: Never, Always or CrossSubnet' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l node-selector -d 'spec.nodeSelector, a Calico selector (e.g. "all()", "zone == \'a\'")' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l namespace-selector -d 'spec.namespaceSelector, a Calico selector ("" removes it)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l disable-bgp-export -d 'spec.disableBGPExport' -r -f -a "true\t''
false\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l allowed-uses -d 'spec.allowedUses: Workload, Tunnel, LoadBalancer (comma-separated)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l assignment-mode -d 'spec.assignmentMode: Automatic or Manual' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l cidr -d 'Refused: a pool\'s cidr can never change (see `migrate`)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l block-size -d 'Refused: a pool\'s blockSize can never change (see `resize`)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -l force -d 'Go on where the command would refuse: a pool the Tigera operator manages (it reverts the change), or the last enabled pool of a family'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -s y -l yes -d 'Do not ask before a change that restarts pods or disables a pool in use'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand patch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand list" -s o -l output -d 'Output format: wide adds columns; json and yaml give every figure' -r -f -a "wide\t''
json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand list" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand list" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand list" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand list" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand list" -s h -l help -d 'Print help'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand show" -s o -l output -d 'Output format: wide lists every pod and node; json and yaml give every figure' -r -f -a "wide\t''
json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand show" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand show" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand show" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand show" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand show" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand show" -s h -l help -d 'Print help'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -l node -d 'The node the pod runs on, or would [default: a pod\'s spec.nodeName]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -s f -l filename -d 'Answer from these manifests instead of the cluster (files or directories; repeatable)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -s o -l output -d 'Print the answer as JSON or YAML' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -s n -l namespace -d 'Namespace of namespaced objects [default: the context\'s, else default]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand which" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l from -d 'The pool to move the pods off' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l to -d 'The pool to move them to (an existing one)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l to-cidr -d 'Create the pool to move them to, with this CIDR and the old pool\'s settings' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l name -d 'The name of the pool --to-cidr creates [default: the CIDR\'s, as the operator names pools: 10.250.0.0-16]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l block-size -d 'The blockSize of the pool --to-cidr creates [default: the old pool\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -s n -l namespace -d 'With --execute: recreate only the pods of this namespace (one wave); the old pool is deleted once a run finds no pod left in it' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -s l -l selector -d 'With --execute: recreate only the pods (and the owners of the pods) this label selector picks, as `kubectl get pods -l` does (e.g. app=web,tier!=db); combines with -n' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l dry-run -d 'With --execute: none writes; client prints each write and sends nothing; server sends each with dryRun=All. A dry run recreates no pod, so it stops after the first writes' -r -f -a "none\t''
client\t''
server\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l wait -d 'With --execute: how long to wait for an owner\'s pods to move (e.g. 90s, 5m)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -s o -l output -d 'Print the plan as JSON or YAML' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l abort -d 'Roll back a migration under way: enable the old pool again and restore the annotations it rewrote (pods that moved keep their new addresses)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l rewrite-annotations -d 'Rewrite the annotations (and CNI config) that name the old pool to the new one, as a step'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l delete-bare-pods -d 'Delete the pods no controller recreates (bare pods, pods of Jobs)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l execute -d 'Carry the plan out, step by step, each verified before the next; run again to resume'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -s y -l yes -d 'With --execute: do not ask before a step that disables a pool in use, or restarts or deletes pods'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -l force -d 'With --execute: delete the old pool even when its blocks still hold allocations'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l block-size -d 'The new blockSize' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l temp-cidr -d 'The CIDR of the temporary pool the pods move to meanwhile (overlapping no pool)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l temp-name -d 'The temporary pool\'s name [default: POOL-temp]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -s n -l namespace -d 'With --execute: recreate only the pods of this namespace (one wave); the old pool is deleted once a run finds no pod left in it' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -s l -l selector -d 'With --execute: recreate only the pods (and the owners of the pods) this label selector picks, as `kubectl get pods -l` does (e.g. app=web,tier!=db); combines with -n' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l dry-run -d 'With --execute: none writes; client prints each write and sends nothing; server sends each with dryRun=All. A dry run recreates no pod, so it stops after the first writes' -r -f -a "none\t''
client\t''
server\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l wait -d 'With --execute: how long to wait for an owner\'s pods to move (e.g. 90s, 5m)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -s o -l output -d 'Print the plan as JSON or YAML' -r -f -a "json\t''
yaml\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]' -r -F
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l context -d 'The kubeconfig context to use [default: the current context]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l user -d 'The kubeconfig user to use [default: the context\'s]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l request-timeout -d 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l abort -d 'Roll back a change under way as far as its phase allows: before the pool is deleted, it allocates again; while it is deleted, it is created again with its old blockSize'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l rewrite-annotations -d 'Rewrite the annotations (and CNI config) that name the old pool to the new one, as a step'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l delete-bare-pods -d 'Delete the pods no controller recreates (bare pods, pods of Jobs)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l execute -d 'Carry the plan out, step by step, each verified before the next; run again to resume'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -s y -l yes -d 'With --execute: do not ask before a step that disables a pool in use, or restarts or deletes pods'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -l force -d 'With --execute: delete the old pool even when its blocks still hold allocations'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand resize" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "lint" -d 'Scan manifest files and directories and report problems with IPPools'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "rules" -d 'List every rule'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "explain" -d 'Print one rule\'s documentation'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "plan" -d 'Offline capacity calculator: blocks, addresses and headroom per blockSize, and a recommended blockSize'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "assign" -d 'Name the pools new pods of a namespace, pod or workload draw from (CNI annotations)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "unassign" -d 'Remove the pool annotations from a namespace, pod or workload'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "enable" -d 'Enable a pool (spec.disabled: false)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "disable" -d 'Disable a pool (spec.disabled: true): no new addresses come from it'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "patch" -d 'Change a pool\'s mutable fields, checked by the lint rules before anything is sent'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "list" -d 'List the cluster\'s pools with their usage (blocks, addresses in use)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "show" -d 'Show one pool: effective spec, blocks per node, who names it, pods using it'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "which" -d 'Explain which pools a new pod of a pod, namespace or workload draws from, step by step in Calico\'s order, and the error Calico gives when none qualifies'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "migrate" -d 'Plan Calico\'s pool migration: every pod moved off a pool, checked before anything changes'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "resize" -d 'Plan Calico\'s block-size change: a pool re-created with another blockSize, its pods moved out through a temporary pool and back'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish or powershell)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan assign unassign enable disable patch list show which migrate resize completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
