package io.stm4j.etcd;

import java.util.List;

/** Where the tests' etcd cluster is, and what they do to it besides using stores. */
final class EtcdTests {
    private EtcdTests() {
    }

    static String[] endpoints() {
        return System.getProperty("stm4j.etcd.endpoints").split(",");
    }

    static List<String> endpointList() {
        return List.of(endpoints());
    }

    /** Compacts the cluster's history up to its current revision. */
    static void compactNow(EtcdStore s) {
        try {
            long rev = Ops.revision(s.gateway.read("/v3/kv/range", Ops.range("\0", null, 0L, 1L)));
            s.gateway.read("/v3/kv/compaction", Ops.obj().put("revision", Long.toString(rev)).put("physical", true));
        } catch (GatewayException e) {
            throw new AssertionError("could not compact", e);
        }
    }
}
