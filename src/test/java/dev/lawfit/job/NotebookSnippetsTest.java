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

/** docs/sql.md's notebook snippets ("From a notebook", "Predictions in SQL and pandas"), as printed there, against a generated output. */
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
                bootstrap: {resamples: 40}
                output: {path: '%s'}
                """.formatted(dir.resolve("archive"), output);
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec, "test"));
    }

    static String block(String language) throws Exception {
        return block("### From a notebook", language);
    }

    static String block(String heading, String language) throws Exception {
        String readme = Files.readString(Path.of("docs/sql.md"));
        int from = readme.indexOf(heading);
        assertTrue(from >= 0, heading + " in docs/sql.md");
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
    void theDuckDbPredictionRecipeEqualsLawfitPredict() throws Exception {
        List<double[]> rows = new ArrayList<>();
        List<String> models = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            for (String sql : block("### Predictions in SQL and pandas", "sql").split(";")) {
                String s = sql.replaceAll("(?m)--.*$", "").strip();
                if (s.isEmpty()) continue;
                try (Statement st = c.createStatement()) {
                    if (st.execute(s)) {
                        try (ResultSet r = st.getResultSet()) {
                            while (r.next()) {
                                models.add(r.getString("model"));
                                rows.add(new double[] {r.getDouble("prediction"), r.getDouble("low"), r.getDouble("high")});
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of("cosformer2", "hgrn2", "llama", "tnl"), models);
        for (int i = 0; i < models.size(); i++) {
            String json = predict("predict", "--output", output, "--group", "model=" + models.get(i), "--law", "chinchilla",
                    "--params", "1e9", "--tokens", "2e10", "--format", "json");
            com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.strip());
            double[] r = rows.get(i);
            assertEquals(j.get("prediction").asDouble(), r[0], 1e-9 * r[0], models.get(i) + " prediction");
            assertEquals(j.get("low").asDouble(), r[1], 1e-9 * r[1], models.get(i) + " low");
            assertEquals(j.get("high").asDouble(), r[2], 1e-9 * r[2], models.get(i) + " high");
            assertTrue(r[1] < r[0] && r[0] < r[2], models.get(i) + " interval holds the prediction");
        }
    }

    @Test
    void thePandasPredictionRecipeRuns() throws Exception {
        assumeTrue(python("import pandas, pyarrow") == 0, "pandas and pyarrow are not installed");
        Path script = dir.resolve("predict.py");
        Files.writeString(script, block("### Predictions in SQL and pandas", "python").replace("target/quickstart/output", output));
        Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python finished");
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.exitValue(), out);
            assertEquals(4, out.strip().lines().count(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    /** What {@code lawfit predict} prints on standard output. */
    private static String predict(String... args) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.out;
        synchronized (System.class) {
            System.setOut(new java.io.PrintStream(bytes, true));
            try {
                assertEquals(0, dev.lawfit.cli.LawfitCommand.execute(args));
            } finally {
                System.setOut(before);
            }
        }
        return bytes.toString();
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
