package dev.lawfit.architecture;

import dev.lawfit.law.Family;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The code's rooms, read from its sources: no two packages import each other (directly or round a loop), the fitting core
 * uses no Spark, and no family name is written as text outside the registry of families.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.lawfit(?:\\.[a-z_]+)+)\\.[A-Z]");

    /** Each main source file's code without its comments and with its string literals emptied, by path. */
    private static Map<Path, String> sources() throws IOException {
        Map<Path, String> out = new TreeMap<>();
        try (var walk = Files.walk(MAIN)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) out.put(f, code(Files.readString(f), false));
        }
        return out;
    }

    /** Comments removed; string and character literals (text blocks too) emptied unless {@code keepStrings}. */
    static String code(String source, boolean keepStrings) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0, n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') i++;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                out.append(keepStrings ? source.substring(i, end) : "\"\"");
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c) j += source.charAt(j) == '\\' ? 2 : 1;
                int end = Math.min(n, j + 1);
                out.append(keepStrings ? source.substring(i, end) : "" + c + c);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String packageOf(Path file) {
        return MAIN.relativize(file.getParent()).toString().replace('/', '.');
    }

    /** Package to the packages it refers to (imports and qualified names alike). */
    static Map<String, Set<String>> dependencies(Map<Path, String> sources) {
        Map<String, Set<String>> deps = new TreeMap<>();
        sources.forEach((file, code) -> {
            String from = packageOf(file);
            Set<String> to = deps.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) if (!m.group(1).equals(from)) to.add(m.group(1));
        });
        return deps;
    }

    /** The strongly connected groups of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> deps) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : deps.keySet()) if (!index.containsKey(v)) strongConnect(v, deps, index, low, stack, onStack, out, counter);
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> deps, Map<String, Integer> index, Map<String, Integer> low,
                                      Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : deps.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, deps, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) out.add(component);
        }
    }

    @Test
    void noPackagesImportEachOther() throws IOException {
        Map<String, Set<String>> deps = dependencies(sources());
        assertTrue(deps.size() > 20, "packages read: " + deps.keySet());
        assertEquals(List.of(), cycles(deps), "packages that depend on each other, round a loop");
        // the check finds a loop when there is one
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"))));
    }

    @Test
    void theFittingCoreUsesNoSpark() throws IOException {
        List<String> core = List.of("dev.lawfit.law", "dev.lawfit.fit", "dev.lawfit.catalog", "dev.lawfit.temporal", "dev.lawfit.schedule",
                "dev.lawfit.losstoloss", "dev.lawfit.downstream", "dev.lawfit.frontier");
        List<String> spark = new ArrayList<>();
        sources().forEach((file, code) -> {
            if (core.contains(packageOf(file)) && code.contains("org.apache.spark")) spark.add(file.toString());
        });
        assertEquals(List.of(), spark, "core files that use Spark");
    }

    /**
     * A family is named in code by the registry's constant ({@code Family.COMPUTE}), never as text: outside the registry and the
     * spec's stage names, no string literal is a family's name.
     */
    @Test
    void noFamilyNameIsWrittenAsTextOutsideTheRegistry() throws IOException {
        // the registry itself, the plan's stage names, and generated sample data (an eval called "downstream" is data)
        Set<String> allowed = Set.of("Family.java", "SpecHashes.java");
        List<String> found = new ArrayList<>();
        try (var walk = Files.walk(MAIN)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (allowed.contains(f.getFileName().toString()) || packageOf(f).equals("dev.lawfit.generate")) continue;
                String code = code(Files.readString(f), true);
                for (Family family : Family.values()) {
                    if (code.contains("\"" + family.label() + "\"")) found.add(f.getFileName() + ": \"" + family.label() + "\"");
                }
            }
        }
        assertEquals(List.of(), found, "family names written as text");
    }
}
