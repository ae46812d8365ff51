package dev.lawfit.job.ingest;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // the driver also knows the schema Spark would read them with; the cluster's footers leave that to Spark
        assertEquals(onCluster, onDriver.stream().map(f -> new InputFiles.Footer(f.path(), f.schemaJson(), f.rows(), f.error(), null)).toList());
        assertEquals(spark.read().parquet(files.get(0).path()).schema().json(),
                onDriver.get(0).readSchemaJson());
        assertEquals(400, onCluster.stream().filter(InputFiles.Footer::ok).mapToLong(InputFiles.Footer::rows).sum());
        assertEquals(1, onCluster.stream().filter(f -> !f.ok()).count(), "the broken file, with its error");
    }

    /**
     * A few files' footers, read on the driver, give the schema Spark's inference would (Spark's own files by the schema
     * stored in them, other writers' by conversion), so the read starts no Spark job to infer it.
     */
    @Test
    void theFootersGiveTheSchemaSparkInfersAndTheReadStartsNoJob(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        org.apache.spark.sql.SparkSession spark = dev.lawfit.testing.TestSpark.session();
        Path bySpark = dir.resolve("by-spark");
        spark.sql("select 'r1' as run, cast(7 as int) as step, 1.5d as loss, cast(2.5 as decimal(10,3)) as lr, timestamp'2024-01-02 03:04:05' as at, "
                + "map('a', 1.0d) as extra, named_struct('x', 1L) as nested").write().parquet(bySpark.toString());
        Path byDuckDb = dir.resolve("by-duckdb");
        Files.createDirectories(byDuckDb);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); java.sql.Statement st = c.createStatement()) {
            st.execute("COPY (SELECT 'r1' AS run, 7::INTEGER AS step, 1.5::DOUBLE AS loss, 'x'::BLOB AS raw, TIMESTAMP '2024-01-02 03:04:05' AS at, "
                    + "2.5::DECIMAL(10,3) AS lr) TO '" + byDuckDb.resolve("part-0.parquet") + "' (FORMAT parquet)");
        }
        for (Path archive : java.util.List.of(bySpark, byDuckDb)) {
            java.util.List<InputFiles.InputFile> files = InputFiles.list(spark.sparkContext().hadoopConfiguration(), java.util.List.of(archive.toString()));
            java.util.List<InputFiles.Footer> footers = InputFiles.footers(spark, files);
            org.apache.spark.sql.types.StructType known = InputReader.knownSchema(footers, java.util.Map.of());
            assertEquals(spark.read().parquet(archive.toString()).schema(), known, archive.toString());
            assertEquals(null, InputReader.knownSchema(footers, java.util.Map.of("mergeSchema", "true")), "merging is left to Spark");
        }

        java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch marker = new java.util.concurrent.CountDownLatch(1);
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                if ("marker".equals(start.properties().getProperty("spark.job.description"))) marker.countDown();
                else if (marker.getCount() > 0) jobs.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            dev.lawfit.spec.JobSpec.Input input = dev.lawfit.spec.JobSpecReader.parse("""
                    name: t
                    input: {paths: [%s], format: parquet}
                    laws: [chinchilla]
                    output: {path: %s}
                    """.formatted(bySpark, dir.resolve("out")), "test").input();
            InputReader.read(spark, input, false).rows().schema();
            spark.sparkContext().setJobDescription("marker");
            spark.range(1).count();
            spark.sparkContext().setJobDescription(null);
            assertTrue(marker.await(5, java.util.concurrent.TimeUnit.MINUTES), "the listener saw the marker job");
            assertEquals(0, jobs.get(), "reading the input started no Spark job");
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }
}
