package dev.lawfit.job.ingest;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Input paths as users write them, without Spark. */
class InputFilesTest {

    @Test
    void aBareFileNameInTheCurrentDirectoryHasABasePath() throws Exception {
        // "my-evals.csv" (the README's tutorial) has an empty parent; reading it failed with "Can not create a Path from an empty string"
        Path bare = Path.of("lawfit-input-files-test.csv");
        Files.writeString(bare, "a\n1\n");
        try {
            String base = InputFiles.basePath(new Configuration(), bare.toString());
            assertEquals(Path.of("").toAbsolutePath().toUri().getPath().replaceAll("/$", ""), new org.apache.hadoop.fs.Path(base).toUri().getPath());
        } finally {
            Files.deleteIfExists(bare);
        }
    }
}
