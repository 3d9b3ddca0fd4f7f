# fish completion for kubectl-ippool. The binary answers: `kubectl-ippool __complete WORDS…`
# prints one candidate per line (`value<TAB>description`), then `:<directive>`, so subcommands,
# flags, values and rule codes always match the binary that is installed.
#
# Install: kubectl-ippool completion fish > ~/.config/fish/completions/kubectl-ippool.fish
function __kubectl_ippool_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l directive 0
    set -l found 0
    for line in ($words[1] __complete $words[2..-1] $current 2>/dev/null)
        if string match -q -- ':*' $line
            set directive (string sub -s 2 -- $line)
        else if test -n "$line"
            printf '%s\n' $line
            set found 1
        end
    end
    # Directive 4 (cobra's NoFileComp): only these. Otherwise, with no candidate, file names.
    if test $found -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path $current
    end
end
complete -c kubectl-ippool -f -a '(__kubectl_ippool_complete)'
