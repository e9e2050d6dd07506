package io.stm4j.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline of {@link EtcdTransferLoad}: the requests that {@code io.stm4j.etcd.EtcdStore} sends
 * for a 2-key transfer, written by hand on the JDK's {@link HttpClient} (HTTP/1.1, one client shared
 * by every thread) and Jackson (for the answers; requests are written as text: the cheapest a
 * hand-written client can do), to one member of the cluster.
 *
 * <p>A transfer is {@link #read} (one etcd txn of two linearizable {@code request_range}s), then
 * {@link #commit} (one etcd txn comparing both keys' {@code mod_revision} and putting both; with a
 * marker, also a create-only compare on a marker key of its own and a put of it with a lease, as
 * stm4j's commits do). A refused commit carries both keys as they are now, which the next attempt
 * starts from, as stm4j's re-run does. The request bodies are field for field those of stm4j; values
 * are in the format of {@code ValueCodec.json()} ({@link #encodeLong}).
 *
 * <p>Also the harness's housekeeping between runs: {@link #deletePrefix}, {@link #revokeAllLeases},
 * {@link #compact}. Thread-safe.
 */
final class RawGateway {
    /** As stm4j's commit marker keys: {@code __stm4j/commit/<16 hex digits>/<n>}. */
    private static final String MARKER_ROOT = "__stm4j/commit/";
    private static final byte[] COMMITTED = {'c'};
    /** stm4j's lease TTL with its default 5 s request timeout: max(60, 12 * 5) seconds. */
    static final long LEASE_TTL_SECONDS = 60L;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String LONG_TYPE = Long.class.getName();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI endpoint;
    private final String clientId = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    private final AtomicLong markers = new AtomicLong();
    private long leaseId;
    private long leaseGrantedNanos;

    /** Two keys as read: each one's value and {@code mod_revision}. */
    static final class Pair {
        final long valueA;
        final long versionA;
        final long valueB;
        final long versionB;

        Pair(long valueA, long versionA, long valueB, long versionB) {
            this.valueA = valueA;
            this.versionA = versionA;
            this.valueB = valueB;
            this.versionB = versionB;
        }
    }

    /** @param endpoint the member every request goes to ({@code EtcdStore} asks the first one first) */
    RawGateway(String endpoint) {
        this.endpoint = URI.create(endpoint);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
    }

    // ------------------------------------------------------------------ a transfer

    /** One etcd txn of two linearizable reads: both keys at one revision. */
    Pair read(String keyA, String keyB) {
        StringBuilder b = new StringBuilder(160).append("{\"compare\":[],\"success\":[");
        rangeOp(b, keyA).append(',');
        rangeOp(b, keyB).append("],\"failure\":[]}");
        return pair(post("/v3/kv/txn", b), keyA, keyB);
    }

    /**
     * One etcd txn: both keys unchanged since {@code read} (and the marker absent), then both put
     * (and the marker); when refused, both keys read again.
     *
     * @return null if it committed, else both keys as they are now
     */
    Pair commit(String keyA, String keyB, Pair read, long newA, long newB, boolean marker) {
        String markerKey = marker ? MARKER_ROOT + clientId + "/" + markers.incrementAndGet() : null;
        StringBuilder b = new StringBuilder(marker ? 900 : 600).append("{\"compare\":[");
        if (marker) {
            b.append("{\"key\":\"").append(b64(markerKey))
                    .append("\",\"target\":\"CREATE\",\"result\":\"EQUAL\",\"create_revision\":\"0\"},");
        }
        modEquals(b, keyA, read.versionA).append(',');
        modEquals(b, keyB, read.versionB).append("],\"success\":[");
        putOp(b, keyA, encodeLong(newA), 0L).append(',');
        putOp(b, keyB, encodeLong(newB), 0L);
        if (marker) {
            putOp(b.append(','), markerKey, COMMITTED, lease());
        }
        b.append("],\"failure\":[");
        rangeOp(b, keyA).append(',');
        rangeOp(b, keyB).append("]}");
        JsonNode answer = post("/v3/kv/txn", b);
        return answer.path("succeeded").asBoolean(false) ? null : pair(answer, keyA, keyB);
    }

    /** As stm4j's committer: one lease for every marker, granted again once half its TTL has passed. */
    private synchronized long lease() {
        long now = System.nanoTime();
        if (leaseId != 0L && now - leaseGrantedNanos < TimeUnit.SECONDS.toNanos(LEASE_TTL_SECONDS) / 2) {
            return leaseId;
        }
        long id = post("/v3/lease/grant", new StringBuilder("{\"TTL\":\"").append(LEASE_TTL_SECONDS).append("\"}"))
                .path("ID").asLong(0L);
        if (id == 0L) {
            throw new IllegalStateException("etcd granted no lease");
        }
        leaseId = id;
        leaseGrantedNanos = now;
        return id;
    }

    /** Forgets the lease (after {@link #revokeAllLeases}): the next marker gets a new one. */
    synchronized void forgetLease() {
        leaseId = 0L;
    }

    private static Pair pair(JsonNode answer, String keyA, String keyB) {
        JsonNode a = answer.path("responses").path(0).path("response_range").path("kvs").path(0);
        JsonNode b = answer.path("responses").path(1).path("response_range").path("kvs").path(0);
        if (a.isMissingNode() || b.isMissingNode()) {
            throw new IllegalStateException("account missing in etcd: " + (a.isMissingNode() ? keyA : keyB));
        }
        return new Pair(decodeLong(a.path("value").asText()), a.path("mod_revision").asLong(),
                decodeLong(b.path("value").asText()), b.path("mod_revision").asLong());
    }

    // ------------------------------------------------------------------ values

    /**
     * A {@code Long} as {@code ValueCodec.json()} writes it: {@code {"type":"java.lang.Long","value":"<n>"}}
     * ({@link EtcdTransferLoad} checks that the bytes are the same).
     */
    static byte[] encodeLong(long v) {
        return ("{\"type\":\"" + LONG_TYPE + "\",\"value\":\"" + v + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static long decodeLong(String base64) {
        JsonNode doc;
        try {
            doc = JSON.readTree(Base64.getDecoder().decode(base64));
        } catch (IOException e) {
            throw new UncheckedIOException("not a value of ValueCodec.json()", e);
        }
        if (!LONG_TYPE.equals(doc.path("type").asText())) {
            throw new IllegalStateException("not a Long of ValueCodec.json(): " + doc);
        }
        return Long.parseLong(doc.path("value").asText());
    }

    // ------------------------------------------------------------------ housekeeping between runs

    /** Deletes every key that starts with {@code prefix}. */
    void deletePrefix(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] end = p.clone();
        end[end.length - 1]++; // prefixes here end in '/'
        post("/v3/kv/deleterange", new StringBuilder("{\"key\":\"").append(b64(p)).append("\",\"range_end\":\"")
                .append(b64(end)).append("\"}"));
    }

    /**
     * Revokes every lease of the cluster (which deletes every commit marker, raw's and stm4j's), so
     * that markers of one run do not expire, a burst of deletes, in the middle of another.
     *
     * @return how many leases were revoked
     */
    int revokeAllLeases() {
        JsonNode leases = post("/v3/lease/leases", new StringBuilder("{}"));
        int n = 0;
        for (JsonNode l : leases.path("leases")) {
            String id = l.path("ID").asText();
            JsonNode answer = postAllowingError("/v3/lease/revoke", new StringBuilder("{\"ID\":\"").append(id).append("\"}"));
            if (answer.has("error") && !answer.path("message").asText("").contains("lease not found")) {
                throw new IllegalStateException("etcd could not revoke lease " + id + ": " + answer);
            }
            n++;
        }
        forgetLease();
        return n;
    }

    /** Compacts the history up to the current revision, so that runs do not grow the database. */
    void compact() {
        long rev = post("/v3/kv/range", new StringBuilder("{\"key\":\"AA==\"}")).path("header").path("revision").asLong();
        post("/v3/kv/compaction", new StringBuilder("{\"revision\":\"").append(rev).append("\"}"));
    }

    // ------------------------------------------------------------------ JSON and HTTP
    // Requests are written by hand: every string in them is base64, digits or a fixed word (no escaping).

    private static StringBuilder rangeOp(StringBuilder b, String key) {
        return b.append("{\"request_range\":{\"key\":\"").append(b64(key)).append("\"}}");
    }

    private static StringBuilder putOp(StringBuilder b, String key, byte[] value, long lease) {
        b.append("{\"request_put\":{\"key\":\"").append(b64(key)).append("\",\"value\":\"").append(b64(value)).append('"');
        if (lease != 0L) {
            b.append(",\"lease\":\"").append(lease).append('"');
        }
        return b.append("}}");
    }

    private static StringBuilder modEquals(StringBuilder b, String key, long rev) {
        return b.append("{\"key\":\"").append(b64(key))
                .append("\",\"target\":\"MOD\",\"result\":\"EQUAL\",\"mod_revision\":\"").append(rev).append("\"}");
    }

    private static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private JsonNode post(String path, StringBuilder body) {
        JsonNode answer = postAllowingError(path, body);
        if (answer.has("error")) {
            throw new IllegalStateException(endpoint + path + " answered " + answer);
        }
        return answer;
    }

    private JsonNode postAllowingError(String path, StringBuilder body) {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toString().getBytes(StandardCharsets.US_ASCII)))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() != 200 && !answer.has("error")) {
                throw new IllegalStateException(endpoint + path + " answered HTTP " + response.statusCode() + ": " + answer);
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(endpoint + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + endpoint + path, e);
        }
    }
}
