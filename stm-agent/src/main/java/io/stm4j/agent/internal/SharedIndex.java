package io.stm4j.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which classes declare {@code @Shared} fields, per class loader, read from class files (never by
 * loading classes). Resolves a field reference the way the JVM does, to find the class that
 * really declares the field.
 */
final class SharedIndex {
    private static final Object BOOT = new Object();
    private final Map<Object, Map<String, Optional<ClassInfo>>> byLoader =
            Collections.synchronizedMap(new WeakHashMap<>());
    /** Classes loaded before the agent: their fields were not rewritten, so access stays plain. */
    private final Set<String> preloaded = ConcurrentHashMap.newKeySet();

    void markPreloaded(String internalName) {
        preloaded.add(internalName);
    }

    static boolean isPlatform(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/")
                || internalName.startsWith("jdk/") || internalName.startsWith("sun/")
                || internalName.startsWith("com/sun/") || internalName.startsWith("[");
    }

    private Map<String, Optional<ClassInfo>> cache(ClassLoader loader) {
        return byLoader.computeIfAbsent(loader == null ? BOOT : loader, k -> new ConcurrentHashMap<>());
    }

    /** Remembers a class being defined now, which may not be readable as a resource. */
    void remember(ClassLoader loader, ClassInfo info) {
        cache(loader).put(info.name, Optional.of(info));
    }

    ClassInfo info(ClassLoader loader, String internalName) {
        if (isPlatform(internalName)) {
            return null;
        }
        Map<String, Optional<ClassInfo>> c = cache(loader);
        Optional<ClassInfo> known = c.get(internalName);
        if (known == null) {
            known = Optional.ofNullable(read(loader, internalName));
            c.put(internalName, known);
        }
        return known.orElse(null);
    }

    private static ClassInfo read(ClassLoader loader, String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            return in == null ? null : ClassInfo.parse(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code internalName} or a superclass declares a {@code @Shared} field. */
    boolean hierarchyDeclaresShared(ClassLoader loader, String internalName) {
        for (String n = internalName; n != null; ) {
            ClassInfo ci = info(loader, n);
            if (ci == null) {
                return false;
            }
            if (ci.declaresShared()) {
                return true;
            }
            n = ci.superName;
        }
        return false;
    }

    /** A resolved reference to a rewritable @Shared field. */
    static final class Resolved {
        final ClassInfo declaring;
        final ClassInfo.FieldInfo field;

        Resolved(ClassInfo declaring, ClassInfo.FieldInfo field) {
            this.declaring = declaring;
            this.field = field;
        }
    }

    /**
     * Resolves {@code owner.name} (JVMS 5.4.3.2: the class, then its superinterfaces, then its
     * superclass) and returns it if it is a @Shared field the agent rewrote.
     */
    Resolved resolveShared(ClassLoader loader, String owner, String name) {
        ClassInfo ci = info(loader, owner);
        while (ci != null) {
            ClassInfo.FieldInfo f = ci.fields.get(name);
            if (f != null) {
                boolean rewritten = f.shared && !f.isFinal() && !preloaded.contains(ci.name);
                return rewritten ? new Resolved(ci, f) : null;
            }
            if (declaredInInterfaces(loader, ci, name)) {
                return null; // interface fields are constants, never @Shared
            }
            ci = ci.superName == null ? null : info(loader, ci.superName);
        }
        return null;
    }

    private boolean declaredInInterfaces(ClassLoader loader, ClassInfo ci, String name) {
        for (String itf : ci.interfaces) {
            ClassInfo ii = info(loader, itf);
            if (ii != null && (ii.fields.containsKey(name) || declaredInInterfaces(loader, ii, name))) {
                return true;
            }
        }
        return false;
    }
}
