package dev.lawfit.job.ingest;

import dev.lawfit.spec.CheckpointContract;
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
        for (Header h : headers) CheckpointContract.checkNotReserved(h.columns(), input.columns().values(), "input file " + h.path());
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
        MarkingDecoder decoder;
        try {
            decoder = new MarkingDecoder(openBytes(conf, path), Charset.forName(settings.charset()));
        } catch (IOException e) {
            return new Header(path, List.of(), partitions, "cannot read the header: " + LawfitException.firstLine(e));
        }
        try (CSVParser parser = open(conf, settings, path, decoder)) {
            Iterator<CSVRecord> it = parser.iterator();
            if (!it.hasNext()) return new Header(path, List.of(), partitions, null);
            List<String> names = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            CSVRecord header = it.next();
            long headerEnd;
            try {
                headerEnd = it.hasNext() ? it.next().getCharacterPosition() : Long.MAX_VALUE;
            } catch (UncheckedIOException | IllegalStateException e) {
                headerEnd = 0; // the first record is broken: the records say so, with their line
            }
            if (decoder.badBetween(0, headerEnd)) {
                return new Header(path, List.of(), partitions, "the header (line 1) holds bytes that are not valid " + settings.charset()
                        + " (input.options.encoding names the file's encoding)");
            }
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
            return new Header(path, List.of(), partitions, "cannot read the header: " + LawfitException.firstLine(e));
        }
    }

    private static CSVParser open(Configuration conf, Settings settings, String path) throws IOException {
        return open(conf, settings, path, new MarkingDecoder(openBytes(conf, path), Charset.forName(settings.charset())));
    }

    private static CSVParser open(Configuration conf, Settings settings, String path, MarkingDecoder reader) throws IOException {
        return CSVParser.builder().setReader(reader).setFormat(settings.format()).get();
    }

    private static InputStream openBytes(Configuration conf, String path) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(conf).open(p);
    }

    /**
     * Decodes a file's bytes, and where they are not valid in its encoding puts one U+FFFD in the text and remembers where
     * (as a character position), instead of failing: the record that holds them is rejected at its own line, and every
     * other record of the file is read. (A reader that fails on them fails where it happens to fill its buffer, which is
     * lines before the bad one, and the rest of the file is lost.)
     */
    static final class MarkingDecoder extends Reader {
        private final InputStream in;
        private final java.nio.charset.CharsetDecoder decoder;
        private final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(8192);
        private final java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(8192);
        /** Character positions of the replaced bytes, ascending. */
        private final List<Long> bad = new ArrayList<>();
        private long base;
        private boolean eof;
        private boolean flushed;

        MarkingDecoder(InputStream in, Charset charset) {
            this.in = in;
            this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            bytes.flip();
            chars.flip();
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (length == 0) return 0;
            if (!chars.hasRemaining() && fill() < 0) return -1;
            int n = Math.min(length, chars.remaining());
            chars.get(buffer, offset, n);
            return n;
        }

        private int fill() throws IOException {
            base += chars.limit();
            chars.clear();
            if (flushed) {
                chars.flip();
                return -1;
            }
            while (true) {
                java.nio.charset.CoderResult r = decoder.decode(bytes, chars, eof);
                if (r.isError()) {
                    if (!chars.hasRemaining()) break;
                    bad.add(base + chars.position());
                    bytes.position(bytes.position() + r.length());
                    chars.put('\uFFFD');
                    continue;
                }
                if (r.isOverflow()) break;
                if (eof) {
                    if (decoder.flush(chars).isOverflow()) break;
                    flushed = true;
                    break;
                }
                if (chars.position() > 0 && bytes.hasRemaining()) break;
                bytes.compact();
                int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (read < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + read);
                }
                bytes.flip();
            }
            chars.flip();
            return chars.hasRemaining() ? chars.remaining() : -1;
        }

        /** Whether bytes not valid in the encoding were replaced in the characters [from, to). */
        boolean badBetween(long from, long to) {
            int at = java.util.Collections.binarySearch(bad, from);
            int first = at >= 0 ? at : -at - 1;
            return first < bad.size() && bad.get(first) < to;
        }

        /** Characters handed out so far (at the end of the file: all of them). */
        long position() {
            return base + chars.position();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Every record of one file after its header, as a row in the common layout; a record that does not fit says why. */
    public static Iterator<Row> records(Configuration conf, Settings settings, Header header, List<String> columns, List<String> partitions)
            throws IOException {
        MarkingDecoder decoder = new MarkingDecoder(openBytes(conf, header.path()), Charset.forName(settings.charset()));
        return new Records(open(conf, settings, header.path(), decoder), decoder, settings, header, columns, partitions);
    }

    /**
     * Streams one file's records (the file is never held whole); closes the file after the last one. A record is turned into
     * a row once the next one is read, which is where the decoder knows whether the record held bytes not valid in the
     * file's encoding.
     */
    private static final class Records implements Iterator<Row> {
        private final CSVParser parser;
        private final MarkingDecoder decoder;
        private final Iterator<CSVRecord> it;
        private final Settings settings;
        private final Header header;
        private final List<String> columns;
        private final List<String> partitions;
        private final int[] target;
        private long end;
        /** The record read ahead, and the line it starts on; null when none is pending. */
        private CSVRecord pending;
        private long pendingLine;
        private final java.util.ArrayDeque<Row> ready = new java.util.ArrayDeque<>();
        private boolean done;

        Records(CSVParser parser, MarkingDecoder decoder, Settings settings, Header header, List<String> columns, List<String> partitions) {
            this.parser = parser;
            this.decoder = decoder;
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
            while (ready.isEmpty() && !done) advance();
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            return ready.poll();
        }

        /** Reads one record ahead and queues the rows that are then known. */
        private void advance() {
            long start = end + 1;
            CSVRecord record = null;
            Row broken = null;
            try {
                if (it.hasNext()) {
                    record = it.next();
                    end = parser.getCurrentLineNumber();
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                Object[] values = row(start);
                values[2] = "line " + start + ": " + brokenRecord(e) + "; the rest of the file from this line on is one malformed record";
                broken = RowFactory.create(values);
            }
            CSVRecord previous = pending;
            long previousLine = pendingLine;
            pending = record;
            pendingLine = start;
            if (record == null) finish();
            if (previous != null) {
                long to = record != null ? record.getCharacterPosition() : decoder.position();
                Row row = toRow(previous, previousLine, decoder.badBetween(previous.getCharacterPosition(), to));
                if (row != null) ready.add(row);
            }
            if (broken != null) ready.add(broken);
        }

        /** The record as a row, or null for a blank line. */
        private Row toRow(CSVRecord record, long line, boolean badBytes) {
            if (record.size() == 1 && record.get(0).isEmpty() && target.length > 1) return null;
            Object[] values = row(line);
            for (int i = 0; i < Math.min(record.size(), target.length); i++) {
                String v = record.get(i);
                values[target[i]] = v.isEmpty() || v.equals(settings.nullValue()) ? null : v;
            }
            if (badBytes) {
                values[2] = "line " + line + ": the record holds bytes that are not valid " + settings.charset()
                        + " (input.options.encoding names the file's encoding)";
            } else if (record.size() != target.length) {
                values[2] = "line " + line + ": " + record.size() + " fields where the header has " + target.length
                        + (record.size() > target.length ? " (an unquoted comma, such as a thousands separator, splits a value)" : "");
            }
            return RowFactory.create(values);
        }

        private Object[] row(long line) {
            Object[] values = new Object[3 + columns.size() + partitions.size()];
            values[0] = header.path();
            values[1] = line;
            for (int i = 0; i < partitions.size(); i++) values[3 + columns.size() + i] = header.partitions().get(partitions.get(i));
            return values;
        }

        private void finish() {
            if (done) return;
            done = true;
            try {
                parser.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + header.path(), e);
            }
        }
    }

    private static String brokenRecord(Exception e) {
        String message = LawfitException.firstLine(e);
        if (message.contains("EOF reached before encapsulated token finished")) return "a quoted field is never closed";
        if (message.contains("Input length") || message.contains("Malformed") || message.contains("Unmappable")) {
            return "the text is not valid in the file's encoding (input.options.encoding)";
        }
        return message;
    }
}
