package dev.lawfit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** lawfit's own version, from the build (Maven filters it into version.properties). */
public final class LawfitVersion {

    private static final String VERSION = load();

    private LawfitVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = LawfitVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
