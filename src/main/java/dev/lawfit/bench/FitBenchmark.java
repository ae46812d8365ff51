package dev.lawfit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.GroupFitter;
import dev.lawfit.fit.HuberLogObjective;
import dev.lawfit.fit.LawFit;
import dev.lawfit.generate.CheckpointEvaluation;
import dev.lawfit.generate.GroupedArchive;
import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.job.ingest.ArchiveWriter;
import dev.lawfit.job.LawfitJob;
import dev.lawfit.job.RunSummary;
import dev.lawfit.job.SparkSessions;
import dev.lawfit.law.Law;
import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Points;
import dev.lawfit.spec.JobSpec;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * lawfit's benchmark (scripts/bench; never part of the tests). For each law and archive shape it
 * measures the fitting core alone on one thread, the core on all cores (a thread pool, no Spark) and the
 * whole job on embedded Spark, and prints one JSON line per case plus a CSV file. It also compares the
 * screened grid search with the exhaustive one and measures allocation per objective evaluation.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures lawfit's fitting throughput.")
public final class FitBenchmark implements Runnable {

    @Option(names = "--laws", split = ",", defaultValue = "chinchilla,power_compute")
    List<String> laws;

    @Option(names = "--groups", split = ",", defaultValue = "100,1000,10000", description = "group counts for 40-point groups (0: none)")
    List<Integer> groups;

    @Option(names = "--large-groups", split = ",", defaultValue = "100,1000", description = "group counts for 240-point groups (0: none)")
    List<Integer> largeGroups;

    @Option(names = "--exhaustive-groups", defaultValue = "10", description = "groups fitted both screened and exhaustively")
    int exhaustiveGroups;

    @Option(names = "--trust-groups", defaultValue = "20", description = "groups of 40 points for the cost of folds and bootstrap (0: skip)")
    int trustGroups;

    @Option(names = "--trust-passes", defaultValue = "5", description = "measured passes over the trust groups (the median pass is reported)")
    int trustPasses;

    @Option(names = "--trust-laws", split = ",", defaultValue = "loss_line,curve_power",
            description = "laws of the other families whose folds and bootstrap are costed too (with --laws' compute laws)")
    List<String> trustLaws;

    @Option(names = "--scipy-groups", defaultValue = "4",
            description = "groups fitted side by side with scripts/chinchilla_scipy.py (the field's procedure in scipy; 0: skip)")
    int scipyGroups;

    @Option(names = "--interval-groups", defaultValue = "0",
            description = "a Spark job of this many Chinchilla groups of 40 points with 1,000-resample intervals, folds and backtest (0: skip)")
    int intervalGroups;

    @Option(names = "--loss-lines", defaultValue = "0",
            description = "a Spark loss-to-loss job with this many lines and 100 resamples, its factors tested (0: skip)")
    int lossLines;

    @Option(names = "--skip-spark", description = "measure the core only")
    boolean skipSpark;

    @Option(names = "--csv", defaultValue = "target/bench/bench.csv")
    Path csv;

    @Option(names = "--work", defaultValue = "target/bench/work", description = "where generated archives and outputs go")
    Path work;

    /** The default fit without backtest or bootstrap: the benchmark measures fitting alone. */
    private static final FitSettings BENCH_SETTINGS = FitSettings.DEFAULT.withBacktestHoldOutSizes(0)
            .withBootstrap(dev.lawfit.fit.BootstrapSettings.OFF);

    private final ObjectMapper json = new ObjectMapper();
    private final List<BenchmarkCase> cases = new ArrayList<>();
    private final int cores = Runtime.getRuntime().availableProcessors();

    public static void main(String[] args) {
        System.exit(new CommandLine(new FitBenchmark()).execute(args));
    }

