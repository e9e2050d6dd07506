package io.stm4j.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code Stm.retry()} on etcd: one watch stream ({@code POST /v3/watch}) over the smallest range
 * that holds every key (and namespace) the transaction read, from the revision after the one it
 * read at, so that no change in between is missed. The first event on a key read (or a cancelled
 * or compacted watch, or a broken stream: a spurious wake-up only re-runs the body) calls the
 * engine back once and ends the stream.
 */
final class Watcher implements Flow.Subscriber<String> {
    private static final System.Logger LOG = System.getLogger("io.stm4j.etcd");

    private final Set<String> keys;
    private final List<byte[][]> ranges;
    private final Runnable changed;
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    private CompletableFuture<HttpResponse<Void>> response;

    private Watcher(Set<String> keys, List<byte[][]> ranges, Runnable changed) {
        this.keys = keys;
        this.ranges = ranges;
        this.changed = changed;
    }

    /**
     * @param keys full keys read
     * @param ranges whole namespaces listed: [start, end) pairs
     * @param fromRevision the first revision whose changes count
     */
    static Watcher start(Gateway gateway, Set<String> keys, List<byte[][]> ranges, long fromRevision, Runnable changed) {
        Watcher w = new Watcher(new HashSet<>(keys), new ArrayList<>(ranges), changed);
        byte[] start = null;
        byte[] end = null;
        for (String k : keys) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            start = min(start, b);
            end = max(end, Arrays.copyOf(b, b.length + 1)); // the key itself, and no more
        }
        for (byte[][] r : ranges) {
            start = min(start, r[0]);
            end = Arrays.equals(r[1], new byte[] {0}) ? r[1] : max(end, r[1]);
        }
        if (start == null) {
            throw new IllegalStateException("nothing read to watch");
        }
        com.fasterxml.jackson.databind.node.ObjectNode create = Ops.obj()
                .put("key", Ops.b64(start)).put("range_end", Ops.b64(end)).put("start_revision", Long.toString(fromRevision));
        com.fasterxml.jackson.databind.node.ObjectNode body = Ops.obj();
        body.set("create_request", create);
        byte[] json;
        try {
            json = Gateway.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a watch request", e);
        }
        HttpRequest request = HttpRequest.newBuilder(gateway.preferredEndpoint().resolve("/v3/watch"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        w.response = gateway.http().sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(w));
        w.response.whenComplete((r, e) -> {
            if (e != null || (r != null && r.statusCode() != 200)) {
                w.fire("the watch failed: " + (e != null ? e : "HTTP " + r.statusCode()));
            }
        });
        return w;
    }

    private static byte[] min(byte[] a, byte[] b) {
        return a == null || Arrays.compareUnsigned(b, a) < 0 ? b : a;
    }

    private static byte[] max(byte[] a, byte[] b) {
        if (a != null && Arrays.equals(a, new byte[] {0})) {
            return a; // already to the end of the key space
        }
        return a == null || Arrays.compareUnsigned(b, a) > 0 ? b : a;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonNode result;
        try {
            result = Gateway.JSON.readTree(line).path("result");
        } catch (IOException e) {
            fire("unreadable watch answer: " + e);
            return;
        }
        if (result.path("canceled").asBoolean(false) || result.path("compact_revision").asLong(0L) > 0L) {
            fire("the watch was cancelled: " + result);
            return;
        }
        for (JsonNode event : result.path("events")) {
            byte[] key = Base64.getDecoder().decode(event.path("kv").path("key").asText(""));
            if (matches(key)) {
                fire(null);
                return;
            }
        }
    }

    private boolean matches(byte[] key) {
        if (keys.contains(new String(key, StandardCharsets.UTF_8))) {
            return true;
        }
        for (byte[][] r : ranges) {
            if (Arrays.compareUnsigned(key, r[0]) >= 0
                    && (Arrays.equals(r[1], new byte[] {0}) || Arrays.compareUnsigned(key, r[1]) < 0)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onError(Throwable e) {
        fire("the watch stream broke: " + e);
    }

    @Override
    public void onComplete() {
        fire("the watch stream ended");
    }

    private void fire(String why) {
        if (cancelled || !fired.compareAndSet(false, true)) {
            return;
        }
        if (why != null) {
            LOG.log(Level.DEBUG, () -> "stm4j: waking a transaction waiting in Stm.retry() on etcd: " + why);
        }
        changed.run();
        cancel();
    }

    /** Ends the stream; nothing is called back after this returns, but one call already under way. */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        CompletableFuture<HttpResponse<Void>> r = response;
        if (r != null) {
            r.cancel(true);
        }
    }
}
