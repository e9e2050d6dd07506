package io.stm4j.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link ValueCodec#json()}: {@code {"type": <class name>, "value": <JSON>}}. Numbers that JSON
 * would round ({@code long}, {@code double}, {@code BigDecimal}, ...) are written as strings, so
 * that they come back exactly.
 */
final class JsonValueCodec implements ValueCodec {
    static final JsonValueCodec INSTANCE = new JsonValueCodec();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NULL = "null";
    private static final String BYTES = "byte[]";

    /** The JDK types stored as text, and how each is read back. */
    private static final Map<String, Function<String, Object>> SCALARS = Map.ofEntries(
            Map.entry(String.class.getName(), s -> s),
            Map.entry(Integer.class.getName(), Integer::valueOf),
            Map.entry(Long.class.getName(), Long::valueOf),
            Map.entry(Short.class.getName(), Short::valueOf),
            Map.entry(Byte.class.getName(), Byte::valueOf),
            Map.entry(Double.class.getName(), Double::valueOf),
            Map.entry(Float.class.getName(), Float::valueOf),
            Map.entry(Boolean.class.getName(), Boolean::valueOf),
            Map.entry(Character.class.getName(), JsonValueCodec::character),
            Map.entry(BigDecimal.class.getName(), BigDecimal::new),
            Map.entry(BigInteger.class.getName(), BigInteger::new));

    private JsonValueCodec() {
    }

    private static Character character(String s) {
        if (s.length() != 1) {
            throw new IllegalArgumentException("not one character: '" + s + "'");
        }
        return s.charAt(0);
    }

    @Override
    public byte[] encode(Object value) {
        ObjectNode doc = MAPPER.createObjectNode();
        if (value == null) {
            doc.put("type", NULL);
        } else if (value instanceof byte[]) {
            doc.put("type", BYTES).put("value", Base64.getEncoder().encodeToString((byte[]) value));
        } else if (SCALARS.containsKey(value.getClass().getName())) {
            doc.put("type", value.getClass().getName()).put("value", value instanceof BigDecimal
                    ? ((BigDecimal) value).toString() : String.valueOf(value));
        } else {
            Class<?> c = value.getClass();
            refuseUnlessRecordOrBean(c);
            JsonNode tree;
            try {
                tree = MAPPER.valueToTree(value);
                Object back = MAPPER.treeToValue(tree, c);
                if (back == null) {
                    throw new IllegalArgumentException("reads back as null");
                }
            } catch (IllegalArgumentException | JsonProcessingException e) {
                throw new IllegalArgumentException("the default etcd codec cannot store a " + c.getName()
                        + ": Jackson cannot write it as JSON and read it back (" + e.getMessage()
                        + "); store a record of plain values, or give the store another codec", e);
            }
            doc.put("type", c.getName()).set("value", tree);
        }
        try {
            return MAPPER.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON", e);
        }
    }

    private static void refuseUnlessRecordOrBean(Class<?> c) {
        String why = null;
        if (c.isArray()) {
            why = "an array (only byte[] is stored as it is)";
        } else if (c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum())) {
            why = "an enum (store its name())";
        } else if (java.util.Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
            why = "a collection or map (wrap it in a record)";
        } else if (isJdk(c)) {
            why = "a JDK class that is not one of String, the boxed primitives, BigDecimal, BigInteger and byte[]";
        } else if (!c.isRecord() && noArgConstructor(c) == null) {
            why = "neither a record nor a bean with a no-argument constructor";
        }
        if (why != null) {
            throw new IllegalArgumentException("the default etcd codec cannot store a " + c.getName() + ": it is " + why);
        }
    }

    private static boolean isJdk(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.")
                || n.startsWith("com.sun.");
    }

    private static Constructor<?> noArgConstructor(Class<?> c) {
        if (Modifier.isAbstract(c.getModifiers()) || (c.getEnclosingClass() != null && !Modifier.isStatic(c.getModifiers()))) {
            return null;
        }
        try {
            return c.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    @Override
    public Object decode(byte[] bytes) {
        JsonNode doc;
        try {
            doc = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a value of the default etcd codec (" + bytes.length + " bytes)", e);
        }
        String type = doc == null ? null : doc.path("type").asText(null);
        if (type == null) {
            throw new IllegalArgumentException("not a value of the default etcd codec: " + doc);
        }
        JsonNode value = doc.path("value");
        if (type.equals(NULL)) {
            return null;
        }
        if (type.equals(BYTES)) {
            return Base64.getDecoder().decode(value.asText());
        }
        Function<String, Object> scalar = SCALARS.get(type);
        if (scalar != null) {
            return scalar.apply(value.asText());
        }
        Class<?> c = load(type);
        refuseUnlessRecordOrBean(c);
        try {
            return MAPPER.treeToValue(value, c);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read a " + type + " back from " + value + ": " + e.getMessage(), e);
        }
    }

    private static Class<?> load(String name) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(name, false, context != null ? context : JsonValueCodec.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            try {
                return Class.forName(name, false, JsonValueCodec.class.getClassLoader());
            } catch (ClassNotFoundException again) {
                throw new IllegalArgumentException("the value's class " + name + " cannot be loaded here", e);
            }
        }
    }

    @Override
    public String toString() {
        return "ValueCodec.json()";
    }
}