    @Override
    public void run() {
        try {
            Files.createDirectories(work);
            for (String name : laws) allocationCase(LawCatalog.byName(name));
            if (exhaustiveGroups > 0) for (String name : laws) exhaustiveCase(LawCatalog.byName(name));
            if (trustGroups > 0) {
                for (String name : laws) trustCase(LawCatalog.byName(name));
                for (String name : trustLaws) trustCase(LawCatalog.byName(name));
            }
            if (scipyGroups > 0) ScipySideBySide.run(scipyGroups, work, this::emit);
            SparkSession spark = skipSpark ? null : SparkSessions.start("local[*]", Map.of("spark.sql.shuffle.partitions", String.valueOf(cores * 4)));
            try {
                for (String name : laws) {
                    for (int g : groups) if (g > 0) shapeCases(spark, LawCatalog.byName(name), g, 40);
                    for (int g : largeGroups) if (g > 0) shapeCases(spark, LawCatalog.byName(name), g, 240);
                }
                if (spark != null && intervalGroups > 0) intervalCase(spark, intervalGroups);
                if (spark != null && lossLines > 0) lossLineCase(spark, lossLines);
            } finally {
                if (spark != null) spark.stop();
            }
            writeCsv();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes allocated per objective-and-gradient evaluation, after warm-up (should be 0). */
    private void allocationCase(Law law) {
        Points points = GroupedArchive.byModel(SyntheticArchive.manyGroups(1, 240, 3)).get(0);
        HuberLogObjective objective = new HuberLogObjective(law, points, 1e-3);
        double[] theta = law.defaultGrid().points(law.coordinateNames())[law.defaultGrid().size() / 2];
        double[] gradient = new double[law.dimension()];
        double sink = 0;
        for (int i = 0; i < 200_000; i++) sink += objective.valueAndGradient(theta, gradient);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int evaluations = 100_000;
        long before = threads.getThreadAllocatedBytes(thread);
        long started = System.nanoTime();
        for (int i = 0; i < evaluations; i++) sink += objective.valueAndGradient(theta, gradient);
        long nanos = System.nanoTime() - started;
        long bytes = threads.getThreadAllocatedBytes(thread) - before;
        emit(new BenchmarkCase().put("case", "objective_allocation").put("law", law.name()).put("points_per_group", 240)
                .put("evaluations", evaluations).put("bytes_per_evaluation", (double) bytes / evaluations)
                .put("nanos_per_evaluation", (double) nanos / evaluations)
                .put("nanos_per_point_evaluation", (double) nanos / evaluations / points.size())
                .put("checksum", Double.isFinite(sink)));
    }

    /**
     * What trust costs, on one thread: per group, the point fit alone; the fit with its rolling-origin folds (up to 5 refits on
     * smaller levels, each with a 40-resample spread: what the extrapolation-aware intervals and the law selection stand on);
     * and 1,000 bootstrap resamples from the fit's optimum. Each as milliseconds per group and as a multiple of the point fit.
     */
    private void trustCase(Law law) {
        List<Points> sample = dev.lawfit.generate.FamilySamples.of(law, trustGroups);
        FitSettings base = law.family() == dev.lawfit.law.Family.CURVE ? BENCH_SETTINGS.withHuberDelta(dev.lawfit.temporal.TemporalSettings.DEFAULT.huberDelta())
                : BENCH_SETTINGS;
        FitSettings folded = base.withBacktestHoldOutSizes(1);
        FitSettings resampled = base.withBootstrap(dev.lawfit.fit.BootstrapSettings.DEFAULT.withResamples(1000));
        // the point fit without backtest and folds (a curve law backtests whatever the hold-out setting), then with them
        // warm-up over the whole sample, pass after pass for at least 3 s: the JIT's compilation would otherwise land in the
        // figures (a curve law's 20 point fits are a few milliseconds; after one warm-up pass its ratio ranged 2.5-21x over
        // five passes)
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        do {
            for (Points p : sample) {
                LawFit f = dev.lawfit.fit.Fitter.fit(law, p, folded, true);
                dev.lawfit.fit.Fitter.fit(law, p, base, false);
                if (f.theta() != null) dev.lawfit.fit.Bootstrap.resample(law, p, resampled, f.theta(), 7L, 0, 200);
            }
        } while (System.nanoTime() < warmUntil);
        // measured passes, each over the whole sample; the figures are the median pass's (one pass of 20 curve groups is a few
        // milliseconds of point fits, where a JIT compilation or a collection landing in it moved the ratio by half)
        double[] pointMs = new double[trustPasses], foldMs = new double[trustPasses], bootMs = new double[trustPasses];
        double[] bootX = new double[trustPasses], foldsX = new double[trustPasses];
        long folds = 0, foldErrors = 0;
        int fitted = 0;
        for (int pass = 0; pass < trustPasses; pass++) {
            long pointNanos = 0, foldNanos = 0, bootNanos = 0;
            folds = 0;
            foldErrors = 0;
            fitted = 0;
            for (Points p : sample) {
                long t0 = System.nanoTime();
                LawFit fit = dev.lawfit.fit.Fitter.fit(law, p, base, false);
                long t1 = System.nanoTime();
                LawFit withF = dev.lawfit.fit.Fitter.fit(law, p, folded, true);
                long t2 = System.nanoTime();
                if (fit.theta() == null) continue;
                dev.lawfit.fit.Bootstrap.resample(law, p, resampled, fit.theta(), 11L, 0, 1000);
                long t3 = System.nanoTime();
                pointNanos += t1 - t0;
                foldNanos += t2 - t1;
                bootNanos += t3 - t2;
                folds += withF.folds().cuts();
                foldErrors += withF.folds().errors().size();
                fitted++;
            }
            pointMs[pass] = pointNanos / 1e6 / fitted;
            foldMs[pass] = foldNanos / 1e6 / fitted;
            bootMs[pass] = bootNanos / 1e6 / fitted;
            bootX[pass] = bootMs[pass] / pointMs[pass];
            foldsX[pass] = (foldMs[pass] - pointMs[pass]) / pointMs[pass];
        }
        double boot = median(bootMs);
        emit(new BenchmarkCase().put("case", "trust_cost").put("law", law.name()).put("family", law.family().label()).put("groups", fitted)
                .put("points_per_group", sample.get(0).size()).put("passes", trustPasses)
                .put("point_fit_ms", median(pointMs)).put("fit_with_folds_ms", median(foldMs)).put("folds_per_group", (double) folds / fitted)
                .put("fold_points_per_group", (double) foldErrors / fitted).put("folds_cost_x_point_fit", median(foldsX))
                .put("bootstrap_1000_ms", boot).put("bootstrap_1000_x_point_fit", median(bootX))
                .put("bootstrap_1000_x_point_fit_range", String.format(java.util.Locale.ROOT, "%.1f-%.1f", min(bootX), max(bootX)))
                .put("resamples_per_second", 1000 / (boot / 1000)));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** The screened search against L-BFGS-B from every grid point: same optimum, at what cost. */
    private void exhaustiveCase(Law law) {
        List<Points> sample = GroupedArchive.byModel(SyntheticArchive.manyGroups(exhaustiveGroups, 40, 17));
        GroupFitter screened = new GroupFitter(List.of(law), BENCH_SETTINGS);
        GroupFitter exhaustive = new GroupFitter(List.of(law), BENCH_SETTINGS.withPolishStarts(0));
        screened.fitOne(law, sample.get(0));
        long screenedEvals = 0, exhaustiveEvals = 0, screenedNanos = 0, exhaustiveNanos = 0;
        int sameOptimum = 0;
        double worstObjectiveGap = 0, worstParamGap = 0;
        for (Points points : sample) {
            long t0 = System.nanoTime();
            LawFit fast = screened.fitOne(law, points);
            long t1 = System.nanoTime();
            LawFit full = exhaustive.fitOne(law, points);
            long t2 = System.nanoTime();
            screenedNanos += t1 - t0;
            exhaustiveNanos += t2 - t1;
            screenedEvals += fast.objectiveEvaluations();
            exhaustiveEvals += full.objectiveEvaluations();
            double gap = (fast.objective() - full.objective()) / full.objective();
            worstObjectiveGap = Math.max(worstObjectiveGap, gap);
            double paramGap = 0;
            for (String p : full.parameters().keySet()) {
                paramGap = Math.max(paramGap, Math.abs(fast.parameters().get(p) / full.parameters().get(p) - 1));
            }
            worstParamGap = Math.max(worstParamGap, paramGap);
            if (gap <= 1e-6) sameOptimum++;
        }
        emit(new BenchmarkCase().put("case", "screened_vs_exhaustive").put("law", law.name()).put("groups", sample.size())
                .put("points_per_group", 40).put("same_optimum_groups", sameOptimum)
                .put("worst_relative_objective_gap", worstObjectiveGap).put("worst_relative_parameter_gap", worstParamGap)
                .put("screened_objective_evaluations", screenedEvals).put("exhaustive_objective_evaluations", exhaustiveEvals)
                .put("evaluation_ratio", (double) exhaustiveEvals / screenedEvals)
                .put("screened_seconds", screenedNanos / 1e9).put("exhaustive_seconds", exhaustiveNanos / 1e9)
                .put("time_ratio", (double) exhaustiveNanos / screenedNanos));
    }

    private void shapeCases(SparkSession spark, Law law, int groupCount, int pointsPerGroup) throws Exception {
        List<CheckpointEvaluation> rows = SyntheticArchive.manyGroups(groupCount, pointsPerGroup, 42);
        List<Points> points = GroupedArchive.byModel(rows);
        GroupFitter fitter = new GroupFitter(List.of(law), BENCH_SETTINGS);

        resetPeaks();
        long started = System.nanoTime();
        long evaluations = 0;
        for (Points p : points) evaluations += fitter.fitOne(law, p).objectiveEvaluations();
        emitShape("core_1_thread", law, groupCount, pointsPerGroup, 1, System.nanoTime() - started, evaluations);

        resetPeaks();
        started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(cores);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (Points p : points) futures.add(pool.submit(() -> fitter.fitOne(law, p).objectiveEvaluations()));
            evaluations = 0;
            for (Future<Long> f : futures) evaluations += f.get();
        } finally {
            pool.shutdown();
        }
        emitShape("core_" + cores + "_threads", law, groupCount, pointsPerGroup, cores, System.nanoTime() - started, evaluations);

        if (spark == null) return;
        Path archive = work.resolve("archive-" + groupCount + "x" + pointsPerGroup);
        if (!Files.exists(archive)) ArchiveWriter.write(spark, rows, archive.toString(), cores);
        Path output = work.resolve("out-" + law.name() + "-" + groupCount + "x" + pointsPerGroup);
        deleteRecursively(output);
        JobSpec spec = new JobSpec("bench", new JobSpec.Input(List.of(archive.toString()), "parquet", null, null, null, null, null),
                null, null, null, List.of(law.name()), null, new JobSpec.Bootstrap(0, null, null, null, null, null),
                new JobSpec.Backtest(0), null, null, null, new JobSpec.Output(output.toString(), 1), null);
        resetPeaks();
        started = System.nanoTime();
        RunSummary summary = LawfitJob.run(spark, spec);
        long nanos = System.nanoTime() - started;
        long sparkEvaluations = spark.read().parquet(summary.versionPath() + "/laws").selectExpr("sum(objective_evaluations)").first().getLong(0);
        emitShape("spark_local_" + cores + "_cores", law, groupCount, pointsPerGroup, cores, nanos, sparkEvaluations);

        // the nightly case: the same archive again, incremental over that output - every group reused, none refitted
        started = System.nanoTime();
        RunSummary rerun = LawfitJob.run(spark, spec);
        long rerunNanos = System.nanoTime() - started;
        if (rerun.groupChanges().fitted() != 0) throw new IllegalStateException("an unchanged rerun refitted groups: " + rerun.groupChanges());
        emit(new BenchmarkCase().put("case", "spark_rerun_unchanged").put("law", law.name()).put("groups", groupCount)
                .put("points_per_group", pointsPerGroup).put("threads", cores).put("seconds", rerunNanos / 1e9)
                .put("groups_reused", rerun.groupChanges().reused()).put("groups_refitted", rerun.groupChanges().fitted())
                .put("speedup_vs_full_run", (double) nanos / rerunNanos));
    }

    /**
     * The nightly case with intervals: {@code groups} Chinchilla groups of 40 points published with 1,000-resample bootstrap
     * intervals, rolling-origin folds and the backtest, the job's defaults otherwise, on embedded Spark with every core.
     */
    private void intervalCase(SparkSession spark, int groupCount) throws Exception {
        Path archive = work.resolve("archive-" + groupCount + "x40");
        if (!Files.exists(archive)) ArchiveWriter.write(spark, SyntheticArchive.manyGroups(groupCount, 40, 42), archive.toString(), cores);
        Timed run = timedRun(spark, archive, work.resolve("out-intervals-" + groupCount), "bench-intervals",
                "laws: [chinchilla]",
                "bootstrap: {resamples: 1000}");
        RunSummary summary = run.summary();
        double seconds = run.seconds();
        emit(new BenchmarkCase().put("case", "spark_intervals").put("law", "chinchilla").put("groups", groupCount).put("points_per_group", 40)
                .put("resamples", 1000).put("threads", cores).put("seconds", seconds).put("minutes", seconds / 60)
                .put("groups_per_second", groupCount / seconds).put("fits_by_status", String.valueOf(summary.fitsByStatus()))
                .put("phases_seconds", String.valueOf(summary.phaseMillis())));
    }

    /**
     * The loss-to-loss case: {@code lines} lines (pretraining sets x architectures, 4 sizes x 8 checkpoints each, on two eval
     * sets) with 100 bootstrap resamples (each re-estimating both irreducible losses) and their factors tested.
     */
    private void lossLineCase(SparkSession spark, int lines) throws Exception {
        int models = 8, datasets = Math.max(1, (lines + models - 1) / models);
        String[] ds = new String[datasets], ms = new String[models];
        for (int d = 0; d < datasets; d++) ds[d] = "data" + d;
        for (int m = 0; m < models; m++) ms[m] = "arch" + m;
        Path archive = work.resolve("archive-loss-lines-" + datasets + "x" + models);
        if (!Files.exists(archive)) {
            ArchiveWriter.write(spark, dev.lawfit.generate.LossToLossArchive.families(5, "dataset", ds, ms), archive.toString(), cores);
        }
        Timed run = timedRun(spark, archive, work.resolve("out-loss-lines-" + datasets * models), "bench-loss-lines",
                "group_by: [model, dataset, tokenizer, eval_dataset]",
                "laws: []",
                "loss_to_loss:",
                "  pairs: [{x: val, y: downstream}]",
                "  group_by: [dataset, model]",
                "  factors: [dataset, model]",
                "bootstrap: {resamples: 100}");
        RunSummary summary = run.summary();
        double seconds = run.seconds();
        long published = spark.read().parquet(summary.versionPath() + "/loss_to_loss").count();
        emit(new BenchmarkCase().put("case", "spark_loss_lines").put("lines", published).put("resamples", 100).put("threads", cores)
                .put("seconds", seconds).put("minutes", seconds / 60).put("phases_seconds", String.valueOf(summary.phaseMillis())));
    }

    private record Timed(RunSummary summary, double seconds) {
    }

    /** One run of a spec named {@code name} over {@code archive} into a fresh {@code output}, its other keys given as YAML lines. */
    private static Timed timedRun(SparkSession spark, Path archive, Path output, String name, String... keys) throws IOException {
        deleteRecursively(output);
        List<String> yaml = new ArrayList<>(List.of("name: " + name, "input: {paths: ['" + archive + "'], format: parquet}"));
        yaml.addAll(List.of(keys));
        yaml.add("output: {path: '" + output + "', keep_versions: 1}");
        JobSpec spec = dev.lawfit.spec.JobSpecReader.parse(String.join("\n", yaml), name);
        long started = System.nanoTime();
        RunSummary summary = LawfitJob.run(spark, spec);
        return new Timed(summary, (System.nanoTime() - started) / 1e9);
    }

    private void emitShape(String mode, Law law, int groupCount, int pointsPerGroup, int threads, long nanos, long evaluations) {
        double seconds = nanos / 1e9;
        emit(new BenchmarkCase().put("case", mode).put("law", law.name()).put("groups", groupCount)
                .put("points_per_group", pointsPerGroup).put("threads", threads).put("seconds", seconds)
                .put("groups_per_second", groupCount / seconds)
                .put("checkpoint_evaluations_per_second", (double) groupCount * pointsPerGroup / seconds)
                .put("objective_evaluations", evaluations)
                .put("objective_evaluations_per_second_per_core", evaluations / seconds / threads)
                .put("peak_heap_mb", peakHeapBytes() / 1e6));
    }

    private void emit(BenchmarkCase c) {
        cases.add(c);
        try {
            System.out.println(json.writeValueAsString(c.fields()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeCsv() throws IOException {
        List<String> columns = cases.stream().flatMap(c -> c.fields().keySet().stream()).distinct().toList();
        Files.createDirectories(csv.toAbsolutePath().getParent());
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println(String.join(",", columns));
            for (BenchmarkCase c : cases) {
                out.println(columns.stream().map(k -> c.get(k) == null ? "" : String.valueOf(c.get(k))).collect(Collectors.joining(",")));
            }
        }
        System.err.println("bench: wrote " + cases.size() + " cases to " + csv);
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
        }
    }

    private static long peakHeapBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) total += pool.getPeakUsage().getUsed();
        }
        return total;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
