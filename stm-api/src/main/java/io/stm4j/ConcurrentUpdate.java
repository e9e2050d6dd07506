package io.stm4j;

/**
 * A commit found that a value it read or wants to write has a newer version in the store.
 *
 * <p>Reaches user code only from the explicit store API used outside a transaction
 * ({@link Store#set}, {@link Store#setValues}, {@link Value#commit()}, {@link Changeset#commit()}),
 * exactly as in Axon.STM: take fresh copies and try again. Inside {@link Atomic} methods and
 * {@link Stm#atomic} blocks the runtime re-runs the body instead.
 *
 * <p>It carries no stack trace: it is control flow, and the retry path must stay cheap.
 */
public class ConcurrentUpdate extends StmException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which key conflicted, and the versions seen
     */
    public ConcurrentUpdate(String message) {
        super(message, null, false);
    }
}
