package dev.lawfit.generate;

import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.FlopConvention;
import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Archives of checkpoint evaluations whose losses follow known Chinchilla laws plus log-normal noise,
 * so a fit can be checked against the truth. Deterministic for a given seed.
 */
public final class SyntheticArchive {

    /** Ground truth of one group: L(N, D) = E + A/N^alpha + B/D^beta. */
    public record Truth(String model, double e, double a, double b, double alpha, double beta) {
        public double[] theta() {
            return new double[] {Math.log(e), Math.log(a), Math.log(b), alpha, beta};
        }
    }

    /** Model shapes of the linear-complexity study: layers, hidden size, heads. */
    private static final int[][] SHAPES = {{6, 512, 8}, {12, 768, 8}, {26, 1024, 8}, {32, 1536, 16}, {35, 2560, 20}, {32, 4096, 32}};
    private static final String[] SIZE_NAMES = {"70m", "160m", "410m", "1b", "3b", "7b"};
    private static final int CONTEXT = 8192;
    private static final int BATCH_SEQUENCES = 480;
    private static final double TOTAL_TOKENS = 300e9;
    private static final int TOTAL_CHECKPOINTS = 1376;

    /**
     * Per-architecture truths chosen so that the linear-complexity study's own method (approach 1: the lower
     * envelope of loss against compute, FLOPs counted per architecture, C in PF-days) gives back the
     * paper's published L(C) = k C^gamma exactly and its N_opt, D_opt exponents to within about 0.05 (noise-free:
     * LLaMA a 0.663, b 0.455 against the paper's 0.712, 0.510; TNL 0.596, 0.409 against 0.647, 0.468;
     * HGRN2 0.598, 0.406 against 0.643, 0.450; cosFormer2 0.602, 0.405 against 0.652, 0.453). Six model
     * sizes make the envelope a staircase, which caps how far a can go. Fitted by Nelder-Mead on those
     * targets; see the README's comparison walkthrough.
     */
    public static final List<Truth> LINEAR_COMPLEXITY_TRUTHS = List.of(
            new Truth("llama", 1.640, 443.8, 912.6, 0.3227, 0.2791),
            new Truth("tnl", 1.496, 410.4, 544.2, 0.3073, 0.2581),
            new Truth("hgrn2", 1.574, 526.0, 624.9, 0.3252, 0.2658),
            new Truth("cosformer2", 1.596, 251.0, 1358.1, 0.2762, 0.3038));

    public static final double NOISE = 0.005;

    private SyntheticArchive() {
    }

    /**
     * The quickstart archive, shaped like the linear-complexity study: 4 architectures x 6 sizes (70M to
     * 7B), checkpoints at equal token intervals up to 300B tokens, 1,376 evaluations in all, plus
     * {@code badRows} rows that break the contract (for the rejects table).
     */
    public static List<CheckpointEvaluation> linearComplexityStudy(long seed, int badRows) {
        return linearComplexityStudy(seed, badRows, List.of());
    }

    /** Downstream truths by task index: Err(L) = epsilon - k exp(-gamma L) of the reference loss L. */
    public static final double[][] DOWNSTREAM_TRUTHS = {{0.85, 3.0, 1.0}, {0.80, 4.0, 1.2}, {0.90, 2.5, 0.8}};
    public static final double DOWNSTREAM_NOISE = 0.005;

    /**
     * The study with, for every checkpoint, a row per downstream task: eval_dataset is the task, loss a
     * task NLL and error follows {@link #DOWNSTREAM_TRUTHS} of the checkpoint's reference loss, plus noise.
     */
    public static List<CheckpointEvaluation> linearComplexityStudy(long seed, int badRows, List<String> tasks) {
        if (tasks.size() > DOWNSTREAM_TRUTHS.length) throw new IllegalArgumentException("at most " + DOWNSTREAM_TRUTHS.length + " downstream tasks");
        List<CheckpointEvaluation> rows = studyRows(seed);
        Random random = new Random(seed + 1);
        List<CheckpointEvaluation> taskRows = new ArrayList<>();
        for (CheckpointEvaluation row : rows) {
            for (int t = 0; t < tasks.size(); t++) {
                double[] truth = DOWNSTREAM_TRUTHS[t];
                double error = truth[0] - truth[1] * Math.exp(-truth[2] * row.loss()) + DOWNSTREAM_NOISE * random.nextGaussian();
                taskRows.add(row.asTask(tasks.get(t), row.loss() * (1.2 + 0.1 * t), error));
            }
        }
        List<CheckpointEvaluation> bad = badRows(rows, badRows);
        rows.addAll(taskRows);
        rows.addAll(bad);
        return rows;
    }

