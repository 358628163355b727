#!/bin/sh
# @NAME@ @VERSION@: a Kindling release. Commands: start (foreground), daemon (background, pid file, output to log/),
# stop (a cookie-authenticated request, SIGTERM when that fails: the node closes its clusters, pools and
# connections; waits for the process), restart, pid,
# version; with the shell: rpc SOURCE (Java run inside the running node, its value printed), remote (snippets from
# standard input, run inside the node in one session), eval SOURCE (a fresh JVM with the application's modules, no
# node). Needs no JAVA_HOME and no java on PATH: runtime/ is the release's own Java.
# Heart (KINDLING_HEART=1, e.g. in env.sh): daemon runs a watchdog that starts the node again when its process
# dies or stops answering (its address file not refreshed for KINDLING_HEART_TIMEOUT seconds, default 30; 0 turns
# that check off), at most KINDLING_HEART_MAX_RESTARTS (default 5) times a minute; stop ends the watchdog first.
set -eu
RELEASE_ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
RELEASE_NAME='@NAME@'
RELEASE_VSN=$(cat "$RELEASE_ROOT/releases/current")
RELEASE_DIR="$RELEASE_ROOT/releases/$RELEASE_VSN"
export RELEASE_ROOT RELEASE_NAME RELEASE_VSN
# rel/env.sh: sourced before every command, may set KINDLING_NODE_NAME, KINDLING_COOKIE and anything else
if [ -f "$RELEASE_DIR/env.sh" ]; then
    . "$RELEASE_DIR/env.sh"
fi
JAVA="$RELEASE_ROOT/runtime/bin/java"
if [ ! -x "$JAVA" ]; then
    JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
fi
export KINDLING_CONFIG="${KINDLING_CONFIG:-$RELEASE_DIR/kindling.properties}"
if [ -z "${KINDLING_COOKIE:-}" ]; then
    export KINDLING_COOKIE_FILE="${KINDLING_COOKIE_FILE:-$RELEASE_ROOT/releases/COOKIE}"
fi
PID_FILE="$RELEASE_ROOT/tmp/$RELEASE_NAME.pid"
HEART_PID_FILE="$RELEASE_ROOT/tmp/$RELEASE_NAME.heart.pid"
STOP_FILE="$RELEASE_ROOT/tmp/$RELEASE_NAME.stopping"
LOG_FILE="$RELEASE_ROOT/log/$RELEASE_NAME.log"
# the running node writes its address here (kindling.node.address-file), for rpc and remote
ADDRESS_FILE="$RELEASE_ROOT/tmp/$RELEASE_NAME.node"

shell_client() {
    if [ @HAS_SHELL@ != 1 ]; then
        echo "$RELEASE_NAME was built without the shell (shell=false): no rpc, remote or eval" >&2
        exit 2
    fi
    exec "$0" client "$@"
}

client_jvm() {
    "$JAVA" -Xshare:auto -XX:TieredStopAtLevel=1 -Djdk.system.logger.level=WARNING \
        -Djava.util.logging.config.file=/dev/null --add-modules @CLIENT_MODULES@ @CLIENT_MAIN@ "$@"
}

running_pid() {
    if [ -f "$PID_FILE" ]; then
        pid=$(cat "$PID_FILE")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            echo "$pid"
            return 0
        fi
    fi
    return 1
}

