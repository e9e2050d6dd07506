package io.stm4j.internal;

/**
 * The names that the agent writes into rewritten classes and the runtime looks up, in one place:
 * internal class names, the prefixes of the members the agent adds, and the annotations'
 * descriptors. All are compile-time constants, so the agent carries copies of the values, not a
 * reference to this class; {@code NamesTest} checks each against the class or member it names.
 *
 * <p>Not API: public for the agent.
 */
public final class Names {
    /** The package of the engine, internal form, with its trailing slash. */
    public static final String ENGINE_PACKAGE = "io/stm4j/internal/";
    /** {@link Cell}, internal form. */
    public static final String CELL = ENGINE_PACKAGE + "Cell";
    /** {@link FieldMeta}, internal form. */
    public static final String FIELD_META = ENGINE_PACKAGE + "FieldMeta";
    /** {@link FieldBridge}, internal form. */
    public static final String FIELD_BRIDGE = ENGINE_PACKAGE + "FieldBridge";
    /** {@link AtomicBridge}, internal form: whose {@code enter} the {@code @Atomic} advice calls. */
    public static final String ATOMIC_BRIDGE = ENGINE_PACKAGE + "AtomicBridge";
    /** {@link TxnState}, internal form: the advice reads the scope's level from its {@code depth}. */
    public static final String TXN_STATE = ENGINE_PACKAGE + "TxnState";
    /** {@link AgentSupport}, binary name: what the agent loads to find the runtime. */
    public static final String AGENT_SUPPORT = "io.stm4j.internal.AgentSupport";

    /** The field holding a {@code @Shared} field's cell: {@code stm$cell$<field>}. */
    public static final String CELL_PREFIX = "stm$cell$";
    /** The static field holding a {@code @Shared} field's {@link FieldMeta}: {@code stm$meta$<field>}. */
    public static final String META_PREFIX = "stm$meta$";
    /** The accessor that reads a {@code @Shared} field: {@code stm$get$<field>}. */
    public static final String GETTER_PREFIX = "stm$get$";
    /** The accessor that writes a {@code @Shared} field: {@code stm$set$<field>}. */
    public static final String SETTER_PREFIX = "stm$set$";
    /**
     * The accessor that reads a {@code @Shared} field with the transaction an {@code @Atomic}
     * method already holds, passed as its last argument: {@code stm$tget$<field>}.
     */
    public static final String TXN_GETTER_PREFIX = "stm$tget$";
    /** The accessor that writes a {@code @Shared} field with the transaction passed last: {@code stm$tset$<field>}. */
    public static final String TXN_SETTER_PREFIX = "stm$tset$";
    /** The accessor for a constructor's or static initialiser's direct write: {@code stm$init$<field>}. */
    public static final String INIT_PREFIX = "stm$init$";

    /** {@code io.stm4j.Shared}, as a descriptor. */
    public static final String SHARED_DESC = "Lio/stm4j/Shared;";
    /** {@code io.stm4j.Atomic}, as a descriptor. */
    public static final String ATOMIC_DESC = "Lio/stm4j/Atomic;";
    /** {@link Rewritten}, as a descriptor: the mark of a class stm4j has rewritten. */
    public static final String REWRITTEN_DESC = "Lio/stm4j/internal/Rewritten;";
    /** The resource that build-time weaving writes beside the classes it wove, one class name a line. */
    public static final String WOVEN_RESOURCE = "META-INF/stm4j/woven";
    /** {@code io.stm4j.Atomic}, binary name. */
    public static final String ATOMIC = "io.stm4j.Atomic";

    private Names() {
    }
}
