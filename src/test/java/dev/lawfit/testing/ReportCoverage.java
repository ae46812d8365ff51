package dev.lawfit.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks a job's report: every table of its current version is in it, with a picture unless it is a bookkeeping table. */
public final class ReportCoverage {

    /** Tables shown as their rows, not drawn: bookkeeping and long-form copies of what is drawn elsewhere. */
    public static final List<String> TABLES_AS_ROWS = List.of("groups", "parameters", "forecasts", "law_selection", "comparison", "changes");

    private ReportCoverage() {
    }

    public static Map<String, String> check(String output, Path html) throws Exception {
        dev.lawfit.report.ReportWriter.write(TestSpark.session(), output, html);
        String text = Files.readString(html);
        int at = text.indexOf("<!-- lawfit-report-tables: ");
        assertTrue(at >= 0, "the report lists what it shows of each table");
        Map<String, String> how = new LinkedHashMap<>();
        for (String item : text.substring(at + 27, text.indexOf("-->", at)).split("; ")) {
            if (item.isBlank()) continue;
            String[] kv = item.split("=", 2);
            how.put(kv[0].strip(), kv[1].strip());
        }
        String current = Files.readString(Path.of(output, "CURRENT")).strip();
        List<String> tables = new ArrayList<>();
        try (var dirs = Files.list(Path.of(output, "versions", current))) {
            dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("_") && !n.startsWith("."))
                    .sorted().forEach(tables::add);
        }
        assertEquals(tables, new ArrayList<>(how.keySet()), "every table of the version is in the report");
        for (Map.Entry<String, String> e : how.entrySet()) {
            if (TABLES_AS_ROWS.contains(e.getKey())) continue;
            assertTrue(e.getValue().startsWith("picture") || e.getKey().equals("rejects") && e.getValue().startsWith("text"),
                    e.getKey() + " has a picture: " + e.getValue());
        }
        java.util.regex.Matcher images = java.util.regex.Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(text);
        int count = 0;
        while (images.find()) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(images.group(1))));
            assertTrue(image != null && image.getWidth() > 100, "a readable image");
            count++;
        }
        assertTrue(count >= how.values().stream().filter(v -> v.equals("picture")).count() / 2, "images: " + count);
        return how;
    }
}
