package dev.lawfit.job.stages;

import dev.lawfit.job.tables.LineFactorsTable;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.spec.CheckpointContract;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Law;
import dev.lawfit.losstoloss.LineFactorTest;
import dev.lawfit.losstoloss.LossLineLaw;
import dev.lawfit.spec.JobSpec;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Loss-to-loss lines over Spark. Rows of eval datasets x and y are paired by run and checkpoint (every key
 * column, run_id and tokens); checkpoints evaluated on only one side are counted as unpaired, not dropped
 * silently. The {@code loss_to_loss} table has a line per (group, x, y); the {@code line_factors} table
 * tests, per (x, y) over the whole archive, whether each factor moves the line. Fitting is the core's.
 */
public final class LossToLossStage {

    /** The eval datasets a line relates (columns of loss_to_loss and line_factors). */
    public static final String X_EVAL = "x_eval";
    public static final String Y_EVAL = "y_eval";
    /** How a line's pairs were formed: {@code checkpoint} (the same checkpoint on x and y) or {@code across_<column>}. */
    public static final String PAIRING = "pairing";

    /** The lines (the family's law rows with its extra columns), the factor tests, and the shared stage's tables. */
    public record Tables(Dataset<Row> lines, Dataset<Row> factors, LawStage.Tables stage, FitProgress lineProgress, FitProgress factorProgress) {
        public Dataset<Row> predictions() {
            return stage.predictions();
        }

        public Dataset<Row> backtest() {
            return stage.backtest();
        }

        /** Frees the cached fits and stops the progress lines. */
        public void release() {
            lineProgress.close();
            factorProgress.close();
            stage.release();
        }
    }

    private LossToLossStage() {
    }

    public static Tables fit(Dataset<Row> accepted, JobSpec.LossToLoss spec, List<String> jobGroupBy, dev.lawfit.fit.FitSettings settings,
                             int partitions) {
        List<String> groupBy = spec.groupByOr(jobGroupBy);
        List<String> factors = spec.factors();
        LinkedHashSet<String> pairing = new LinkedHashSet<>(List.of(CheckpointContract.RUN_ID, CheckpointContract.MODEL,
                CheckpointContract.DATASET, CheckpointContract.TOKENIZER));
        pairing.addAll(spec.keyColumns(jobGroupBy));
        pairing.add(CheckpointContract.TOKENS);
        List<String> on = List.copyOf(pairing);

        List<JobSpec.Pair> pairs = new ArrayList<>(spec.pairs());
        if (spec.allPairs()) {
            List<String> evals = accepted.select(CheckpointContract.EVAL_DATASET).distinct().orderBy(CheckpointContract.EVAL_DATASET)
                    .collectAsList().stream().map(r -> r.getString(0)).toList();
            for (int i = 0; i < evals.size(); i++) {
                for (int j = i + 1; j < evals.size(); j++) pairs.add(new JobSpec.Pair(evals.get(i), evals.get(j)));
            }
        }
        Dataset<Row> joined = null;
        for (JobSpec.Pair pair : pairs) {
            Dataset<Row> both = pair.across() == null ? sameCheckpoint(accepted, pair, on) : acrossRuns(accepted, pair, on);
            both = both.withColumn(X_EVAL, lit(pair.x())).withColumn(Y_EVAL, lit(pair.y())).withColumn(PAIRING, lit(pair.pairing()));
            joined = joined == null ? both : joined.unionByName(both);
        }
        if (joined == null) {
            throw new dev.lawfit.LawfitException("loss_to_loss: no pairs (all_pairs found fewer than two eval datasets)");
        }

        List<String> lineKeyNames = new ArrayList<>(groupBy);
        lineKeyNames.add(X_EVAL);
        lineKeyNames.add(Y_EVAL);
        lineKeyNames.add(PAIRING);
        Column[] lineKeys = lineKeyNames.stream().map(InputReader::column).toArray(Column[]::new);
        Column paired = column("lx").isNotNull().and(column("ly").isNotNull());
        Dataset<Row> counts = joined.groupBy(lineKeys).agg(
                sum(when(column("ly").isNull(), 1).otherwise(0)).cast("int").as("unpaired_x"),
                sum(when(column("lx").isNull(), 1).otherwise(0)).cast("int").as("unpaired_y"));
        // the line is one law of the catalog, fitted like every other: x = L_x, target L_y, per (group, x, y)
        Dataset<Row> rows = joined.where(paired)
                .withColumn(GroupFitting.X, column("lx"))
                .withColumn(CheckpointContract.LOSS, column("ly"))
                .withColumn(CheckpointContract.STEP, column("step_x"))
                .withColumn(CheckpointContract.FLOPS, column(CheckpointContract.PARAMS).multiply(column(CheckpointContract.TOKENS)).multiply(6))
                .withColumn(CheckpointContract.FLOPS_DERIVED, lit(true))
                .withColumn(CheckpointContract.FLOPS_CONVENTION, lit("6nd"));
        Law line = LawCatalog.byName(LossLineLaw.NAME, new LawCatalog.Options(0, spec.irreducible(), spec.robust(), spec.predictX()));
        // progress lines while the lines are fitted (and bootstrapped) and while the factors are tested
        org.apache.spark.SparkContext context = accepted.sparkSession().sparkContext();
        FitProgress lineProgress = FitProgress.start(context, "loss-to-loss lines", rows.select(lineKeys).distinct().count());
        LawStage.Tables fitted = LawStage.run(rows, lineKeyNames, List.of(line), settings.withBacktestHoldOutSizes(Math.max(1, settings.backtestHoldOutSizes())),
                partitions, lineProgress);
        Dataset<Row> lines = counts.join(fitted.laws(), CollectionConverters.asScala(lineKeyNames).toSeq(), "left")
                .withColumn("status", org.apache.spark.sql.functions.coalesce(column("status"), lit(dev.lawfit.fit.FitStatus.TOO_FEW_POINTS.label())))
                .withColumn("message", org.apache.spark.sql.functions.coalesce(column("message"), lit("no paired checkpoints; 4 are needed")))
                .withColumn("formula", lit(line.formula()))
                .withColumn("K", column("parameters").getItem("K"))
                .withColumn("kappa", column("parameters").getItem("kappa"))
                .withColumn("E_x", column("parameters").getItem("E_x"))
                .withColumn("E_y", column("parameters").getItem("E_y"))
                .withColumn("e_source", column("stop_reason"))
                .withColumn("n_points", org.apache.spark.sql.functions.coalesce(column("n_points"), lit(0)))
                .orderBy(lineKeys);

        List<Column> factorColumns = new ArrayList<>();
        factorColumns.add(column("lx"));
        factorColumns.add(column("ly"));
        LinkedHashSet<String> described = new LinkedHashSet<>(factors);
        described.addAll(spec.holdFixed());
        for (String f : described) factorColumns.add(column(f).cast("string").as(f));
        Dataset<Row> byPair = joined.where(paired).groupBy(column(X_EVAL), column(Y_EVAL), column(PAIRING))
                .agg(collect_list(struct(factorColumns.toArray(Column[]::new))).as("pairs"));
        FitProgress factorProgress = FitProgress.start(context, "loss-to-loss factor tests", factors.size() * (long) pairs.size());
        Dataset<Row> factorTable = byPair.repartition(partitions)
                .flatMap(new FactorFunction(factors, spec.holdFixed(), spec.factorSettings(settings.bootstrap()), factorProgress.counter()),
                        Encoders.row(LineFactorsTable.SCHEMA))
                .orderBy(column(X_EVAL), column(Y_EVAL), column(PAIRING), column("factor"), column("stratum"));
        return new Tables(lines, factorTable, fitted, lineProgress, factorProgress);
    }

