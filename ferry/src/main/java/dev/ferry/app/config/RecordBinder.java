package dev.ferry.app.config;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Binds a hook's {@code config:} map to the record its factory declares (see
 * {@link dev.ferry.bridge.hook.HookFactory}), with the same problem messages and key paths as the rest of the file:
 * each record component reads the key of its name in kebab-case, unknown keys are refused, and a key left out takes
 * the value of the record's {@code public static defaults()} or, without one, is reported missing. A component that
 * is itself a record, or a list of records, is a nested map or a list of maps bound the same way.
 *
 * <p>Written against {@link ConfigNode} rather than handed to Jackson's record binding, so that a plugin's bad
 * value reads like any other ({@code hooks[1].config.deny-paths[0]: 42 (expected: a string)}) and every problem of
 * the file is still found in one run.
 */
final class RecordBinder {
    private RecordBinder() {
    }

    /** The bound record, or null when a problem was reported (or the record could not be built). */
    static <C extends Record> C bind(ConfigNode node, Class<C> type) {
        RecordComponent[] components = type.getRecordComponents();
        String[] keys = new String[components.length];
        for (int i = 0; i < components.length; i++) {
            keys[i] = kebab(components[i].getName());
        }
        if (node.present() && !node.isMap(keys.length == 0 ? "nothing: this hook takes no configuration"
                : "a map with keys " + String.join(", ", keys))) {
            return null;
        }
        if (node.present() && keys.length == 0 && !node.keys().isEmpty()) {
            node.report("this hook takes no configuration");
            return null;
        }
        node.allowKeys(keys);
        C defaults = defaults(type);
        int before = node.problemCount();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            Object fallback = defaults == null ? null : read(c, defaults);
            ConfigNode child = node.child(keys[i]);
            if (!child.present() && defaults == null) {
                child.missing(expected(c));
                continue;
            }
            values[i] = value(child, c, fallback);
        }
        if (node.problemCount() != before) {
            return null;
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            node.report(String.valueOf(e.getCause().getMessage()));
            return null;
        } catch (ReflectiveOperationException e) {
            node.report("cannot build " + type.getName() + ": " + e);
            return null;
        }
    }

    private static Object value(ConfigNode node, RecordComponent c, Object fallback) {
        Class<?> t = c.getType();
        if (t == String.class) {
            return node.string((String) fallback, "a string", s -> true);
        }
        if (t == boolean.class || t == Boolean.class) {
            return node.bool(fallback != null && (Boolean) fallback);
        }
        if (t == int.class || t == Integer.class) {
            return (int) node.integer(fallback == null ? 0 : (Integer) fallback, Integer.MIN_VALUE,
                    Integer.MAX_VALUE, "an integer");
        }
        if (t == long.class || t == Long.class) {
            return node.integer(fallback == null ? 0 : (Long) fallback, Long.MIN_VALUE, Long.MAX_VALUE,
                    "an integer");
        }
        if (t == double.class || t == Double.class) {
            return node.number(fallback == null ? 0 : (Double) fallback);
        }
        if (t == Duration.class) {
            return node.duration((Duration) fallback);
        }
        if (t == List.class) {
            if (!node.present()) {
                return fallback;
            }
            Class<?> element = listElement(c);
            List<Object> out = new ArrayList<>();
            for (ConfigNode item : node.elements("a list")) {
                Object v = value(item, element);
                if (v != null) {
                    out.add(v);
                }
            }
            return List.copyOf(out);
        }
        if (t.isRecord()) {
            return node.present() ? bind(node, t.asSubclass(Record.class)) : fallback;
        }
        throw new IllegalArgumentException(c.getDeclaringRecord().getName() + "." + c.getName() + ": type "
                + t.getName() + " is not one a configuration can hold");
    }

    private static Object value(ConfigNode item, Class<?> element) {
        if (element.isRecord()) {
            return bind(item, element.asSubclass(Record.class));
        }
        if (element == String.class) {
            return item.string("", "a string", s -> true);
        }
        if (element == Integer.class) {
            return (int) item.integer(0, Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer");
        }
        return item.integer(0, Long.MIN_VALUE, Long.MAX_VALUE, "an integer");
    }

    private static Class<?> listElement(RecordComponent c) {
        Type generic = c.getGenericType();
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> e
                && (e == String.class || e == Integer.class || e == Long.class || e.isRecord())) {
            return e;
        }
        throw new IllegalArgumentException(c.getDeclaringRecord().getName() + "." + c.getName()
                + ": only lists of String, Integer, Long or records can be configured");
    }

    private static String expected(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == String.class) {
            return "a string";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == Duration.class) {
            return DurationParser.EXPECTED;
        }
        if (t == List.class) {
            return "a list";
        }
        if (t.isRecord()) {
            return "a map";
        }
        return "a number";
    }

    private static <C extends Record> C defaults(Class<C> type) {
        try {
            Method m = type.getMethod("defaults");
            if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type) {
                return type.cast(m.invoke(null));
            }
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type.getName() + ".defaults() failed: " + e, e);
        }
        return null;
    }

    private static Object read(RecordComponent c, Record from) {
        try {
            return c.getAccessor().invoke(from);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot read " + c.getName() + " of " + from, e);
        }
    }

    /** {@code denyPaths} to {@code deny-paths}. */
    static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    out.append('-');
                }
                out.append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
