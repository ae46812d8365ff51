package dev.lawfit.job.stages;

import dev.lawfit.LawfitException;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.spec.CheckpointContract;
import dev.lawfit.job.ingest.InputReader;
import dev.lawfit.job.tables.Columns;
import dev.lawfit.job.tables.RowBuilder;
import dev.lawfit.job.tables.ScheduleTables;
import dev.lawfit.law.Law;
import dev.lawfit.schedule.LrSchedule;
import dev.lawfit.schedule.ScheduleBook;
import dev.lawfit.schedule.ScheduleIntervals;
import dev.lawfit.schedule.ScheduleLaw;
import dev.lawfit.schedule.ScheduleSettings;
import dev.lawfit.schedule.ScheduleStudy;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

/**
 * The schedule family over Spark: every run's learning-rate schedule gathered on the driver (the runs' logged
 * (step, lr) points and the spec's described runs and candidates, a few numbers per checkpoint), the laws fitted per
 * group on its fit runs through {@link LawStage} (intervals, late-progress backtest, predictions), then each group's
 * study ({@link ScheduleStudy}: unseen schedules, the rest of runs from their early part, the ranking) from the
 * fitted parameters, in parallel over groups.
 */
public final class ScheduleStage {

    private static final String KEY_TEXT = "_lawfit_key_text";

    public record Tables(LawStage.Tables laws, Dataset<Row> quality, Dataset<Row> predictions, Dataset<Row> ranking, Dataset<Row> studied,
                         FitProgress progress) {
        public void release() {
            progress.close();
            laws.release();
            studied.unpersist();
        }
    }

    private ScheduleStage() {
    }

    public static Tables fit(Dataset<Row> accepted, List<String> keys, ScheduleSettings settings, FitSettings fit, int partitions,
                             FitProgress progress) {
        Map<String, double[][]> logged = new LinkedHashMap<>();
        for (Row r : accepted.where(column(CheckpointContract.LR).isNotNull())
                .groupBy(column(CheckpointContract.RUN_ID))
                .agg(collect_list(struct(column(CheckpointContract.STEP), column(CheckpointContract.LR))).as("lrs")).collectAsList()) {
            List<Row> points = r.getList(1);
            double[] steps = new double[points.size()], lrs = new double[points.size()];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = points.get(i).getDouble(0);
                lrs[i] = points.get(i).getDouble(1);
            }
            logged.put(r.getString(0), new double[][] {steps, lrs});
        }
        Map<String, LrSchedule> book;
        try {
            book = ScheduleBook.build(logged, settings);
        } catch (IllegalArgumentException e) {
            throw new LawfitException("schedule: " + e.getMessage(), e);
        }
        List<ScheduleLaw> laws = dev.lawfit.catalog.LawCatalog.scheduleLaws(settings, book);
        Dataset<Row> rows = accepted.withColumn(GroupFitting.X, column(CheckpointContract.STEP)
                .divide(max(column(CheckpointContract.STEP)).over(Window.partitionBy(column(CheckpointContract.RUN_ID)))));
        Dataset<Row> fitRows = settings.fitRuns().isEmpty() ? rows : rows.where(column(CheckpointContract.RUN_ID).isin(settings.fitRuns().toArray()));
        // progress lines while the laws are fitted per group (and bootstrapped), like every stage
        if (progress == null) {
            progress = FitProgress.start(accepted.sparkSession().sparkContext(), "schedule groups",
                    fitRows.select(keys.stream().map(InputReader::column).toArray(Column[]::new)).distinct().count());
        }
        LawStage.Tables lawTables = LawStage.run(fitRows, keys, new ArrayList<Law>(laws), fit, partitions, progress);

