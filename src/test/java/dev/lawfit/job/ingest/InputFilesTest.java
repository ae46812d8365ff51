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

    @Test
    void aFewFootersAreReadOnTheDriverAndManyOnTheClusterWithTheSameAnswer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        org.apache.spark.sql.SparkSession spark = dev.lawfit.testing.TestSpark.session();
        Path archive = dir.resolve("archive");
        spark.range(0, 400).selectExpr("id", "cast(id as double) * 0.5 as loss").repartition(InputFiles.DRIVER_FOOTERS + 4)
                .write().parquet(archive.toString());
        Files.writeString(archive.resolve("part-99999-broken.parquet"), "not parquet\n");
        java.util.List<InputFiles.InputFile> files = InputFiles.list(spark.sparkContext().hadoopConfiguration(), java.util.List.of(archive.toString()));
        assertEquals(InputFiles.DRIVER_FOOTERS + 5, files.size(), files.toString());
        java.util.List<InputFiles.Footer> onCluster = InputFiles.footers(spark, files);
        java.util.List<InputFiles.Footer> onDriver = new java.util.ArrayList<>();
        for (int from = 0; from < files.size(); from += InputFiles.DRIVER_FOOTERS) {
            onDriver.addAll(InputFiles.footers(spark, files.subList(from, Math.min(files.size(), from + InputFiles.DRIVER_FOOTERS))));
        }
        assertEquals(onCluster, onDriver);
        assertEquals(400, onCluster.stream().filter(InputFiles.Footer::ok).mapToLong(InputFiles.Footer::rows).sum());
        assertEquals(1, onCluster.stream().filter(f -> !f.ok()).count(), "the broken file, with its error");
    }
}
