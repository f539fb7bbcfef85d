# tests/lib/tap.sh - TAP helpers for ondeck's shell tests (sourced, bash only).
#
# Every shell test under tests/ speaks TAP (automake's tap-driver.sh reads it):
#
#   . "$ONDECK_SRCDIR/tests/lib/tap.sh"
#   tap_ok '[ -s "$TAP_TMPDIR/out" ]' "output written"   # COND: a shell expression ...
#   some_command; tap_ok $? "command succeeded"           # ... or an exit status (0 = ok)
#   tap_is "$got" "want" "description"
#   tap_like "$text" 'ERE' "description"
#   tap_skip "description" "reason"
#   tap_require tmux                                      # bails out (fails) if tmux is missing
#   tap_done                                              # prints the plan "1..N"
#
# TAP_TMPDIR is a private temporary directory, removed when the test exits (kept when
# ONDECK_KEEP_TMP=1, and its path is then printed as a TAP comment). Cleanup actions of the
# other helpers (moto_stop, proxy_stop) run from the same EXIT trap through tap_atexit.

if [ -z "${BASH_VERSION:-}" ]; then
    echo "Bail out! tests/lib/tap.sh needs bash" >&2
    exit 1
fi

TAP_N=0
TAP_FAILED=0

# One EXIT trap for everything: cleanup commands run in reverse order of registration.
# moto.sh defines the same function when sourced alone; whichever comes first wins.
if ! declare -F od_atexit >/dev/null; then
    OD_ATEXIT=()
    od_atexit() { OD_ATEXIT+=("$*"); }
    od_run_atexit()
    {
        local i
        for ((i = ${#OD_ATEXIT[@]} - 1; i >= 0; i--)); do
            eval "${OD_ATEXIT[i]}" || true
        done
        OD_ATEXIT=()
    }
    trap 'od_run_atexit' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
fi

TAP_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/ondeck-test.XXXXXX")
export TAP_TMPDIR
tap_cleanup_tmp()
{
    if [ "${ONDECK_KEEP_TMP:-0}" = 1 ]; then
        echo "# kept temp dir: $TAP_TMPDIR"
    else
        rm -rf -- "$TAP_TMPDIR"
    fi
}
od_atexit tap_cleanup_tmp

# tap_diag LINE...: TAP comments, one per argument and line (shown in the .log only).
tap_diag()
{
    local line
    printf '%s\n' "$@" | while IFS= read -r line; do printf '# %s\n' "$line"; done
}

tap_result()
{
    local ok=$1 desc=$2
    TAP_N=$((TAP_N + 1))
    if [ "$ok" = 0 ]; then
        printf 'ok %d - %s\n' "$TAP_N" "$desc"
    else
        printf 'not ok %d - %s\n' "$TAP_N" "$desc"
        TAP_FAILED=$((TAP_FAILED + 1))
    fi
    return "$ok"
}

# tap_ok COND DESC: COND is an exit status (a number, 0 = pass) or a shell expression to eval.
tap_ok()
{
    local cond=$1 desc=$2 rc
    if [[ $cond =~ ^[0-9]+$ ]]; then
        rc=$cond
    else
        rc=0
        eval "$cond" || rc=1
    fi
    [ "$rc" = 0 ] || rc=1
    tap_result "$rc" "$desc" || { tap_diag "failed: $cond"; return 1; }
}

# tap_is GOT WANT DESC: exact string comparison.
tap_is()
{
    local got=$1 want=$2 desc=$3
    if [ "$got" = "$want" ]; then
        tap_result 0 "$desc"
    else
        tap_result 1 "$desc"
        tap_diag "got:  '$got'" "want: '$want'"
        return 1
    fi
}

# tap_like TEXT REGEX DESC: TEXT matches the extended regular expression REGEX.
tap_like()
{
    local text=$1 re=$2 desc=$3
    if [[ $text =~ $re ]]; then
        tap_result 0 "$desc"
    else
        tap_result 1 "$desc"
        tap_diag "text:    '$(printf '%s' "$text" | head -c 2000)'" "pattern: '$re'"
        return 1
    fi
}

# tap_grep TEXT ERE DESC: some line of TEXT matches ERE (the text is shown when none does).
tap_grep()
{
    if grep -Eq -- "$2" <<<"$1"; then
        tap_ok 0 "$3"
    else
        tap_ok 1 "$3"
        tap_diag "pattern: $2" "text:" "$1"
    fi
}

# tap_nogrep TEXT ERE DESC: no line of TEXT matches ERE (the matching lines are shown).
tap_nogrep()
{
    if grep -Eq -- "$2" <<<"$1"; then
        tap_ok 1 "$3"
        tap_diag "pattern: $2" "matched:" "$(grep -E -- "$2" <<<"$1" | head -3)"
    else
        tap_ok 0 "$3"
    fi
}

# tap_relay PREFIX FILE RC DESC: repeat the TAP lines another program wrote to FILE as checks
# of ours ("PREFIX: desc"), show its other lines (a traceback, a shell error) as diagnostics,
# then one check DESC that it reported every check of its plan, did not bail out and exited
# 0 (RC, its exit status): a crash between checks cannot make its checks silently vanish.
tap_relay()
{
    local prefix=$1 file=$2 rc=$3 desc=$4 line plan="" seen=0 bail=0
    while IFS= read -r line; do
        case $line in
        "ok "*) seen=$((seen + 1)); tap_relay_point 0 "$prefix" "${line#ok }" ;;
        "not ok "*) seen=$((seen + 1)); tap_relay_point 1 "$prefix" "${line#not ok }" ;;
        "#"*) echo "$line" ;;
        1..*) plan=${line#1..}; plan=${plan%% *} ;;
        "Bail out!"*) bail=1; tap_diag "$prefix: $line" ;;
        *) tap_diag "$prefix: $line" ;;
        esac
    done <"$file"
    local whole=1
    [ "$plan" = "$seen" ] && [ "$seen" -gt 0 ] && [ "$rc" = 0 ] && [ "$bail" = 0 ] && whole=0
    tap_ok "$whole" "$desc ($seen checks of a plan of ${plan:-none}, exit $rc)"
}
tap_relay_point()
{
    local rest=${3#* }           # "N - desc # SKIP why" without the number
    rest=${rest#- }
    case $rest in
    *"# SKIP"*) tap_skip "$2: ${rest%%# SKIP*}" "${rest#*# SKIP }" ;;
    *) tap_ok "$1" "$2: $rest" ;;
    esac
}

