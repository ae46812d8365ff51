package dev.lawfit.job.stages;

import dev.lawfit.job.tables.Columns;
import dev.lawfit.job.tables.RowBuilder;
import dev.lawfit.job.tables.TemporalTables;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.spec.CheckpointContract;

import dev.lawfit.temporal.PredictionQuality;
import dev.lawfit.temporal.RunCurve;
import dev.lawfit.temporal.RunRanking;
import dev.lawfit.temporal.TemporalFit;
import dev.lawfit.temporal.TemporalSettings;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

/**
 * The temporal scaling law over Spark: accepted rows grouped per run (group keys + run_id), runs fitted in
 * parallel by the core ({@link TemporalFit}), and the results exploded into the {@code temporal_points},
 * {@code temporal_quality} and {@code temporal_ranking} tables plus {@code temporal} rows for the laws and
 * predictions tables.
 */
public final class TemporalStage {

    public static final String PLANNED_TOKENS = "planned_tokens";

    /** Everything the stage publishes, built from one cached set of run fits ({@code fitted}; release it after writing). */
    public record Tables(Dataset<Row> points, Dataset<Row> quality, Dataset<Row> ranking, Dataset<Row> laws, Dataset<Row> predictions,
                         Dataset<Row> fitted) {
        public void release() {
            fitted.unpersist();
        }
    }

    private TemporalStage() {
    }

    public static Tables fit(Dataset<Row> accepted, List<String> keys, TemporalSettings settings, int partitions) {
        List<Column> groupBy = new ArrayList<>(keys.stream().map(InputReader::column).toList());
        groupBy.add(column(CheckpointContract.RUN_ID));
        Dataset<Row> runs = accepted.groupBy(groupBy.toArray(Column[]::new)).agg(
                        collect_list(struct(column(CheckpointContract.TOKENS), column(CheckpointContract.STEP),
                                column(CheckpointContract.LOSS), column(CheckpointContract.POSITION_LOSSES))).as("checkpoints"),
                        max(column(CheckpointContract.TOTAL_TOKENS)).as(PLANNED_TOKENS))
                .repartition(partitions, groupBy.toArray(Column[]::new))
                .select(Columns.keyStruct(keys), column(CheckpointContract.RUN_ID), column("checkpoints"), column(PLANNED_TOKENS));
        Dataset<Row> fitted = runs.map(new RunFitFunction(keys, settings), Encoders.row(TemporalTables.result(keys)))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> quality = GroupFitting.explodeTable(fitted, keys, "quality", List.of("run_id", "fit_fraction", "method"));
        return new Tables(GroupFitting.explodeTable(fitted, keys, "points", List.of("run_id", "tokens")), quality,
                ranking(quality, keys),
                GroupFitting.explodeTable(fitted, keys, "laws", List.of("run_id", "law", "fit_fraction")),
                GroupFitting.explodeTable(fitted, keys, "predictions", List.of("law", "run_id", "fit_fraction", "tokens")), fitted);
    }

    /** Runs of one group ranked by predicted final loss per (fraction, method), against the real final where known. */
    public static Dataset<Row> ranking(Dataset<Row> quality, List<String> keys) {
        Dataset<Row> grouped = quality.where(column("status").equalTo(dev.lawfit.fit.FitStatus.OK.label()))
                .groupBy(Columns.keyStruct(keys), column("fit_fraction"), column("method"))
                .agg(collect_list(struct(column("run_id"), column("predicted_final"), column("observed_final"), column("finished"))).as("runs"));
        List<Column> flat = new ArrayList<>(Columns.flatKey(keys));
        for (String c : TemporalTables.RANK.fieldNames()) flat.add(column(c));
        List<Column> sort = new ArrayList<>(keys.stream().map(InputReader::column).toList());
        for (String c : List.of("fit_fraction", "method", "predicted_rank", "run_id")) sort.add(column(c));
        return grouped.flatMap(new RankFunction(keys), Encoders.row(TemporalTables.ranking(keys)))
                .select(flat.toArray(Column[]::new)).orderBy(sort.toArray(Column[]::new));
    }

