package io.stm4j.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stm4j.CommitOutcomeUnknown;
import io.stm4j.etcd.GatewayException.Kind;
import io.stm4j.etcd.Ops.Kv;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends commits so that none is ever applied twice or lost unnoticed (Jepsen's finding against
 * clients that resend a write after a timeout).
 *
 * <p>Every commit that writes also creates a <em>marker</em>: a key of its own under
 * {@value #MARKER_ROOT}, which the commit's transaction creates only if it does not exist yet
 * ({@code create_revision == 0} among its compares), with value {@code c} and a lease that removes
 * it a few minutes later. When the answer does not come, a <em>fence</em> finds out what happened:
 * a transaction that creates the same marker with value {@code f} if it does not exist, and
 * otherwise reads it. etcd applies the two in some order, and only the first can create the marker:
 * <ul>
 *   <li>the fence created it: the commit was not applied, and can never be any more (its own
 *       compare now fails): the body may safely run again;</li>
 *   <li>the marker holds {@code c}: the commit was applied, at the marker's {@code create_revision};</li>
 *   <li>the fence got no answer either (no quorum within the request timeout):
 *       {@link CommitOutcomeUnknown}. The fence may be sent again as often as needed: its effect is
 *       the same every time.</li>
 * </ul>
 * A commit that only compares (it writes nothing in etcd) needs no marker: it is sent again like a
 * read.
 *
 * <p>The lease outlives every fence by far (at least a minute, and 12 request timeouts), so a
 * marker is never gone while a fence may still look for it.
 */
final class Committer {
    static final String MARKER_ROOT = "__stm4j/";
    private static final System.Logger LOG = System.getLogger("io.stm4j.etcd");
    private static final byte[] COMMITTED = {'c'};
    private static final byte[] FENCED = {'f'};

    enum Outcome {
        /** Applied, at {@link Result#revision}. */
        COMMITTED,
        /** etcd evaluated it and a compare failed: nothing written; {@link Result#answer} has the failure branch's reads. */
        REFUSED,
        /** Not applied, and it never will be: it could not be sent, or a fence settled it. */
        NOT_APPLIED
    }

    /** What became of one commit. */
    static final class Result {
        final Outcome outcome;
        final long revision;
        final JsonNode answer;
        final String why;

        private Result(Outcome outcome, long revision, JsonNode answer, String why) {
            this.outcome = outcome;
            this.revision = revision;
            this.answer = answer;
            this.why = why;
        }
    }

    private final Gateway gateway;
    private final long leaseTtlSeconds;
    private final String clientId = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    private final AtomicLong markers = new AtomicLong();
    private long leaseId;
    private long leaseGrantedNanos;

    // what happened to commits that got no answer: for tests and the fault report
    final AtomicLong unanswered = new AtomicLong();
    final AtomicLong resolvedCommitted = new AtomicLong();
    final AtomicLong resolvedNotApplied = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();

    Committer(Gateway gateway) {
        this.gateway = gateway;
        this.leaseTtlSeconds = Math.max(60L, 12L * Math.max(1L, gateway.requestTimeout.toSeconds()));
    }

    /**
     * Commits: {@code compares} (besides the marker's), then {@code puts}; on a failed compare the
     * answer carries what {@code failureOps} read.
     *
     * @param what the keys, for messages
     * @throws CommitOutcomeUnknown if no answer came and no fence could settle it
     * @throws IllegalStateException if etcd rejected the request itself
     */
    Result commit(String what, List<ObjectNode> compares, List<ObjectNode> puts, List<ObjectNode> failureOps) {
        if (puts.isEmpty()) {
            return validate(what, compares, failureOps);
        }
        for (int leaseTries = 0; ; leaseTries++) {
            long lease;
            try {
                lease = lease();
            } catch (GatewayException e) {
                if (e.kind == Kind.INTERRUPTED) {
                    throw e.interrupted("taking a lease for the commit of " + what + "; nothing was written");
                }
                return new Result(Outcome.NOT_APPLIED, 0L, null, "no lease for the commit's marker: " + e.getMessage());
            }
            String marker = MARKER_ROOT + "commit/" + clientId + "/" + markers.incrementAndGet();
            List<ObjectNode> compare = new ArrayList<>(compares.size() + 1);
            compare.add(Ops.absent(marker));
            compare.addAll(compares);
            List<ObjectNode> success = new ArrayList<>(puts);
            success.add(Ops.putOp(marker, COMMITTED, lease));
            ObjectNode txn = Ops.txn(compare, success, failureOps);
            JsonNode answer;
            try {
                answer = gateway.write("/v3/kv/txn", txn);
            } catch (GatewayException e) {
                if (e.kind == Kind.UNANSWERED) {
                    return resolve(what, marker, lease, e);
                }
                if (e.kind == Kind.INTERRUPTED) {
                    return resolveInterrupted(what, marker, lease, e);
                }
                if (e.kind == Kind.REJECTED) {
                    if (leaseGone(e) && leaseTries == 0) {
                        dropLease(lease);
                        continue;
                    }
                    throw new IllegalStateException("etcd rejected the commit of " + what + ": " + e.getMessage(), e);
                }
                return new Result(Outcome.NOT_APPLIED, 0L, null, e.getMessage());
            }
            return Ops.succeeded(answer) ? new Result(Outcome.COMMITTED, Ops.revision(answer), answer, null)
                    : new Result(Outcome.REFUSED, Ops.revision(answer), answer, null);
        }
    }

    /** A commit that writes nothing in etcd: only its compares, sent again like a read while no answer comes. */
    private Result validate(String what, List<ObjectNode> compares, List<ObjectNode> failureOps) {
        JsonNode answer;
        try {
            answer = gateway.read("/v3/kv/txn", Ops.txn(compares, List.of(), failureOps));
        } catch (GatewayException e) {
            if (e.kind == Kind.REJECTED) {
                throw new IllegalStateException("etcd rejected the check of " + what + ": " + e.getMessage(), e);
            }
            if (e.kind == Kind.INTERRUPTED) {
                throw e.interrupted("checking " + what + "; nothing was written");
            }
            return new Result(Outcome.NOT_APPLIED, 0L, null, e.getMessage());
        }
        return Ops.succeeded(answer) ? new Result(Outcome.COMMITTED, Ops.revision(answer), answer, null)
                : new Result(Outcome.REFUSED, Ops.revision(answer), answer, null);
    }

    /**
     * The thread was interrupted while its commit was sent or under way: settle it all the same
     * (with the flag cleared for the fence, and set again after), then end with the interrupt
     * unless it was applied.
     */
    private Result resolveInterrupted(String what, String marker, long lease, GatewayException e) {
        if (!e.sent) {
            throw e.interrupted("committing " + what + "; nothing was sent");
        }
        Thread.interrupted();
        Result r;
        try {
            r = resolve(what, marker, lease, e);
        } finally {
            Thread.currentThread().interrupt();
        }
        if (r.outcome != Outcome.COMMITTED) {
            throw e.interrupted("committing " + what + "; it was not applied");
        }
        return r;
    }

    /** The fence: see the class comment. */
    private Result resolve(String what, String marker, long lease, GatewayException cause) {
        unanswered.incrementAndGet();
        LOG.log(Level.WARNING, () -> "stm4j: no answer to the commit of " + what + " (" + cause.getMessage()
                + "); settling its outcome with a fence on its marker " + marker);
        ObjectNode fence = Ops.txn(List.of(Ops.absent(marker)), List.of(Ops.putOp(marker, FENCED, lease)),
                List.of(Ops.rangeOp(marker, 0L)));
        JsonNode answer;
        try {
            answer = gateway.read("/v3/kv/txn", fence);
        } catch (GatewayException e) {
            if (leaseGone(e)) {
                // the commit carried the same lease: it cannot be applied any more either
                resolvedNotApplied.incrementAndGet();
                return new Result(Outcome.NOT_APPLIED, 0L, null, "no answer, and its lease has expired");
            }
            unknown.incrementAndGet();
            e.addSuppressed(cause);
            LOG.log(Level.ERROR, () -> "stm4j: the outcome of the commit of " + what + " is unknown: " + e.getMessage());
            throw new CommitOutcomeUnknown("the commit of " + what + " got no answer, and no etcd member of "
                    + gateway.endpoints() + " could say within " + gateway.requestTimeout.toMillis()
                    + " ms whether it was applied (no quorum?); it may have been applied, or may still be once the"
                    + " cluster recovers: read the keys again when it answers", e);
        }
        if (Ops.succeeded(answer)) {
            resolvedNotApplied.incrementAndGet();
            LOG.log(Level.INFO, () -> "stm4j: the commit of " + what + " was not applied (fenced at revision "
                    + Ops.revision(answer) + ")");
            return new Result(Outcome.NOT_APPLIED, 0L, null, "no answer within " + gateway.requestTimeout.toMillis()
                    + " ms, and it was not applied");
        }
        List<Kv> found = Ops.kvs(Ops.responseRange(answer, 0));
        if (found.size() == 1 && new String(found.get(0).value, StandardCharsets.US_ASCII).equals("c")) {
            long at = found.get(0).createRevision;
            resolvedCommitted.incrementAndGet();
            LOG.log(Level.INFO, () -> "stm4j: the commit of " + what + " was applied at revision " + at);
            return new Result(Outcome.COMMITTED, at, null, null);
        }
        // our own earlier fence (sent again after a lost answer) created it
        resolvedNotApplied.incrementAndGet();
        return new Result(Outcome.NOT_APPLIED, 0L, null, "no answer, and it was not applied");
    }

    private static boolean leaseGone(GatewayException e) {
        return e.kind == Kind.REJECTED && e.getMessage().contains("lease not found");
    }

    private synchronized long lease() throws GatewayException {
        long now = System.nanoTime();
        if (leaseId != 0L && now - leaseGrantedNanos < TimeUnit.SECONDS.toNanos(leaseTtlSeconds) / 2) {
            return leaseId;
        }
        // a grant sent twice only leaves a spare lease to expire
        JsonNode answer = gateway.read("/v3/lease/grant", Ops.obj().put("TTL", Long.toString(leaseTtlSeconds)));
        long id = answer.path("ID").asLong(0L);
        if (id == 0L) {
            throw new GatewayException(Kind.NOT_SENT, "lease grant answered " + answer, null);
        }
        leaseId = id;
        leaseGrantedNanos = now;
        return id;
    }

    private synchronized void dropLease(long lease) {
        if (leaseId == lease) {
            leaseId = 0L;
        }
    }
}
