package dev.lawfit.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real public data in ../shared/data, which is absent on users' machines: tests using it skip. */
public final class SharedData {

    private SharedData() {
    }

    public static Path file(String name) {
        Path path = Path.of("..", "shared", "data", name).toAbsolutePath().normalize();
        assumeTrue(Files.isReadable(path), "shared data not present: " + path);
        return path;
    }
}
