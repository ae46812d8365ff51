package dev.lawfit.docs;

import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.testing.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's five-minute tutorial, run as printed: its CSV, its spec and each of its commands, in a scratch directory. */
class TutorialTest {

    @TempDir
    Path dir;

    static String section() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("## Five minutes: your own CSV to a law");
        assertTrue(from >= 0, "the tutorial's heading");
        int to = readme.indexOf("\n## ", from + 5);
        return readme.substring(from, to);
    }

    static List<String> blocks(String text, String language) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```" + language + "\n(.*?)```").matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** A shell line's words: double- and single-quoted words kept whole. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        return out;
    }

    @Test
    void theTutorialsCommandsRunAsPrinted() throws Exception {
        TestSpark.session();
        String tutorial = section();
        String csv = blocks(tutorial, "csv").get(0), spec = blocks(tutorial, "yaml").get(0);
        Path csvFile = dir.resolve("my-evals.csv"), output = dir.resolve("my-output");
        Files.writeString(csvFile, csv);
        Path specFile = dir.resolve("my-first-law.yaml");
        assertTrue(spec.contains("paths: [my-evals.csv]") && spec.contains("path: my-output"), spec);
        Files.writeString(specFile, spec.replace("paths: [my-evals.csv]", "paths: ['" + csvFile + "']")
                .replace("path: my-output", "path: '" + output + "'"));
        List<String> commands = blocks(tutorial, "bash").get(0).lines().filter(l -> l.startsWith("scripts/lawfit ")).toList();
        assertEquals(List.of("check", "run", "sql", "predict", "report"), commands.stream().map(c -> words(c).get(1)).toList());
        String sqlAnswer = null, predicted = null;
        for (String command : commands) {
            List<String> args = new ArrayList<>();
            for (String w : words(command).subList(1, words(command).size())) {
                args.add(w.equals("my-first-law.yaml") ? specFile.toString() : w.equals("my-output") ? output.toString() : w);
            }
            StringWriter err = new StringWriter();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream before = System.out;
            int exit;
            synchronized (System.class) {
                System.setOut(new PrintStream(out, true));
                try {
                    exit = LawfitCommand.execute(new PrintWriter(err, true), args.toArray(String[]::new));
                } finally {
                    System.setOut(before);
                }
            }
            assertEquals(0, exit, command + "\n" + err + out);
            if (args.get(0).equals("sql")) sqlAnswer = out.toString();
            if (args.get(0).equals("predict")) predicted = out.toString();
        }
        // the answers the README prints: chinchilla ok, power_compute flagged undetermined
        assertTrue(sqlAnswer.matches("(?s).*chinchilla\\s+\\|\\s+ok\\s+\\|.*"), sqlAnswer);
        assertTrue(sqlAnswer.matches("(?s).*power_compute\\s+\\|\\s+ok_with_warnings\\s+\\|.*\\[undetermined\\].*"), sqlAnswer);
        Matcher alpha = Pattern.compile("chinchilla\\s+\\|\\s+ok\\s+\\|\\s+([0-9.]+)\\s+\\|\\s+([0-9.]+)").matcher(sqlAnswer);
        assertTrue(alpha.find(), sqlAnswer);
        assertTrue(tutorial.contains("chinchilla    | ok               | " + alpha.group(1) + " | " + alpha.group(2) + " |"),
                "the README prints the alpha and beta the run finds: " + alpha.group(1) + ", " + alpha.group(2));
        Matcher loss = Pattern.compile("N=1e9,D=2e10\\s+\\|\\s+([0-9.]+)").matcher(predicted);
        assertTrue(loss.find(), predicted);
        assertEquals(2.58, Double.parseDouble(loss.group(1)), 0.005, "the README's 'about 2.58'");
        assertTrue(Files.isRegularFile(output.resolve("report.html")), "the report");
        // by default every chart is also a PDF beside the page, linked under its picture, that a PDF reader draws
        String first = Files.readString(output.resolve("report.html"));
        List<Path> pdfs;
        try (var listed = Files.list(output.resolve("report-figures"))) {
            pdfs = listed.sorted().toList();
        }
        assertEquals(first.split("<img ", -1).length - 1, pdfs.size(), "one PDF per picture");
        for (Path f : pdfs) {
            assertTrue(f.getFileName().toString().endsWith(".pdf"), f.toString());
            assertTrue(first.contains("href=\"report-figures/" + f.getFileName() + "\""), "the page links " + f.getFileName());
        }
        try (org.apache.pdfbox.pdmodel.PDDocument pdf = org.apache.pdfbox.Loader.loadPDF(pdfs.get(0).toFile())) {
            java.awt.image.BufferedImage drawn = new org.apache.pdfbox.rendering.PDFRenderer(pdf).renderImage(0);
            int dark = 0;
            for (int y = 0; y < drawn.getHeight(); y += 2) {
                for (int x = 0; x < drawn.getWidth(); x += 2) if ((drawn.getRGB(x, y) & 0xff) < 128) dark++;
            }
            assertTrue(drawn.getWidth() > 300 && dark > 500, "the first figure draws a chart: " + drawn.getWidth() + " px wide, " + dark + " dark samples");
        }

        // the same report with every chart as an SVG file instead, each linked under its picture
        Path page = dir.resolve("paper.html");
        assertEquals(0, LawfitCommand.execute(new PrintWriter(new StringWriter(), true), "report", "--output", output.toString(),
                "--html", page.toString(), "--figures", "svg"));
        String html = Files.readString(page);
        int pictures = html.split("<img ", -1).length - 1;
        List<Path> figures;
        try (var listed = Files.list(dir.resolve("paper-figures"))) {
            figures = listed.sorted().toList();
        }
        assertTrue(pictures > 3, "pictures: " + pictures);
        assertEquals(pictures, figures.size(), "one SVG file per picture");
        assertTrue(html.contains("<nav id=\"contents\">"), "the page opens with its contents");
        javax.xml.parsers.DocumentBuilderFactory xml = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        for (Path f : figures) {
            assertEquals("svg", xml.newDocumentBuilder().parse(f.toFile()).getDocumentElement().getNodeName(), f.toString());
            assertTrue(html.contains("href=\"paper-figures/" + f.getFileName() + "\""), "the page links " + f.getFileName());
        }
    }
}
