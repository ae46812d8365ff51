package dev.lawfit.job.stages;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.spec.CheckpointContract;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.downstream.DownstreamForm;
import dev.lawfit.law.Law;
import dev.lawfit.spec.JobSpec;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The {@code downstream} table: pairs every task row (an eval dataset with an error value) with the
 * reference eval's loss of the same run and checkpoint, fits each downstream law per (group, task), and
 * reads predicted error off the group's chinchilla loss at the compute budgets. Task rows with no
 * reference loss are counted, not silently dropped.
 */
public final class DownstreamStage {

    private DownstreamStage() {
    }

    public static Dataset<Row> fit(Dataset<Row> accepted, Dataset<Row> laws, List<String> keys, JobSpec.Downstream spec, List<String> computeLaws,
                                   dev.lawfit.fit.FitSettings settings, int partitions) {
        return stage(accepted, laws, keys, spec, computeLaws, settings, partitions).table();
    }

    /** The downstream table (the family's law rows with its extra columns) and the shared stage's tables. */
    public record Tables(Dataset<Row> table, LawStage.Tables stage) {
    }

    public static Tables stage(Dataset<Row> accepted, Dataset<Row> laws, List<String> keys, JobSpec.Downstream spec, List<String> computeLaws,
                               dev.lawfit.fit.FitSettings settings, int partitions) {
        List<String> pairKeys = keys.stream().filter(k -> !k.equals(CheckpointContract.EVAL_DATASET)).toList();
        List<String> joinKeys = new ArrayList<>(pairKeys);
        joinKeys.add(CheckpointContract.RUN_ID);
        joinKeys.add(CheckpointContract.TOKENS);
        Column isReference = column(CheckpointContract.EVAL_DATASET).equalTo(spec.referenceEval());

        List<Column> refColumns = new ArrayList<>(joinKeys.stream().map(InputReader::column).toList());
        refColumns.add(column(CheckpointContract.LOSS).as("reference_loss"));
        Dataset<Row> reference = accepted.where(isReference).select(refColumns.toArray(Column[]::new));

        List<Column> taskColumns = new ArrayList<>(joinKeys.stream().map(InputReader::column).toList());
        taskColumns.add(column(CheckpointContract.EVAL_DATASET).as("task"));
        taskColumns.add(column(CheckpointContract.ERROR));
        taskColumns.add(column(CheckpointContract.PARAMS));
        taskColumns.add(column(CheckpointContract.STEP));
        Dataset<Row> tasks = accepted.where(isReference.unary_$bang().and(column(CheckpointContract.ERROR).isNotNull()))
                .select(taskColumns.toArray(Column[]::new));

        Dataset<Row> paired = tasks.join(reference, CollectionConverters.asScala(joinKeys).toSeq(), "left");
        List<String> groupKeys = new ArrayList<>(pairKeys);
        groupKeys.add("task");
        Column[] groupBy = groupKeys.stream().map(InputReader::column).toArray(Column[]::new);
        Dataset<Row> counts = paired.groupBy(groupBy).agg(sum(when(column("reference_loss").isNull(), 1).otherwise(0)).cast("int").as("unpaired_points"));
        // each downstream law is one law of the catalog, fitted like every other: x = the reference loss, target the error
        Dataset<Row> rows = paired.where(column("reference_loss").isNotNull())
                .withColumn(GroupFitting.X, column("reference_loss"))
                .withColumn(CheckpointContract.LOSS, column(CheckpointContract.ERROR))
                .withColumn(CheckpointContract.FLOPS, column(CheckpointContract.PARAMS).multiply(column(CheckpointContract.TOKENS)).multiply(6))
                .withColumn(CheckpointContract.FLOPS_DERIVED, lit(true))
                .withColumn(CheckpointContract.FLOPS_CONVENTION, lit("6nd"));
        List<Law> downstreamLaws = spec.laws().stream().map(f -> LawCatalog.byName("downstream_" + DownstreamForm.byLabel(f).label())).toList();
        LawStage.Tables fitted = LawStage.run(rows, groupKeys, downstreamLaws, settings, partitions, null);

        // the error at each compute budget, at the loss the first law with a compute-optimal allocation gives there
        String budgetLaw = computeLaws.stream().filter(l -> LawCatalog.byName(l) instanceof dev.lawfit.law.ComputeOptimal).findFirst().orElseThrow();
        List<Column> lawColumns = new ArrayList<>(pairKeys.stream().map(InputReader::column).toList());
        lawColumns.add(column("derived").as("reference_derived"));
        lawColumns.add(column("forecasts").as("reference_forecasts"));
        Dataset<Row> budgets = laws.where(column("law").equalTo(budgetLaw).and(dev.lawfit.job.tables.Columns.usable())
                        .and(column(CheckpointContract.EVAL_DATASET).equalTo(spec.referenceEval())))
                .select(lawColumns.toArray(Column[]::new));
        Dataset<Row> table = counts.join(fitted.laws(), CollectionConverters.asScala(groupKeys).toSeq(), "left")
                .withColumn("reference_eval", lit(spec.referenceEval()));
        table = pairKeys.isEmpty() ? table.crossJoin(budgets) : table.join(budgets, CollectionConverters.asScala(pairKeys).toSeq(), "left");
        StructType out = table.schema().add("error_at", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), true)
                .add("error_forecasts", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), true);
        java.util.Map<String, Law> byName = new java.util.LinkedHashMap<>();
        for (Law law : downstreamLaws) byName.put(law.name(), law);
        List<Column> sort = new ArrayList<>(List.of(groupBy));
        sort.add(column("law"));
        Dataset<Row> withErrors = table.map(new ErrorAt(byName), Encoders.row(out)).drop("reference_derived", "reference_forecasts").orderBy(sort.toArray(Column[]::new));
        return new Tables(withErrors, fitted);
    }

    private static double errorAt(Law law, double[] theta, double loss) {
        dev.lawfit.law.Points one = dev.lawfit.law.Points.of(new double[] {1}, new double[] {1}, new double[] {1}, new double[] {1})
                .withX(new double[] {loss});
        return law.predict(theta, one, 0);
    }

    /** A law's predicted error at the loss of each compute budget and each prediction target (the law itself predicts: no formula here). */
    static final class ErrorAt implements org.apache.spark.api.java.function.MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final java.util.Map<String, Law> laws;

        ErrorAt(java.util.Map<String, Law> laws) {
            this.laws = laws;
        }

        @Override
        public Row call(Row row) {
            Map<String, Double> errorAt = new LinkedHashMap<>(), errorForecasts = new LinkedHashMap<>();
            String name = row.getAs("law");
            Law law = name == null ? null : laws.get(name);
            int derivedAt = row.fieldIndex("reference_derived");
            if (law != null && dev.lawfit.fit.FitStatus.usable(row.<String>getAs("status")) && !row.isNullAt(derivedAt)) {
                Map<String, Double> params = row.getJavaMap(row.fieldIndex("parameters"));
                double[] theta = law.theta(params);
                Map<String, Double> derived = row.getJavaMap(derivedAt);
                derived.forEach((key, loss) -> {
                    dev.lawfit.law.Budgets.Key at = dev.lawfit.law.Budgets.Key.parse(key);
                    if (at != null && at.name().equals("loss")) errorAt.put(at.budget(), errorAt(law, theta, loss));
                });
                // Gadre et al.'s chain at the spec's targets: the loss law's forecast, then the error law
                int forecastsAt = row.fieldIndex("reference_forecasts");
                if (!row.isNullAt(forecastsAt)) {
                    Map<String, Double> forecasts = row.getJavaMap(forecastsAt);
                    forecasts.forEach((target, loss) -> errorForecasts.put(target, errorAt(law, theta, loss)));
                }
            }
            Object[] values = new Object[row.size() + 2];
            for (int i = 0; i < row.size(); i++) values[i] = row.get(i);
            values[row.size()] = CollectionConverters.asScala(errorAt);
            values[row.size() + 1] = CollectionConverters.asScala(errorForecasts);
            return RowFactory.create(values);
        }
    }
}
