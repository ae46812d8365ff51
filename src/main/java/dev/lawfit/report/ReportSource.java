package dev.lawfit.report;

import dev.lawfit.LawfitException;
import dev.lawfit.job.publish.OutputPublisher;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The published tables of one output's current version, as rows the report reads by column name. On this machine's
 * file system they are read by embedded DuckDB, without a Spark session (a report in about a second); elsewhere (HDFS,
 * S3) through Spark.
 */
abstract class ReportSource implements AutoCloseable {

    abstract String version();

    abstract List<String> tables();

    abstract String[] columns(String table);

    /** Every row of a table (read once, then kept). */
    abstract List<Row> rows(String table);

    boolean has(String table) {
        return tables().contains(table);
    }

    @Override
    public void close() {
    }

    /** DuckDB for an output on this machine, else nothing (the caller starts Spark). */
    static ReportSource local(String outputPath) {
        File version = OutputPublisher.localCurrentVersion(outputPath);
        return version == null ? null : new DuckDb(version);
    }

    static ReportSource spark(SparkSession spark, String outputPath) {
        Path version = OutputPublisher.currentVersion(spark.sparkContext().hadoopConfiguration(), outputPath);
        if (version == null) throw new LawfitException("no published results under " + outputPath + " (no CURRENT file)");
        return new Spark(spark, version);
    }

    private static final class DuckDb extends ReportSource {
        private final File version;
        private final Connection connection;
        private final Map<String, List<Row>> rows = new HashMap<>();
        private final Map<String, String[]> columns = new HashMap<>();

        DuckDb(File version) {
            this.version = version;
            try {
                connection = dev.lawfit.job.results.DuckDbQuery.open();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
            }
        }

        @Override
        String version() {
            return version.getName();
        }

        @Override
        List<String> tables() {
            List<String> out = new ArrayList<>();
            File[] dirs = version.listFiles(f -> f.isDirectory() && !f.getName().startsWith("_") && !f.getName().startsWith("."));
            if (dirs != null) for (File d : dirs) out.add(d.getName());
            out.sort(null);
            return out;
        }

        @Override
        String[] columns(String table) {
            rows(table);
            return columns.get(table);
        }

        @Override
        List<Row> rows(String table) {
            return rows.computeIfAbsent(table, t -> {
                String glob = new File(version, t).getAbsolutePath().replace("'", "''") + "/**/*.parquet";
                try (Statement s = connection.createStatement();
                     ResultSet r = s.executeQuery("SELECT * FROM read_parquet('" + glob + "', union_by_name = true)")) {
                    ResultSetMetaData meta = r.getMetaData();
                    int n = meta.getColumnCount();
                    StructField[] fields = new StructField[n];
                    String[] names = new String[n];
                    for (int i = 0; i < n; i++) {
                        names[i] = meta.getColumnLabel(i + 1);
                        fields[i] = DataTypes.createStructField(names[i], type(meta.getColumnTypeName(i + 1)), true);
                    }
                    columns.put(t, names);
                    StructType schema = new StructType(fields);
                    List<Row> out = new ArrayList<>();
                    while (r.next()) {
                        Object[] values = new Object[n];
                        for (int i = 0; i < n; i++) values[i] = spark(r.getObject(i + 1));
                        out.add(new GenericRowWithSchema(values, schema));
                    }
                    return out;
                } catch (SQLException e) {
                    throw new LawfitException("cannot read table " + t + " of " + version + ": " + e.getMessage().strip().split("\n")[0], e);
                }
            });
        }

        /** DuckDB's values as Spark's rows hold them: maps and lists as Scala collections. */
        private static Object spark(Object v) throws SQLException {
            if (v instanceof java.sql.Array a) {
                List<Object> out = new ArrayList<>();
                for (Object item : (Object[]) a.getArray()) out.add(spark(item));
                return scala.jdk.javaapi.CollectionConverters.asScala(out).toSeq();
            }
            if (v instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey(), spark(e.getValue()));
                return scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(out));
            }
            if (v instanceof java.math.BigDecimal d) return d.doubleValue();
            return v;
        }

        private static DataType type(String duck) {
            String t = duck.toUpperCase(java.util.Locale.ROOT);
            if (t.startsWith("MAP")) return DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType);
            if (t.endsWith("[]")) return DataTypes.createArrayType(DataTypes.DoubleType);
            return switch (t) {
                case "DOUBLE", "FLOAT", "REAL" -> DataTypes.DoubleType;
                case "INTEGER", "INT" -> DataTypes.IntegerType;
                case "BIGINT" -> DataTypes.LongType;
                case "BOOLEAN" -> DataTypes.BooleanType;
                default -> DataTypes.StringType;
            };
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) { // nothing was written
            }
        }
    }

    private static final class Spark extends ReportSource {
        private final SparkSession spark;
        private final Path version;
        private final Map<String, List<Row>> rows = new HashMap<>();

        Spark(SparkSession spark, Path version) {
            this.spark = spark;
            this.version = version;
        }

        @Override
        String version() {
            return version.getName();
        }

        @Override
        List<String> tables() {
            return ReportWriter.tables(spark, version);
        }

        @Override
        String[] columns(String table) {
            return spark.read().parquet(new Path(version, table).toString()).columns();
        }

        @Override
        List<Row> rows(String table) {
            return rows.computeIfAbsent(table, t -> spark.read().parquet(new Path(version, t).toString()).collectAsList());
        }
    }
}
