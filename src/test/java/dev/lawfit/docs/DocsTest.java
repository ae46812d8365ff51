package dev.lawfit.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documentation as a reader follows it: every link lands on a file and a heading, the README stays a front door. */
class DocsTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CHANGELOG.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** GitHub's anchor of a heading: lower case, punctuation but hyphens and underscores dropped, spaces as hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
    }

    static Set<String> anchors(Path page) throws IOException {
        Set<String> out = new HashSet<>();
        String text = Files.readString(page).replaceAll("(?s)```.*?```", "");
        Matcher m = HEADING.matcher(text);
        while (m.find()) out.add(anchor(m.group(1)));
        return out;
    }

    @Test
    void everyRelativeLinkLandsOnAFileAndAHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages()) {
            String text = Files.readString(page).replaceAll("(?s)```.*?```", "");
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) continue; // http:, https:, mailto:
                links++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path to = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(to)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(to).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such heading)");
                }
            }
        }
        assertTrue(links > 30, "links found: " + links);
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }

    @Test
    void theReadmeIsAFrontDoorThatLeadsToEveryPage() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        long lines = readme.lines().count();
        assertTrue(lines < 300, "README.md has " + lines + " lines");
        for (Path page : pages()) {
            if (page.toString().equals("README.md")) continue;
            assertTrue(readme.contains("(" + page.toString().replace('\\', '/') + ")") || readme.contains("(" + page + "#"),
                    "README links to " + page);
        }
        for (String section : List.of("## Two commands", "## Five minutes: your own CSV to a law", "## Where to go next")) {
            assertTrue(readme.contains(section), section);
        }
    }
}
