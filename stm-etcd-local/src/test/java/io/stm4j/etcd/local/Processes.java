package io.stm4j.etcd.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** The tests' checks on processes that are not necessarily their JVM's children. */
final class Processes {
    private Processes() {
    }

    /**
     * Whether process {@code pid} is gone: no such process, or a zombie (exited; a parent such as a container's
     * PID 1 may never reap it, so a zombie is as gone as it gets).
     */
    static boolean gone(long pid) {
        char state = LocalEtcdCluster.processState(pid);
        return state == '?' || state == 'Z';
    }

    /** Asserts that each of {@code pids} is gone within {@code timeout}. */
    static void awaitGone(Duration timeout, long... pids) {
        for (long pid : pids) {
            LocalEtcdCluster.poll(timeout, () -> gone(pid) ? Boolean.TRUE : null,
                    () -> "process " + pid + " still runs (state " + LocalEtcdCluster.processState(pid) + ")");
            assertThat(gone(pid)).as("process %d is gone", pid).isTrue();
        }
    }
}
