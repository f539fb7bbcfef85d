# bash completion for ondeck(1)                                   -*- shell-script -*-
#
# Installed as $(datadir)/bash-completion/completions/ondeck; to try it from a source tree:
#   . completion/ondeck.bash
#
# Commands and options are read from `ondeck --help` and `ondeck COMMAND --help` (once per
# shell and binary), so new commands complete without editing this file. Cluster and service
# names come from the name cache that `ondeck clusters`, `status` and `metrics` keep
# ($ONDECK_NAME_CACHE, else $XDG_CACHE_HOME/ondeck/names, else ~/.cache/ondeck/names; see
# ondeck(1), FILES). Words from files and from the binary are matched by prefix here, never
# passed to compgen -W, so nothing in them is expanded.

_ondeck_themedir='@themedir@'

declare -gA _ondeck_help_cache 2>/dev/null || true

# _ondeck_help BIN [COMMAND]: the help text, cached per binary and command.
_ondeck_help()
{
    local key="$1|${2-}" text
    if [[ -z ${_ondeck_help_cache[$key]+set} ]]; then
        if [[ -n ${2-} ]]; then
            text=$("$1" "$2" --help 2>/dev/null </dev/null)
        else
            text=$("$1" --help 2>/dev/null </dev/null)
        fi
        _ondeck_help_cache[$key]=$text
    fi
    printf '%s\n' "${_ondeck_help_cache[$key]}"
}

# Commands: the first word of each line of the "Commands:" block.
_ondeck_commands()
{
    _ondeck_help "$1" | awk '/^Commands:/ { f = 1; next } f && /^$/ { exit }
        f && /^  [a-z]/ { print $1 }'
}

# Option specs, one per line: "--name" for a flag, "--name VALUE" when it takes a value (the
# word after an option in the help, unless it is another option, "|" or "...").
# Global options come from the "Global options:" block (the text before the description),
# a command's from its usage line.
_ondeck_option_specs()
{
    {
        _ondeck_help "$1" | awk '/^Global options:/ { f = 1; next } f && /^$/ { exit }
            f { sub(/^  /, ""); sub(/  .*/, ""); print }'
        [[ -n ${2-} ]] && _ondeck_help "$1" "$2" | awk 'NR == 1 { sub(/^usage: ondeck \[global options\] [^ ]*/, "") }
            /^$/ { exit } { print }'
        echo "--json"
    } | tr -d '[](),' | awk '{
        for (i = 1; i <= NF; i++) {
            if ($i !~ /^--[a-z]/) continue
            if (i < NF && $(i + 1) !~ /^-/ && $(i + 1) != "|" && $(i + 1) != "...")
                print $i, $(i + 1)
            else
                print $i
        }
    }' | awk '!seen[$1]++'
}

# _ondeck_add CUR WORD...: add the words that start with CUR to COMPREPLY.
_ondeck_add()
{
    local cur=$1 w
    shift
    for w in "$@"; do
        [[ $w == "$cur"* ]] && COMPREPLY+=("$w")
    done
}

_ondeck_cache_file()
{
    local f=${ONDECK_NAME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ondeck/names}
    [[ ${ONDECK_NAME_CACHE-} == off ]] && return 1
    [[ -r $f ]] && printf '%s\n' "$f"
}

