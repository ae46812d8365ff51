package dev.lawfit.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated families for loss-to-loss laws: runs of two architectures (llama, mamba) on two pretraining
 * sets (fineweb, slimpajama), 4 sizes, 8 checkpoints each, every checkpoint evaluated on {@code val} (a
 * Chinchilla law, the x loss) and {@code downstream} (the y loss, on a shifted power line of x). Which
 * factor picks the line is chosen: {@code "dataset"} (as the papers find) or {@code "model"} (the reverse).
 */
public final class LossToLossArchive {

    /** A line L_y = K (L_x - E_x)^kappa + E_y. */
    public record Line(double k, double kappa, double ex, double ey) {
        public double y(double lx) {
            return k * Math.pow(lx - ex, kappa) + ey;
        }
    }

    public static final String[] DATASETS = {"fineweb", "slimpajama"};
    public static final String[] MODELS = {"llama", "mamba"};
    public static final double[] SIZES = {50e6, 100e6, 200e6, 400e6};
    public static final double E_X = 1.8;
    public static final Line[] LINES = {new Line(1.3, 0.85, E_X, 2.0), new Line(0.8, 1.2, E_X, 2.2)};
    public static final double NOISE = 0.003;

    private LossToLossArchive() {
    }

    public static List<CheckpointEvaluation> families(long seed, String lineFactor) {
        return families(seed, lineFactor, DATASETS, MODELS);
    }

    /**
     * The same design over any pretraining sets and architectures (the benchmark's many-line case): the line of the i-th
     * level of the line factor is {@code LINES[i % 2]}.
     */
    public static List<CheckpointEvaluation> families(long seed, String lineFactor, String[] datasets, String[] models) {
        Random random = new Random(seed);
        List<CheckpointEvaluation> rows = new ArrayList<>();
        for (int d = 0; d < datasets.length; d++) {
            for (int m = 0; m < models.length; m++) {
                Line line = LINES[(lineFactor.equals("dataset") ? d : m) % LINES.length];
                // the x law differs by dataset and architecture, so pairs of each family cover different ranges
                double a = 400 + 60 * (d % 4) + 30 * (m % 4), b = 400 - 40 * (d % 4) + 30 * (m % 4);
                for (double n : SIZES) {
                    String run = datasets[d] + "-" + models[m] + "-" + (long) (n / 1e6) + "m";
                    for (int c = 1; c <= 8; c++) {
                        double tokens = n * 5 * c;
                        double lx = (E_X + a / Math.pow(n, 0.34) + b / Math.pow(tokens, 0.28)) * (1 + NOISE * random.nextGaussian());
                        double ly = line.y(lx) * (1 + NOISE * random.nextGaussian());
                        long step = (long) (tokens / 1e6);
                        rows.add(new CheckpointEvaluation(run, models[m], datasets[d], "llama2-32k", "val", n, tokens, step, null, lx,
                                null, null, null, null, null));
                        rows.add(new CheckpointEvaluation(run, models[m], datasets[d], "llama2-32k", "downstream", n, tokens, step, null, ly,
                                null, null, null, null, null));
                    }
                }
            }
        }
        return rows;
    }
}
