package dev.lawfit.job.stages;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.job.tables.BootstrapTables;
import dev.lawfit.job.tables.Columns;
import dev.lawfit.job.tables.PointsColumn;
import dev.lawfit.job.tables.RowBuilder;
import dev.lawfit.law.Law;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

/**
 * Bootstrap intervals for every ok fit of any family, spread across Spark tasks as (group, law, chunk of
 * resamples), so one large group does not serialise the job. A chunk's resamples depend only on the seed, the
 * group and the resample number, so the intervals do not depend on the chunking or the cluster.
 */
public final class BootstrapStage {

    private BootstrapStage() {
    }

    /**
     * One row per (group, law): the key columns, {@code law}, the interval columns of {@link BootstrapTables#INTERVALS}, the
     * law's {@code family} and the published resamples' parameters ({@link BootstrapTables#DRAWS}); cached, as both the
     * intervals and the {@code resamples} table read it. {@code progress} (may be null) is told how many chunks are planned
     * and how many are done.
     */
    public static Dataset<Row> intervals(Dataset<Row> fitted, List<String> keys, List<Law> laws, FitSettings settings, int partitions,
                                         FitProgress progress) {
        Map<String, Law> byName = new LinkedHashMap<>();
        for (Law law : laws) byName.put(law.name(), law);
        Dataset<Row> tasks = fitted.flatMap(new TaskSplitter(keys, settings, progress == null ? null : progress.chunksPlanned()),
                Encoders.row(BootstrapTables.task(keys))).repartition(partitions);
        Dataset<Row> chunks = tasks.map(new ChunkFitter(keys, byName, settings, progress == null ? null : progress.chunksDone()),
                Encoders.row(BootstrapTables.chunk(keys)));
        Dataset<Row> summarized = chunks.groupBy(column(Columns.KEY), column("law"))
                .agg(collect_list(struct(column("first"), column("theta"), column("estimates"))).as("chunks"))
                .map(new IntervalSummarizer(keys, byName, settings), Encoders.row(BootstrapTables.intervals(keys)));
        List<Column> flat = new ArrayList<>(Columns.flatKey(keys));
        flat.add(column("law"));
        for (String c : BootstrapTables.INTERVALS.fieldNames()) flat.add(column(c));
        flat.add(column("family"));
        flat.add(column(BootstrapTables.DRAWS));
        return summarized.select(flat.toArray(Column[]::new)).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    }

    /** The interval columns alone, to join onto the laws table. */
    public static Dataset<Row> withoutDraws(Dataset<Row> intervals) {
        return intervals.drop("family", BootstrapTables.DRAWS);
    }

    /** The {@code resamples} table: group keys, then {@link BootstrapTables#RESAMPLES}, one row per published resample. */
    public static Dataset<Row> resamples(Dataset<Row> intervals, List<String> keys, List<Law> laws) {
        Map<String, Law> byName = new LinkedHashMap<>();
        for (Law law : laws) byName.put(law.name(), law);
        List<org.apache.spark.sql.types.StructField> fields = new ArrayList<>();
        for (String key : keys) fields.add(intervals.schema().apply(key));
        fields.addAll(List.of(BootstrapTables.RESAMPLES.fields()));
        StructType schema = new StructType(fields.toArray(org.apache.spark.sql.types.StructField[]::new));
        return intervals.flatMap(new DrawExploder(keys, byName, schema), Encoders.row(schema));
    }

    /** One row per published resample: its parameters by name. */
    static final class DrawExploder implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final List<String> keys;
        private final Map<String, Law> laws;
        private final StructType schema;

        DrawExploder(List<String> keys, Map<String, Law> laws, StructType schema) {
            this.keys = keys;
            this.laws = laws;
            this.schema = schema;
        }