# _ondeck_names KIND PROFILE REGION CLUSTER: cached names (c = clusters, s = services, r =
# regions), those of the profile and region first; all of them when none match.
_ondeck_names()
{
    local want=$1 profile=$2 region=$3 cluster=$4 f kind p r c s
    local -a mine=() all=()
    f=$(_ondeck_cache_file) || return 0
    [[ -n $f ]] || return 0
    while read -r kind p r c s; do
        case $want in
        c) [[ $kind == c ]] || continue; s=$c ;;
        s) [[ $kind == s ]] || continue
           [[ -z $cluster || $c == "$cluster" ]] || continue ;;
        r) s=$r ;;
        esac
        [[ $s =~ ^[A-Za-z0-9._@+-]+$ ]] || continue
        all+=("$s")
        [[ $p == "$profile" && ( -z $region || $r == "$region" ) ]] && mine+=("$s")
    done <"$f"
    if ((${#mine[@]})); then
        printf '%s\n' "${mine[@]}" | sort -u
    elif ((${#all[@]})); then
        printf '%s\n' "${all[@]}" | sort -u
    fi
}

_ondeck_profiles()
{
    local f line
    for f in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" \
        "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
        [[ -r $f ]] || continue
        while IFS= read -r line; do
            [[ $line =~ ^\[[[:space:]]*(profile[[:space:]]+)?([A-Za-z0-9._@+-]+)[[:space:]]*\]$ ]] &&
                printf '%s\n' "${BASH_REMATCH[2]}"
        done <"$f"
    done | sort -u
}

_ondeck_themes()
{
    local t
    for t in "$_ondeck_themedir"/*.theme; do
        [[ -f $t ]] || continue
        t=${t##*/}
        printf '%s\n' "${t%.theme}"
    done
}

# _ondeck_values OPTION CUR VALUE-SPEC: complete the value of an option.
_ondeck_values()
{
    local opt=$1 cur=$2 spec=$3
    local -a words=()
    case $opt in
    --profile) mapfile -t words < <(_ondeck_profiles) ;;
    --region) mapfile -t words < <(_ondeck_names r "" "" "") ;;
    --cluster) mapfile -t words < <(_ondeck_names c "$_ondeck_profile" "$_ondeck_region" "") ;;
    --service) mapfile -t words < <(_ondeck_names s "$_ondeck_profile" "$_ondeck_region" \
        "$_ondeck_cluster") ;;
    --theme) mapfile -t words < <(_ondeck_themes) ;;
    --config | --file | --*-file)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        compopt -o filenames 2>/dev/null
        return ;;
    *)
        # Fixed choices such as "text|json"; placeholders such as "10m|ISO" offer nothing.
        if [[ $spec =~ ^[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)+$ ]]; then
            IFS='|' read -r -a words <<<"$spec"
        fi ;;
    esac
    _ondeck_add "$cur" "${words[@]}"
}

_ondeck()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= bin=${COMP_WORDS[0]} cmd= i w opt spec
    local -A takes=()
    local -a specs=() opts=()
    # Seen by _ondeck_values through bash's dynamic scoping.
    local _ondeck_profile _ondeck_region _ondeck_cluster
    _ondeck_profile=${AWS_DEFAULT_PROFILE:-${AWS_PROFILE:-default}}
    _ondeck_region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
    _ondeck_cluster=
    COMPREPLY=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    bin=${bin/#\~/$HOME}
    if [[ $bin == */* ]]; then
        [[ -x $bin ]] || bin=ondeck
    fi
    type -P "$bin" >/dev/null 2>&1 || [[ -x $bin ]] || return 0

    # The command and the values already given, from the words before the cursor.
    mapfile -t specs < <(_ondeck_option_specs "$bin")
    for spec in "${specs[@]}"; do
        [[ $spec == *' '* ]] && takes[${spec%% *}]=1
    done
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == --* && ${COMP_WORDS[i + 1]-} == = ]]; then
            opt=$w; w=${COMP_WORDS[i + 2]-}; ((i += 2))
        elif [[ -n ${takes[$w]-} ]]; then
            opt=$w; w=${COMP_WORDS[i + 1]-}; ((i += 1))
        elif [[ $w != -* && -z $cmd ]]; then
            cmd=$w
            mapfile -t specs < <(_ondeck_option_specs "$bin" "$cmd")
            for spec in "${specs[@]}"; do
                [[ $spec == *' '* ]] && takes[${spec%% *}]=1
            done
            continue
        else
            continue
        fi
        ((i < COMP_CWORD)) || break
        case $opt in
        --profile) _ondeck_profile=$w ;;
        --region) _ondeck_region=$w ;;
        --cluster) _ondeck_cluster=$w ;;
        esac
    done

    # --opt=VALUE (COMP_WORDBREAKS splits at '=') and --opt VALUE.
    opt=
    if [[ $cur == = && $prev == --* ]]; then
        opt=$prev; cur=
    elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ -n ${takes[$prev]-} ]]; then
        opt=$prev
    fi
    if [[ -n $opt ]]; then
        for spec in "${specs[@]}"; do
            [[ ${spec%% *} == "$opt" ]] && break
        done
        _ondeck_values "$opt" "$cur" "${spec#* }"
        return 0
    fi

    if [[ $cur == -* ]]; then
        for spec in "${specs[@]}"; do
            opts+=("${spec%% *}")
        done
        _ondeck_add "$cur" "${opts[@]}"
    elif [[ -z $cmd ]]; then
        mapfile -t opts < <(_ondeck_commands "$bin")
        _ondeck_add "$cur" "${opts[@]}"
    fi
    return 0
}

complete -F _ondeck ondeck
