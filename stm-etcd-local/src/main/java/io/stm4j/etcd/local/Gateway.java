package io.stm4j.etcd.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls this module makes to etcd's JSON gateway: a POST with a short timeout, and a reader for
 * the flat string fields of its answers. Not a client: {@code stm-etcd} has the real one. A JSON library
 * would be a dependency for every user of {@link LocalEtcdCluster}; the fields read here (decimal ids,
 * base64 values) never hold a quote or a backslash, which is what lets a pattern read them.
 */
final class Gateway {
    private Gateway() {
    }

    /** One second: a member that is alive answers on loopback in milliseconds, a paused one never. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    // one for all clusters: each client has a selector thread, which JDK 17 cannot close (HttpClient.close is 21+).
    // HTTP/1.1: the JDK client's default HTTP/2 would first offer an h2c upgrade, which etcd's port (shared by
    // gRPC and the gateway) has no use for
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CALL_TIMEOUT)
            .build();

    /**
     * POSTs {@code json} to {@code endpoint + path} and returns the body of a 200 answer.
     *
     * @throws IOException no answer within {@code timeout}, a refused connection, or a status other than 200
     *     (the message has the status and the body)
     */
    static String post(String endpoint, String path, String json, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("POST " + endpoint + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * The first {@code "name":"value"} in {@code json}, at any depth; empty if there is none (the gateway
     * leaves out fields whose value is zero or empty).
     */
    static Optional<String> field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"\\\\]*)\"").matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@link #field} read as an unsigned 64-bit decimal (etcd's member ids); 0 when absent. */
    static long unsignedField(String json, String name) {
        return field(json, name).map(Long::parseUnsignedLong).orElse(0L);
    }
}
