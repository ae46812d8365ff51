package dev.lawfit.job;

import dev.lawfit.spec.JobSpecReader;
import org.apache.spark.sql.SparkSession;

/**
 * Run in its own JVM by {@link HiveCatalogTest} (the shared test session has no Hive): publishes a job with
 * output.catalog into an embedded Derby metastore, stops Spark, then a new session on the same metastore
 * reads the tables back by name and prints what it saw.
 */
public final class HiveCatalogMain {

    public static void main(String[] args) {
        String work = args[0];
        SparkSession first = session(work);
        RunSummary summary = LawfitJob.run(first, JobSpecReader.parse("""
                sample: {preset: loss_to_loss, seed: 5}
                input: {paths: ['%s/archive']}
                laws: []
                loss_to_loss: {pairs: [{x: val, y: downstream}], group_by: [dataset, model], factors: [dataset, model]}
                bootstrap: {resamples: 20}
                output: {path: '%s/out', catalog: lawfit}
                """.formatted(work, work), "hive-test"));
        first.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        SparkSession second = session(work);
        long lines = second.sql("SELECT * FROM lawfit.loss_to_loss WHERE status = 'ok'").count();
        String verdict = second.sql("SELECT verdict FROM lawfit.line_factors WHERE factor = 'dataset'").first().getString(0);
        System.out.println("HIVE-CHECK version=" + summary.version() + " lines=" + lines + " dataset_verdict=" + verdict
                + " catalog=" + second.conf().get("spark.sql.catalogImplementation"));
        second.stop();
    }

    private static SparkSession session(String work) {
        return SparkSession.builder().master("local[1]").appName("lawfit-hive-test")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4") // as the shared test session: a small job, not 200 tasks a shuffle
                .config("spark.sql.warehouse.dir", work + "/warehouse")
                .config("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + work + "/metastore_db;create=true")
                .config("spark.sql.catalogImplementation", "hive")
                .enableHiveSupport().getOrCreate();
    }
}
