# Sourced by run.sh and etcd-bench.sh (not run by itself). Expects $root (the project) and $jar.

# ensure_jar BUILD: with BUILD=1 builds the benchmarks jar (and what it needs); then fails unless it exists.
ensure_jar() {
    if [[ $1 == 1 ]]; then
        echo ">> mvn -q -B -Dstyle.color=never -DskipTests -pl benchmarks -am package"
        (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl benchmarks -am package)
    fi
    if [[ ! -f $jar ]]; then
        echo "no $jar: run without --no-build" >&2
        exit 1
    fi
}

# commit_label: the short commit of the work tree, noting local changes, for a results header.
commit_label() {
    local commit
    commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [[ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ]]; then
        commit="$commit (work tree modified)"
    fi
    echo "$commit"
}
