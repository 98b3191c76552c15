#!/bin/bash
# Init step of the Ollama pod: make sure the configured model is on the volume.
#
#   1. start a temporary `ollama serve` bound to loopback only;
#   2. poll GET /api/version until it answers (bounded by OLLAMA_WAIT_SECONDS);
#   3. if GET /api/tags already lists the model, stop here (restarts are cheap);
#   4. otherwise POST /api/pull and print its NDJSON progress stream as it arrives;
#   5. check /api/tags again: the model must now be listed.
#
# Every failure exits non-zero, so the pod never starts without its model and the
# reason is in `kubectl logs deploy/ollama -c pull-model`.
# The image has bash but neither curl nor wget: HTTP goes over bash's /dev/tcp.
set -euo pipefail

log() { printf 'pull-model: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

model="${OLLAMA_MODEL:-}"
[[ -n "$model" ]] || die "OLLAMA_MODEL is empty (ConfigMap openclaw-config, key OLLAMA_MODEL)"
[[ "$model" =~ ^[A-Za-z0-9._:/-]+$ ]] || die "OLLAMA_MODEL has unexpected characters: '$model'"

addr="${OLLAMA_HOST:-127.0.0.1:11434}"
addr="${addr#http://}"
host="${addr%:*}"
port="${addr##*:}"
case "$host" in
    127.0.0.1 | localhost) ;;
    *) die "OLLAMA_HOST must be a loopback address for the init server, got '$addr'" ;;
esac
[[ "$port" =~ ^[0-9]+$ ]] || die "OLLAMA_HOST has no numeric port: '$addr'"

wait_seconds="${OLLAMA_WAIT_SECONDS:-120}"
idle_seconds="${OLLAMA_PULL_IDLE_SECONDS:-600}"

# /api/tags names every model with a tag; a bare name means ":latest".
wanted="$model"
[[ "${model##*/}" == *:* ]] || wanted="$model:latest"

# http GET|POST PATH [BODY]: prints the response body line by line as it arrives and
# fails unless the status is 200 and the body ended cleanly. It runs in a subshell, so a
# refused connection fails only this call; every read is bounded by idle_seconds, so a
# stalled server is an error too, not a hang.
http() (
    method="$1" path="$2" body="${3:-}"
    exec 3<>"/dev/tcp/$host/$port" || exit 1
    printf '%s %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "$method" "$path" "$addr" "${#body}" "$body" >&3 || exit 1
    IFS= read -r -t "$idle_seconds" status <&3 || exit 1
    status="${status%$'\r'}"
    while IFS= read -r -t "$idle_seconds" line <&3; do
        [[ -n "${line%$'\r'}" ]] || break
    done
    ok=1
    [[ "$status" =~ ^HTTP/[0-9.]+\ 200\  ]] || { log "$method $path answered '$status'"; ok=0; }
    while :; do
        if IFS= read -r -t "$idle_seconds" line <&3; then
            if ((ok)); then printf '%s\n' "$line"; else log "  $line"; fi
        else
            rc=$?
            if [[ -n "$line" ]]; then
                if ((ok)); then printf '%s\n' "$line"; else log "  $line"; fi
            fi
            ((rc <= 128)) || { log "$method $path: no data for ${idle_seconds}s"; exit 1; }
            break
        fi
    done
    ((ok))
)

model_listed() {
    local tags
    tags="$(http GET /api/tags)" || die "GET /api/tags failed"
    # Model names hold no blanks: drop all whitespace, then look for the exact name.
    tags="${tags//[[:space:]]/}"
    [[ "$tags" == *"\"name\":\"$wanted\""* ]]
}

# Reads the /api/pull NDJSON stream and logs each new step and every 5 % of a layer.
# Succeeds only when the stream ends with {"status":"success"} and carried no error.
report_progress() {
    local line step last_step="" pct last_pct=-1 total completed finished=0 ws='[[:space:]]*'
    while IFS= read -r line; do
        if [[ "$line" =~ \"error\"$ws:$ws\"([^\"]*)\" ]]; then
            log "pull failed: ${BASH_REMATCH[1]}"
            return 1
        fi
        [[ "$line" =~ \"status\"$ws:$ws\"([^\"]*)\" ]] || continue
        step="${BASH_REMATCH[1]}"
        [[ "$step" == "$last_step" ]] || last_pct=-1
        total=0
        completed=0
        if [[ "$line" =~ \"total\"$ws:$ws([0-9]+) ]]; then total="${BASH_REMATCH[1]}"; fi
        if [[ "$line" =~ \"completed\"$ws:$ws([0-9]+) ]]; then completed="${BASH_REMATCH[1]}"; fi
        if ((total > 0)); then
            pct=$((completed * 100 / total))
            if ((last_pct < 0 || pct >= last_pct + 5 || (pct == 100 && last_pct != 100))); then
                log "$step: $pct% ($((completed / 1048576)) of $((total / 1048576)) MiB)"
                last_pct=$pct
            fi
        elif [[ "$step" != "$last_step" ]]; then
            log "$step"
        fi
        last_step="$step"
        if [[ "$step" == success ]]; then finished=1; fi
    done
    ((finished)) || { log "the pull stream ended without \"success\""; return 1; }
}

# On every exit: stop the temporary server and wait for it, so the volume is released
# cleanly before the main container starts. Its exit status is kept, not checked:
# SIGTERM ends it with 143 by design.
stop_server() {
    local status=0
    if [[ -n "${server_pid:-}" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || status=$?
        log "temporary server stopped (status $status)"
    fi
}
trap stop_server EXIT

log "starting a loopback-only ollama serve on $addr"
OLLAMA_HOST="$addr" ollama serve &
server_pid=$!

deadline=$((SECONDS + wait_seconds))
until version="$(http GET /api/version 2>/dev/null)"; do
    kill -0 "$server_pid" 2>/dev/null || die "ollama serve exited before answering /api/version"
    ((SECONDS < deadline)) || die "ollama serve did not answer /api/version within ${wait_seconds}s"
    sleep 0.5
done
log "server is up: $version"

if model_listed; then
    log "$wanted is already on the volume: skipping the pull"
else
    log "pulling $model into ${OLLAMA_MODELS:-the default model directory}"
    http POST /api/pull "{\"model\":\"$model\",\"stream\":true}" | report_progress ||
        die "pulling $model failed (see above); the pod will retry"
    model_listed || die "the pull reported success but /api/tags does not list $wanted"
    log "$wanted pulled and verified in /api/tags"
fi
