#!/usr/bin/env bash
# tests/unit/data/decoders/oracle.tsv is what botocore parses from the decoder fixtures now:
# re-run tests/tools/botocore_oracle.py and compare. A fixture changed, a field added to the
# oracle or a botocore that reads the bytes differently all show here (regenerate with
# `tests/tools/botocore_oracle.py` and look at the diff before committing it).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$ONDECK_SRCDIR/tests/lib/tap.sh"

if ! "${PYTHON3:-python3}" -c 'import botocore' 2>/dev/null; then
    tap_skip_all "botocore is not installed (python3 -m pip install 'moto[server]==5.2.1')"
fi
fresh=$TAP_TMPDIR/oracle.tsv
committed=$ONDECK_SRCDIR/tests/unit/data/decoders/oracle.tsv
"${PYTHON3:-python3}" "$ONDECK_SRCDIR/tests/tools/botocore_oracle.py" "$fresh" >/dev/null
tap_is "$?" 0 "botocore_oracle.py runs"
tap_ok '[ "$(wc -l <"$fresh")" -gt 100 ]' "it writes botocore's values ($(wc -l <"$fresh") lines)"
diff -u "$committed" "$fresh" >"$TAP_TMPDIR/diff"
tap_is "$?" 0 "the committed oracle.tsv is current" || tap_diag "$(head -n 20 "$TAP_TMPDIR/diff")"
tap_done
