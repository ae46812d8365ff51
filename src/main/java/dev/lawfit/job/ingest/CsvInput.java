package dev.lawfit.job.ingest;

import dev.lawfit.LawfitException;
import dev.lawfit.spec.JobSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

/**
 * CSV input, record by record: every file is parsed (RFC 4180, with Apache Commons CSV) against its own header, so
 * columns are matched by name whatever their order in each file; every record comes out as a row with its file and
 * line, and a record that does not fit its header (too many or too few fields, an unclosed quote, bad encoding)
 * comes out with the reason in {@link #MALFORMED}, to be rejected, never dropped or shifted. Column types are then
 * inferred over all files as Spark's CSV reader does (int, bigint, double, boolean, else string).
 */
public final class CsvInput {

    /** The line (1-based, the header is line 1) where a record starts. */
    public static final String LINE = "source_line";
    /** Why a record does not fit its file's header, or null. */
    public static final String MALFORMED = "_lawfit_malformed";
    /** Reader options lawfit understands for CSV; anything else (e.g. Spark's mode: DROPMALFORMED) is refused. */
    public static final Set<String> OPTIONS = Set.of("sep", "delimiter", "quote", "escape", "comment", "nullvalue", "encoding", "charset", "header");

    private CsvInput() {
    }

    /** How files are parsed, from input.options. */
    public record Settings(char delimiter, Character quote, Character escape, Character comment, String nullValue, String charset)
            implements Serializable {
        CSVFormat format() {
            return CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setQuote(quote).setEscape(escape).setCommentMarker(comment)
                    .setIgnoreEmptyLines(false).get();
        }
    }

    /** One file's header (its column names in order) and the partition values of its directories, or why it has none. */
    public record Header(String path, List<String> columns, Map<String, String> partitions, String error) implements Serializable {
    }

