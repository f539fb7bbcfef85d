# tests/lib/fleet.sh - the fleet world of tests/cli/fleet.sh and tests/console/fleet.sh.
# Sourced after moto.sh. fleet_world starts one moto, seeds two accounts and two regions
# (tests/lib/fleet_seed.py) and puts one proxy in front of each member, each playing its
# member's region (an AWS endpoint is regional: a request signed for another region is
# refused), so the calls of each account are counted at its own proxy:
#
#   profile  account       region     endpoint
#   prod     111111111111  us-east-1  $FLEET_URL_prod
#   prod-eu  111111111111  eu-west-1  $FLEET_URL_prod_eu   (the same role, another region)
#   staging  222222222222  us-east-1  $FLEET_URL_staging
#   broken   -             us-east-1  credential_process fails (an expired SSO session)
#   offline  111111111111  us-east-1  an endpoint that refuses connections
#
# AWS_ENDPOINT_URL is unset: each profile's endpoint_url applies. FLEET_MEMBERS is the
# --fleet list of all five; FLEET_SEED the seed summary (JSON file).

# fleet_proxy NAME REGION: another proxy in front of moto; sets FLEET_URL_NAME, FLEET_PID_NAME.
fleet_proxy()
{
    local name=$1 region=$2 portfile pid i
    portfile="$OD_WORKDIR/proxy-$name.port"
    rm -f "$portfile"
    OD_BG_LOG="$OD_WORKDIR/proxy-$name.out"
    od_spawn "$PYTHON3" "$OD_LIBDIR/awsproxy.py" --upstream "$MOTO_URL" --region "$region" \
        --port 0 --port-file "$portfile" --log "$OD_WORKDIR/proxy-$name.log" \
        --key "$ONDECK_TEST_AKID:$ONDECK_TEST_SECRET"
    pid=$OD_BG_PID
    od_atexit "od_kill $pid"
    for ((i = 0; i < 300; i++)); do
        [ -s "$portfile" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    [ -s "$portfile" ] || { cat "$OD_BG_LOG" >&2; return 1; }
    od_wait_http "http://127.0.0.1:$(cat "$portfile")/__proxy/stats" "$pid" 10 || return 1
    printf -v "FLEET_URL_${name//-/_}" 'http://127.0.0.1:%s' "$(cat "$portfile")"
    printf -v "FLEET_PID_${name//-/_}" '%s' "$pid"
}

# fleet_stats NAME: the JSON counters of a member's proxy.
fleet_stats()
{
    local var="FLEET_URL_${1//-/_}"
    od_proxy_call GET "${!var}/__proxy/stats"
}

# fleet_calls NAME: requests its proxy read (every operation).
fleet_calls()
{
    fleet_stats "$1" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["requests"])'
}

fleet_reset()
{
    local var="FLEET_URL_${1//-/_}"
    od_proxy_call POST "${!var}/__proxy/reset" >/dev/null
}

fleet_world()
{
    OD_PROXY=0 moto_start || return 1
    FLEET_SEED=$OD_WORKDIR/fleet-seed.json
    "$PYTHON3" "$OD_LIBDIR/fleet_seed.py" --endpoint "$MOTO_URL" >"$FLEET_SEED" || return 1
    fleet_proxy prod us-east-1 || return 1
    fleet_proxy prod-eu eu-west-1 || return 1
    fleet_proxy staging us-east-1 || return 1
    unset AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    cat >"$AWS_SHARED_CREDENTIALS_FILE" <<EOC
[base]
aws_access_key_id = $ONDECK_TEST_AKID
aws_secret_access_key = $ONDECK_TEST_SECRET
EOC
    cat >"$AWS_CONFIG_FILE" <<EOC
[profile base]
region = us-east-1

[profile prod]
role_arn = arn:aws:iam::111111111111:role/ondeck
source_profile = base
endpoint_url = $FLEET_URL_prod

[profile prod-eu]
role_arn = arn:aws:iam::111111111111:role/ondeck
source_profile = base
endpoint_url = $FLEET_URL_prod_eu

[profile staging]
role_arn = arn:aws:iam::222222222222:role/ondeck
source_profile = base
endpoint_url = $FLEET_URL_staging

[profile broken]
credential_process = sh -c 'echo "the SSO session has expired; run aws sso login" >&2; exit 1'
endpoint_url = $FLEET_URL_staging

[profile offline]
role_arn = arn:aws:iam::111111111111:role/ondeck
source_profile = base
endpoint_url = http://127.0.0.1:1
EOC
    FLEET_MEMBERS=prod:us-east-1,prod-eu:eu-west-1,staging:us-east-1,broken:us-east-1,offline:us-east-1
}
