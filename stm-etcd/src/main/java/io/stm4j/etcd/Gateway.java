package io.stm4j.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stm4j.etcd.GatewayException.Kind;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * etcd's JSON gateway ({@code POST /v3/...}) over the JDK's {@link HttpClient}: one client, so
 * connections are kept and reused; HTTP/1.1, which the gateway shares its port with gRPC for.
 *
 * <p>A call goes to the member that answered last, and moves on to the next member when one
 * cannot be reached or has no leader, until the request timeout. A request that writes is moved
 * on only while it surely has not been applied ({@link Kind#NOT_SENT}); once it may have been,
 * the caller learns so ({@link Kind#UNANSWERED}) and must find out, never send it again blindly.
 */
final class Gateway {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger("io.stm4j.etcd");

    /** gRPC status codes that etcd's errors carry. */
    private static final int INVALID_ARGUMENT = 3;
    private static final int OUT_OF_RANGE = 11;
    private static final int RESOURCE_EXHAUSTED = 8;
    /** The least time a read waits for one member before it asks the next. */
    private static final long MIN_TRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250L);

    /** For tests: what happens between a request's answer and its caller ({@link #fault}). */
    interface Fault {
        /**
         * @param endpoint the member the request is about to go to (a test can fault that very member)
         * @return true to report the request unanswered without sending it, as if it were lost on
         *     the way
         */
        default boolean dropRequest(URI endpoint, String path, JsonNode request) {
            return false;
        }

        /**
         * @return true to throw the answer away and report the request unanswered, as if it timed
         *     out after etcd applied it
         */
        default boolean dropAnswer(String path, JsonNode request) {
            return false;
        }
    }

    private final List<URI> endpoints;
    private final HttpClient http;
    final Duration requestTimeout;
    /** The member to ask first: the one that answered last. */
    private volatile int preferred;
    /** For tests: null in use. */
    volatile Fault fault;

    Gateway(List<String> endpoints, Duration requestTimeout) {
        List<URI> uris = new ArrayList<>();
        for (String e : endpoints) {
            uris.add(URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e));
        }
        this.endpoints = List.copyOf(uris);
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? requestTimeout : Duration.ofSeconds(1))
                .build();
    }

    List<URI> endpoints() {
        return endpoints;
    }

    HttpClient http() {
        return http;
    }

    /** @return the member to ask first, for a stream that lives longer than one call (a watch) */
    URI preferredEndpoint() {
        return endpoints.get(preferred);
    }

    /**
     * Sends a read, or a write that may be sent again because etcd applies it at most once in
     * effect (a lease grant, a compare that fails the second time): tries the members in turn
     * until one answers or the request timeout passes.
     */
    JsonNode read(String path, ObjectNode body) throws GatewayException {
        return call(path, body, true);
    }

    /**
     * Sends a write: to the next member only while it surely has not been applied.
     *
     * @throws GatewayException {@link Kind#UNANSWERED} once it may have been applied and no
     *     answer came
     */
    JsonNode write(String path, ObjectNode body) throws GatewayException {
        return call(path, body, false);
    }

    private JsonNode call(String path, ObjectNode body, boolean idempotent) throws GatewayException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the request to " + path, e);
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        int n = endpoints.size();
        int start = preferred;
        GatewayException last = null;
        for (int tries = 0; ; tries++) {
            long left = deadline - System.nanoTime();
            if (left <= 0L) {
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new GatewayException(Kind.INTERRUPTED, "interrupted before " + path + " was sent", null, false);
            }
            int member = (start + tries) % n;
            URI endpoint = endpoints.get(member);
            // A read gives each member a part of the time, so that one that is alive but silent
            // (paused, cut off) does not use it all; a write waits for its answer as long as it may.
            long wait = idempotent && n > 1 ? Math.min(left, Math.max(requestTimeout.toNanos() / n, MIN_TRY_NANOS)) : left;
            try {
                if (fault != null && fault.dropRequest(endpoint, path, body)) {
                    throw new GatewayException(Kind.UNANSWERED, "request " + endpoint + path + " lost (injected fault)", null);
                }
                JsonNode answer = send(endpoint, path, bytes, Duration.ofNanos(wait));
                preferred = member;
                if (fault != null && fault.dropAnswer(path, body)) {
                    throw new GatewayException(Kind.UNANSWERED, "answer of " + endpoint + path + " dropped (injected fault)", null);
                }
                return answer;
            } catch (GatewayException e) {
                last = e;
                if (e.kind == Kind.INTERRUPTED) {
                    throw e;
                }
                boolean moveOn = e.kind == Kind.NOT_SENT || (idempotent && e.kind == Kind.UNANSWERED);
                if (!moveOn) {
                    throw e;
                }
                LOG.log(Level.DEBUG, () -> "etcd member " + endpoint + " did not answer " + path + ": " + e.getMessage());
                if ((tries + 1) % n == 0) {
                    // every member tried: wait a little (an election takes about a second) before the next round
                    pause(Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(20L << Math.min(tries / n, 4))));
                }
            }
        }
        Kind kind = last != null && last.kind == Kind.UNANSWERED ? Kind.UNANSWERED : Kind.NOT_SENT;
        throw new GatewayException(kind, "no etcd member of " + endpoints + " answered " + path + " within "
                + requestTimeout.toMillis() + " ms" + (last != null ? ": " + last.getMessage() : ""), last);
    }

    private static void pause(long nanos) {
        if (nanos > 0L) {
            LockSupport.parkNanos(nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1));
        }
    }

    private JsonNode send(URI endpoint, String path, byte[] body, Duration timeout) throws GatewayException {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new GatewayException(Kind.NOT_SENT, "cannot connect to " + endpoint + ": " + e, e);
        } catch (IOException e) {
            // a timeout or a connection lost after the request went out
            throw new GatewayException(Kind.UNANSWERED, endpoint + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(Kind.INTERRUPTED, "interrupted while waiting for " + endpoint + path, e, true);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new GatewayException(Kind.UNANSWERED, endpoint + path + " answered HTTP " + response.statusCode()
                    + " with no JSON: " + new String(response.body(), StandardCharsets.UTF_8), e);
        }
        if (answer.has("error") || response.statusCode() != 200) {
            throw classify(endpoint + path, answer);
        }
        return answer;
    }

    /** What an error answer means for a request that writes. */
    private static GatewayException classify(String where, JsonNode answer) {
        String message = answer.path("message").asText(answer.path("error").asText(answer.toString()));
        int code = answer.path("code").asInt(-1);
        String text = where + ": " + message;
        if (code == OUT_OF_RANGE || message.contains("compacted")) {
            return new GatewayException(Kind.COMPACTED, text, null);
        }
        if (code == INVALID_ARGUMENT || message.contains("lease not found")) {
            return new GatewayException(Kind.REJECTED, text, null);
        }
        if (message.contains("no leader") || code == RESOURCE_EXHAUSTED || message.contains("not capable")) {
            // refused before it was proposed
            return new GatewayException(Kind.NOT_SENT, text, null);
        }
        // request timed out, leader changed, ...: proposed, perhaps applied
        return new GatewayException(Kind.UNANSWERED, text, null);
    }
}
