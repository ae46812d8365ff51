package dev.lawfit.job.stages;

import dev.lawfit.job.tables.FitOutputSchema;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

/**
 * Bootstrap intervals for every ok fit, spread across Spark tasks as (group, law, chunk of resamples),
 * so one large group does not serialise the job. A chunk's resamples depend only on the seed, the group
 * and the resample number, so the intervals do not depend on the chunking or the cluster.
 */
public final class BootstrapStage {

    private BootstrapStage() {
    }

    /** One row per (group, law) with intervals (see {@link FitOutputSchema#intervals}). */
    public static Dataset<Row> intervals(Dataset<Row> fitted, List<String> keys, List<Law> laws, FitSettings settings, int partitions) {
        int keyCount = keys.size();
        java.util.LinkedHashMap<String, Law> byName = new java.util.LinkedHashMap<>();
        for (Law law : laws) byName.put(law.name(), law);
        Dataset<Row> tasks = fitted.flatMap(new TaskSplitter(keyCount, settings), Encoders.row(FitOutputSchema.bootstrapTask(keys)))
                .repartition(partitions);
        Dataset<Row> chunks = tasks.map(new ChunkFitter(keyCount, byName, settings), Encoders.row(FitOutputSchema.bootstrapChunk(keys)));
        List<Column> groupBy = new ArrayList<>();
        for (String key : keys) groupBy.add(column(key));
        groupBy.add(column("law"));
        return chunks.groupBy(groupBy.toArray(Column[]::new))
                .agg(collect_list(struct(column("first"), column("theta"), column("estimates"))).as("chunks"))
                .map(new IntervalSummarizer(keyCount, byName, settings), Encoders.row(FitOutputSchema.intervals(keys)));
    }

    /** Splits each ok (group, law) into chunks of resamples. */
    static final class TaskSplitter implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keyCount;
        private final FitSettings settings;

        TaskSplitter(int keyCount, FitSettings settings) {
            this.keyCount = keyCount;
            this.settings = settings;
        }

        @Override
        public java.util.Iterator<Row> call(Row group) {
            List<Row> tasks = new ArrayList<>();
            Object points = group.get(keyCount);
            int resamples = settings.bootstrap().resamples();
            int chunk = settings.bootstrap().chunkSize();
            for (Row law : group.<Row>getList(keyCount + 1)) {
                if (!"ok".equals(law.getAs("status"))) continue;
                for (int first = 0; first < resamples; first += chunk) {
                    Object[] values = new Object[keyCount + 6];
                    for (int k = 0; k < keyCount; k++) values[k] = group.get(k);
                    values[keyCount] = law.getAs("law");
                    values[keyCount + 1] = law.getAs("theta");
                    values[keyCount + 2] = law.getAs("group_seed");
                    values[keyCount + 3] = first;
                    values[keyCount + 4] = Math.min(resamples, first + chunk);
                    values[keyCount + 5] = points;
                    tasks.add(RowFactory.create(values));
                }
            }
            return tasks.iterator();
        }
    }

    /** Fits one chunk of resamples with the core. */
    static final class ChunkFitter implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keyCount;
        private final java.util.Map<String, Law> laws;
        private final FitSettings settings;

        ChunkFitter(int keyCount, java.util.Map<String, Law> laws, FitSettings settings) {
            this.keyCount = keyCount;
            this.laws = laws;
            this.settings = settings;
        }

        @Override
        public Row call(Row task) {
            Law law = laws.get(task.getString(keyCount));
            double[] theta = doubles(task.getList(keyCount + 1));
            long seed = task.getLong(keyCount + 2);
            int first = task.getInt(keyCount + 3);
            int end = task.getInt(keyCount + 4);
            Points points = GroupFitFunction.points(task.getList(keyCount + 5));
            double[][] estimates = Bootstrap.resample(law, points, settings, theta, seed, first, end);
            List<Object> rows = new ArrayList<>();
            for (double[] e : estimates) rows.add(GroupFitFunction.seq(java.util.Arrays.stream(e).boxed().toList()));
            Object[] values = new Object[keyCount + 4];
            for (int k = 0; k < keyCount; k++) values[k] = task.get(k);
            values[keyCount] = law.name();
            values[keyCount + 1] = task.get(keyCount + 1);
            values[keyCount + 2] = first;
            values[keyCount + 3] = GroupFitFunction.seq(rows);
            return RowFactory.create(values);
        }
    }

    /** Puts a (group, law)'s chunks back in resample order and summarises them. */
    static final class IntervalSummarizer implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int keyCount;
        private final java.util.Map<String, Law> laws;
        private final FitSettings settings;

        IntervalSummarizer(int keyCount, java.util.Map<String, Law> laws, FitSettings settings) {
            this.keyCount = keyCount;
            this.laws = laws;
            this.settings = settings;
        }

        @Override
        public Row call(Row group) {
            Law law = laws.get(group.getString(keyCount));
            List<Row> chunks = new ArrayList<>(group.getList(keyCount + 1));
            chunks.sort(Comparator.comparingInt(r -> r.getInt(0)));
            double[] theta = doubles(chunks.get(0).getList(1));
            List<double[]> estimates = new ArrayList<>();
            for (Row chunk : chunks) {
                for (Object e : chunk.getList(2)) estimates.add(doubles(CollectionConverters.asJava((scala.collection.Seq<Object>) e)));
            }
            Bootstrap.Intervals intervals = Bootstrap.summarize(Bootstrap.estimateNames(law, theta, settings),
                    estimates.toArray(double[][]::new), settings.bootstrap().level());
            Object[] values = new Object[keyCount + 8];
            for (int k = 0; k < keyCount; k++) values[k] = group.get(k);
            values[keyCount] = law.name();
            values[keyCount + 1] = CollectionConverters.asScala(intervals.low());
            values[keyCount + 2] = CollectionConverters.asScala(intervals.high());
            values[keyCount + 3] = CollectionConverters.asScala(intervals.standardError());
            values[keyCount + 4] = settings.bootstrap().level();
            values[keyCount + 5] = settings.bootstrap().mode();
            values[keyCount + 6] = intervals.resamples();
            values[keyCount + 7] = intervals.failed();
            return RowFactory.create(values);
        }
    }

    public static double[] doubles(List<?> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i) == null ? Double.NaN : ((Number) values.get(i)).doubleValue();
        return out;
    }
}