    /** Bridge from one run's collected rows to the core and back. */
    static final class RunFitFunction implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final StructType schema;
        private final TemporalSettings settings;

        RunFitFunction(List<String> keys, TemporalSettings settings) {
            this.schema = TemporalTables.result(keys);
            this.settings = settings;
        }

        @Override
        public Row call(Row run) {
            long started = System.nanoTime();
            String runId = run.getAs(CheckpointContract.RUN_ID);
            List<Row> rows = new ArrayList<>(run.<Row>getList(run.fieldIndex("checkpoints")));
            // canonical order: the fit must not depend on the order Spark collected rows in
            rows.sort(Comparator.<Row>comparingDouble(r -> r.getAs(CheckpointContract.TOKENS))
                    .thenComparingDouble(r -> r.getAs(CheckpointContract.LOSS)));
            int n = rows.size();
            double[] tokens = new double[n], steps = new double[n], loss = new double[n];
            double[][] positions = new double[n][];
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                tokens[i] = r.getAs(CheckpointContract.TOKENS);
                Object step = r.getAs(CheckpointContract.STEP);
                steps[i] = step == null ? Double.NaN : (Double) step;
                loss[i] = r.getAs(CheckpointContract.LOSS);
                int p = r.fieldIndex(CheckpointContract.POSITION_LOSSES);
                if (!r.isNullAt(p)) positions[i] = r.getList(p).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
            }
            RunCurve curve = new RunCurve(runId, tokens, steps, loss, positions, run.<Double>getAs(PLANNED_TOKENS));
            TemporalFit.RunResult result = TemporalFit.fit(curve, settings);
            long millis = (System.nanoTime() - started) / 1_000_000;

