package dev.lawfit.job;

import dev.lawfit.downstream.DownstreamFit;
import dev.lawfit.downstream.DownstreamForm;
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

import static dev.lawfit.job.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
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

    public static Dataset<Row> fit(Dataset<Row> accepted, Dataset<Row> laws, List<String> keys, JobSpec.Downstream spec, int partitions) {
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
        Dataset<Row> tasks = accepted.where(isReference.unary_$bang().and(column(CheckpointContract.ERROR).isNotNull()))
                .select(taskColumns.toArray(Column[]::new));

        Dataset<Row> paired = tasks.join(reference, CollectionConverters.asScala(joinKeys).toSeq(), "left");
        List<Column> groupBy = new ArrayList<>(pairKeys.stream().map(InputReader::column).toList());
        groupBy.add(column("task"));
        Dataset<Row> grouped = paired.groupBy(groupBy.toArray(Column[]::new)).agg(
                collect_list(struct(column("reference_loss"), column(CheckpointContract.ERROR))).as("pairs"),
                sum(when(column("reference_loss").isNull(), 1).otherwise(0)).cast("int").as("unpaired"));

        List<Column> lawColumns = new ArrayList<>(pairKeys.stream().map(InputReader::column).toList());
        lawColumns.add(column("derived").as("reference_derived"));
        Dataset<Row> chinchilla = laws.where(column("law").equalTo("chinchilla").and(column("status").equalTo("ok"))
                        .and(column(CheckpointContract.EVAL_DATASET).equalTo(spec.referenceEval())))
                .select(lawColumns.toArray(Column[]::new));
        Dataset<Row> withLoss = pairKeys.isEmpty()
                ? grouped.crossJoin(chinchilla)
                : grouped.join(chinchilla, CollectionConverters.asScala(pairKeys).toSeq(), "left");

        List<Column> sort = new ArrayList<>(groupBy);
        sort.add(column("law"));
        return withLoss.repartition(partitions)
                .flatMap(new FitFunction(pairKeys.size(), spec.referenceEval(), spec.laws()), Encoders.row(schema(pairKeys)))
                .orderBy(sort.toArray(Column[]::new));
    }

    static StructType schema(List<String> pairKeys) {
        List<StructField> fields = new ArrayList<>();
        for (String key : pairKeys) fields.add(DataTypes.createStructField(key, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("task", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("reference_eval", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("law", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("formula", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("status", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("message", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), true));
        fields.add(DataTypes.createStructField("n_points", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("unpaired_points", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("rmse", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("r2", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("error_at", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), true));
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** Fits every downstream law of one (group, task) with the core. */
    static final class FitFunction implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keyCount;
        private final String referenceEval;
        private final List<String> forms;

        FitFunction(int keyCount, String referenceEval, List<String> forms) {
            this.keyCount = keyCount;
            this.referenceEval = referenceEval;
            this.forms = List.copyOf(forms);
        }

        @Override
        public Iterator<Row> call(Row group) {
            // pairs in a canonical order: the fit must not depend on the order Spark collected them in
            List<double[]> pairs = new ArrayList<>();
            for (Row p : group.<Row>getList(keyCount + 1)) {
                if (!p.isNullAt(0)) pairs.add(new double[] {p.getDouble(0), p.getDouble(1)});
            }
            pairs.sort((x, y) -> x[0] != y[0] ? Double.compare(x[0], y[0]) : Double.compare(x[1], y[1]));
            double[] loss = pairs.stream().mapToDouble(p -> p[0]).toArray();
            double[] error = pairs.stream().mapToDouble(p -> p[1]).toArray();
            int unpaired = group.getInt(keyCount + 2);
            Map<String, Double> referenceDerived = group.isNullAt(keyCount + 3) ? Map.of() : group.getJavaMap(keyCount + 3);
            List<Row> out = new ArrayList<>();
            for (String label : forms) {
                DownstreamForm form = DownstreamForm.byLabel(label);
                DownstreamFit.Result fit = DownstreamFit.fit(form, loss, error);
                Map<String, Double> errorAt = new LinkedHashMap<>();
                if (fit.ok()) {
                    referenceDerived.forEach((name, value) -> {
                        if (name.startsWith("loss@")) errorAt.put(name.substring(5), fit.predict(value));
                    });
                }
                Object[] values = new Object[keyCount + 12];
                for (int k = 0; k <= keyCount; k++) values[k] = group.get(k);
                values[keyCount + 1] = referenceEval;
                values[keyCount + 2] = form.label();
                values[keyCount + 3] = form.formula();
                values[keyCount + 4] = fit.status();
                values[keyCount + 5] = fit.message();
                values[keyCount + 6] = CollectionConverters.asScala(fit.parameters());
                values[keyCount + 7] = fit.n();
                values[keyCount + 8] = unpaired;
                values[keyCount + 9] = Double.isNaN(fit.rmse()) ? null : fit.rmse();
                values[keyCount + 10] = Double.isNaN(fit.r2()) ? null : fit.r2();
                values[keyCount + 11] = CollectionConverters.asScala(errorAt);
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        }
    }
}