# tap_skip DESC [REASON]: a skipped check (counts toward the plan, not as pass or fail).
tap_skip()
{
    TAP_N=$((TAP_N + 1))
    printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "${2:-}"
}

# tap_skip_all REASON: skip the whole test (plan 1..0) and exit.
tap_skip_all()
{
    printf '1..0 # SKIP %s\n' "$*"
    exit 0
}

# tap_require CMD...: each CMD is on PATH, or the test bails out (an ERROR, not a skip: the
# tools the tests use are installed by quickstart.sh, and a skip would hide every check).
tap_require()
{
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || tap_bail "$c is not installed (./quickstart.sh test installs it)"
    done
}

# tap_require_moto: python3 has boto3, moto.server and the moto version the harness supports
# (tests/lib/animator.py --check, which names it), or the test bails out: any other moto
# fails loudly rather than skipping.
TAP_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tap_require_moto()
{
    local why
    why=$("${PYTHON3:-python3}" -c 'import boto3, moto.server' 2>&1) ||
        tap_bail "python3 cannot import boto3 and moto.server: ${why##*$'\n'} (./quickstart.sh test installs them)"
    why=$("${PYTHON3:-python3}" "$TAP_LIBDIR/animator.py" --check 2>&1 >/dev/null) ||
        tap_bail "${why:-animator.py --check failed} (./quickstart.sh test installs it)"
}

# tap_bail REASON: abort; the driver reports an ERROR.
tap_bail()
{
    printf 'Bail out! %s\n' "$*"
    exit 1
}

# tap_done: print the plan. The exit status stays 0: failures are counted from "not ok"
# lines, and a non-zero status would add a second, redundant ERROR.
tap_done()
{
    # Checks every test owes at its end (moto.sh adds: each request the proxy saw fitted
    # botocore's input shapes).
    local hook
    for hook in ${TAP_DONE_HOOKS[@]+"${TAP_DONE_HOOKS[@]}"}; do
        "$hook"
    done
    printf '1..%d\n' "$TAP_N"
    [ "$TAP_FAILED" = 0 ] || tap_diag "$TAP_FAILED of $TAP_N checks failed"
    return 0
}
