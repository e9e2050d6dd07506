#!/usr/bin/env bash
# Runs one of the stm4j examples with the agent attached, building what it needs first.
#
#   ./run-demo.sh                      the bank example
#   ./run-demo.sh philosophers         or: bank, booking, buffer, inventory, distributed
#   ./run-demo.sh buffer 20000         an optional size follows the name
#
# Needs JDK 17+ and Maven 3.8+ (the java and mvn on PATH, or JAVA_HOME). The distributed example also
# needs etcd (sudo apt-get install etcd-server): this script starts a local 3-member cluster for it
# (stm-etcd-local/etcd-cluster.sh) and stops it when the example ends, fails or is interrupted.
set -euo pipefail
cd "$(dirname "$0")"

# the examples Main knows (MainIT checks that this list matches it)
examples="bank philosophers booking buffer inventory distributed"
name="${1:-bank}"
if ! [[ " $examples " == *" $name "* ]]; then
  echo "run-demo.sh: unknown example '$name'; known examples: ${examples// /, }" >&2
  exit 2
fi
if [ $# -gt 2 ] || { [ $# -eq 2 ] && ! [[ $2 =~ ^[1-9][0-9]*$ ]]; }; then
  echo "run-demo.sh: usage: ./run-demo.sh [example] [size], the size a positive whole number (got: $*)" >&2
  exit 2
fi

# before the build, so that a missing etcd costs no minute of Maven (etcd-cluster.sh looks in the same places)
if [ "$name" = distributed ] && [ -z "${ETCD_BINARY:-}" ] && ! command -v etcd >/dev/null && [ ! -x /usr/bin/etcd ]; then
  echo "run-demo.sh: the distributed example runs on a local etcd cluster, and etcd is not installed." >&2
  echo "  Install it: sudo apt-get install etcd-server   (or set ETCD_BINARY to an etcd binary, 3.4 or later)" >&2
  exit 2
fi

echo "Building the agent and the examples (mvn package, tests skipped; the first run downloads dependencies)..." >&2
# Maven 3.8 writes colour-reset escapes even in batch mode; strip them (pipefail keeps mvn's status)
mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true -pl examples -am package 2>&1 | sed $'s/\x1b\\[[0-9;]*m//g' >&2

# the agent jar that stm-agent just built (original-*.jar is the unshaded copy and does not match)
agent=$(ls -t stm-agent/target/stm-agent-*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' | head -n 1 || true)
if [ -z "$agent" ] || [ ! -f examples/target/classpath.txt ]; then
  echo "run-demo.sh: the build did not produce stm-agent/target/stm-agent-<version>.jar and examples/target/classpath.txt" >&2
  exit 1
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
classpath="examples/target/classes:$(cat examples/target/classpath.txt)"

if [ "$name" = distributed ]; then
  # A cluster of its own in a fresh directory, stopped by the PIDs it wrote however this script ends: the
  # example's exit, a failure, Ctrl-C or SIGTERM (their traps exit, which runs the EXIT trap)
  cluster=$(mktemp -d "${TMPDIR:-/tmp}/stm4j-demo-etcd.XXXXXX")
  stop_cluster() {
    if stm-etcd-local/etcd-cluster.sh stop "$cluster"; then
      rm -rf "$cluster"
    else
      echo "run-demo.sh: the etcd cluster did not stop; its members' PIDs are in $cluster/pids" >&2
    fi
  }
  trap stop_cluster EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "Starting a local etcd cluster of 3 members (stm-etcd-local/etcd-cluster.sh start $cluster)..." >&2
  stm-etcd-local/etcd-cluster.sh start "$cluster" >/dev/null
  STM4J_ETCD_ENDPOINTS=$(cat "$cluster/endpoints")
  export STM4J_ETCD_ENDPOINTS
  echo "+ STM4J_ETCD_ENDPOINTS=$STM4J_ETCD_ENDPOINTS java -javaagent:$agent -cp examples/target/classes:<its dependencies> io.stm4j.examples.Main $*" >&2
  # not exec: this shell stays, to stop the cluster afterwards
  "$java" -javaagent:"$agent" -cp "$classpath" io.stm4j.examples.Main "$@"
  exit
fi

echo "+ java -javaagent:$agent -cp examples/target/classes:<its dependencies> io.stm4j.examples.Main $*" >&2
exec "$java" -javaagent:"$agent" -cp "$classpath" io.stm4j.examples.Main "$@"
