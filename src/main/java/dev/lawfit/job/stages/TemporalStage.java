package dev.lawfit.job.stages;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.job.ingest.CheckpointContract;

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

import static dev.lawfit.job.tables.FitOutputSchema.field;
import static dev.lawfit.job.tables.FitOutputSchema.nullIfNotFinite;
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

    public static final StructType POINT = schema(field("run_id", DataTypes.StringType), field("step", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType), field("progress", DataTypes.DoubleType), field("a0", DataTypes.DoubleType),
            field("a1", DataTypes.DoubleType), field("a2", DataTypes.DoubleType), field("rmse", DataTypes.DoubleType),
            field("positions", DataTypes.IntegerType), field("status", DataTypes.StringType));

    public static final StructType QUALITY = schema(field("run_id", DataTypes.StringType), field("mode", DataTypes.StringType),
            field("fit_fraction", DataTypes.DoubleType), field("method", DataTypes.StringType), field("status", DataTypes.StringType),
            field("message", DataTypes.StringType), field("fit_checkpoints", DataTypes.IntegerType), field("held_out", DataTypes.IntegerType),
            field("r2", DataTypes.DoubleType), field("mape", DataTypes.DoubleType), field("final_are", DataTypes.DoubleType),
            field("predicted_final", DataTypes.DoubleType), field("observed_final", DataTypes.DoubleType),
            field("finished", DataTypes.BooleanType), field("formula", DataTypes.StringType),
            field("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)));

    public static final StructType LAW = schema(field("run_id", DataTypes.StringType), field("law", DataTypes.StringType),
            field("fit_fraction", DataTypes.DoubleType), field("formula", DataTypes.StringType), field("status", DataTypes.StringType),
            field("message", DataTypes.StringType), field("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("derived", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)), field("n_points", DataTypes.IntegerType),
            field("r2", DataTypes.DoubleType), field("fit_millis", DataTypes.LongType));

    public static final StructType PREDICTION = schema(field("law", DataTypes.StringType), field("run_id", DataTypes.StringType),
            field("fit_fraction", DataTypes.DoubleType), field("step", DataTypes.DoubleType), field("tokens", DataTypes.DoubleType),
            field("observed", DataTypes.DoubleType), field("predicted", DataTypes.DoubleType), field("residual", DataTypes.DoubleType),
            field("log_residual", DataTypes.DoubleType), field("held_out", DataTypes.BooleanType), field("a0", DataTypes.DoubleType),
            field("a1", DataTypes.DoubleType), field("a2", DataTypes.DoubleType));

    private TemporalStage() {
    }

    public static Tables fit(Dataset<Row> accepted, List<String> keys, TemporalSettings settings, int partitions) {
        List<Column> groupBy = new ArrayList<>(keys.stream().map(InputReader::column).toList());
        groupBy.add(column(CheckpointContract.RUN_ID));
        Dataset<Row> runs = accepted.groupBy(groupBy.toArray(Column[]::new)).agg(
                        collect_list(struct(column(CheckpointContract.TOKENS), column(CheckpointContract.STEP),
                                column(CheckpointContract.LOSS), column(CheckpointContract.POSITION_LOSSES))).as("checkpoints"),
                        max(column(CheckpointContract.TOTAL_TOKENS)).as(PLANNED_TOKENS))
                .repartition(partitions, groupBy.toArray(Column[]::new));
        Dataset<Row> fitted = runs.map(new RunFitFunction(keys.size(), settings), Encoders.row(resultSchema(keys)))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> quality = GroupFitting.explodeTable(fitted, keys, "quality", List.of("run_id", "fit_fraction", "method"));
        return new Tables(GroupFitting.explodeTable(fitted, keys, "points", List.of("run_id", "tokens")), quality,
                ranking(quality, keys),
                GroupFitting.explodeTable(fitted, keys, "laws", List.of("run_id", "law", "fit_fraction")),
                GroupFitting.explodeTable(fitted, keys, "predictions", List.of("law", "run_id", "fit_fraction", "tokens")), fitted);
    }

    /** Runs of one group ranked by predicted final loss per (fraction, method), against the real final where known. */
    public static Dataset<Row> ranking(Dataset<Row> quality, List<String> keys) {
        List<Column> by = new ArrayList<>(keys.stream().map(InputReader::column).toList());
        by.add(column("fit_fraction"));
        by.add(column("method"));
        Dataset<Row> grouped = quality.where(column("status").equalTo("ok")).groupBy(by.toArray(Column[]::new))
                .agg(collect_list(struct(column("run_id"), column("predicted_final"), column("observed_final"), column("finished"))).as("runs"));
        List<StructField> fields = new ArrayList<>();
        for (String key : keys) fields.add(field(key, DataTypes.StringType));
        fields.add(field("fit_fraction", DataTypes.DoubleType));
        fields.add(field("method", DataTypes.StringType));
        fields.add(field("run_id", DataTypes.StringType));
        fields.add(field("predicted_final", DataTypes.DoubleType));
        fields.add(field("predicted_rank", DataTypes.DoubleType));
        fields.add(field("observed_final", DataTypes.DoubleType));
        fields.add(field("observed_rank", DataTypes.DoubleType));
        fields.add(field("runs", DataTypes.IntegerType));
        fields.add(field("finished_runs", DataTypes.IntegerType));
        fields.add(field("rank_correlation", DataTypes.DoubleType));
        List<Column> sort = new ArrayList<>(by);
        sort.add(column("predicted_rank"));
        sort.add(column("run_id"));
        return grouped.flatMap(new RankFunction(keys.size()), Encoders.row(new StructType(fields.toArray(StructField[]::new))))
                .orderBy(sort.toArray(Column[]::new));
    }

    public static StructType resultSchema(List<String> keys) {
        List<StructField> fields = new ArrayList<>();
        for (String key : keys) fields.add(field(key, DataTypes.StringType));
        fields.add(field("points", new ArrayType(POINT, false)));
        fields.add(field("quality", new ArrayType(QUALITY, false)));
        fields.add(field("laws", new ArrayType(LAW, false)));
        fields.add(field("predictions", new ArrayType(PREDICTION, false)));
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** Bridge from one run's collected rows to the core and back. */
    static final class RunFitFunction implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keyCount;
        private final TemporalSettings settings;

        RunFitFunction(int keyCount, TemporalSettings settings) {
            this.keyCount = keyCount;
            this.settings = settings;
        }

        @Override
        public Row call(Row run) {
            long started = System.nanoTime();
            String runId = run.getString(keyCount);
            List<Row> rows = new ArrayList<>(run.<Row>getList(keyCount + 1));
            // canonical order: the fit must not depend on the order Spark collected rows in
            rows.sort(Comparator.<Row>comparingDouble(r -> r.getDouble(0)).thenComparingDouble(r -> r.getDouble(2)));
            int n = rows.size();
            double[] tokens = new double[n], steps = new double[n], loss = new double[n];
            double[][] positions = new double[n][];
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                tokens[i] = r.getDouble(0);
                steps[i] = r.isNullAt(1) ? Double.NaN : r.getDouble(1);
                loss[i] = r.getDouble(2);
                if (!r.isNullAt(3)) {
                    List<Object> values = r.getList(3);
                    positions[i] = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
                }
            }
            RunCurve curve = new RunCurve(runId, tokens, steps, loss, positions, run.getDouble(keyCount + 2));
            TemporalFit.RunResult result = TemporalFit.fit(curve, settings);
            long millis = (System.nanoTime() - started) / 1_000_000;

            List<Row> points = new ArrayList<>();
            for (TemporalFit.CheckpointLaw c : result.checkpoints()) {
                points.add(RowFactory.create(runId, nullIfNotFinite(c.step()), c.tokens(), c.progress(), nullIfNotFinite(c.a0()), nullIfNotFinite(c.a1()), nullIfNotFinite(c.a2()),
                        nullIfNotFinite(c.rmse()), c.positions(), c.ok() ? "ok" : "failed"));
            }
            List<Row> quality = new ArrayList<>(), laws = new ArrayList<>(), predictions = new ArrayList<>();
            for (TemporalFit.FractionResult f : result.fractions()) {
                if (!f.ok()) {
                    quality.add(RowFactory.create(runId, result.mode(), f.fraction(), TemporalFit.TEMPORAL, f.status(), f.message(),
                            f.fitCheckpoints(), null, null, null, null, null, nullIfNotFinite(result.observedFinal()), result.finished(), null, null));
                    laws.add(RowFactory.create(runId, TemporalFit.TEMPORAL, f.fraction(), null, f.status(), f.message(), null, null,
                            f.fitCheckpoints(), null, millis));
                    continue;
                }
                for (TemporalFit.MethodResult m : f.methods()) {
                    PredictionQuality q = m.quality();
                    quality.add(RowFactory.create(runId, result.mode(), f.fraction(), m.method(), f.status(), f.message(), f.fitCheckpoints(),
                            q.heldOut(), nullIfNotFinite(q.r2()), nullIfNotFinite(q.mape()), nullIfNotFinite(q.finalAre()), nullIfNotFinite(m.predictedFinal()),
                            nullIfNotFinite(result.observedFinal()), result.finished(), m.formula(), CollectionConverters.asScala(m.parameters())));
                    String law = m.method().equals(TemporalFit.TEMPORAL) ? TemporalFit.TEMPORAL : TemporalFit.TEMPORAL + "_" + m.method();
                    dev.lawfit.temporal.TemporalLaw trajectories = m.law();
                    for (int i = 0; i < n; i++) {
                        double p = m.predicted()[i], x = curve.progress(i);
                        boolean full = trajectories != null && !trajectories.isReduced();
                        predictions.add(RowFactory.create(law, runId, f.fraction(), nullIfNotFinite(steps[i]), tokens[i], loss[i], nullIfNotFinite(p),
                                nullIfNotFinite(loss[i] - p), nullIfNotFinite(Math.log(loss[i]) - Math.log(p)), x > f.fraction() * (1 + 1e-9),
                                full ? nullIfNotFinite(trajectories.a0().at(x)) : null, full ? nullIfNotFinite(Math.max(0, trajectories.a1().at(x))) : null,
                                full ? nullIfNotFinite(trajectories.a2().at(x)) : null));
                    }
                    if (m.method().equals(TemporalFit.TEMPORAL)) {
                        Map<String, Double> derived = new LinkedHashMap<>();
                        derived.put("predicted_final", m.predictedFinal());
                        if (!Double.isNaN(q.r2())) derived.put("backtest_r2", q.r2());
                        if (!Double.isNaN(q.mape())) derived.put("backtest_mape", q.mape());
                        if (!Double.isNaN(q.finalAre())) derived.put("backtest_final_are", q.finalAre());
                        laws.add(RowFactory.create(runId, TemporalFit.TEMPORAL, f.fraction(), m.formula(), f.status(),
                                result.mode().equals("average") ? "no position_losses: reduced law on the average loss" : "",
                                CollectionConverters.asScala(m.parameters()), CollectionConverters.asScala(derived), f.fitCheckpoints(),
                                nullIfNotFinite(q.r2()), millis));
                    }
                }
            }
            Object[] values = new Object[keyCount + 4];
            for (int k = 0; k < keyCount; k++) values[k] = run.get(k);
            values[keyCount] = seq(points);
            values[keyCount + 1] = seq(quality);
            values[keyCount + 2] = seq(laws);
            values[keyCount + 3] = seq(predictions);
            return RowFactory.create(values);
        }
    }

    /** Ranks one group's runs for one (fraction, method) with the core's {@link RunRanking}. */
    static final class RankFunction implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keyCount;

        RankFunction(int keyCount) {
            this.keyCount = keyCount;
        }

        @Override
        public Iterator<Row> call(Row group) {
            List<Row> runs = new ArrayList<>(group.<Row>getList(keyCount + 2));
            runs.sort(Comparator.comparing(r -> r.getString(0)));
            double[] predicted = runs.stream().mapToDouble(r -> r.isNullAt(1) ? Double.NaN : r.getDouble(1)).toArray();
            double[] predictedRank = RunRanking.ranks(predicted);
            List<Integer> finished = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) if (!runs.get(i).isNullAt(3) && runs.get(i).getBoolean(3)) finished.add(i);
            double[] observedRank = new double[runs.size()];
            java.util.Arrays.fill(observedRank, Double.NaN);
            double correlation = Double.NaN;
            if (finished.size() >= 2) {
                double[] obs = finished.stream().mapToDouble(i -> runs.get(i).getDouble(2)).toArray();
                double[] pred = finished.stream().mapToDouble(i -> predicted[i]).toArray();
                double[] ranks = RunRanking.ranks(obs);
                for (int k = 0; k < finished.size(); k++) observedRank[finished.get(k)] = ranks[k];
                correlation = RunRanking.spearman(pred, obs);
            }
            List<Row> out = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                Object[] values = new Object[keyCount + 10];
                for (int k = 0; k < keyCount + 2; k++) values[k] = group.get(k);
                Row r = runs.get(i);
                values[keyCount + 2] = r.getString(0);
                values[keyCount + 3] = nullIfNotFinite(predicted[i]);
                values[keyCount + 4] = predictedRank[i];
                values[keyCount + 5] = Double.isNaN(observedRank[i]) ? null : r.getDouble(2);
                values[keyCount + 6] = nullIfNotFinite(observedRank[i]);
                values[keyCount + 7] = runs.size();
                values[keyCount + 8] = finished.size();
                values[keyCount + 9] = nullIfNotFinite(correlation);
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        }
    }

    private static scala.collection.immutable.Seq<Row> seq(List<Row> rows) {
        return CollectionConverters.asScala(rows).toSeq();
    }



    private static StructType schema(StructField... fields) {
        return new StructType(fields);
    }
}
