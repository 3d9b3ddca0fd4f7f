
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-ippool' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-ippool'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-ippool' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Scan manifest files and directories and report problems with IPPools')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print one rule''s documentation')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Offline capacity calculator: blocks, addresses and headroom per blockSize, and a recommended blockSize')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Name the pools new pods of a namespace, pod or workload draw from (CNI annotations)')
            [CompletionResult]::new('unassign', 'unassign', [CompletionResultType]::ParameterValue, 'Remove the pool annotations from a namespace, pod or workload')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a pool (spec.disabled: false)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a pool (spec.disabled: true): no new addresses come from it')
            [CompletionResult]::new('patch', 'patch', [CompletionResultType]::ParameterValue, 'Change a pool''s mutable fields, checked by the lint rules before anything is sent')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the cluster''s pools with their usage (blocks, addresses in use)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one pool: effective spec, blocks per node, who names it, pods using it')
            [CompletionResult]::new('which', 'which', [CompletionResultType]::ParameterValue, 'Explain which pools a new pod of a pod, namespace or workload draws from, step by step in Calico''s order, and the error Calico gives when none qualifies')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Plan Calico''s pool migration: every pod moved off a pool, checked before anything changes')
            [CompletionResult]::new('resize', 'resize', [CompletionResultType]::ParameterValue, 'Plan Calico''s block-size change: a pool re-created with another blockSize, its pods moved out through a temporary pool and back')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish or powershell)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ippool;lint' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: human; github when GITHUB_ACTIONS=true]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: human; github when GITHUB_ACTIONS=true]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human; github when GITHUB_ACTIONS=true]')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a diagnostic of this severity or higher is reported')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Only run these rules (code or name; repeatable or comma-separated)')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Skip these rules (code or name; repeatable or comma-separated)')
            [CompletionResult]::new('--extend-select', '--extend-select', [CompletionResultType]::ParameterName, 'Run these rules too, besides those --select or the config file choose')
            [CompletionResult]::new('--extend-ignore', '--extend-ignore', [CompletionResultType]::ParameterName, 'Skip these rules too, besides those --ignore or the config file skip')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only read files below directories that match these globs (default: *.yaml, *.yml, *.json)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip files and directories that match these globs, relative to the PATH argument')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest .ippool-lint.yaml from the working directory upward]')
            [CompletionResult]::new('--calico-version', '--calico-version', [CompletionResultType]::ParameterName, 'Calico release whose rules apply: 3.28 to 3.32, 3.33 (= master, unreleased), or latest (3.32) [default: latest]')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Number of nodes, for the capacity rules when the inputs hold no Node manifests')
            [CompletionResult]::new('--pods-per-node', '--pods-per-node', [CompletionResultType]::ParameterName, 'Pods per node [default: a KubeletConfiguration maxPods in the inputs, else 110]')
            [CompletionResult]::new('--max-blocks-per-host', '--max-blocks-per-host', [CompletionResultType]::ParameterName, 'Calico''s per-node block limit [default: an IPAMConfig in the inputs, else 20]')
            [CompletionResult]::new('--cluster-cidr', '--cluster-cidr', [CompletionResultType]::ParameterName, 'Cluster (pod) CIDR, in addition to those the inputs declare (repeatable)')
            [CompletionResult]::new('--service-cidr', '--service-cidr', [CompletionResultType]::ParameterName, 'Service CIDR, in addition to those the inputs declare (repeatable)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Threads that read and check files [default: the CPUs this process may use]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads that read and check files [default: the CPUs this process may use]')
            [CompletionResult]::new('--helm-values', '--helm-values', [CompletionResultType]::ParameterName, 'Values file for `helm template` when a Helm chart in the tree is rendered (repeatable)')
            [CompletionResult]::new('--stdin-filename', '--stdin-filename', [CompletionResultType]::ParameterName, 'The file name findings in stdin (`-`) are reported at [default: <stdin>]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is honoured in auto; FORCE_COLOR and CLICOLOR_FORCE turn them on)')
            [CompletionResult]::new('--cluster-dump', '--cluster-dump', [CompletionResultType]::ParameterName, 'Read the cluster''s state from this file instead (a recorded `kubectl get … -o yaml` of ippools, ipamblocks, blockaffinities, ipamconfigs, nodes, namespaces and pods)')
            [CompletionResult]::new('--exhaustion-threshold', '--exhaustion-threshold', [CompletionResultType]::ParameterName, 'Percent of a pool''s addresses (or blocks) in use from which it counts as nearly exhausted')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no settings file, not even the nearest .ippool-lint.yaml')
            [CompletionResult]::new('--no-skip', '--no-skip', [CompletionResultType]::ParameterName, 'Parse every document fully, also those no rule reads (reports their syntax errors too; slower on large trees)')
            [CompletionResult]::new('--tracked-only', '--tracked-only', [CompletionResultType]::ParameterName, 'In a git work tree, read below directories only the files git tracks or has staged (as the whole-tree pre-commit hook does); files named on the command line are read anyway')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Lint a directory argument that holds a kustomization as `kubectl kustomize` builds it, instead of its files')
            [CompletionResult]::new('--fail-if-no-files', '--fail-if-no-files', [CompletionResultType]::ParameterName, 'Exit 2 when no file is linted (an empty tree, an --include that matches nothing), which otherwise is only a warning')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Apply the safe fixes (case of a mode or field, a quoted number or boolean) to the files, changing only the flagged values, then report what is left')
            [CompletionResult]::new('--unsafe-fixes', '--unsafe-fixes', [CompletionResultType]::ParameterName, 'Also apply the fixes that guess at the meaning (mask a CIDR''s host bits, rename a near-miss annotation key or field); with --fix or --diff')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Print the fixes as a unified diff instead of writing them; exit 1 when there is one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print the findings only: no summary line, notes or warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print the findings only: no summary line, notes or warnings')
            [CompletionResult]::new('--statistics', '--statistics', [CompletionResultType]::ParameterName, 'Print the number of findings of each rule instead of the findings')
            [CompletionResult]::new('--show-files', '--show-files', [CompletionResultType]::ParameterName, 'Print each file that would be read (and, for each, the documents the quick scan would pass over) instead of linting')
            [CompletionResult]::new('--show-config', '--show-config', [CompletionResultType]::ParameterName, 'Print the settings the run would use (rules, versions, cluster facts given, the settings file) instead of linting')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Also read the live cluster: lint its pools, IPAM blocks, nodes, namespaces, pods and workloads, and check the manifests (PATHs) against it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;rules' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-ippool;explain' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-ippool;plan' {
            [CompletionResult]::new('--cidr', '--cidr', [CompletionResultType]::ParameterName, 'The pool CIDR, strictly masked (e.g. 10.244.0.0/16 or fd00:10:244::/56)')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Number of nodes the pool serves')
            [CompletionResult]::new('--pods-per-node', '--pods-per-node', [CompletionResultType]::ParameterName, 'Pods per node (the kubelet''s maxPods)')
            [CompletionResult]::new('--block-size', '--block-size', [CompletionResultType]::ParameterName, 'Judge only this blockSize')
            [CompletionResult]::new('--max-blocks-per-host', '--max-blocks-per-host', [CompletionResultType]::ParameterName, 'Calico''s per-node block limit (IPAMConfig maxBlocksPerHost; 0 means Calico''s default, 20)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;assign' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Replace a pool annotation that already has another value')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;unassign' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-ippool;enable' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on where the command would refuse: a pool the Tigera operator manages (it reverts the change), or the last enabled pool of a family')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-ippool;disable' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on where the command would refuse: a pool the Tigera operator manages (it reverts the change), or the last enabled pool of a family')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;patch' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'none: write; client: print the change and send nothing; server: let the API server check and show the change, storing nothing')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the changed object instead of a one-line summary')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--nat-outgoing', '--nat-outgoing', [CompletionResultType]::ParameterName, 'spec.natOutgoing')
            [CompletionResult]::new('--ipip-mode', '--ipip-mode', [CompletionResultType]::ParameterName, 'spec.ipipMode: Never, Always or CrossSubnet')
            [CompletionResult]::new('--vxlan-mode', '--vxlan-mode', [CompletionResultType]::ParameterName, 'spec.vxlanMode: Never, Always or CrossSubnet')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'spec.nodeSelector, a Calico selector (e.g. "all()", "zone == ''a''")')
            [CompletionResult]::new('--namespace-selector', '--namespace-selector', [CompletionResultType]::ParameterName, 'spec.namespaceSelector, a Calico selector ("" removes it)')
            [CompletionResult]::new('--disable-bgp-export', '--disable-bgp-export', [CompletionResultType]::ParameterName, 'spec.disableBGPExport')
            [CompletionResult]::new('--allowed-uses', '--allowed-uses', [CompletionResultType]::ParameterName, 'spec.allowedUses: Workload, Tunnel, LoadBalancer (comma-separated)')
            [CompletionResult]::new('--assignment-mode', '--assignment-mode', [CompletionResultType]::ParameterName, 'spec.assignmentMode: Automatic or Manual')
            [CompletionResult]::new('--cidr', '--cidr', [CompletionResultType]::ParameterName, 'Refused: a pool''s cidr can never change (see `migrate`)')
            [CompletionResult]::new('--block-size', '--block-size', [CompletionResultType]::ParameterName, 'Refused: a pool''s blockSize can never change (see `resize`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on where the command would refuse: a pool the Tigera operator manages (it reverts the change), or the last enabled pool of a family')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before a change that restarts pods or disables a pool in use')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: wide adds columns; json and yaml give every figure')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: wide adds columns; json and yaml give every figure')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-ippool;show' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: wide lists every pod and node; json and yaml give every figure')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: wide lists every pod and node; json and yaml give every figure')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-ippool;which' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'The node the pod runs on, or would [default: a pod''s spec.nodeName]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Answer from these manifests instead of the cluster (files or directories; repeatable)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Answer from these manifests instead of the cluster (files or directories; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the answer as JSON or YAML')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the answer as JSON or YAML')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of namespaced objects [default: the context''s, else default]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;migrate' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The pool to move the pods off')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The pool to move them to (an existing one)')
            [CompletionResult]::new('--to-cidr', '--to-cidr', [CompletionResultType]::ParameterName, 'Create the pool to move them to, with this CIDR and the old pool''s settings')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The name of the pool --to-cidr creates [default: the CIDR''s, as the operator names pools: 10.250.0.0-16]')
            [CompletionResult]::new('--block-size', '--block-size', [CompletionResultType]::ParameterName, 'The blockSize of the pool --to-cidr creates [default: the old pool''s]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods of this namespace (one wave); the old pool is deleted once a run finds no pod left in it')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods of this namespace (one wave); the old pool is deleted once a run finds no pod left in it')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods (and the owners of the pods) this label selector picks, as `kubectl get pods -l` does (e.g. app=web,tier!=db); combines with -n')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods (and the owners of the pods) this label selector picks, as `kubectl get pods -l` does (e.g. app=web,tier!=db); combines with -n')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --execute: none writes; client prints each write and sends nothing; server sends each with dryRun=All. A dry run recreates no pod, so it stops after the first writes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --execute: how long to wait for an owner''s pods to move (e.g. 90s, 5m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the plan as JSON or YAML')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the plan as JSON or YAML')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('--abort', '--abort', [CompletionResultType]::ParameterName, 'Roll back a migration under way: enable the old pool again and restore the annotations it rewrote (pods that moved keep their new addresses)')
            [CompletionResult]::new('--rewrite-annotations', '--rewrite-annotations', [CompletionResultType]::ParameterName, 'Rewrite the annotations (and CNI config) that name the old pool to the new one, as a step')
            [CompletionResult]::new('--delete-bare-pods', '--delete-bare-pods', [CompletionResultType]::ParameterName, 'Delete the pods no controller recreates (bare pods, pods of Jobs)')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Carry the plan out, step by step, each verified before the next; run again to resume')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'With --execute: do not ask before a step that disables a pool in use, or restarts or deletes pods')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --execute: do not ask before a step that disables a pool in use, or restarts or deletes pods')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --execute: delete the old pool even when its blocks still hold allocations')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;resize' {
            [CompletionResult]::new('--block-size', '--block-size', [CompletionResultType]::ParameterName, 'The new blockSize')
            [CompletionResult]::new('--temp-cidr', '--temp-cidr', [CompletionResultType]::ParameterName, 'The CIDR of the temporary pool the pods move to meanwhile (overlapping no pool)')
            [CompletionResult]::new('--temp-name', '--temp-name', [CompletionResultType]::ParameterName, 'The temporary pool''s name [default: POOL-temp]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods of this namespace (one wave); the old pool is deleted once a run finds no pod left in it')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods of this namespace (one wave); the old pool is deleted once a run finds no pod left in it')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods (and the owners of the pods) this label selector picks, as `kubectl get pods -l` does (e.g. app=web,tier!=db); combines with -n')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'With --execute: recreate only the pods (and the owners of the pods) this label selector picks, as `kubectl get pods -l` does (e.g. app=web,tier!=db); combines with -n')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --execute: none writes; client prints each write and sends nothing; server sends each with dryRun=All. A dry run recreates no pod, so it stops after the first writes')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --execute: how long to wait for an owner''s pods to move (e.g. 90s, 5m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the plan as JSON or YAML')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the plan as JSON or YAML')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: $KUBECONFIG, several files merged as kubectl does, else ~/.kube/config; inside a pod, its service account]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: the current context]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The kubeconfig user to use [default: the context''s]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 5s, 2m, 1h30m; 0 waits as long as it takes)')
            [CompletionResult]::new('--abort', '--abort', [CompletionResultType]::ParameterName, 'Roll back a change under way as far as its phase allows: before the pool is deleted, it allocates again; while it is deleted, it is created again with its old blockSize')
            [CompletionResult]::new('--rewrite-annotations', '--rewrite-annotations', [CompletionResultType]::ParameterName, 'Rewrite the annotations (and CNI config) that name the old pool to the new one, as a step')
            [CompletionResult]::new('--delete-bare-pods', '--delete-bare-pods', [CompletionResultType]::ParameterName, 'Delete the pods no controller recreates (bare pods, pods of Jobs)')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Carry the plan out, step by step, each verified before the next; run again to resume')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'With --execute: do not ask before a step that disables a pool in use, or restarts or deletes pods')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'With --execute: do not ask before a step that disables a pool in use, or restarts or deletes pods')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --execute: delete the old pool even when its blocks still hold allocations')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;completion' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-ippool;help' {
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Scan manifest files and directories and report problems with IPPools')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print one rule''s documentation')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Offline capacity calculator: blocks, addresses and headroom per blockSize, and a recommended blockSize')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Name the pools new pods of a namespace, pod or workload draw from (CNI annotations)')
            [CompletionResult]::new('unassign', 'unassign', [CompletionResultType]::ParameterValue, 'Remove the pool annotations from a namespace, pod or workload')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a pool (spec.disabled: false)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a pool (spec.disabled: true): no new addresses come from it')
            [CompletionResult]::new('patch', 'patch', [CompletionResultType]::ParameterValue, 'Change a pool''s mutable fields, checked by the lint rules before anything is sent')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the cluster''s pools with their usage (blocks, addresses in use)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one pool: effective spec, blocks per node, who names it, pods using it')
            [CompletionResult]::new('which', 'which', [CompletionResultType]::ParameterValue, 'Explain which pools a new pod of a pod, namespace or workload draws from, step by step in Calico''s order, and the error Calico gives when none qualifies')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Plan Calico''s pool migration: every pod moved off a pool, checked before anything changes')
            [CompletionResult]::new('resize', 'resize', [CompletionResultType]::ParameterValue, 'Plan Calico''s block-size change: a pool re-created with another blockSize, its pods moved out through a temporary pool and back')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish or powershell)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ippool;help;lint' {
            break
        }
        'kubectl-ippool;help;rules' {
            break
        }
        'kubectl-ippool;help;explain' {
            break
        }
        'kubectl-ippool;help;plan' {
            break
        }
        'kubectl-ippool;help;assign' {
            break
        }
        'kubectl-ippool;help;unassign' {
            break
        }
        'kubectl-ippool;help;enable' {
            break
        }
        'kubectl-ippool;help;disable' {
            break
        }
        'kubectl-ippool;help;patch' {
            break
        }
        'kubectl-ippool;help;list' {
            break
        }
        'kubectl-ippool;help;show' {
            break
        }
        'kubectl-ippool;help;which' {
            break
        }
        'kubectl-ippool;help;migrate' {
            break
        }
        'kubectl-ippool;help;resize' {
            break
        }
        'kubectl-ippool;help;completion' {
            break
        }
        'kubectl-ippool;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