        @Override
        public java.util.Iterator<Row> call(Row row) {
            Law law = laws.get(row.<String>getAs("law"));
            List<String> names = new ArrayList<>(law.parameters(new double[law.dimension()]).keySet());
            List<Row> out = new ArrayList<>();
            List<Object> draws = row.getList(row.fieldIndex(BootstrapTables.DRAWS));
            for (int r = 0; r < draws.size(); r++) {
                double[] values = doubles(CollectionConverters.asJava((scala.collection.Seq<Object>) draws.get(r)));
                if (values.length == 0 || Double.isNaN(values[0])) continue; // a resample that did not fit
                Map<String, Double> parameters = new LinkedHashMap<>();
                for (int k = 0; k < names.size() && k < values.length; k++) parameters.put(names.get(k), values[k]);
                RowBuilder b = RowBuilder.of(schema);
                for (String key : keys) b.set(key, row.getAs(key));
                out.add(b.set("family", law.family().label()).set("law", law.name()).set("resample", r).set("parameters", parameters).build());
            }
            return out.iterator();
        }
    }

    /** Splits each ok (group, law) into chunks of resamples. */
    static final class TaskSplitter implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final StructType schema;
        private final FitSettings settings;
        private final org.apache.spark.util.LongAccumulator planned;

        TaskSplitter(List<String> keys, FitSettings settings, org.apache.spark.util.LongAccumulator planned) {
            this.schema = BootstrapTables.task(keys);
            this.settings = settings;
            this.planned = planned;
        }

        @Override
        public java.util.Iterator<Row> call(Row group) {
            List<Row> tasks = new ArrayList<>();
            int resamples = settings.bootstrap().resamples();
            int chunk = settings.bootstrap().chunkSize();
            for (Row law : group.<Row>getList(group.fieldIndex("laws"))) {
                if (!dev.lawfit.fit.FitStatus.usable(law.<String>getAs("status"))) continue;
                for (int first = 0; first < resamples; first += chunk) {
                    tasks.add(RowBuilder.of(schema).set(Columns.KEY, group.getAs(Columns.KEY)).set("law", law.getAs("law"))
                            .set("theta", law.getAs("theta")).set("group_seed", law.getAs("group_seed")).set("first", first)
                            .set("end", Math.min(resamples, first + chunk)).set("points", group.getAs("points")).build());
                }
            }
            if (planned != null) planned.add(tasks.size());
            return tasks.iterator();
        }
    }

    /** Fits one chunk of resamples with the core. */
    static final class ChunkFitter implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final StructType schema;
        private final Map<String, Law> laws;
        private final FitSettings settings;
        private final org.apache.spark.util.LongAccumulator done;

        ChunkFitter(List<String> keys, Map<String, Law> laws, FitSettings settings, org.apache.spark.util.LongAccumulator done) {
            this.schema = BootstrapTables.chunk(keys);
            this.laws = laws;
            this.settings = settings;
            this.done = done;
        }

        @Override
        public Row call(Row task) {
            Law law = laws.get(task.<String>getAs("law"));
            double[] theta = doubles(task.getList(task.fieldIndex("theta")));
            int first = task.getAs("first");
            double[][] estimates = Bootstrap.resample(law, PointsColumn.points(task.getList(task.fieldIndex("points"))), settings, theta,
                    task.<Long>getAs("group_seed"), first, task.<Integer>getAs("end"));
            List<Object> rows = new ArrayList<>();
            for (double[] e : estimates) rows.add(CollectionConverters.asScala(java.util.Arrays.stream(e).boxed().toList()).toList());
            if (done != null) done.add(1);
            return RowBuilder.of(schema).set(Columns.KEY, task.getAs(Columns.KEY)).set("law", law.name()).set("theta", task.getAs("theta"))
                    .set("first", first).set("estimates", rows).build();
        }
    }

    /** Puts a (group, law)'s chunks back in resample order and summarises them. */
    static final class IntervalSummarizer implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final StructType schema;
        private final Map<String, Law> laws;
        private final FitSettings settings;

        IntervalSummarizer(List<String> keys, Map<String, Law> laws, FitSettings settings) {
            this.schema = BootstrapTables.intervals(keys);
            this.laws = laws;
            this.settings = settings;
        }

        @Override
        public Row call(Row group) {
            Law law = laws.get(group.<String>getAs("law"));
            List<Row> chunks = new ArrayList<>(group.getList(group.fieldIndex("chunks")));
            chunks.sort(Comparator.comparingInt(r -> r.<Integer>getAs("first")));
            double[] theta = doubles(chunks.get(0).getList(chunks.get(0).fieldIndex("theta")));
            List<double[]> estimates = new ArrayList<>();
            for (Row chunk : chunks) {
                for (Object e : chunk.getList(chunk.fieldIndex("estimates"))) {
                    estimates.add(doubles(CollectionConverters.asJava((scala.collection.Seq<Object>) e)));
                }
            }
            Bootstrap.Intervals intervals = Bootstrap.summarize(Bootstrap.estimateNames(law, theta, settings),
                    estimates.toArray(double[][]::new), settings.bootstrap().level());
            // the first parameters of each estimate row are the law's parameters, in its order
            int parameters = law.parameters(theta).size();
            List<Object> draws = new ArrayList<>();
            for (int r = 0; r < Math.min(settings.bootstrap().kept(), estimates.size()); r++) {
                double[] e = estimates.get(r);
                draws.add(CollectionConverters.asScala(java.util.Arrays.stream(e, 0, Math.min(parameters, e.length)).boxed().toList()).toList());
            }
            return BootstrapTables.setIntervals(RowBuilder.of(schema).set(Columns.KEY, group.getAs(Columns.KEY)).set("law", law.name()),
                    intervals, settings.bootstrap().level(), settings.bootstrap().mode())
                    .set("family", law.family().label()).set(BootstrapTables.DRAWS, draws).build();
        }
    }

    static double[] doubles(List<?> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i) == null ? Double.NaN : ((Number) values.get(i)).doubleValue();
        return out;
    }
}