    private static List<CheckpointEvaluation> studyRows(long seed) {
        Random random = new Random(seed);
        List<CheckpointEvaluation> rows = new ArrayList<>();
        int runs = LINEAR_COMPLEXITY_TRUTHS.size() * SHAPES.length;
        int run = 0;
        for (Truth truth : LINEAR_COMPLEXITY_TRUTHS) {
            for (int s = 0; s < SHAPES.length; s++, run++) {
                int checkpoints = TOTAL_CHECKPOINTS / runs + (run < TOTAL_CHECKPOINTS % runs ? 1 : 0);
                int layers = SHAPES[s][0], hidden = SHAPES[s][1], heads = SHAPES[s][2];
                double params = architecture(truth.model()).nonEmbeddingParams(layers, hidden, heads);
                String runId = truth.model() + "-" + SIZE_NAMES[s];
                for (int k = 1; k <= checkpoints; k++) {
                    double tokens = TOTAL_TOKENS * k / checkpoints;
                    long step = Math.round(tokens / ((double) BATCH_SEQUENCES * CONTEXT));
                    rows.add(new CheckpointEvaluation(runId, truth.model(), "slimpajama", "llama2-32k", "slimpajama-val",
                            params, tokens, step, null, noisyLoss(truth, params, tokens, random),
                            layers, hidden, heads, CONTEXT, null));
                }
            }
        }
        return rows;
    }

    /**
     * {@code groups} groups (one model family each, truths spread around Hoffmann's fit), each with
     * {@code pointsPerGroup} evaluations over 8 sizes; used by the benchmark and scale tests.
     */
    public static List<CheckpointEvaluation> manyGroups(int groups, int pointsPerGroup, long seed) {
        Random random = new Random(seed);
        List<CheckpointEvaluation> rows = new ArrayList<>(groups * pointsPerGroup);
        int sizes = Math.min(8, Math.max(2, pointsPerGroup / 5));
        int perSize = (pointsPerGroup + sizes - 1) / sizes;
        for (int g = 0; g < groups; g++) {
            Truth truth = new Truth(String.format("family-%05d", g), 1.6 + 0.3 * random.nextDouble(),
                    300 + 300 * random.nextDouble(), 300 + 1700 * random.nextDouble(),
                    0.28 + 0.1 * random.nextDouble(), 0.26 + 0.12 * random.nextDouble());
            int written = 0;
            for (int s = 0; s < sizes && written < pointsPerGroup; s++) {
                double params = 5e7 * Math.pow(2, s);
                String runId = truth.model() + "-" + s;
                for (int k = 1; k <= perSize && written < pointsPerGroup; k++, written++) {
                    double tokens = 20 * params * Math.pow(2, (k - perSize / 2.0) / 2.0);
                    rows.add(new CheckpointEvaluation(runId, truth.model(), "web", "bpe-50k", "web-val",
                            params, tokens, (long) k * 1000, null, noisyLoss(truth, params, tokens, random),
                            null, null, null, null, null));
                }
            }
        }
        return rows;
    }

    /** The FLOP convention (and parameter count) of a study architecture: llama is softmax attention. */
    static FlopConvention architecture(String model) {
        return model.equals("llama") ? FlopConvention.SOFTMAX_ATTENTION : FlopConvention.byLabel(model);
    }

    private static double noisyLoss(Truth truth, double params, double tokens, Random random) {
        Points one = Points.of(new double[] {params}, new double[] {tokens}, new double[] {6 * params * tokens}, new double[] {1});
        return Math.exp(new ChinchillaLaw().logPredict(truth.theta(), one, 0) + NOISE * random.nextGaussian());
    }

    /** One of each kind of contract violation, cycling, each a corrupted copy of a good row. */
    private static List<CheckpointEvaluation> badRows(List<CheckpointEvaluation> good, int count) {
        List<CheckpointEvaluation> bad = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CheckpointEvaluation row = good.get((i * 37) % good.size());
            bad.add(switch (i % 6) {
                case 0 -> row.withLoss(Double.NaN);
                case 1 -> row.withLoss(-1.0);
                case 2 -> row.withParams(0.0);
                case 3 -> row.withModel(null);
                case 4 -> row.withTokens(null);
                default -> row.withFlops(Double.POSITIVE_INFINITY);
            });
        }
        return bad;
    }
}
