package io.transferadvisor.rules;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The classes and members a rule may name (the whitelist of rules/README.md, "Trust boundary"):
 * the fact classes of io.transferadvisor.rules.facts, the enums of io.transferadvisor.plan,
 * String / Math / Integer / Long / Double / Boolean helpers and Locale.ROOT.
 */
final class AllowedApi {
    private AllowedApi() {}

    static final String FACTS = "io.transferadvisor.rules.facts";
    static final String PLAN = "io.transferadvisor.plan";

    private static final Set<String> BOXED_STATICS = Set.of("parseInt", "parseLong", "parseDouble", "parseBoolean", "valueOf",
            "toString", "compare", "max", "min", "sum", "signum", "abs", "isNaN", "isInfinite", "isFinite", "hashCode",
            "logicalAnd", "logicalOr", "logicalXor");
    private static final Set<String> VALUE_METHODS = Set.of("intValue", "longValue", "doubleValue", "floatValue", "booleanValue",
            "isNaN", "isInfinite", "compareTo", "equals", "hashCode", "toString", "name", "ordinal");
    private static final Set<String> NEVER = Set.of("getClass", "wait", "notify", "notifyAll", "clone", "finalize");
    private static final List<Class<?>> JAVA = List.of(String.class, Math.class, Integer.class, Long.class, Double.class,
            Boolean.class, Locale.class);

    /** Simple and qualified name -> class, for every class a rule may name. */
    private static final Map<String, Class<?>> CLASSES = new LinkedHashMap<>();
    /** Rule packages already checked by {@link #shadowedIn} (every file of a rule base shares one). */
    private static final Map<String, Optional<String>> SHADOWED = new ConcurrentHashMap<>();
    /** Instance methods (and record components) a rule may call or read on a bound value. */
    private static final Set<String> INSTANCE_MEMBERS = new HashSet<>();

    static {
        List<Class<?>> allowed = new ArrayList<>(JAVA);
        allowed.addAll(classesIn(FACTS));
        classesIn(PLAN).stream().filter(Class::isEnum).forEach(allowed::add);
        for (Class<?> c : allowed) {
            CLASSES.put(c.getSimpleName(), c);
            CLASSES.put(c.getName(), c);
            if (c != Math.class && c != Locale.class) {
                for (Method m : c.getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()) {
                        INSTANCE_MEMBERS.add(m.getName());
                    }
                }
            }
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    INSTANCE_MEMBERS.add(rc.getName());
                }
            }
        }
        INSTANCE_MEMBERS.addAll(VALUE_METHODS);
        INSTANCE_MEMBERS.removeAll(NEVER);
    }

    /** The class a rule's name denotes, or null when it is not one a rule may use. */
    static Class<?> resolve(String name) {
        return CLASSES.get(name);
    }

    /**
     * The first allowed simple name that a class of the given package would shadow (Java and MVEL
     * resolve a simple name in the rule's own package before the on-demand imports), or null.
     */
    static String shadowedIn(String pkg) {
        if (pkg == null || pkg.isBlank()) {
            return null;
        }
        return SHADOWED.computeIfAbsent(pkg, p -> Optional.ofNullable(findShadowed(p))).orElse(null);
    }

    private static String findShadowed(String pkg) {
        for (Map.Entry<String, Class<?>> e : CLASSES.entrySet()) {
            String name = e.getKey();
            if (name.indexOf('.') < 0) {
                try {
                    Class<?> other = Class.forName(pkg + "." + name, false, AllowedApi.class.getClassLoader());
                    if (other != e.getValue()) {
                        return name;
                    }
                } catch (ClassNotFoundException | LinkageError x) {
                    // nothing of that name there
                }
            }
        }
        return null;
    }

    /** Whether a name a rule uses denotes some class (of the JDK or the class path) at all; unknown names are left to the compiler. */
    static boolean exists(String name) {
        for (String candidate : List.of(name, "java.lang." + name)) {
            try {
                Class.forName(candidate, false, AllowedApi.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                // not this one
            }
        }
        return false;
    }

    static boolean isFact(Class<?> c) {
        return c.getPackageName().equals(FACTS) && !c.isEnum();
    }

    /** Types a consequence may declare a local variable of, or cast to. */
    static boolean isValueType(Class<?> c) {
        return c != Math.class && c != Locale.class;
    }

    static boolean isInstanceMember(String name) {
        return INSTANCE_MEMBERS.contains(name);
    }

    static boolean isStaticMethod(Class<?> c, String name) {
        if (c == String.class) {
            return name.equals("format") || name.equals("valueOf") || name.equals("join");
        }
        if (c == Math.class) {
            return Stream.of(Math.class.getMethods()).anyMatch(m -> Modifier.isStatic(m.getModifiers()) && m.getName().equals(name));
        }
        if (c == Integer.class || c == Long.class || c == Double.class || c == Boolean.class) {
            return BOXED_STATICS.contains(name);
        }
        return c.isEnum() && (name.equals("valueOf") || name.equals("values"));
    }

    /** Enum constants of the allowed enums, Locale.ROOT, and the constants of Math and the boxed types. */
    static boolean isStaticField(Class<?> c, String name) {
        if (c.isEnum()) {
            return Stream.of(c.getEnumConstants()).anyMatch(k -> ((Enum<?>) k).name().equals(name));
        }
        if (c == Locale.class) {
            return name.equals("ROOT");
        }
        if (c == String.class) {
            return false;
        }
        try {
            Field f = c.getField(name);
            return Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())
                    && (f.getType().isPrimitive() || f.getType() == c);
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    /** The top-level classes of a package of this application, read from its directory or jar. */
    static List<Class<?>> classesIn(String pkg) {
        String path = pkg.replace('.', '/');
        ClassLoader loader = AllowedApi.class.getClassLoader();
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> urls = loader.getResources(path);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                if (url.getProtocol().equals("file")) {
                    try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
                        s.map(p -> p.getFileName().toString()).forEach(names::add);
                    }
                } else if (url.getProtocol().equals("jar")) {
                    JarURLConnection conn = (JarURLConnection) url.openConnection();
                    conn.setUseCaches(false);
                    try (JarFile jar = conn.getJarFile()) {
                        for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements();) {
                            String n = en.nextElement().getName();
                            if (n.startsWith(path + "/") && n.indexOf('/', path.length() + 1) < 0) {
                                names.add(n.substring(path.length() + 1));
                            }
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the classes of " + pkg + ": " + e.getMessage(), e);
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith(".class") && !n.contains("$") && !n.equals("package-info.class")) {
                try {
                    out.add(Class.forName(pkg + "." + n.substring(0, n.length() - ".class".length()), false, loader));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("class " + n + " of " + pkg + " does not load: " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no classes found in " + pkg + " on the class path");
        }
        return out;
    }
}
