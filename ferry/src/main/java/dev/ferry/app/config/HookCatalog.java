package dev.ferry.app.config;

import dev.ferry.bridge.hook.HookFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The hook factories a configuration can name: those on Ferry's own class path and those in the jars of the plugin
 * path (every {@code *.jar} directly in one directory, in name order), found with {@link ServiceLoader}.
 *
 * <p>One class loader holds all plugin jars, with Ferry's as parent, so a plugin sees the hook API and its own
 * classes, and two plugins may share a library jar placed beside them. It lives as long as the process: a
 * configuration keeps the factories it named.
 */
public final class HookCatalog {
    private final Map<String, HookFactory<?>> factories;
    private final List<String> problems;

    private HookCatalog(Map<String, HookFactory<?>> factories, List<String> problems) {
        this.factories = Collections.unmodifiableMap(factories);
        this.problems = List.copyOf(problems);
    }

    /** The factories on Ferry's class path only. */
    public static HookCatalog classPath() {
        return load(HookCatalog.class.getClassLoader(), List.of());
    }

    /**
     * The factories on Ferry's class path and in the jars of {@code pluginDir}.
     *
     * @throws UncheckedIOException when the directory cannot be listed
     */
    public static HookCatalog withPlugins(Path pluginDir) {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(pluginDir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        URLClassLoader loader = new URLClassLoader("ferry-plugins", jars.toArray(URL[]::new),
                HookCatalog.class.getClassLoader());
        return load(loader, jars);
    }

    private static HookCatalog load(ClassLoader loader, List<URL> jars) {
        Map<String, HookFactory<?>> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (ServiceLoader.Provider<HookFactory> provider : ServiceLoader.load(HookFactory.class, loader).stream()
                .toList()) {
            HookFactory<?> factory;
            try {
                factory = provider.get();
            } catch (ServiceConfigurationError | RuntimeException e) {
                problems.add("hook factory " + provider.type().getName() + " cannot be created: " + e.getMessage());
                continue;
            }
            String name = factory.name();
            if (name == null || !ConfigLoader.isName(name) || HookConfig.BUILTINS.contains(name)) {
                problems.add("hook factory " + factory.getClass().getName() + " has an unusable name " + name
                        + " (expected: " + ConfigLoader.NAME_EXPECTED + ", not one of the built-ins "
                        + String.join(", ", HookConfig.BUILTINS) + ")");
            } else if (found.containsKey(name)) {
                problems.add("two hook factories are named " + name + ": " + found.get(name).getClass().getName()
                        + " and " + factory.getClass().getName());
            } else {
                found.put(name, factory);
            }
        }
        return new HookCatalog(found, problems);
    }

    /** The factory of that name, or null. */
    HookFactory<?> factory(String name) {
        return factories.get(name);
    }

    /** Every name a configuration can use: the built-ins, then the factories found, in name order. */
    List<String> names() {
        List<String> out = new ArrayList<>(HookConfig.BUILTINS);
        out.addAll(new java.util.TreeSet<>(factories.keySet()));
        return out;
    }

    /** Factories that were found but cannot be used (bad or duplicate names, failing constructors). */
    List<String> problems() {
        return problems;
    }
}
