package io.stm4j.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Singleton;
import com.google.inject.name.Names;
import io.stm4j.Stm;
import io.stm4j.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;

/**
 * The stm4j Guice module: injects {@link Store}s, and refuses to start in a JVM where the stm4j
 * agent is not active.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *         StmModule.builder().store("orders").build(),
 *         new MyServicesModule());
 *
 * class OrderService {
 *     @Inject OrderService(Store shared, @Named("orders") Store orders) { ... }
 *     @Atomic public void place(Order o) { ... }   // one transaction, re-run on conflict
 * }
 * }</pre>
 *
 * <p>What it binds:
 * <ul>
 *   <li>{@code Store} to {@link Store#defaultStore()}, the process-wide store that also holds the
 *   {@code @Shared} fields: every injector, every injection point, the same instance;</li>
 *   <li>for each name given to {@link Builder#store(String)}, {@code @Named(name) Store}
 *   ({@link com.google.inject.name.Named}) to a store of its own, made with {@link Store#create()}:
 *   a singleton per injector, distinct from the default store and from every other name.</li>
 * </ul>
 *
 * <p>{@code @Atomic} methods and {@code @Shared} fields are made transactional by the agent, not by
 * this module, so they work the same in classes Guice constructs as anywhere else — including the
 * subclasses Guice generates for its own AOP. An interceptor bound with
 * {@code bindInterceptor} to an {@code @Atomic} method wraps the call from outside the
 * transaction: it runs before the transaction starts and after it has committed (or failed), and
 * is called once per call, because a conflict re-runs only the method's own body. An interceptor
 * that must run inside the transaction should open one itself ({@code Stm.atomic}), and then runs
 * again on every re-run. Guice AOP cannot intercept private, static or final methods; the agent
 * can, so {@code @Atomic} works on those too.
 *
 * <p>Without the agent the module fails injector creation with a
 * {@link com.google.inject.CreationException} that says how to attach it: a {@code @Shared} field
 * in a class loaded without the agent would silently be a plain field.
 *
 * <p>Installing equal modules (the same store names) twice is harmless: Guice installs a module
 * once.
 */
public final class StmModule extends AbstractModule {

    private final Set<String> storeNames;

    /** The default store only: binds {@code Store} to {@link Store#defaultStore()}. */
    public StmModule() {
        this(Set.of());
    }

    private StmModule(Set<String> storeNames) {
        this.storeNames = storeNames;
    }

    /**
     * A builder for a module with named stores: {@code StmModule.builder().store("orders").build()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the names of the named stores this module binds, in the order they were added */
    public Set<String> storeNames() {
        return storeNames;
    }

    @Override
    protected void configure() {
        if (!Stm.isAgentActive()) {
            addError(noAgentMessage());
        }
        bind(Store.class).toInstance(Store.defaultStore());
        for (String name : storeNames) {
            bind(Store.class).annotatedWith(Names.named(name)).toProvider(new NewStore()).in(Singleton.class);
        }
    }

    /** Modules binding the same names are equal, so installing one twice installs it once. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StmModule && ((StmModule) o).storeNames.equals(storeNames);
    }

    @Override
    public int hashCode() {
        return StmModule.class.hashCode() * 31 + storeNames.hashCode();
    }

    @Override
    public String toString() {
        return "StmModule" + (storeNames.isEmpty() ? "" : storeNames);
    }

    static String noAgentMessage() {
        String jar = "stm-agent-" + version() + ".jar";
        return "stm4j: the stm4j agent is not active in this JVM, so @Shared fields and @Atomic methods"
                + " would not be transactional. Attach it when the JVM starts:\n"
                + "    java -javaagent:stm-agent/target/" + jar + " -cp <your class path> <main class>\n"
                + "  (the agent jar is built by 'mvn package' in stm4j; in Maven tests put"
                + " -javaagent:/path/to/" + jar + " in Surefire's <argLine>),\n"
                + "  or, in tests and tools, call io.stm4j.agent.StmAgent.install() before any class with"
                + " @Shared fields or @Atomic methods is loaded.";
    }

    private static String version() {
        try (InputStream in = StmModule.class.getResourceAsStream("stm-guice.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("$")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: the message still says where the jar is
        }
        return "<version>";
    }

    /** Makes a new, independent store each time Guice asks (once per injector: it is a singleton). */
    private static final class NewStore implements Provider<Store> {
        @Override
        public Store get() {
            return Store.create();
        }

        @Override
        public String toString() {
            return "Store.create()";
        }
    }

    /** Collects the names of the stores an {@link StmModule} binds besides the default one. */
    public static final class Builder {
        private final Set<String> names = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * Also binds {@code @Named(name) Store} to a store of its own.
         *
         * @param name the name, as in {@code @Named("orders")}
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank or was already added
         */
        public Builder store(String name) {
            if (name == null) {
                throw new NullPointerException("name");
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException("a store name must not be blank");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("store '" + name + "' was already added");
            }
            return this;
        }

        /** @return the module, binding the default store and every named store added so far */
        public StmModule build() {
            return new StmModule(Collections.unmodifiableSet(new LinkedHashSet<>(names)));
        }
    }
}
