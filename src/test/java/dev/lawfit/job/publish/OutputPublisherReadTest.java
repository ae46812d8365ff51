package dev.lawfit.job.publish;

import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A table read back within its run: what Spark would read from the files, learnt without a job of its own. */
class OutputPublisherReadTest {

    @Test
    void aTableReadBackHasTheSchemaAndRowsSparkReadsFromItsFiles(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        OutputPublisher publisher = new OutputPublisher(spark.sparkContext().hadoopConfiguration(), dir.resolve("out").toString());
        try {
            // non-nullable columns at every depth, a map, an array, a timestamp; and an empty table
            Dataset<Row> rows = spark.sql("select 'g' as grp, 3L as n, map('a', 1.5d) as m, array(1, 2) as xs, "
                    + "named_struct('x', 1.0d) as s, timestamp'2026-01-02 03:04:05' as at");
            publisher.write("t", rows);
            publisher.write("empty", rows.limit(0));
            for (String table : java.util.List.of("t", "empty")) {
                Dataset<Row> mine = publisher.read(spark, table);
                Dataset<Row> sparks = spark.read().parquet(publisher.tablePath(table).toString());
                assertEquals(sparks.schema(), mine.schema(), table);
                assertEquals(sparks.collectAsList(), mine.collectAsList(), table);
            }
            assertEquals(1, publisher.read(spark, "t").count());
        } finally {
            publisher.abandon();
        }
    }
}
