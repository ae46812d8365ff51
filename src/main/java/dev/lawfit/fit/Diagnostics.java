package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.law.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What makes a fit untrustworthy even when the optimiser returned: each check a named flag with a one-line message. A fit
 * with a flag is {@code ok_with_warnings} (or {@code failed} where the result is meaningless, as a negative loss); the flags
 * go in the tables' {@code flags} column and the message. The checks on the fit alone run here; those that need the bootstrap
 * (an estimate outside its own interval, a parameter the data do not determine) run where the intervals are known
 * ({@link #ofIntervals}).
 */
public final class Diagnostics {

    /** The flags' names, as the {@code flags} column holds them. */
    public static final String AT_BOUND = "at_bound", NOT_CONVERGED = "not_converged", NOT_MONOTONE = "not_monotone",
            NEGATIVE_PREDICTION = "negative_prediction", IMPLAUSIBLE = "implausible", DIVERGING_RUN = "diverging_run",
            OUTSIDE_INTERVAL = "outside_interval", UNDETERMINED = "undetermined", UNDEFINED_FORECAST = "undefined_forecast",
            APPROACHES_DISAGREE = "approaches_disagree";

    /** Flags whose fit is meaningless: its status is failed, not ok with warnings. */
    public static final List<String> FATAL = List.of(NEGATIVE_PREDICTION);

    /** A flag: its name and what it says. */
    public record Flag(String name, String message) implements java.io.Serializable {
    }

    private Diagnostics() {
    }

    /** The status a fit with these flags gets. */
    public static FitStatus status(List<Flag> flags) {
        if (flags.stream().anyMatch(f -> FATAL.contains(f.name()))) return FitStatus.FAILED;
        return flags.isEmpty() ? FitStatus.OK : FitStatus.OK_WITH_WARNINGS;
    }

    /** The checks that need only the fit: bounds, convergence, monotonicity, positive predictions, plausible derived values, diverging runs. */
    public static List<Flag> of(Law law, Points points, double[] theta, String stopReason, FitSettings settings) {
        List<Flag> flags = new ArrayList<>();
        atBound(law, theta, flags);
        String tail = stopReason == null ? "" : stopReason.startsWith(ScreenedGridSearch.FALLBACK)
                ? stopReason.substring(ScreenedGridSearch.FALLBACK.length()) : stopReason;
        if (tail.startsWith("max iterations") || tail.equals("max_iterations") || tail.startsWith("stopped:")) {
            flags.add(new Flag(NOT_CONVERGED, "the optimiser stopped without converging (" + stopReason + ")"));
        }
        positive(law, points, theta, settings, flags);
        monotone(law, points, theta, settings, flags);
        plausible(law, theta, settings, flags);
        if (law.target().equals("loss")) diverging(points, flags); // a task's error is noisy, not a training loss
        return flags;
    }

    private static void atBound(Law law, double[] theta, List<Flag> flags) {
        double[] lo = law.lowerBounds(), hi = law.upperBounds();
        List<String> at = new ArrayList<>();
        for (int k = 0; k < theta.length; k++) {
            if (!(hi[k] > lo[k])) continue;
            if (theta[k] <= lo[k] + 1e-6 * Math.max(1, Math.abs(lo[k]))) {
                if (!law.naturalBound(k, true)) at.add(law.coordinateNames().get(k) + " at its lower bound " + fmt(lo[k]));
            } else if (theta[k] >= hi[k] - 1e-6 * Math.max(1, Math.abs(hi[k])) && !law.naturalBound(k, false)) {
                at.add(law.coordinateNames().get(k) + " at its upper bound " + fmt(hi[k]));
            }
        }
        if (!at.isEmpty()) flags.add(new Flag(AT_BOUND, String.join(", ", at) + ": the optimum lies outside what the law allows"));
    }

    /** Every prediction, at the data and at the forecast targets, a positive finite loss. */
    private static void positive(Law law, Points points, double[] theta, FitSettings settings, List<Flag> flags) {
        if (!law.target().startsWith("loss")) return;
        for (int i = 0; i < points.size(); i++) {
            double v = law.predict(theta, points, i);
            if (!(v > 0) || !Double.isFinite(v)) {
                flags.add(new Flag(NEGATIVE_PREDICTION, "the law predicts a loss of " + fmt(v) + " at a fitted point: the fit is meaningless"));
                return;
            }
        }
        List<String> undefined = new ArrayList<>();
        for (Map.Entry<String, Double> f : Fitter.forecasts(law, theta, settings).entrySet()) {
            double v = f.getValue();
            if (Double.isNaN(v)) {
                undefined.add(f.getKey());
            } else if (!(v > 0) || Double.isInfinite(v)) {
                flags.add(new Flag(NEGATIVE_PREDICTION, "the law forecasts a loss of " + fmt(v) + " at " + f.getKey() + ": the fit is meaningless there"));
                return;
            }
        }
        if (!undefined.isEmpty()) {
            flags.add(new Flag(UNDEFINED_FORECAST, "the law is undefined at " + String.join(", ", undefined) + law.undefinedBecause(theta)));
        }
    }

    /**
     * A loss law must fall as it is given more: the (N, D, C) laws along compute (at the group's median tokens per parameter,
     * from its smallest compute to its largest forecast), a run's curve along its progress (to its end).
     */
    private static void monotone(Law law, Points points, double[] theta, FitSettings settings, List<Flag> flags) {
        if (!law.target().equals("loss")) return;
        int steps = 60;
        Points along;
        String what;
        if (law.family() == dev.lawfit.law.Family.COMPUTE) {
            double[] ratios = new double[points.size()];
            double cMin = Double.POSITIVE_INFINITY, cMax = 0;
            for (int i = 0; i < points.size(); i++) {
                ratios[i] = points.tokens()[i] / points.params()[i];
                cMin = Math.min(cMin, points.flops()[i]);
                cMax = Math.max(cMax, points.flops()[i]);
            }
            for (Target t : settings.forecastTargets()) cMax = Math.max(cMax, t.flops());
            java.util.Arrays.sort(ratios);
            double m = ratios[ratios.length / 2];
            List<Target> line = new ArrayList<>();
            for (int s = 0; s < steps; s++) line.add(Target.ofComputeRatio("c" + s, Math.exp(Math.log(cMin) + (Math.log(cMax) - Math.log(cMin)) * s / (steps - 1)), m, Double.NaN));
            along = Target.points(line);
            what = "compute (at " + fmt(m) + " tokens per parameter, from " + fmt(cMin) + " to " + fmt(cMax) + " FLOPs)";
        } else if (law.family() == dev.lawfit.law.Family.CURVE) {
            double xMin = java.util.Arrays.stream(points.x()).min().orElse(0.01);
            double[] x = new double[steps], one = new double[steps];
            for (int s = 0; s < steps; s++) {
                x[s] = xMin + (1 - xMin) * s / (steps - 1);
                one[s] = 1;
            }
            along = Points.of(one, one, one, one, x, new String[steps], new double[steps]);
            what = "progress (to the run's end)";
        } else {
            return;
        }
        double previous = Double.NaN, worst = 0;
        for (int i = 0; i < along.size(); i++) {
            double v = law.predict(theta, along, i);
            if (Double.isFinite(previous) && Double.isFinite(v) && v > previous * (1 + 1e-6)) worst = Math.max(worst, v / previous - 1);
            previous = v;
        }
        if (worst > 0) {
            flags.add(new Flag(NOT_MONOTONE, String.format(java.util.Locale.ROOT, "the law's loss rises along %s (by up to %.3g%% a step): it cannot be "
                    + "trusted to extrapolate", what, 100 * worst)));
        }
    }

    /** Derived quantities the field's laws keep within sense: tokens per parameter, allocation exponents. */
    private static void plausible(Law law, double[] theta, FitSettings settings, List<Flag> flags) {
        Map<String, Double> derived = law.derived(theta, settings.computeBudgets());
        List<String> odd = new ArrayList<>();
        for (Map.Entry<String, Double> d : new TreeMap<>(derived).entrySet()) {
            double v = d.getValue();
            if (!Double.isFinite(v)) continue;
            if (d.getKey().startsWith("tokens_per_param@") && (v < 1 || v > 1e4)) odd.add(d.getKey() + " = " + fmt(v) + " (outside 1 to 10,000)");
            if ((d.getKey().equals("a") || d.getKey().equals("b")) && (v < 0.05 || v > 0.95)) odd.add(d.getKey() + " = " + fmt(v) + " (outside 0.05 to 0.95)");
        }
        if (!odd.isEmpty()) flags.add(new Flag(IMPLAUSIBLE, "implausible allocation: " + String.join(", ", odd.subList(0, Math.min(3, odd.size())))
                + (odd.size() > 3 ? " and " + (odd.size() - 3) + " more" : "")));
    }

    /**
     * A run inside the fitted data whose loss rises late: its last checkpoint 2% or more above the lowest it reached before.
     * A diverging run pulls every law fitted through it.
     */
    private static void diverging(Points points, List<Flag> flags) {
        Map<String, List<double[]>> byRun = new TreeMap<>();
        for (int i = 0; i < points.size(); i++) {
            String run = points.runIds()[i];
            if (run == null || run.isEmpty()) continue;
            byRun.computeIfAbsent(run, k -> new ArrayList<>()).add(new double[] {points.tokens()[i], points.loss()[i]});
        }
        List<String> diverged = new ArrayList<>();
        for (Map.Entry<String, List<double[]>> run : byRun.entrySet()) {
            List<double[]> checkpoints = run.getValue();
            if (checkpoints.size() < 4) continue;
            checkpoints.sort(java.util.Comparator.comparingDouble(c -> c[0]));
            double last = checkpoints.get(checkpoints.size() - 1)[1], lowest = Double.POSITIVE_INFINITY;
            for (int k = 0; k < checkpoints.size() - 1; k++) lowest = Math.min(lowest, checkpoints.get(k)[1]);
            if (last > 1.02 * lowest) diverged.add(run.getKey() + " (" + fmt(lowest) + " -> " + fmt(last) + ")");
        }
        if (!diverged.isEmpty()) {
            flags.add(new Flag(DIVERGING_RUN, diverged.size() + " run(s) inside the fitted data end 2% or more above their lowest loss, as a "
                    + "diverging run does: " + String.join(", ", diverged.subList(0, Math.min(3, diverged.size())))));
        }
    }

    /**
     * The checks that need the bootstrap: a parameter estimate outside its own percentile interval by more than a twentieth
     * of its width (the bootstrap distribution is far from the estimate: a flat or multimodal objective), and an irreducible loss E whose interval is
     * wider than E itself (the data do not determine it).
     */
    public static List<Flag> ofIntervals(Map<String, Double> parameters, Map<String, Double> low, Map<String, Double> high) {
        List<Flag> flags = new ArrayList<>();
        List<String> outside = new ArrayList<>(), undetermined = new ArrayList<>();
        for (Map.Entry<String, Double> p : parameters.entrySet()) {
            Double lo = low.get(p.getKey()), hi = high.get(p.getKey());
            double v = p.getValue();
            if (lo == null || hi == null || !Double.isFinite(v)) continue;
            // outside by more than a twentieth of the interval's width: an estimate at the edge of a skewed distribution is not a flat objective
            double margin = 0.05 * (hi - lo) + 1e-12 * Math.abs(v);
            if (v < lo - margin || v > hi + margin) outside.add(p.getKey() + " = " + fmt(v) + " [" + fmt(lo) + ", " + fmt(hi) + "]");
            if (p.getKey().equals("E") && hi - lo > Math.abs(v)) undetermined.add("E = " + fmt(v) + " [" + fmt(lo) + ", " + fmt(hi) + "]");
        }
        if (!outside.isEmpty()) flags.add(new Flag(OUTSIDE_INTERVAL, "estimate outside its own bootstrap interval: " + String.join(", ", outside)));
        if (!undetermined.isEmpty()) flags.add(new Flag(UNDETERMINED, "the data do not determine " + String.join(", ", undetermined)
                + ": the interval is wider than the estimate"));
        return flags;
    }

    /** The names of a list of flags, in order. */
    public static List<String> names(List<Flag> flags) {
        return flags.stream().map(Flag::name).toList();
    }

    /** "warning: <name>: <message>" parts, joined for a message column. */
    public static String messages(List<Flag> flags) {
        List<String> parts = new ArrayList<>();
        for (Flag f : flags) parts.add(f.name() + ": " + f.message());
        return String.join("; ", parts);
    }

    static String fmt(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        if (v != 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return String.format(java.util.Locale.ROOT, "%.3g", v);
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    /** Flags by name (last wins), for merging. */
    public static Map<String, Flag> byName(List<Flag> flags) {
        Map<String, Flag> out = new LinkedHashMap<>();
        for (Flag f : flags) out.put(f.name(), f);
        return out;
    }
}
