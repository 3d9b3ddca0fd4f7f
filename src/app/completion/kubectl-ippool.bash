# bash completion for kubectl-ippool. The binary answers: `kubectl-ippool __complete WORDS…`
# prints one candidate per line (`value<TAB>description`), then `:<directive>`, so subcommands,
# flags, values and rule codes always match the binary that is installed.
#
# Install: kubectl-ippool completion bash > ~/.local/share/bash-completion/completions/kubectl-ippool
_kubectl_ippool() {
    local line=${COMP_LINE:0:COMP_POINT}
    local -a words
    read -ra words <<<"$line"
    # A blank before the cursor starts a new, empty word.
    [[ $line =~ [[:space:]]$ ]] && words+=("")
    local current=${COMP_WORDS[COMP_CWORD]}
    # bash splits `--select=IPP1` at `=`: it replaces only the part after it.
    local full=${words[${#words[@]} - 1]}
    local strip=${full%"$current"}
    local out
    out=$("${words[0]}" __complete "${words[@]:1}" 2>/dev/null) || return 0
    local directive=${out##*:}
    COMPREPLY=()
    local candidate
    while IFS= read -r candidate; do
        [[ -z $candidate || $candidate == :* ]] && continue
        candidate=${candidate%%$'\t'*}
        COMPREPLY+=("${candidate#"$strip"}")
    done <<<"$out"
    # Directive 4 (cobra's NoFileComp): only these. Otherwise, with no candidate, file names.
    if ((${#COMPREPLY[@]} == 0 && (directive & 4) == 0)); then
        compopt -o default 2>/dev/null
    else
        compopt +o default 2>/dev/null
    fi
    return 0
}
complete -F _kubectl_ippool kubectl-ippool
