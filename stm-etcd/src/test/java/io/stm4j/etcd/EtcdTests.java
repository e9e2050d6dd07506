package io.stm4j.etcd;

/** What the tests do to their etcd cluster besides using stores. */
final class EtcdTests {
    private EtcdTests() {
    }

    /**
     * Compacts the cluster's history up to its current revision.
     *
     * @return false if nothing was written since the last compaction (etcd refuses to compact twice)
     */
    static boolean compactNow(EtcdStore s) {
        try {
            long rev = Ops.revision(s.gateway.read("/v3/kv/range", Ops.range("\0", null, 0L, 1L)));
            s.gateway.read("/v3/kv/compaction", Ops.obj().put("revision", Long.toString(rev)).put("physical", true));
            return true;
        } catch (GatewayException e) {
            if (e.kind == GatewayException.Kind.COMPACTED) {
                return false;
            }
            throw new AssertionError("could not compact", e);
        }
    }
}