case "${1:-}" in
    start)
        shift
        # jvm.options (rel/vm.args): one option per line, # for comments; no spaces inside an option
        # shellcheck disable=SC2046
        cache=""
        if [ -f "$RELEASE_DIR/app.aot" ]; then
            cache="-XX:AOTCache=$RELEASE_DIR/app.aot"      # trained at build time
        elif [ -f "$RELEASE_DIR/app.jsa" ]; then
            cache="-XX:SharedArchiveFile=$RELEASE_DIR/app.jsa"
        fi
        export KINDLING_NODE_ADDRESS_FILE="$ADDRESS_FILE"
        set -- $cache $(grep -v '^[[:space:]]*#' "$RELEASE_DIR/jvm.options" | tr '\n' ' ') @SHELL@ @LAUNCH@ "$@"
        exec "$JAVA" "$@"
        ;;
    daemon)
        shift
        if pid=$(running_pid); then
            echo "$RELEASE_NAME is already running (pid $pid)" >&2
            exit 1
        fi
        mkdir -p "$RELEASE_ROOT/tmp" "$RELEASE_ROOT/log"
        rm -f "$STOP_FILE"
        if [ "${KINDLING_HEART:-0}" = 1 ]; then
            nohup "$0" heart "$@" >> "$LOG_FILE" 2>&1 < /dev/null &
            echo $! > "$HEART_PID_FILE"
            waited=0
            while [ ! -s "$PID_FILE" ] && [ "$waited" -lt 100 ]; do
                sleep 0.1
                waited=$((waited + 1))
            done
            echo "$RELEASE_NAME started with heart (watchdog pid $!), output in $LOG_FILE"
        else
            nohup "$0" start "$@" >> "$LOG_FILE" 2>&1 < /dev/null &
            echo $! > "$PID_FILE"
            echo "$RELEASE_NAME started (pid $!), output in $LOG_FILE"
        fi
        ;;
    heart)
        shift
        restarts=0
        window=$(date +%s)
        while :; do
            rm -f "$ADDRESS_FILE"
            "$0" start "$@" < /dev/null &
            child=$!
            echo "$child" > "$PID_FILE"
            while kill -0 "$child" 2>/dev/null; do
                sleep 1
                # a node that stops answering: its address file (refreshed every second) goes stale
                if [ "${KINDLING_HEART_TIMEOUT:-30}" -gt 0 ] && [ -f "$ADDRESS_FILE" ] && [ ! -f "$STOP_FILE" ]; then
                    age=$(( $(date +%s) - $(date -r "$ADDRESS_FILE" +%s 2>/dev/null || date +%s) ))
                    if [ "$age" -gt "${KINDLING_HEART_TIMEOUT:-30}" ]; then
                        echo "heart: $RELEASE_NAME (pid $child) has not answered for $age s; killing it"
                        kill -9 "$child" 2>/dev/null || true
                        break
                    fi
                fi
            done
            wait "$child" 2>/dev/null || true
            if [ -f "$STOP_FILE" ]; then
                break
            fi
            now=$(date +%s)
            if [ $((now - window)) -ge 60 ]; then
                restarts=0
                window=$now
            fi
            restarts=$((restarts + 1))
            if [ "$restarts" -gt "${KINDLING_HEART_MAX_RESTARTS:-5}" ]; then
                echo "heart: $RELEASE_NAME exited $restarts times within a minute; not restarting it again"
                break
            fi
            echo "heart: $RELEASE_NAME (pid $child) exited; starting it again ($restarts in this minute)"
        done
        rm -f "$HEART_PID_FILE"
        ;;
    stop)
        if ! pid=$(running_pid); then
            echo "$RELEASE_NAME is not running (no live process in $PID_FILE)" >&2
            exit 1
        fi
        mkdir -p "$RELEASE_ROOT/tmp"
        heart=$(cat "$HEART_PID_FILE" 2>/dev/null || true) # read first: the watchdog removes it as it ends
        touch "$STOP_FILE"
        # graceful: a cookie-authenticated request to the node; a signal when it cannot be reached that way
        if [ ! -f "$ADDRESS_FILE" ] || ! client_jvm stop "$ADDRESS_FILE" > /dev/null 2>&1; then
            kill -TERM "$pid"
        fi
        waited=0
        while kill -0 "$pid" 2>/dev/null; do
            if [ "$waited" -ge 300 ]; then
                echo "$RELEASE_NAME (pid $pid) did not stop within 30 s; kill -9 $pid ends it" >&2
                exit 1
            fi
            sleep 0.1
            waited=$((waited + 1))
        done
        if [ -n "$heart" ]; then
            while kill -0 "$heart" 2>/dev/null; do
                sleep 0.1
            done
        fi
        rm -f "$PID_FILE" "$STOP_FILE" "$HEART_PID_FILE"
        echo "$RELEASE_NAME stopped"
        ;;
    restart)
        "$0" stop || true
        shift
        exec "$0" daemon "$@"
        ;;
    pid)
        if pid=$(running_pid); then
            echo "$pid"
        else
            echo "$RELEASE_NAME is not running" >&2
            exit 1
        fi
        ;;
    version)
        echo "$RELEASE_NAME $RELEASE_VSN"
        ;;
    client)
        shift
        client_jvm "$@"
        ;;
    rpc)
        shift
        shell_client rpc "$ADDRESS_FILE" "$*"
        ;;
    remote)
        shell_client remote "$ADDRESS_FILE"
        ;;
    eval)
        shift
        shell_client eval "$*"
        ;;
    *)
        echo "usage: $0 start|daemon|stop|restart|pid|version|rpc SOURCE|remote|eval SOURCE" >&2
        exit 2
        ;;
esac
