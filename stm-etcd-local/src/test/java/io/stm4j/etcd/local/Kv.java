package io.stm4j.etcd.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The tests' puts and gets through etcd's JSON gateway (base64 keys and values), on {@link Gateway}. */
final class Kv {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern CLIENT_URL = Pattern.compile("\"clientURLs\"\\s*:\\s*\\[\"([^\"]*)\"");

    /** Puts {@code key = value} through {@code endpoint}; throws if that member does not commit it within 5 s. */
    void put(String endpoint, String key, String value) throws IOException, InterruptedException {
        Gateway.post(endpoint, "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}", TIMEOUT);
    }

    /** A linearizable read of {@code key} through {@code endpoint}: the latest committed value, or empty. */
    Optional<String> get(String endpoint, String key) throws IOException, InterruptedException {
        return range(endpoint, key, false);
    }

    /** A serializable read: what {@code endpoint}'s member has applied locally, without asking the leader. */
    Optional<String> getLocal(String endpoint, String key) throws IOException, InterruptedException {
        return range(endpoint, key, true);
    }

    /** The client URLs of the members that {@code endpoint}'s member lists, from {@code /v3/cluster/member/list}. */
    List<String> memberClientUrls(String endpoint) throws IOException, InterruptedException {
        String body = Gateway.post(endpoint, "/v3/cluster/member/list", "{}", TIMEOUT);
        List<String> urls = new ArrayList<>();
        Matcher m = CLIENT_URL.matcher(body);
        while (m.find()) {
            urls.add(m.group(1));
        }
        return urls;
    }

    private Optional<String> range(String endpoint, String key, boolean serializable)
            throws IOException, InterruptedException {
        String body = Gateway.post(endpoint, "/v3/kv/range",
                "{\"key\":\"" + b64(key) + "\"" + (serializable ? ",\"serializable\":true" : "") + "}", TIMEOUT);
        return Gateway.field(body, "value")
                .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
