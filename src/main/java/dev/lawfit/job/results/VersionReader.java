package dev.lawfit.job.results;

import dev.lawfit.changes.VersionTables;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A published version's tables as {@link VersionTables} reads them: by DuckDB from a version on this machine (lawfit diff,
 * lawfit predict: no Spark), or by Spark from one anywhere (the job, outputs on HDFS or S3). Both give plain Java values.
 */
public final class VersionReader {

    private VersionReader() {
    }

    /** The compared tables of a local version directory, read by DuckDB. */
    public static VersionTables duckDb(File versionDir) {
        try (Connection c = DuckDbQuery.open()) {
            return VersionTables.read(new DuckDbSource(c, versionDir));
        } catch (SQLException e) {
            throw new dev.lawfit.LawfitException("cannot read the version " + versionDir + ": " + DuckDbQuery.message(e.getMessage()), e);
        }
    }

    /** The compared tables of a version directory anywhere, read by Spark; none when {@code versionDir} is null. */
    public static VersionTables spark(SparkSession spark, Path versionDir) {
        if (versionDir == null) return VersionTables.empty();
        return VersionTables.read(new SparkSource(spark, versionDir));
    }

    /**
     * The compared tables of a version directory: read by DuckDB when the directory is on this machine (a fraction of a
     * second, where Spark's queries over the same tables took about 4 s of a small job), by Spark anywhere else.
     */
    public static VersionTables either(SparkSession spark, Path versionDir) {
        File local = dev.lawfit.job.publish.OutputPublisher.local(versionDir);
        return local != null ? duckDb(local) : spark(spark, versionDir);
    }

    /** The columns of one table of a local version, or null when it has no such table. */
    public static List<String> columns(File versionDir, String table) {
        try (Connection c = DuckDbQuery.open()) {
            return new DuckDbSource(c, versionDir).columns(table);
        } catch (SQLException e) {
            throw new dev.lawfit.LawfitException("cannot read " + table + " of " + versionDir + ": " + DuckDbQuery.message(e.getMessage()), e);
        }
    }

    /** Rows of one table of a local version, read by DuckDB, as plain Java values ({@code where} may be null). */
    public static List<Map<String, Object>> rows(File versionDir, String table, List<String> columns, String where) {
        try (Connection c = DuckDbQuery.open()) {
            DuckDbSource source = new DuckDbSource(c, versionDir);
            if (source.columns(table) == null) return List.of();
            return source.rows(table, columns, where);
        } catch (SQLException e) {
            throw new dev.lawfit.LawfitException("cannot read " + table + " of " + versionDir + ": " + DuckDbQuery.message(e.getMessage()), e);
        }
    }

    private record DuckDbSource(Connection c, File versionDir) implements VersionTables.Source {
        @Override
        public List<String> tables() {
            File[] dirs = versionDir.listFiles(f -> f.isDirectory() && !f.getName().startsWith("_") && !f.getName().startsWith("."));
            List<String> out = new ArrayList<>();
            if (dirs != null) for (File d : dirs) out.add(d.getName());
            out.sort(null);
            return out;
        }

        private String relation(String table) {
            return "read_parquet(" + DuckDbQuery.literal(new File(versionDir, table).getAbsolutePath() + "/**/*.parquet") + ", union_by_name = true)";
        }

        @Override
        public List<String> columns(String table) {
            if (!new File(versionDir, table).isDirectory()) return null;
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + relation(table))) {
                while (r.next()) out.add(r.getString(1));
            } catch (SQLException e) {
                return null; // no Parquet file in it
            }
            return out;
        }

        @Override
        public List<Map<String, Object>> rows(String table, List<String> columns) {
            return rows(table, columns, null);
        }

        List<Map<String, Object>> rows(String table, List<String> columns, String where) {
            List<String> quoted = columns.stream().map(n -> "\"" + n.replace("\"", "\"\"") + "\"").toList();
            String sql = "SELECT " + String.join(", ", quoted) + " FROM " + relation(table) + (where == null ? "" : " WHERE " + where);
            List<Map<String, Object>> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                ResultSetMetaData meta = r.getMetaData();
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) row.put(meta.getColumnLabel(i), DuckDbQuery.plain(r.getObject(i)));
                    out.add(row);
                }
            } catch (SQLException e) {
                throw new dev.lawfit.LawfitException("cannot read " + table + " of " + versionDir + ": " + DuckDbQuery.message(e.getMessage()), e);
            }
            return out;
        }
    }

    private record SparkSource(SparkSession spark, Path versionDir) implements VersionTables.Source {
        @Override
        public List<String> tables() {
            List<String> out = new ArrayList<>();
            try {
                FileSystem fs = versionDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
                for (FileStatus s : fs.listStatus(versionDir)) {
                    String name = s.getPath().getName();
                    if (s.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) out.add(name);
                }
            } catch (IOException e) {
                throw new dev.lawfit.LawfitException("cannot list the tables of " + versionDir + ": " + e.getMessage(), e);
            }
            out.sort(null);
            return out;
        }

        @Override
        public List<String> columns(String table) {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            Path dir = new Path(versionDir, table);
            try {
                if (!dir.getFileSystem(conf).exists(dir)) return null;
            } catch (IOException e) {
                return null;
            }
            return List.of(spark.read().parquet(dir.toString()).columns());
        }

        @Override
        public List<Map<String, Object>> rows(String table, List<String> columns) {
            Dataset<Row> rows = spark.read().parquet(new Path(versionDir, table).toString())
                    .select(columns.stream().map(dev.lawfit.job.tables.Columns::column).toArray(org.apache.spark.sql.Column[]::new));
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : rows.collectAsList()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) row.put(columns.get(i), plain(r.get(i)));
                out.add(row);
            }
            return out;
        }

        private static Object plain(Object v) {
            if (v instanceof scala.collection.Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                scala.jdk.javaapi.CollectionConverters.asJava(m).forEach((k, value) -> out.put(k, plain(value)));
                return out;
            }
            if (v instanceof scala.collection.Seq<?> seq) {
                List<Object> out = new ArrayList<>();
                scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(item -> out.add(plain(item)));
                return out;
            }
            return v;
        }
    }
}
