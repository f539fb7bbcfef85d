#!/usr/bin/env bash
# Shell completion end to end: `ondeck clusters` and `ondeck status` fill the name cache from
# a moto world, and the bash (and, when installed, zsh) completion offer commands, each
# command's own options, option values, and the cluster and service names of that world.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"
. "$ONDECK_SRCDIR/tests/lib/moto.sh"

# The installed copies (themes directory filled in) when built, else the sources.
BASH_COMP=$ONDECK_BUILDDIR/completion/bash/ondeck
[ -f "$BASH_COMP" ] || BASH_COMP=$ONDECK_SRCDIR/completion/ondeck.bash
ZSH_COMP=$ONDECK_BUILDDIR/completion/zsh/_ondeck
[ -f "$ZSH_COMP" ] || ZSH_COMP=$ONDECK_SRCDIR/completion/_ondeck

moto_start || tap_bail "moto did not start"
seed_world --size small >"$TAP_TMPDIR/world.json" || tap_bail "seeding failed"
export XDG_CACHE_HOME=$TAP_TMPDIR/cache
unset ONDECK_NAME_CACHE AWS_DEFAULT_PROFILE
CACHE=$XDG_CACHE_HOME/ondeck/names

# complete_bash WORD...: what bash offers for the last word (one per line, sorted).
complete_bash()
{
    bash --norc --noprofile -c '
        . "$1" || exit 1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        _ondeck
        ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BASH_COMP" "$@"
}

