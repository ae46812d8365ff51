package dev.lawfit.job.ingest;

import dev.lawfit.LawfitException;
import dev.lawfit.generate.CheckpointEvaluation;
import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.generate.TemporalArchive;
import dev.lawfit.spec.JobSpec;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.List;

/** Writes generated checkpoint evaluations as a Parquet archive in the contract's schema. */
public final class ArchiveWriter {

    public static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("run_id", DataTypes.StringType, true),
            DataTypes.createStructField("model", DataTypes.StringType, true),
            DataTypes.createStructField("dataset", DataTypes.StringType, true),
            DataTypes.createStructField("tokenizer", DataTypes.StringType, true),
            DataTypes.createStructField("eval_dataset", DataTypes.StringType, true),
            DataTypes.createStructField("params", DataTypes.DoubleType, true),
            DataTypes.createStructField("tokens", DataTypes.DoubleType, true),
            DataTypes.createStructField("step", DataTypes.LongType, true),
            DataTypes.createStructField("flops", DataTypes.DoubleType, true),
            DataTypes.createStructField("loss", DataTypes.DoubleType, true),
            DataTypes.createStructField("n_layers", DataTypes.IntegerType, true),
            DataTypes.createStructField("d_model", DataTypes.IntegerType, true),
            DataTypes.createStructField("n_heads", DataTypes.IntegerType, true),
            DataTypes.createStructField("context_length", DataTypes.IntegerType, true),
            DataTypes.createStructField("error", DataTypes.DoubleType, true)});

    private ArchiveWriter() {
    }

    public static Dataset<Row> toDataFrame(SparkSession spark, List<CheckpointEvaluation> rows) {
        List<Row> out = rows.stream().map(r -> RowFactory.create(r.runId(), r.model(), r.dataset(), r.tokenizer(), r.evalDataset(),
                r.params(), r.tokens(), r.step(), r.flops(), r.loss(), r.nLayers(), r.dModel(), r.nHeads(), r.contextLength(), r.error())).toList();
        return spark.createDataFrame(out, SCHEMA);
    }

    /** Generated temporal runs: the contract's columns plus position_losses and total_tokens. */
    public static void writeTemporal(SparkSession spark, List<TemporalArchive.PositionEvaluation> rows, String path) {
        List<StructField> fields = new java.util.ArrayList<>(List.of(SCHEMA.fields()));
        fields.add(DataTypes.createStructField("position_losses", DataTypes.createArrayType(DataTypes.DoubleType, false), true));
        fields.add(DataTypes.createStructField("total_tokens", DataTypes.DoubleType, true));
        List<Row> out = rows.stream().map(p -> {
            CheckpointEvaluation r = p.evaluation();
            return RowFactory.create(r.runId(), r.model(), r.dataset(), r.tokenizer(), r.evalDataset(), r.params(), r.tokens(), r.step(),
                    r.flops(), r.loss(), r.nLayers(), r.dModel(), r.nHeads(), r.contextLength(), r.error(),
                    scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.stream(p.positionLosses()).boxed().toList()).toSeq(),
                    p.totalTokens());
        }).toList();
        spark.createDataFrame(out, new StructType(fields.toArray(StructField[]::new))).coalesce(1).write().mode("overwrite").parquet(path);
    }

    /** Generated runs under learning-rate schedules, with an lr column. */
    public static void writeSchedules(SparkSession spark, List<dev.lawfit.generate.ScheduleArchive.Row> rows, String path) {
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("run_id", DataTypes.StringType, false), DataTypes.createStructField("model", DataTypes.StringType, false),
                DataTypes.createStructField("dataset", DataTypes.StringType, false), DataTypes.createStructField("tokenizer", DataTypes.StringType, false),
                DataTypes.createStructField("eval_dataset", DataTypes.StringType, false), DataTypes.createStructField("params", DataTypes.DoubleType, false),
                DataTypes.createStructField("tokens", DataTypes.DoubleType, false), DataTypes.createStructField("step", DataTypes.LongType, false),
                DataTypes.createStructField("loss", DataTypes.DoubleType, false), DataTypes.createStructField("lr", DataTypes.DoubleType, true)});
        List<org.apache.spark.sql.Row> out = rows.stream().map(r -> RowFactory.create(r.runId(), r.model(), "web", "bpe-32k", "train", r.params(),
                r.step() * 524288.0, r.step(), r.loss(), r.lr())).toList();
        spark.createDataFrame(out, schema).coalesce(1).write().mode("overwrite").parquet(path);
    }

    public static void write(SparkSession spark, List<CheckpointEvaluation> rows, String path, int files) {
        toDataFrame(spark, rows).coalesce(files).write().mode("overwrite").parquet(path);
    }

    /** Writes the spec's sample archive to its first input path, unless something is there already. */
    public static boolean ensureSample(SparkSession spark, JobSpec spec) {
        if (spec.sample() == null) return false;
        String path = spec.input().paths().get(0);
        try {
            Path target = new Path(path);
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(target)) return false;
        } catch (IOException e) {
            throw new LawfitException("cannot check sample path " + path + ": " + e.getMessage(), e);
        }
        if (spec.sample().preset().equals(dev.lawfit.law.Family.TEMPORAL.label())) {
            writeTemporal(spark, TemporalArchive.sweep(spec.sample().seed(), TemporalArchive.LEARNING_RATES.length, 40, 128), path);
            return true;
        }
        if (spec.sample().preset().equals("schedules")) {
            writeSchedules(spark, dev.lawfit.generate.ScheduleArchive.runs(spec.sample().seed(), spec.sample().badRows() > 0), path);
            return true;
        }
        if (spec.sample().preset().equals(dev.lawfit.law.Family.LOSS_TO_LOSS.label())) {
            write(spark, dev.lawfit.generate.LossToLossArchive.families(spec.sample().seed(), "dataset"), path, 1);
            return true;
        }
        // linear_complexity: the spec admits no other preset (JobSpec.Sample)
        write(spark, SyntheticArchive.linearComplexityStudy(spec.sample().seed(), spec.sample().badRows(),
                spec.sample().downstreamTasks()), path, 1);
        return true;
    }
}
