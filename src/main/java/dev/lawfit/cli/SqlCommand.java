package dev.lawfit.cli;

import dev.lawfit.LawfitException;
import dev.lawfit.job.results.DuckDbQuery;
import dev.lawfit.job.results.ResultQuery;
import dev.lawfit.job.SparkSessions;
import dev.lawfit.spec.JobSpecReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Runs a read-only SQL query over the current published tables of an output path; each table is a view "
                + "under its name (laws, predictions, rejects, frontier, ...). Embedded DuckDB answers by default, without Spark; "
                + "--engine spark runs Spark SQL (outputs on HDFS or S3, or too large for one machine).",
                "Example: lawfit sql --output target/quickstart/output \"SELECT model, parameters['alpha'] FROM laws\""})
final class SqlCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY", description = "the query (or --file)")
    String query;

    @Option(names = {"-f", "--file"}, description = "read the query from this file")
    Path file;

    @Option(names = {"-o", "--output"}, description = "the output path whose tables to query")
    String output;

    @Option(names = "--spec", description = "take the output path from this job spec's output.path")
    Path spec;

    @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json")
    String format;

    @Option(names = "--max-rows", defaultValue = "1000", description = "rows printed at most (default 1000)")
    int maxRows;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "cancel the query after this many seconds (default 300)")
    long timeoutSeconds;

    @Option(names = "--engine", defaultValue = "duckdb", description = "duckdb (default: embedded, no Spark) or spark")
    String engine;

    @Option(names = "--version", paramLabel = "VERSION", description = "query this kept version instead of the current one (lawfit rollback --list names them)")
    String version;

    @Option(names = "--history", description = "query every kept version at once: each table is the union of its versions, with a first column 'version'")
    boolean history;

    @Option(names = "--memory-limit", defaultValue = DuckDbQuery.DEFAULT_MEMORY_LIMIT, paramLabel = "SIZE",
            description = "the DuckDB engine's memory cap (default ${DEFAULT-VALUE}; it spills to a temporary directory of its own beyond it)")
    String memoryLimit;

    @Override
    public Integer call() throws IOException {
        if ((query == null) == (file == null)) throw new LawfitException("sql: give a QUERY or --file, not both or neither");
        String sql = query != null ? query : Files.readString(file);
        String path = output != null ? output : spec != null ? JobSpecReader.read(spec).output().path() : null;
        if (path == null) throw new LawfitException("sql: say which results to query: --output <path> or --spec <job.yaml>");
        if (version != null && history) throw new LawfitException("sql: --version and --history exclude each other (one version, or all of them)");
        long started = System.nanoTime();
        if (engine.equals("duckdb")) {
            List<String> tables = new java.util.ArrayList<>();
            String printed = DuckDbQuery.answer(path, version, history, sql, format, maxRows, timeoutSeconds, memoryLimit, tables);
            System.err.println("lawfit sql: tables " + tables + "; answered by duckdb in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            System.out.print(printed);
            return 0;
        }
        if (!engine.equals("spark")) throw new LawfitException("sql --engine must be duckdb or spark, got '" + engine + "'");
        String printed = SparkSessions.usingToRead(spark -> {
            ResultQuery.checkReadOnly(spark, sql); // before registering anything
            List<String> tables = ResultQuery.registerViews(spark, path, version, history);
            System.err.println("lawfit sql: tables " + tables);
            return ResultQuery.answer(spark, sql, format, maxRows, timeoutSeconds);
        });
        System.err.println("lawfit sql: answered by spark in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        System.out.print(printed);
        return 0;
    }
}
