#!/usr/bin/env bash
# Builds the benchmarks jar and runs the stm4j benchmarks (JMH) against the peer STMs, then prints
# an engine x workload table of ops/s with the ratio of stm4j to the best STM peer.
#
#   benchmarks/run.sh                 full run, the settings of shared/design/benchmarks.md
#                                     (-f 1 -wi 2 -w 2s -i 3 -r 2s; about 12 minutes on 2 cores)
#   benchmarks/run.sh --smoke         every benchmark for a moment (< 1 minute): proves that they
#                                     build, run and keep their invariants; the numbers mean nothing
#   benchmarks/run.sh --no-build ...  reuse benchmarks/target/benchmarks.jar as it is
#   benchmarks/run.sh ... ARGS        further arguments go to JMH, e.g. 'StmBench.read1' (a regex),
#                                     -p engine=stm4j,multiverse, or -i 5 (replaces the default -i);
#                                     -p engine=racy (a deliberately unsynchronized bank) should
#                                     fail the teardown check of the contended (_t2) workloads
#
# Without further arguments it then measures each engine's heap per object (MemoryFootprint: a
# million objects holding one transactional long, after 1 and 10 writes, median of 3 JVMs per
# engine, about 2 minutes; 20,000 objects once in --smoke).
#
# Results: benchmarks/target/results/<mode>-<UTC time>.{log,csv,md}. The exit status is non-zero
# when the build fails, JMH fails, or any benchmark failed (e.g. an engine broke an invariant,
# which the trial teardown checks: bank total conserved, hot cells equal, no lost increment).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
# shellcheck source=benchmarks/common.sh
source "$here/common.sh"

mode=full
build=1
jmh_extra=()
for arg in "$@"; do
    case "$arg" in
        --smoke) mode=smoke ;;
        --no-build) build=0 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) jmh_extra+=("$arg") ;;
    esac
done

if [[ $mode == smoke ]]; then
    # One fork per benchmark as in a real run, but a moment each. C1 and the serial collector
    # start the ~55 forked JVMs faster; they change speed, not the invariants checked.
    defaults=(-f 1 -wi 0 -i 1 -r 100ms)
    fork_flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
else
    defaults=(-f 1 -wi 2 -w 2s -i 3 -r 2s)
    fork_flags=""
fi
# JMH rejects an option given twice: an option among the further arguments replaces the default.
settings=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
    given=0
    for arg in "${jmh_extra[@]}"; do
        [[ $arg == "${defaults[i]}" ]] && given=1
    done
    if [[ $given == 0 ]]; then
        settings+=("${defaults[i]}" "${defaults[i + 1]}")
    fi
done

ensure_jar "$build"

# The forks of the workload and field benchmarks run with the agent, as users run stm4j; the
# class-loading benchmark runs in forks without it and installs it itself in its "agent" mode.
agent_jar="$(ls "$root"/stm-agent/target/stm-agent-*.jar 2>/dev/null | grep -v -e original -e sources | head -n 1)"
if [[ -z $agent_jar ]]; then
    echo "no agent jar in $root/stm-agent/target: run without --no-build" >&2
    exit 1
fi

out="$here/target/results"
mkdir -p "$out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="$out/$mode-$stamp"

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
commit="$(commit_label)"
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
cores="$(nproc)"
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
# Other processes on the machine skew every number. Measure how much CPU they took while JMH ran:
# all busy CPU time (/proc/stat) minus what this script's children (JMH and its forks) used.
busy_cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}
# CPU seconds of this shell's finished children, into $REPLY. Not in $(...): a subshell starts
# with its own, empty, account.
children_cpu_seconds() {
    times > "$base.times"
    REPLY="$(tail -n 1 "$base.times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } print s }')"
    rm -f "$base.times"
}
{
    echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $cores cores${cpu:+, $cpu}, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)"
    echo "java:    $("$java_bin" -version 2>&1 | head -n 2 | tail -n 1)"
    echo "commit:  $commit"
    echo "command: java -jar benchmarks/target/benchmarks.jar ${settings[*]} ${jmh_extra[*]:-}"
    echo "load:    $(load) (1, 5, 15 min) before the run"
} | tee "$base.md"
echo

busy0="$(busy_cpu_seconds)"
children_cpu_seconds
mine0="$REPLY"
wall0="$(date +%s)"
set +e
"$java_bin" -jar "$jar" "${settings[@]}" -jvmArgsAppend "-javaagent:$agent_jar $fork_flags" -e ClassLoadBench \
    -rf csv -rff "$base.csv" "${jmh_extra[@]}" 2>&1 | tee "$base.log"
jmh_status=${PIPESTATUS[0]}
if [[ $jmh_status == 0 && ${#jmh_extra[@]} == 0 ]]; then
    "$java_bin" -jar "$jar" "${settings[@]}" ${fork_flags:+-jvmArgsAppend "$fork_flags"} ClassLoadBench \
        -rf csv -rff "$base.classload.csv" 2>&1 | tee -a "$base.log"
    jmh_status=${PIPESTATUS[0]}
fi
set -e
busy1="$(busy_cpu_seconds)"
children_cpu_seconds
foreign="$(awk -v b0="$busy0" -v b1="$busy1" -v m0="$mine0" -v m1="$REPLY" \
    -v w="$(( $(date +%s) - wall0 ))" -v c="$cores" \
    'BEGIN { f = (b1 - b0) - (m1 - m0); if (f < 0) f = 0; printf "%.0f", (w > 0 ? 100 * f / (w * c) : 0) }')"

echo
if [[ ! -s $base.csv ]]; then
    echo "JMH wrote no results (exit status $jmh_status); see $base.log" >&2
    exit 1
fi
echo | tee -a "$base.md"
set +e
"$java_bin" -cp "$jar" io.stm4j.bench.Report "$base.csv" "$base.log" | tee -a "$base.md"
report_status=${PIPESTATUS[0]}
if [[ -s $base.classload.csv ]]; then
    echo | tee -a "$base.md"
    "$java_bin" -cp "$jar" io.stm4j.bench.Report "$base.classload.csv" | tee -a "$base.md"
fi
memory_status=0
if [[ ${#jmh_extra[@]} == 0 ]]; then
    # What each engine keeps per object: one JVM per engine, a few seconds each (see MemoryFootprint).
    memory_args=(--objects 1000000 --repeat 3)
    [[ $mode == smoke ]] && memory_args=(--objects 20000 --repeat 1)
    echo | tee -a "$base.md"
    "$java_bin" -cp "$jar" io.stm4j.bench.MemoryFootprint --agent "$agent_jar" "${memory_args[@]}" \
        | tee -a "$base.md"
    memory_status=${PIPESTATUS[0]}
fi
set -e
{
    echo
    echo "other processes used ${foreign}% of the machine's CPU during the run"
    if (( foreign > 10 )); then
        echo "WARNING: the machine was busy: every number above, and the ratio of engines measured at"
        echo "         different times, is unreliable; run again on an idle machine"
    fi
} | tee -a "$base.md"
echo
echo "results: $base.md ($base.csv, $base.log)"
if [[ $jmh_status != 0 ]]; then
    echo "JMH exited with status $jmh_status" >&2
    exit "$jmh_status"
fi
if [[ $memory_status != 0 ]]; then
    echo "the memory measurement failed with status $memory_status" >&2
    exit "$memory_status"
fi
exit "$report_status"