# The commands as `ondeck --help` lists them: completion must offer every one.
mapfile -t help_cmds < <("$ONDECK" --help | awk '/^Commands:/ { f = 1; next } f && /^$/ { exit }
    f { print $1 }')
tap_ok '[ ${#help_cmds[@]} -ge 5 ]' "ondeck --help lists the commands (${help_cmds[*]})"

# --- the name cache -----------------------------------------------------------------------
ONDECK_NAME_CACHE=off "$ONDECK" clusters >/dev/null 2>&1
tap_ok '[ ! -e "$CACHE" ]' "ONDECK_NAME_CACHE=off writes nothing"
"$ONDECK" clusters >/dev/null 2>"$TAP_TMPDIR/err"
tap_ok $? "ondeck clusters succeeds"
tap_ok '[ -f "$CACHE" ]' "ondeck clusters creates the name cache"
tap_like "$(cat "$CACHE" 2>/dev/null)" $'\nc default us-east-1 prod\n' "the cache holds cluster prod"
"$ONDECK" status --cluster prod >/dev/null 2>&1
"$ONDECK" status --cluster legacy >/dev/null 2>&1
tap_is "$(grep -c '^s default us-east-1 prod ' "$CACHE")" 3 "status --cluster prod records its 3 services"
tap_ok 'grep -q "^s default us-east-1 legacy legacy-web$" "$CACHE"' "and legacy's service"
before=$(cat "$CACHE")
"$ONDECK" status --cluster nope >/dev/null 2>&1
tap_is "$(cat "$CACHE")" "$before" "a cluster that failed to load changes nothing"
perm=$(stat -c %a "$CACHE")
tap_is "$perm" 600 "the cache file is private"

# --- bash ---------------------------------------------------------------------------------
got=$(complete_bash "$ONDECK" "")
missing=
for c in "${help_cmds[@]}"; do
    grep -qx -- "$c" <<<"$got" || missing="$missing $c"
done
tap_is "$missing" "" "bash: an empty word offers every command of ondeck --help"
tap_is "$(complete_bash "$ONDECK" sta)" "status" "bash: 'sta' completes to status"
tap_is "$(complete_bash "$ONDECK" status --cl)" "--cluster" "bash: status --cl → --cluster"
got=$(complete_bash "$ONDECK" status --)
tap_like "$got" $'(^|\n)--service\n' "bash: status offers its own --service"
tap_like "$got" $'(^|\n)--stats(\n|$)' "bash: and --stats"
tap_like "$got" $'(^|\n)--profile\n' "bash: and the global options"
tap_is "$(complete_bash "$ONDECK" whoami --st)" "" "bash: whoami does not offer status's --stats"
# Every option of every command's usage (which may run over several lines) is offered.
missing=
for c in "${help_cmds[@]}"; do
    got=$(complete_bash "$ONDECK" "$c" --)
    for o in $("$ONDECK" "$c" --help | awk '/^$/ { exit } { print }' | grep -oE -- '--[a-z][a-z-]*'); do
        grep -qx -- "$o" <<<"$got" || missing="$missing $c:$o"
    done
done
tap_is "$missing" "" "bash: every option in each command's usage is offered"
tap_is "$(complete_bash "$ONDECK" status --cluster "" | tr '\n' ' ')" "legacy prod " \
    "bash: --cluster offers the cached clusters"
tap_is "$(complete_bash "$ONDECK" --cluster prod status --service "" | tr '\n' ' ')" \
    "api web worker " "bash: --service offers the services of the --cluster given"
tap_is "$(complete_bash "$ONDECK" metrics --cluster legacy --service "")" "legacy-web" \
    "bash: services follow the cluster"
tap_is "$(complete_bash "$ONDECK" --output "" | tr '\n' ' ')" "json text " \
    "bash: --output offers text and json"
tap_is "$(complete_bash "$ONDECK" --output = j)" "json" "bash: --output=j → json"

# Profiles from the AWS config files; names scoped by profile.
printf '[default]\nregion = us-east-1\n[profile staging]\nregion = us-east-1\n' >"$AWS_CONFIG_FILE"
printf '[ops]\naws_access_key_id = x\n' >"$AWS_SHARED_CREDENTIALS_FILE"
tap_is "$(complete_bash "$ONDECK" --profile "" | tr '\n' ' ')" "default ops staging " \
    "bash: --profile offers the profiles of both AWS files"
printf 'c staging us-east-1 stg-cluster\nc default us-east-1 x$(touch${IFS}%s/pwned)\n' \
    "$TAP_TMPDIR" >>"$CACHE"
tap_is "$(complete_bash "$ONDECK" --profile staging status --cluster "")" "stg-cluster" \
    "bash: --cluster offers the names of the --profile given"
got=$(complete_bash "$ONDECK" status --cluster x)
tap_is "$got" "" "bash: a cached name with shell syntax is never offered"
tap_ok '[ ! -e "$TAP_TMPDIR/pwned" ]' "bash: and nothing in the cache is executed"

# --- zsh ----------------------------------------------------------------------------------
# Drive the completion function with the completion builtins replaced by stubs that print
# what they were given.
complete_zsh()
{
    zsh -f -c '
        compadd() { while (( $# )) && [[ $1 != -- ]]; do shift; done; shift; print -rl -- "$@"; }
        _describe() { print -rl -- ${(P)2}; }
        _files() { print -r -- "(files)"; }
        _message() { :; }
        compset() { :; }
        file=$1; shift
        words=("$@"); CURRENT=$#
        source $file' zsh "$ZSH_COMP" "$@" | sort
}

if command -v zsh >/dev/null 2>&1; then
    got=$(complete_zsh "$ONDECK" "")
    missing=
    for c in "${help_cmds[@]}"; do
        grep -q "^$c:" <<<"$got" || missing="$missing $c"
    done
    tap_is "$missing" "" "zsh: every command of ondeck --help, with its summary"
    tap_like "$got" $'(^|\n)status:services' "zsh: the summary comes from ondeck --help"
    got=$(complete_zsh "$ONDECK" status --)
    tap_like "$got" $'(^|\n)--stats\n' "zsh: status offers --stats"
    tap_ok '! grep -qx -- --stats <<<"$(complete_zsh "$ONDECK" whoami --)"' \
        "zsh: whoami does not"
    tap_is "$(complete_zsh "$ONDECK" --cluster prod status --service "" | tr '\n' ' ')" \
        "api web worker " "zsh: --service offers the services of the --cluster given"
    tap_is "$(complete_zsh "$ONDECK" status --cluster "" | tr '\n' ' ')" "legacy prod " \
        "zsh: --cluster offers the cached clusters, not the unsafe one"
    tap_is "$(complete_zsh "$ONDECK" --output "" | tr '\n' ' ')" "json text " \
        "zsh: --output offers text and json"
    tap_is "$(complete_zsh "$ONDECK" --profile "" | tr '\n' ' ')" "default ops staging " \
        "zsh: --profile offers the profiles of both AWS files"
    tap_is "$(complete_zsh "$ONDECK" --config "")" "(files)" "zsh: --config completes files"
else
    tap_skip "zsh completion" "zsh is not installed"
fi
tap_done
