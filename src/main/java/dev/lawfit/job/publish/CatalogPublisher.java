package dev.lawfit.job.publish;


import dev.lawfit.LawfitException;
import org.apache.spark.sql.SparkSession;

import java.util.List;

/**
 * Registers a published version's tables in the session catalog (the in-memory one, or a Hive metastore
 * when the cluster configures one), as external Parquet tables {@code <database>.<table>} over the version's
 * directories, so analysts query them from their usual SQL clients. Runs after {@code CURRENT} has moved;
 * each table is replaced by one pointing at the new, complete version.
 */
public final class CatalogPublisher {

    private CatalogPublisher() {
    }

    /**
     * Registers {@code tables} of the version, and the output's run history as {@code <database>.runs} (a JSON
     * table over {@code <output>/runs}, which every later run adds to).
     */
    public static void register(SparkSession spark, String database, String outputPath, String versionDir, List<String> tables) {
        try {
            spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
            for (String table : tables) {
                String name = "`" + database + "`.`" + table + "`";
                spark.sql("DROP TABLE IF EXISTS " + name);
                spark.sql("CREATE TABLE " + name + " USING parquet LOCATION '" + (versionDir + "/" + table).replace("'", "\\'") + "'");
            }
            String runs = "`" + database + "`.`" + RunHistory.DIR + "`";
            spark.sql("DROP TABLE IF EXISTS " + runs);
            spark.sql("CREATE TABLE " + runs + " (" + RunHistory.SCHEMA.toDDL() + ") USING json LOCATION '"
                    + new org.apache.hadoop.fs.Path(outputPath, RunHistory.DIR).toString().replace("'", "\\'") + "'");
        } catch (RuntimeException e) {
            throw new LawfitException("published " + versionDir + ", but registering its tables in catalog database '" + database
                    + "' failed: " + LawfitException.firstLine(e), e);
        }
    }
}
