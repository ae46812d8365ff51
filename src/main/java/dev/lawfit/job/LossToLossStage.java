package dev.lawfit.job;

import dev.lawfit.losstoloss.IrreducibleLoss;
import dev.lawfit.losstoloss.LineFactorTest;
import dev.lawfit.losstoloss.LossToLossFit;
import dev.lawfit.losstoloss.ShiftedPowerLine;
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

import static dev.lawfit.job.FitOutputSchema.field;
import static dev.lawfit.job.FitOutputSchema.nullIfNotFinite;
import static dev.lawfit.job.InputReader.column;
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

    public record Tables(Dataset<Row> lines, Dataset<Row> factors) {
    }

    private LossToLossStage() {
    }

    public static Tables fit(Dataset<Row> accepted, JobSpec.LossToLoss spec, List<String> jobGroupBy, int partitions) {
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
            List<Column> xs = new ArrayList<>(on.stream().map(InputReader::column).toList());
            xs.add(column(CheckpointContract.PARAMS).as("params_x"));
            xs.add(column(CheckpointContract.LOSS).as("lx"));
            List<Column> ys = new ArrayList<>(on.stream().map(InputReader::column).toList());
            ys.add(column(CheckpointContract.PARAMS).as("params_y"));
            ys.add(column(CheckpointContract.LOSS).as("ly"));
            Dataset<Row> x = accepted.where(column(CheckpointContract.EVAL_DATASET).equalTo(pair.x())).select(xs.toArray(Column[]::new));
            Dataset<Row> y = accepted.where(column(CheckpointContract.EVAL_DATASET).equalTo(pair.y())).select(ys.toArray(Column[]::new));
            Dataset<Row> both = x.join(y, CollectionConverters.asScala(on).toSeq(), "full_outer")
                    .withColumn("x", lit(pair.x())).withColumn("y", lit(pair.y()))
                    .withColumn(CheckpointContract.PARAMS, org.apache.spark.sql.functions.coalesce(column("params_x"), column("params_y")));
            joined = joined == null ? both : joined.unionByName(both);
        }
        if (joined == null) {
            throw new dev.lawfit.LawfitException("loss_to_loss: no pairs (all_pairs found fewer than two eval datasets)");
        }

        List<Column> lineKeys = new ArrayList<>(groupBy.stream().map(InputReader::column).toList());
        lineKeys.add(column("x"));
        lineKeys.add(column("y"));
        Column paired = column("lx").isNotNull().and(column("ly").isNotNull());
        Dataset<Row> grouped = joined.groupBy(lineKeys.toArray(Column[]::new)).agg(
                collect_list(when(paired, struct(column("lx"), column("ly"), column(CheckpointContract.PARAMS),
                        column(CheckpointContract.TOKENS)))).as("pairs"),
                sum(when(column("ly").isNull(), 1).otherwise(0)).cast("int").as("unpaired_x"),
                sum(when(column("lx").isNull(), 1).otherwise(0)).cast("int").as("unpaired_y"));
        Dataset<Row> lines = grouped.repartition(partitions)
                .map(new LineFunction(groupBy.size(), spec.irreducible()), Encoders.row(lineSchema(groupBy)))
                .orderBy(lineKeys.toArray(Column[]::new));

        List<Column> factorColumns = new ArrayList<>();
        factorColumns.add(column("lx"));
        factorColumns.add(column("ly"));
        for (String f : factors) factorColumns.add(column(f).cast("string").as(f));
        Dataset<Row> byPair = joined.where(paired).groupBy(column("x"), column("y"))
                .agg(collect_list(struct(factorColumns.toArray(Column[]::new))).as("pairs"));
        Dataset<Row> factorTable = byPair.repartition(partitions)
                .flatMap(new FactorFunction(factors), Encoders.row(factorSchema()))
                .orderBy(column("x"), column("y"), column("factor"));
        return new Tables(lines, factorTable);
    }

    static StructType lineSchema(List<String> groupBy) {
        List<StructField> f = new ArrayList<>();
        for (String key : groupBy) f.add(field(key, DataTypes.StringType));
        f.add(field("x", DataTypes.StringType));
        f.add(field("y", DataTypes.StringType));
        f.add(field("status", DataTypes.StringType));
        f.add(field("message", DataTypes.StringType));
        f.add(field("formula", DataTypes.StringType));
        for (String name : List.of("K", "kappa", "E_x", "E_y")) f.add(field(name, DataTypes.DoubleType));
        f.add(field("e_source", DataTypes.StringType));
        f.add(field("rmse", DataTypes.DoubleType));
        f.add(field("r2", DataTypes.DoubleType));
        f.add(field("n_pairs", DataTypes.IntegerType));
        f.add(field("unpaired_x", DataTypes.IntegerType));
        f.add(field("unpaired_y", DataTypes.IntegerType));
        return new StructType(f.toArray(StructField[]::new));
    }

    static StructType factorSchema() {
        return new StructType(new StructField[] {field("x", DataTypes.StringType), field("y", DataTypes.StringType),
                field("factor", DataTypes.StringType), field("levels", DataTypes.IntegerType), field("n_pairs", DataTypes.IntegerType),
                field("rss_pooled", DataTypes.DoubleType), field("rss_separate", DataTypes.DoubleType),
                field("improvement", DataTypes.DoubleType), field("f_statistic", DataTypes.DoubleType), field("p_value", DataTypes.DoubleType),
                field("delta_bic", DataTypes.DoubleType), field("k_spread", DataTypes.DoubleType), field("kappa_spread", DataTypes.DoubleType),
                field("level_k", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
                field("level_kappa", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
                field("verdict", DataTypes.StringType)});
    }

    /** One (group, x, y): E_x, E_y by the chosen route, then K and kappa. */
    static final class LineFunction implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keyCount;
        private final String irreducible;

        LineFunction(int keyCount, String irreducible) {
            this.keyCount = keyCount;
            this.irreducible = irreducible;
        }

        @Override
        public Row call(Row group) {
            List<Row> rows = new ArrayList<>(group.<Row>getList(keyCount + 2));
            rows.sort(Comparator.<Row>comparingDouble(r -> r.getDouble(2)).thenComparingDouble(r -> r.getDouble(3))
                    .thenComparingDouble(r -> r.getDouble(0)).thenComparingDouble(r -> r.getDouble(1)));
            double[] lx = rows.stream().mapToDouble(r -> r.getDouble(0)).toArray();
            double[] ly = rows.stream().mapToDouble(r -> r.getDouble(1)).toArray();
            double[] params = rows.stream().mapToDouble(r -> r.getDouble(2)).toArray();
            double[] tokens = rows.stream().mapToDouble(r -> r.getDouble(3)).toArray();
            ShiftedPowerLine line;
            String message = "";
            if (lx.length < 4) {
                line = ShiftedPowerLine.failed(irreducible, lx.length);
                message = lx.length + " paired checkpoints; 4 are needed";
            } else if (irreducible.equals(LossToLossFit.GIVEN)) {
                IrreducibleLoss.Estimate ex = IrreducibleLoss.fromComputeFit(params, tokens, lx);
                IrreducibleLoss.Estimate ey = IrreducibleLoss.fromComputeFit(params, tokens, ly);
                if (ex.ok() && ey.ok()) {
                    line = LossToLossFit.withIrreducible(lx, ly, ex.e(), ey.e(), LossToLossFit.GIVEN);
                } else {
                    line = LossToLossFit.joint(lx, ly);
                    message = "E fitted jointly: " + (ex.ok() ? "" : "x " + ex.message() + (ey.ok() ? "" : "; ")) + (ey.ok() ? "" : "y " + ey.message());
                }
            } else {
                line = LossToLossFit.joint(lx, ly);
            }
            String status = line.ok() ? "ok" : lx.length < 4 ? "too_few_points" : "failed";
            if (!line.ok() && message.isEmpty()) message = "no line could be fitted";
            Object[] values = new Object[keyCount + 15];
            for (int k = 0; k < keyCount + 2; k++) values[k] = group.get(k);
            values[keyCount + 2] = status;
            values[keyCount + 3] = message;
            values[keyCount + 4] = "L_y = K * (L_x - E_x)^kappa + E_y";
            values[keyCount + 5] = nullIfNotFinite(line.k());
            values[keyCount + 6] = nullIfNotFinite(line.kappa());
            values[keyCount + 7] = nullIfNotFinite(line.ex());
            values[keyCount + 8] = nullIfNotFinite(line.ey());
            values[keyCount + 9] = line.eSource();
            values[keyCount + 10] = nullIfNotFinite(line.rmse());
            values[keyCount + 11] = nullIfNotFinite(line.r2());
            values[keyCount + 12] = lx.length;
            values[keyCount + 13] = group.getInt(keyCount + 3);
            values[keyCount + 14] = group.getInt(keyCount + 4);
            return RowFactory.create(values);
        }
    }

    /** Every factor's test for one (x, y). */
    static final class FactorFunction implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final List<String> factors;

        FactorFunction(List<String> factors) {
            this.factors = List.copyOf(factors);
        }

        @Override
        public Iterator<Row> call(Row pair) {
            List<Row> rows = new ArrayList<>(pair.<Row>getList(2));
            rows.sort(Comparator.<Row>comparingDouble(r -> r.getDouble(0)).thenComparingDouble(r -> r.getDouble(1)));
            double[] lx = rows.stream().mapToDouble(r -> r.getDouble(0)).toArray();
            double[] ly = rows.stream().mapToDouble(r -> r.getDouble(1)).toArray();
            List<Row> out = new ArrayList<>();
            for (int f = 0; f < factors.size(); f++) {
                final int column = f + 2;
                String[] levels = rows.stream().map(r -> r.isNullAt(column) ? "(null)" : r.getString(column)).toArray(String[]::new);
                LineFactorTest.Result r = LineFactorTest.test(factors.get(f), lx, ly, levels);
                Map<String, Double> k = new LinkedHashMap<>(), kappa = new LinkedHashMap<>();
                r.lines().forEach((level, line) -> {
                    k.put(level, line.k());
                    kappa.put(level, line.kappa());
                });
                out.add(RowFactory.create(pair.getString(0), pair.getString(1), factors.get(f), r.levels(), r.n(), nullIfNotFinite(r.rssPooled()),
                        nullIfNotFinite(r.rssSeparate()), nullIfNotFinite(r.improvement()), nullIfNotFinite(r.fStatistic()), nullIfNotFinite(r.pValue()), nullIfNotFinite(r.deltaBic()),
                        nullIfNotFinite(r.kSpread()), nullIfNotFinite(r.kappaSpread()), CollectionConverters.asScala(k), CollectionConverters.asScala(kappa), r.verdict()));
            }
            return out.iterator();
        }
    }


}
