package io.stm4j.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The JSON of etcd's gateway requests and answers: keys and values in base64, 64-bit numbers as
 * strings, fields at their default omitted (a missing {@code succeeded} is false, a missing
 * {@code kvs} is none).
 */
final class Ops {
    private Ops() {
    }

    /** One key as etcd answered it. */
    static final class Kv {
        final String key;
        final long modRevision;
        final long createRevision;
        final byte[] value;

        Kv(String key, long modRevision, long createRevision, byte[] value) {
            this.key = key;
            this.modRevision = modRevision;
            this.createRevision = createRevision;
            this.value = value;
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** The end of the range of every key that starts with {@code prefix} (etcd's prefix end: the last byte plus one). */
    static byte[] prefixEnd(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] != (byte) 0xff) {
                byte[] end = java.util.Arrays.copyOf(p, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0}; // every key
    }

    static ObjectNode obj() {
        return Gateway.JSON.createObjectNode();
    }

    static ObjectNode range(String key, byte[] rangeEnd, long revision, long limit) {
        ObjectNode r = obj().put("key", b64(key));
        if (rangeEnd != null) {
            r.put("range_end", b64(rangeEnd));
        }
        if (revision > 0L) {
            r.put("revision", Long.toString(revision));
        }
        if (limit > 0L) {
            r.put("limit", Long.toString(limit));
        }
        return r;
    }

    static ObjectNode rangeOp(String key, long revision) {
        ObjectNode op = obj();
        op.set("request_range", range(key, null, revision, 0L));
        return op;
    }

    static ObjectNode putOp(String key, byte[] value, long lease) {
        ObjectNode put = obj().put("key", b64(key)).put("value", b64(value));
        if (lease != 0L) {
            put.put("lease", Long.toString(lease));
        }
        ObjectNode op = obj();
        op.set("request_put", put);
        return op;
    }

    /** {@code mod_revision(key) == rev} (0: the key does not exist). */
    static ObjectNode modEquals(String key, long rev) {
        return obj().put("key", b64(key)).put("target", "MOD").put("result", "EQUAL").put("mod_revision", Long.toString(rev));
    }

    /** Every key in {@code [key, rangeEnd)} (just {@code key} when null) last changed before {@code rev}. */
    static ObjectNode modLess(String key, byte[] rangeEnd, long rev) {
        return modLess(key.getBytes(StandardCharsets.UTF_8), rangeEnd, rev);
    }

    static ObjectNode modLess(byte[] key, byte[] rangeEnd, long rev) {
        ObjectNode c = obj().put("key", b64(key)).put("target", "MOD").put("result", "LESS").put("mod_revision", Long.toString(rev));
        if (rangeEnd != null) {
            c.put("range_end", b64(rangeEnd));
        }
        return c;
    }

    /** {@code key} does not exist ({@code create_revision == 0}). */
    static ObjectNode absent(String key) {
        return obj().put("key", b64(key)).put("target", "CREATE").put("result", "EQUAL").put("create_revision", "0");
    }

    static ObjectNode txn(List<ObjectNode> compare, List<ObjectNode> success, List<ObjectNode> failure) {
        ObjectNode t = obj();
        ArrayNode c = t.putArray("compare");
        compare.forEach(c::add);
        ArrayNode s = t.putArray("success");
        success.forEach(s::add);
        ArrayNode f = t.putArray("failure");
        failure.forEach(f::add);
        return t;
    }

    static long revision(JsonNode answer) {
        return answer.path("header").path("revision").asLong(0L);
    }

    static String clusterId(JsonNode answer) {
        return answer.path("header").path("cluster_id").asText(null);
    }

    static boolean succeeded(JsonNode txnAnswer) {
        return txnAnswer.path("succeeded").asBoolean(false);
    }

    /** The keys of a range answer (or of a {@code response_range} inside a txn answer). */
    static List<Kv> kvs(JsonNode rangeAnswer) {
        List<Kv> out = new ArrayList<>();
        for (JsonNode kv : rangeAnswer.path("kvs")) {
            out.add(new Kv(new String(Base64.getDecoder().decode(kv.path("key").asText("")), StandardCharsets.UTF_8),
                    kv.path("mod_revision").asLong(0L), kv.path("create_revision").asLong(0L),
                    Base64.getDecoder().decode(kv.path("value").asText(""))));
        }
        return out;
    }

    /** Whether a range answer says there are more keys than it carries. */
    static boolean more(JsonNode rangeAnswer) {
        return rangeAnswer.path("more").asBoolean(false);
    }

    /** The {@code i}-th {@code response_range} of a txn answer's responses. */
    static JsonNode responseRange(JsonNode txnAnswer, int i) {
        return txnAnswer.path("responses").path(i).path("response_range");
    }
}
