/**
 * stm-etcd-local: local etcd clusters on loopback for tests, examples and benchmarks.
 * {@link io.stm4j.etcd.local.LocalEtcdCluster} starts 1 to 7 (normally 3) {@code etcd} processes on free
 * ports with fresh data directories, waits until they agree on a leader, kills, stops, pauses, resumes and
 * restarts members by PID, and kills them all and deletes their data on close (or at JVM exit).
 * {@link io.stm4j.etcd.local.EtcdClusterExtension} gives a JUnit 5 test class such a cluster, skipping
 * when etcd is not installed (failing instead where {@code CI=true}). The module's {@code etcd-cluster.sh}
 * does the same from bash for scripts. Needs an etcd 3.4 or later binary (Debian: {@code apt-get install
 * etcd-server}); Linux only; loopback and plain HTTP only: test clusters, never production data.
 */
package io.stm4j.etcd.local;
