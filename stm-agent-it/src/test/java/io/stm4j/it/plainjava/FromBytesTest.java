package io.stm4j.it.plainjava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Classes defined from bytes by a loader that serves no class files (as in-memory compilers,
 * scripting engines and JShell do) are rewritten and transactional, even when one has a field
 * whose type is another such class.
 */
class FromBytesTest {
    private static final String PACKAGE = "io.stm4j.it.plainjava.bytes.";

    /** Defines the classes of {@code bytes/} itself from their bytes, and serves no resource for them. */
    static final class BytesOnlyLoader extends ClassLoader {
        BytesOnlyLoader() {
            super(FromBytesTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(PACKAGE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    byte[] b = bytesOf(name);
                    c = defineClass(name, b, 0, b.length);
                }
                return c;
            }
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith(PACKAGE.replace('.', '/')) ? null : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.startsWith(PACKAGE.replace('.', '/')) ? Collections.emptyEnumeration() : super.getResources(name);
        }

        private static byte[] bytesOf(String name) {
            String path = "/" + name.replace('.', '/') + ".class";
            try (InputStream in = FromBytesTest.class.getResourceAsStream(path)) {
                assertThat(in).as(path).isNotNull();
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void aClassGraphDefinedFromBytesIsRewrittenAndTransactional() throws Exception {
        BytesOnlyLoader loader = new BytesOnlyLoader();
        assertThat(loader.getResource(PACKAGE.replace('.', '/') + "Counter.class")).isNull();
        Class<?> holderClass = loader.loadClass(PACKAGE + "Holder");
        assertThat(holderClass.getClassLoader()).isSameAs(loader);
        Object holder = holderClass.getConstructor().newInstance();
        assertThat(holderClass.getDeclaredField("counter").getType().getClassLoader()).isSameAs(loader);

        ((Runnable) holder).run();
        assertThat(((LongSupplier) holder).getAsLong()).isEqualTo(2);
        assertThatThrownBy(() -> holderClass.getMethod("incThenFail").invoke(holder))
                .isInstanceOf(InvocationTargetException.class)
                .cause().hasMessage("rolled back");
        assertThat(((LongSupplier) holder).getAsLong()).as("the failed increment rolled back").isEqualTo(2);

        // transactional under contention: no lost increment
        Thread[] threads = new Thread[2];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int k = 0; k < 20_000; k++) {
                    ((Runnable) holder).run();
                }
            }, "from-bytes-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
        }
        assertThat(((LongSupplier) holder).getAsLong()).isEqualTo(2 + 2 * 2 * 20_000);
    }
}
