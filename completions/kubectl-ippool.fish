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
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish or powershell)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -s o -l output -l format -d 'Output format' -r -f -a "human\t''
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
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l calico-version -d 'Calico release whose rules apply (MAJOR.MINOR, 3.28 to 3.33; default: the newest release)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l nodes -d 'Number of nodes, for the capacity rules when the inputs hold no Node manifests' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l pods-per-node -d 'Pods per node [default: a KubeletConfiguration maxPods in the inputs, else 110]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l max-blocks-per-host -d 'Calico\'s per-node block limit [default: an IPAMConfig in the inputs, else 20]' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l cluster-cidr -d 'Cluster (pod) CIDR, in addition to those the inputs declare (repeatable)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l service-cidr -d 'Service CIDR, in addition to those the inputs declare (repeatable)' -r
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l color -d 'When to use colors (NO_COLOR is honoured in auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand lint" -l no-skip -d 'Parse every document fully, also those no rule reads (reports their syntax errors too; slower on large trees)'
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
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan completion help" -f -a "lint" -d 'Scan manifest files and directories and report problems with IPPools'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan completion help" -f -a "rules" -d 'List every rule'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan completion help" -f -a "explain" -d 'Print one rule\'s documentation'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan completion help" -f -a "plan" -d 'Offline capacity calculator: blocks, addresses and headroom per blockSize, and a recommended blockSize'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan completion help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish or powershell)'
complete -c kubectl-ippool -n "__fish_kubectl_ippool_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain plan completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
