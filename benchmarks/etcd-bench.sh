#!/usr/bin/env bash
# Runs the etcd transfer load (io.stm4j.bench.etcd.EtcdTransferLoad): 2-key transfers through
# EtcdStore in Stm.atomic against the same etcd transactions sent by hand, at 1, 4 and 16 clients,
# against a local 3-member etcd cluster that it starts (stm-etcd-local/etcd-cluster.sh) and always
# stops. Prints p50/p99 latency, throughput and re-runs per mode and clients, and stm4j/raw ratios.
#
#   benchmarks/etcd-bench.sh                 full comparison: 3 repetitions of every mode at 1, 4 and
#                                            16 clients, 3 s warm-up + 10 s measured each (~6 minutes)
#   benchmarks/etcd-bench.sh --smoke         each mode about 1 s at 1 and 4 clients with the invariant
#                                            check (~15 s after the build): for CI; numbers mean nothing
#   benchmarks/etcd-bench.sh --no-build ...  reuse benchmarks/target/benchmarks.jar as it is
#   benchmarks/etcd-bench.sh --endpoints URL[,URL...] ...
#                                            use a running cluster (its own: the program deletes its
#                                            namespace and revokes every lease) instead of starting one
#   benchmarks/etcd-bench.sh --data-dir DIR  where the started cluster keeps its data (default: a new
#                                            folder under /dev/shm, so that the disk's fsync does not
#                                            hide the client's cost; removed after)
#   benchmarks/etcd-bench.sh ... ARGS        further arguments go to the program, e.g. --repeats 5,
#                                            --measure 20, --clients 1,4,16,32, --modes raw,stm4j
#   JAVA_OPTS="..." benchmarks/etcd-bench.sh options for the program's JVM (e.g. a JFR recording)
#
# Results: benchmarks/target/results/etcd-<mode>-<UTC time>.{md,csv}. The exit status is the
# program's: non-zero when the build or the cluster fails, an invariant broke (accounts missing,
# total changed) or a transfer failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
# shellcheck source=benchmarks/common.sh
source "$here/common.sh"
cluster_script="$root/stm-etcd-local/etcd-cluster.sh"

mode=full
build=1
endpoints=""
data_dir=""
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --smoke) mode=smoke; extra+=(--smoke) ;;
        --no-build) build=0 ;;
        --endpoints) endpoints="${2:?--endpoints needs a value}"; shift ;;
        --data-dir) data_dir="${2:?--data-dir needs a value}"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) extra+=("$1") ;;
    esac
    shift
done

ensure_jar "$build"

if [[ -z $endpoints ]]; then
    if [[ ! -x $cluster_script ]]; then
        echo "no $cluster_script to start a local cluster: pass --endpoints of a running one" >&2
        exit 1
    fi
    if [[ -z $data_dir ]]; then
        parent=/dev/shm
        [[ -d $parent && -w $parent ]] || parent="${TMPDIR:-/tmp}"
        data_dir="$(mktemp -d "$parent/stm4j-etcd-bench.XXXXXX")"
    fi
    stop_cluster() {
        "$cluster_script" stop "$data_dir" || echo "WARNING: stopping the cluster in $data_dir failed" >&2
        rm -rf "$data_dir"
    }
    trap stop_cluster EXIT
    trap 'exit 130' INT TERM
    echo ">> $cluster_script start $data_dir"
    "$cluster_script" start "$data_dir"
    endpoints="$(cat "$data_dir/endpoints")"
fi

out="$here/target/results"
mkdir -p "$out"
base="$out/etcd-$mode-$(date -u +%Y%m%dT%H%M%SZ)"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
commit="$(commit_label)"
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
{
    echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
    # sed, not head: head's early exit would fail the pipeline (pipefail) when the writer gets SIGPIPE
    echo "java:    $("$java_bin" -version 2>&1 | sed -n 2p)"
    echo "etcd:    $(etcd --version 2>/dev/null | sed -n 1p), data in ${data_dir:-(a running cluster)}"
    echo "commit:  $commit"
    echo "load:    $(load) (1, 5, 15 min) before the run"
    echo
} | tee "$base.md"

set +e
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$java_bin" ${JAVA_OPTS:-} -cp "$jar" io.stm4j.bench.etcd.EtcdTransferLoad --endpoints "$endpoints" \
    --csv "$base.csv" "${extra[@]}" | tee -a "$base.md"
status=${PIPESTATUS[0]}
set -e
echo "load:    $(load) (1, 5, 15 min) after the run" | tee -a "$base.md"
echo "results: $base.md, $base.csv"
exit "$status"