    public static Settings settings(Map<String, String> options) {
        Map<String, String> lower = new LinkedHashMap<>();
        options.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key.toLowerCase(Locale.ROOT))) {
                throw new LawfitException("input.options." + key + " is not supported for CSV input: lawfit reads every record itself and "
                        + "rejects the malformed ones with their line, so options that drop or reinterpret rows are refused; supported: "
                        + "sep, quote, escape, comment, nullValue, encoding");
            }
        }
        if (lower.containsKey("header") && !lower.get("header").equalsIgnoreCase("true")) {
            throw new LawfitException("input.options.header must be true: CSV columns are matched by name from each file's header");
        }
        String sep = lower.getOrDefault("sep", lower.getOrDefault("delimiter", ","));
        if (sep.equals("\\t")) sep = "\t";
        String charset = lower.getOrDefault("encoding", lower.getOrDefault("charset", "UTF-8"));
        try {
            Charset.forName(charset);
        } catch (RuntimeException e) {
            throw new LawfitException("input.options.encoding: unknown character set '" + charset + "'");
        }
        return new Settings(single("sep", sep), optionalChar("quote", lower.getOrDefault("quote", "\"")),
                optionalChar("escape", lower.get("escape")), optionalChar("comment", lower.get("comment")),
                lower.getOrDefault("nullvalue", ""), charset);
    }

    private static char single(String key, String value) {
        if (value == null || value.length() != 1) throw new LawfitException("input.options." + key + " must be one character, got '" + value + "'");
        return value.charAt(0);
    }

    private static Character optionalChar(String key, String value) {
        return value == null || value.isEmpty() ? null : single(key, value);
    }

    /** Reads the files as rows: source_file, source_line, the malformed reason, the union of the headers' columns, partition columns. */
    public static Dataset<Row> read(SparkSession spark, JobSpec.Input input, List<InputFiles.InputFile> files) {
        Settings settings = settings(input.options());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        SerializableConfiguration conf = new SerializableConfiguration(hadoop);
        JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());
        int slices = Math.max(1, Math.min(files.size(), spark.sparkContext().defaultParallelism() * 4));
        List<String[]> located = new ArrayList<>();
        for (InputFiles.InputFile f : files) located.add(new String[]{f.path(), InputFiles.qualifiedBasePath(hadoop, f.input())});
        List<Header> headers = jsc.parallelize(located, slices).map(f -> header(conf.value(), settings, f[0], f[1])).collect();

        LinkedHashSet<String> columns = new LinkedHashSet<>();
        LinkedHashSet<String> partitions = new LinkedHashSet<>();
        for (Header h : headers) {
            if (h.error() != null) throw new LawfitException("input file " + h.path() + ": " + h.error());
            columns.addAll(h.columns());
            partitions.addAll(h.partitions().keySet());
        }
        for (Header h : headers) InputFiles.checkNotShadowed(h.path(), h.partitions(), h.columns());
        for (String reserved : List.of(CheckpointContract.SOURCE_FILE, LINE, MALFORMED, CheckpointContract.REJECT_REASON)) {
            if (columns.contains(reserved)) throw new LawfitException("input " + input.paths() + " has a column named '" + reserved
                    + "', which lawfit sets itself; rename it (input.columns) or drop it");
        }
        if (columns.isEmpty()) {
            throw new LawfitException("input " + input.paths() + " has no rows: its " + files.size() + " CSV file(s) are empty, not even a header; "
                    + "nothing was published and the current version stays");
        }
        List<String> dataColumns = new ArrayList<>(columns);
        List<String> partitionColumns = new ArrayList<>(partitions);
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(CheckpointContract.SOURCE_FILE, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(LINE, DataTypes.LongType, false));
        fields.add(DataTypes.createStructField(MALFORMED, DataTypes.StringType, true));
        for (String c : dataColumns) fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
        for (String c : partitionColumns) fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
        StructType schema = DataTypes.createStructType(fields);

        Dataset<Row> text = spark.createDataFrame(jsc.parallelize(headers, slices)
                .flatMap(h -> records(conf.value(), settings, h, dataColumns, partitionColumns)), schema);
        return typed(text, dataColumns);
    }

    /** Casts each data column to the narrowest of int, bigint, double, boolean that all its values fit, else keeps it text. */
    private static Dataset<Row> typed(Dataset<Row> text, List<String> dataColumns) {
        if (dataColumns.isEmpty()) return text;
        String[] patterns = {"^\\s*[+-]?\\d{1,9}\\s*$", "^\\s*[+-]?\\d{1,18}\\s*$",
                "^\\s*[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)\\s*$", "(?i)^\\s*(true|false)\\s*$"};
        String[] types = {"int", "bigint", "double", "boolean"};
        List<Column> checks = new ArrayList<>();
        for (String c : dataColumns) {
            checks.add(max(when(column(c).isNotNull(), 1).otherwise(0)));
            for (String p : patterns) checks.add(max(when(column(c).isNotNull().and(column(c).rlike(p).unary_$bang()), 1).otherwise(0)));
        }
        Row found = text.agg(checks.get(0), checks.subList(1, checks.size()).toArray(Column[]::new)).first();
        List<Column> projection = new ArrayList<>();
        for (String name : text.columns()) {
            if (!dataColumns.contains(name)) {
                projection.add(column(name));
                continue;
            }
            int base = dataColumns.indexOf(name) * (patterns.length + 1);
            String type = "string";
            if (!found.isNullAt(base) && found.getInt(base) == 1) { // no rows, or no value in the column: text
                for (int t = 0; t < types.length; t++) {
                    if (found.getInt(base + 1 + t) == 0) {
                        type = types[t];
                        break;
                    }
                }
            }
            projection.add(type.equals("string") ? column(name) : org.apache.spark.sql.functions.trim(column(name)).cast(type).as(name));
        }
        return text.select(projection.toArray(Column[]::new));
    }

    public static Header header(Configuration conf, Settings settings, String path, String base) {
        Map<String, String> partitions = InputFiles.partitionValues(base, path);
        try (CSVParser parser = open(conf, settings, path)) {
            Iterator<CSVRecord> it = parser.iterator();
            if (!it.hasNext()) return new Header(path, List.of(), partitions, null);
            List<String> names = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            CSVRecord header = it.next();
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i).strip();
                if (i == 0 && name.startsWith("\uFEFF")) name = name.substring(1).strip();
                if (name.isEmpty()) return new Header(path, List.of(), partitions, "the header's column " + (i + 1) + " has no name");
                if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                    return new Header(path, List.of(), partitions, "the header names column '" + name + "' twice");
                }
                names.add(name);
            }
            return new Header(path, names, partitions, null);
        } catch (IOException | UncheckedIOException e) {
            return new Header(path, List.of(), partitions, "cannot read the header: " + InputReader.firstLine(e));
        }
    }

    private static CSVParser open(Configuration conf, Settings settings, String path) throws IOException {
        Path p = new Path(path);
        InputStream in = p.getFileSystem(conf).open(p);
        Reader reader = new InputStreamReader(in, Charset.forName(settings.charset()).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        return CSVParser.builder().setReader(reader).setFormat(settings.format()).get();
    }

    /** Every record of one file after its header, as a row in the common layout; a record that does not fit says why. */
    public static Iterator<Row> records(Configuration conf, Settings settings, Header header, List<String> columns, List<String> partitions)
            throws IOException {
        return new Records(open(conf, settings, header.path()), settings, header, columns, partitions);
    }

    /** Streams one file's records (the file is never held whole); closes the file after the last one. */
    private static final class Records implements Iterator<Row> {
        private final CSVParser parser;
        private final Iterator<CSVRecord> it;
        private final Settings settings;
        private final Header header;
        private final List<String> columns;
        private final List<String> partitions;
        private final int[] target;
        private long end;
        private Row next;
        private boolean done;

        Records(CSVParser parser, Settings settings, Header header, List<String> columns, List<String> partitions) {
            this.parser = parser;
            this.it = parser.iterator();
            this.settings = settings;
            this.header = header;
            this.columns = columns;
            this.partitions = partitions;
            this.target = new int[header.columns().size()];
            for (int i = 0; i < target.length; i++) target[i] = 3 + columns.indexOf(header.columns().get(i));
            if (it.hasNext()) {
                it.next(); // the header
                end = parser.getCurrentLineNumber();
            } else {
                finish();
            }
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) next = advance();
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            Row row = next;
            next = null;
            return row;
        }

        private Row advance() {
            while (true) {
                long start = end + 1;
                CSVRecord record;
                try {
                    if (!it.hasNext()) {
                        finish();
                        return null;
                    }
                    record = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    Object[] values = row(start);
                    values[2] = "line " + start + ": " + brokenRecord(e) + "; the rest of the file from this line on is one malformed record";
                    finish();
                    return RowFactory.create(values);
                }
                end = parser.getCurrentLineNumber();
                if (record.size() == 1 && record.get(0).isEmpty() && target.length > 1) continue; // a blank line
                Object[] values = row(start);
                for (int i = 0; i < Math.min(record.size(), target.length); i++) {
                    String v = record.get(i);
                    values[target[i]] = v.isEmpty() || v.equals(settings.nullValue()) ? null : v;
                }
                if (record.size() != target.length) {
                    values[2] = "line " + start + ": " + record.size() + " fields where the header has " + target.length
                            + (record.size() > target.length ? " (an unquoted comma, such as a thousands separator, splits a value)" : "");
                }
                return RowFactory.create(values);
            }
        }

        private Object[] row(long line) {
            Object[] values = new Object[3 + columns.size() + partitions.size()];
            values[0] = header.path();
            values[1] = line;
            for (int i = 0; i < partitions.size(); i++) values[3 + columns.size() + i] = header.partitions().get(partitions.get(i));
            return values;
        }

        private void finish() {
            done = true;
            try {
                parser.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + header.path(), e);
            }
        }
    }

    private static String brokenRecord(Exception e) {
        String message = InputReader.firstLine(e);
        if (message.contains("EOF reached before encapsulated token finished")) return "a quoted field is never closed";
        if (message.contains("Input length") || message.contains("Malformed") || message.contains("Unmappable")) {
            return "the text is not valid in the file's encoding (input.options.encoding)";
        }
        return message;
    }
}
