package dev.lawfit.testing;

import dev.lawfit.job.RunSummary;

import dev.lawfit.job.publish.OutputPublisher;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Reads a table of the current published version under an output path. */
public final class Tables {

    private Tables() {
    }

    /** The table with map columns as JSON text, so set operations (except, intersect) can compare it. */
    public static Dataset<Row> comparable(Dataset<Row> table) {
        Dataset<Row> out = table;
        for (org.apache.spark.sql.types.StructField f : table.schema().fields()) {
            if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
                out = out.withColumn(f.name(), org.apache.spark.sql.functions.to_json(out.col(f.name())));
            }
        }
        return out;
    }

    /** A table of a given version (a run's RunSummary.versionPath()). */
    public static Dataset<Row> of(String versionPath, String table) {
        return TestSpark.session().read().parquet(new Path(versionPath, table).toString());
    }

    /** The rows one table has and the other lacks, both ways (0 when they hold the same multiset of rows). */
    public static long differingRows(Dataset<Row> a, Dataset<Row> b) {
        Dataset<Row> x = comparable(a), y = comparable(b.select(java.util.Arrays.stream(a.columns()).map(b::col).toArray(org.apache.spark.sql.Column[]::new)));
        return x.exceptAll(y).count() + y.exceptAll(x).count();
    }

    public static Dataset<Row> current(String outputPath, String table) {
        Path version = OutputPublisher.currentVersion(TestSpark.session().sparkContext().hadoopConfiguration(), outputPath);
        if (version == null) throw new AssertionError("nothing published under " + outputPath);
        return TestSpark.session().read().parquet(new Path(version, table).toString());
    }
}
