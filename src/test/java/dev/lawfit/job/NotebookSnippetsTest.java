package dev.lawfit.job;

import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.TestSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The README's "From a notebook" snippets, as printed there, against a generated output. */
class NotebookSnippetsTest {

    @TempDir
    static Path dir;
    static String output;

    @BeforeAll
    static void publish() {
        output = dir.resolve("out").toString();
        String spec = """
                sample: {preset: linear_complexity, seed: 42}
                input: {paths: ['%s']}
                laws: [chinchilla]
                fit: {polish_starts: 4}
                bootstrap: {resamples: 0}
                output: {path: '%s'}
                """.formatted(dir.resolve("archive"), output);
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec, "test"));
    }

    static String block(String language) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("### From a notebook");
        int open = readme.indexOf("```" + language + "\n", from) + language.length() + 4;
        return readme.substring(open, readme.indexOf("```", open)).replace("target/quickstart/output", output);
    }

    @Test
    void theDuckDbSnippetReadsTheCurrentVersion() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            String[] statements = block("sql").split(";");
            for (String sql : statements) {
                String s = sql.replaceAll("(?m)--.*$", "").strip();
                if (s.isEmpty()) continue;
                try (Statement st = c.createStatement()) {
                    if (st.execute(s)) {
                        try (ResultSet r = st.getResultSet()) {
                            while (r.next()) rows.add(r.getString("model") + " " + r.getString("name") + " " + r.getDouble("estimate"));
                        }
                    }
                }
            }
        }
        // chinchilla's five parameters (E, A, B, alpha, beta) for each architecture it fitted
        assertTrue(rows.size() >= 15 && rows.size() % 5 == 0, rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("llama alpha ")), rows.toString());
    }

    @Test
    void thePandasSnippetReadsTheCurrentVersion() throws Exception {
        assumeTrue(python("import pandas, pyarrow") == 0, "pandas and pyarrow are not installed");
        Path script = dir.resolve("snippet.py");
        Files.writeString(script, block("python"));
        Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python finished");
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("llama"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static int python(String code) throws Exception {
        try {
            Process p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
            try {
                return p.waitFor(120, TimeUnit.SECONDS) ? p.exitValue() : -1;
            } finally {
                p.destroyForcibly();
            }
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