        // each group's fitted parameters, for its study
        Map<String, Map<String, double[]>> thetas = new HashMap<>();
        for (Row r : GroupFitting.explodeTable(lawTables.fitted(), keys, "laws", List.of("law")).withColumn(KEY_TEXT, keyText(keys)).where(column("theta").isNotNull().and(dev.lawfit.job.tables.Columns.usable()))
                .select(column(KEY_TEXT), column("law"), column("theta")).collectAsList()) {
            thetas.computeIfAbsent(r.getString(0), k -> new HashMap<>())
                    .put(r.getString(1), r.<Double>getList(2).stream().mapToDouble(Double::doubleValue).toArray());
        }
        Dataset<Row> groups = rows.groupBy(Columns.keyStruct(keys), keyText(keys).as(KEY_TEXT))
                .agg(collect_list(struct(column(CheckpointContract.RUN_ID), column(CheckpointContract.STEP), column(CheckpointContract.LOSS))).as("checkpoints"))
                .repartition(partitions, column(KEY_TEXT));
        Dataset<Row> studied = groups.map(new StudyFunction(keys, laws, thetas, settings, fit), Encoders.row(ScheduleTables.result(keys)))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new Tables(lawTables,
                GroupFitting.explodeTable(studied, keys, "quality", List.of("law", "scenario", "fit_fraction", "run_id")),
                GroupFitting.explodeTable(studied, keys, "predictions", List.of("law", "scenario", "fit_fraction", "run_id", "step")),
                GroupFitting.explodeTable(studied, keys, "ranking", List.of("law", "predicted_rank", "name")), studied, progress);
    }

    private static Column keyText(List<String> keys) {
        return concat_ws("\u0001", keys.stream().map(k -> column(k).cast("string")).toArray(Column[]::new));
    }

    /** One group's runs to the core's study and its rows back. */
    static final class StudyFunction implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final StructType schema;
        private final List<ScheduleLaw> laws;
        private final Map<String, Map<String, double[]>> thetas;
        private final ScheduleSettings settings;
        private final FitSettings fit;

        StudyFunction(List<String> keys, List<ScheduleLaw> laws, Map<String, Map<String, double[]>> thetas, ScheduleSettings settings, FitSettings fit) {
            this.schema = ScheduleTables.result(keys);
            this.laws = List.copyOf(laws);
            this.thetas = thetas;
            this.settings = settings;
            this.fit = fit;
        }

        @Override
        public Row call(Row group) {
            Map<String, List<double[]>> byRun = new java.util.TreeMap<>();
            for (Row c : group.<Row>getList(group.fieldIndex("checkpoints"))) {
                byRun.computeIfAbsent(c.getString(0), k -> new ArrayList<>()).add(new double[] {c.getDouble(1), c.getDouble(2)});
            }
            List<ScheduleStudy.RunData> runs = new ArrayList<>();
            byRun.forEach((run, points) -> {
                points.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
                runs.add(new ScheduleStudy.RunData(run, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray()));
            });
            Map<String, double[]> fitted = thetas.getOrDefault(group.getString(group.fieldIndex(KEY_TEXT)), Map.of());
            ScheduleStudy.Result result = ScheduleStudy.run(runs, laws, fitted, settings, fit);
            ScheduleIntervals.Result intervals = ScheduleIntervals.of(result, fit.bootstrap().level());
            List<Row> quality = new ArrayList<>(), predictions = new ArrayList<>(), ranking = new ArrayList<>();
            for (ScheduleStudy.Quality q : result.quality()) {
                quality.add(RowBuilder.of(ScheduleTables.QUALITY).set("law", q.law()).set("scenario", q.scenario()).set("fit_fraction", q.fitFraction())
                        .set("run_id", q.runId()).set("role", q.role()).set("status", q.status()).set("message", q.message())
                        .set("fit_points", q.fitPoints()).set("scored_points", q.points()).set("mean_are", q.meanAre()).set("worst_are", q.worstAre())
                        .set("final_are", q.finalAre()).set("predicted_final", q.predictedFinal()).set("observed_final", q.observedFinal())
                        .set("parameters", q.parameters().isEmpty() ? null : q.parameters())
                        .set("coverage", intervals.coverage().get(ScheduleIntervals.runKey(q.law(), q.scenario(), q.fitFraction(), q.runId()))).build());
            }
            for (int i = 0; i < result.predictions().size(); i++) {
                ScheduleStudy.Prediction p = result.predictions().get(i);
                ScheduleIntervals.Interval in = intervals.predictions().get(i);
                predictions.add(RowBuilder.of(ScheduleTables.PREDICTION).set("law", p.law()).set("scenario", p.scenario())
                        .set("fit_fraction", p.fitFraction()).set("run_id", p.runId()).set("step", p.step()).set("lr", p.lr())
                        .set("observed", p.observed()).set("predicted", p.predicted()).set("held_out", p.heldOut())
                        .set("low", in.low()).set("high", in.high()).set("interval_method", p.heldOut() ? in.method() : null).build());
            }
            for (int i = 0; i < result.ranking().size(); i++) {
                ScheduleStudy.Rank r = result.ranking().get(i);
                ScheduleIntervals.Interval in = intervals.ranking().get(i);
                ranking.add(RowBuilder.of(ScheduleTables.RANK).set("law", r.law()).set("name", r.name()).set("kind", r.kind())
                        .set("predicted_final", r.predictedFinal()).set("predicted_rank", r.predictedRank()).set("observed_final", r.observedFinal())
                        .set("observed_rank", r.observedRank()).set("runs", r.runs()).set("rank_correlation", r.rankCorrelation())
                        .set("final_low", in.low()).set("final_high", in.high()).set("interval_method", in.method()).build());
            }
            return RowBuilder.of(schema).set(Columns.KEY, group.getAs(Columns.KEY)).set("quality", quality).set("predictions", predictions)
                    .set("ranking", ranking).build();
        }
    }
}
