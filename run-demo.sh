#!/usr/bin/env bash
# Runs one of the stm4j examples with the agent attached, building what it needs first.
#
#   ./run-demo.sh                      the bank example
#   ./run-demo.sh philosophers         or: bank, booking, buffer, inventory
#   ./run-demo.sh buffer 20000         an optional size follows the name
#
# Needs JDK 17+ and Maven 3.8+ (the java and mvn on PATH, or JAVA_HOME).
set -euo pipefail
cd "$(dirname "$0")"

# the examples Main knows (MainIT checks that this list matches it)
examples="bank philosophers booking buffer inventory"
name="${1:-bank}"
if ! [[ " $examples " == *" $name "* ]]; then
  echo "run-demo.sh: unknown example '$name'; known examples: ${examples// /, }" >&2
  exit 2
fi
if [ $# -gt 2 ] || { [ $# -eq 2 ] && ! [[ $2 =~ ^[1-9][0-9]*$ ]]; }; then
  echo "run-demo.sh: usage: ./run-demo.sh [example] [size], the size a positive whole number (got: $*)" >&2
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
echo "+ java -javaagent:$agent -cp examples/target/classes:<its dependencies> io.stm4j.examples.Main $*" >&2
exec "$java" -javaagent:"$agent" -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
  io.stm4j.examples.Main "$@"