    /** The pairs of one checkpoint evaluated on x and on y (train-to-test, test-to-test). */
    private static Dataset<Row> sameCheckpoint(Dataset<Row> accepted, JobSpec.Pair pair, List<String> on) {
        List<Column> xs = new ArrayList<>(on.stream().map(InputReader::column).toList());
        xs.add(column(CheckpointContract.PARAMS).as("params_x"));
        xs.add(column(CheckpointContract.STEP).as("step_x"));
        xs.add(column(CheckpointContract.LOSS).as("lx"));
        List<Column> ys = new ArrayList<>(on.stream().map(InputReader::column).toList());
        ys.add(column(CheckpointContract.PARAMS).as("params_y"));
        ys.add(column(CheckpointContract.LOSS).as("ly"));
        Dataset<Row> x = accepted.where(column(CheckpointContract.EVAL_DATASET).equalTo(pair.x())).select(xs.toArray(Column[]::new));
        Dataset<Row> y = accepted.where(column(CheckpointContract.EVAL_DATASET).equalTo(pair.y())).select(ys.toArray(Column[]::new));
        return x.join(y, CollectionConverters.asScala(on).toSeq(), "full_outer")
                .withColumn(CheckpointContract.PARAMS, org.apache.spark.sql.functions.coalesce(column("params_x"), column("params_y")));
    }