            List<Row> points = new ArrayList<>();
            for (TemporalFit.CheckpointLaw c : result.checkpoints()) {
                points.add(RowBuilder.of(TemporalTables.POINT).set("run_id", runId).set("step", c.step()).set("tokens", c.tokens())
                        .set("progress", c.progress()).set("a0", c.a0()).set("a1", c.a1()).set("a2", c.a2()).set("rmse", c.rmse())
                        .set("positions", c.positions()).set("status", (c.ok() ? dev.lawfit.fit.FitStatus.OK.label() : dev.lawfit.fit.FitStatus.FAILED.label())).build());
            }
            List<Row> quality = new ArrayList<>(), laws = new ArrayList<>(), predictions = new ArrayList<>();
            for (TemporalFit.FractionResult f : result.fractions()) {
                if (!f.ok()) {
                    quality.add(RowBuilder.of(TemporalTables.QUALITY).set("run_id", runId).set("mode", result.mode())
                            .set("fit_fraction", f.fraction()).set("method", TemporalFit.TEMPORAL).set("status", f.status())
                            .set("message", f.message()).set("fit_checkpoints", f.fitCheckpoints())
                            .set("observed_final", result.observedFinal()).set("finished", result.finished()).build());
                    laws.add(RowBuilder.of(TemporalTables.LAW).set("run_id", runId).set("family", TemporalTables.FAMILY)
                            .set("law", TemporalFit.TEMPORAL).set("fit_fraction", f.fraction()).set("status", f.status())
                            .set("message", f.message()).set("n_points", f.fitCheckpoints()).set("fit_millis", millis).build());
                    continue;
                }
                for (TemporalFit.MethodResult m : f.methods()) {
                    PredictionQuality q = m.quality();
                    quality.add(RowBuilder.of(TemporalTables.QUALITY).set("run_id", runId).set("mode", result.mode())
                            .set("fit_fraction", f.fraction()).set("method", m.method()).set("status", f.status()).set("message", f.message())
                            .set("fit_checkpoints", f.fitCheckpoints()).set("held_out_points", q.heldOut()).set("held_out_r2", q.r2())
                            .set("held_out_are", q.are()).set("final_are", q.finalAre()).set("predicted_final", m.predictedFinal())
                            .set("observed_final", result.observedFinal()).set("finished", result.finished()).set("formula", m.formula())
                            .set("parameters", m.parameters()).build());
                    String law = m.method().equals(TemporalFit.TEMPORAL) ? TemporalFit.TEMPORAL : TemporalFit.TEMPORAL + "_" + m.method();
                    dev.lawfit.temporal.TemporalLaw trajectories = m.law();
                    boolean full = trajectories != null && !trajectories.isReduced();
                    for (int i = 0; i < n; i++) {
                        double p = m.predicted()[i], x = curve.progress(i);
                        predictions.add(RowBuilder.of(TemporalTables.PREDICTION).set("family", TemporalTables.FAMILY).set("law", law)
                                .set("run_id", runId).set("fit_fraction", f.fraction()).set("step", steps[i]).set("tokens", tokens[i])
                                .set("x", x).set("observed", loss[i]).set("predicted", p).set("residual", loss[i] - p)
                                .set("log_residual", Math.log(loss[i]) - Math.log(p)).set("held_out", x > f.fraction() * (1 + 1e-9))
                                .set("a0", full ? trajectories.a0().at(x) : Double.NaN)
                                .set("a1", full ? Math.max(0, trajectories.a1().at(x)) : Double.NaN)
                                .set("a2", full ? trajectories.a2().at(x) : Double.NaN).build());
                    }
                    if (m.method().equals(TemporalFit.TEMPORAL)) {
                        Map<String, Double> derived = new LinkedHashMap<>();
                        derived.put("predicted_final", m.predictedFinal());
                        if (!Double.isNaN(q.r2())) derived.put("held_out_r2", q.r2());
                        if (!Double.isNaN(q.are())) derived.put("held_out_are", q.are());
                        if (!Double.isNaN(q.finalAre())) derived.put("held_out_final_are", q.finalAre());
                        laws.add(RowBuilder.of(TemporalTables.LAW).set("run_id", runId).set("family", TemporalTables.FAMILY)
                                .set("law", TemporalFit.TEMPORAL).set("fit_fraction", f.fraction()).set("formula", m.formula())
                                .set("status", f.status())
                                .set("message", result.mode().equals("average") ? "no position_losses: reduced law on the average loss" : "")
                                .set("parameters", m.parameters()).set("derived", derived).set("n_points", f.fitCheckpoints())
                                .set("r2", q.r2()).set("fit_millis", millis).build());
                    }
                }
            }
            return RowBuilder.of(schema).set(Columns.KEY, run.getAs(Columns.KEY)).set("points", points).set("quality", quality)
                    .set("laws", laws).set("predictions", predictions).build();
        }
    }

    /** Ranks one group's runs for one (fraction, method) with the core's {@link RunRanking}. */
    static final class RankFunction implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final StructType schema;

        RankFunction(List<String> keys) {
            this.schema = TemporalTables.ranking(keys);
        }

        @Override
        public Iterator<Row> call(Row group) {
            List<Row> runs = group.getList(group.fieldIndex("runs"));
            int n = runs.size();
            String[] ids = new String[n];
            double[] predicted = new double[n], observed = new double[n];
            boolean[] finished = new boolean[n];
            for (int i = 0; i < n; i++) {
                Row r = runs.get(i);
                ids[i] = r.getAs("run_id");
                predicted[i] = r.getAs("predicted_final") == null ? Double.NaN : r.<Double>getAs("predicted_final");
                observed[i] = r.getAs("observed_final") == null ? Double.NaN : r.<Double>getAs("observed_final");
                finished[i] = Boolean.TRUE.equals(r.getAs("finished"));
            }
            RunRanking.Ranking ranking = RunRanking.rank(ids, predicted, observed, finished);
            List<Row> out = new ArrayList<>();
            for (RunRanking.Place place : ranking.places()) {
                out.add(RowBuilder.of(schema).set(Columns.KEY, group.getAs(Columns.KEY)).set("fit_fraction", group.getAs("fit_fraction"))
                        .set("method", group.getAs("method")).set("run_id", place.runId()).set("predicted_final", place.predicted())
                        .set("predicted_rank", place.predictedRank()).set("observed_final", place.observed())
                        .set("observed_rank", place.observedRank()).set("runs", n).set("finished_runs", ranking.finished())
                        .set("rank_correlation", ranking.correlation()).build());
            }
            return out.iterator();
        }
    }
}