    /**
     * Brandfonbrener et al.'s pairing across runs: a model trained with {@code across} = x_level, evaluated on x, and one
     * trained with {@code across} = y_level, evaluated on y, at the same model, size, tokens and other keys. The pair's
     * {@code across} column reads {@code x_level->y_level} and its run_id {@code run_x+run_y}.
     */
    private static Dataset<Row> acrossRuns(Dataset<Row> accepted, JobSpec.Pair pair, List<String> on) {
        List<String> match = new ArrayList<>(on);
        match.remove(CheckpointContract.RUN_ID);
        match.remove(pair.across());
        if (!match.contains(CheckpointContract.PARAMS)) match.add(CheckpointContract.PARAMS);
        List<Column> xs = new ArrayList<>(match.stream().map(InputReader::column).toList());
        xs.add(column(CheckpointContract.RUN_ID).as("run_x"));
        xs.add(column(CheckpointContract.STEP).as("step_x"));
        xs.add(column(CheckpointContract.LOSS).as("lx"));
        List<Column> ys = new ArrayList<>(match.stream().map(InputReader::column).toList());
        ys.add(column(CheckpointContract.RUN_ID).as("run_y"));
        ys.add(column(CheckpointContract.LOSS).as("ly"));
        Column xRows = column(CheckpointContract.EVAL_DATASET).equalTo(pair.x()).and(column(pair.across()).cast("string").equalTo(pair.xLevel()));
        Column yRows = column(CheckpointContract.EVAL_DATASET).equalTo(pair.y()).and(column(pair.across()).cast("string").equalTo(pair.yLevel()));
        Dataset<Row> x = accepted.where(xRows).select(xs.toArray(Column[]::new));
        Dataset<Row> y = accepted.where(yRows).select(ys.toArray(Column[]::new));
        return x.join(y, CollectionConverters.asScala(match).toSeq(), "full_outer")
                .withColumn(pair.across(), lit(pair.xLevel() + "->" + pair.yLevel()))
                .withColumn(CheckpointContract.RUN_ID, org.apache.spark.sql.functions.concat_ws("+", column("run_x"), column("run_y")))
                .withColumn("params_x", column(CheckpointContract.PARAMS)).withColumn("params_y", column(CheckpointContract.PARAMS))
                .drop("run_x", "run_y");
    }

    /** Every factor's test for one (x, y, pairing), within each stratum of the held-fixed columns. */
    static final class FactorFunction implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final List<String> factors;
        private final List<String> holdFixed;
        private final LineFactorTest.Settings settings;
        private final org.apache.spark.util.LongAccumulator done;

        FactorFunction(List<String> factors, List<String> holdFixed, LineFactorTest.Settings settings, org.apache.spark.util.LongAccumulator done) {
            this.factors = List.copyOf(factors);
            this.holdFixed = List.copyOf(holdFixed);
            this.settings = settings;
            this.done = done;
        }

        @Override
        public Iterator<Row> call(Row pair) {
            List<Row> rows = new ArrayList<>(pair.<Row>getList(pair.fieldIndex("pairs")));
            rows.sort(Comparator.<Row>comparingDouble(r -> r.getAs("lx")).thenComparingDouble(r -> r.getAs("ly")));
            List<Row> out = new ArrayList<>();
            for (String factor : factors) {
                List<String> fixed = holdFixed.stream().filter(f -> !f.equals(factor)).toList();
                java.util.TreeMap<String, List<Row>> strata = new java.util.TreeMap<>();
                for (Row r : rows) {
                    List<String> parts = new ArrayList<>();
                    for (String f : fixed) parts.add(f + "=" + (r.getAs(f) == null ? "(null)" : r.<String>getAs(f)));
                    strata.computeIfAbsent(parts.isEmpty() ? "all" : String.join(", ", parts), k -> new ArrayList<>()).add(r);
                }
                for (Map.Entry<String, List<Row>> stratum : strata.entrySet()) {
                    List<Row> in = stratum.getValue();
                    double[] lx = in.stream().mapToDouble(r -> r.<Double>getAs("lx")).toArray();
                    double[] ly = in.stream().mapToDouble(r -> r.<Double>getAs("ly")).toArray();
                    String[] levels = factor.equals(CheckpointContract.PARAMS) && settings.sizeBins() > 0
                            ? settings.sizeLevels(in.stream().mapToDouble(r -> number(r.getAs(factor))).toArray())
                            : in.stream().map(r -> r.getAs(factor) == null ? "(null)" : r.<String>getAs(factor)).toArray(String[]::new);
                    out.add(LineFactorsTable.row(pair.getAs(X_EVAL), pair.getAs(Y_EVAL), pair.getAs(PAIRING), factor, String.join(",", fixed),
                            stratum.getKey(), LineFactorTest.test(factor, lx, ly, levels, settings)));
                }
                if (done != null) done.add(1);
            }
            return out.iterator();
        }
    }

    /** A size column's value as a number (NaN when absent or not a number: it stays its own level). */
    private static double number(Object value) {
        if (value == null) return Double.NaN;
        try {
            return Double.parseDouble(value.toString());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
