package dev.lawfit.frontier;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.BootstrapSettings;
import dev.lawfit.fit.Diagnostics;
import dev.lawfit.fit.Fingerprint;
import dev.lawfit.fit.LawFit;
import dev.lawfit.law.Budgets;
import dev.lawfit.law.ComputeOptimal;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group's compute-optimal frontier by all three approaches, read off at the job's compute budgets.
 * Approach 3 needs the group's chinchilla fit; without one its row says so.
 */
public final class FrontierAnalysis {

    /** IsoFLOP profiles are built at this many log-spaced budgets across the compute the runs cover. */
    public static final int ISOFLOP_BUDGETS = 12;

    /** Resamples of the frontier approaches' run bootstrap (at most; fewer when the job's bootstrap has fewer). */
    public static final int RESAMPLES = 200;
    /** The quantities of an approach that get intervals. */
    public static final List<String> ESTIMATES = List.of("a", "k_n", "b", "k_d", "loss_k", "loss_exponent");

    /**
     * One approach's frontier, its predictions at each budget (keys as in {@link Budgets#label}) and, for approaches
     * 1 and 2 when the bootstrap is on, intervals on its exponents and coefficients (null otherwise: approach 3's
     * are the law's, on its {@code laws} row).
     */
    public record Result(Frontier frontier, Map<String, Double> nOpt, Map<String, Double> dOpt, Map<String, Double> lossOpt,
                         Bootstrap.Intervals intervals, List<Diagnostics.Flag> flags) {
        public Result(Frontier frontier, Map<String, Double> nOpt, Map<String, Double> dOpt, Map<String, Double> lossOpt, Bootstrap.Intervals intervals) {
            this(frontier, nOpt, dOpt, lossOpt, intervals, List.of());
        }

        Result withFlags(List<Diagnostics.Flag> flags) {
            return new Result(frontier, nOpt, dOpt, lossOpt, intervals, List.copyOf(flags));
        }
    }

    /** Two approaches whose N_opt at the largest budget differ by more than this factor disagree, whatever their intervals. */
    public static final double DISAGREEMENT_FACTOR = 2.0;

    private FrontierAnalysis() {
    }

    /**
     * Approaches 1 and 2 from the points, and approach 3 from every fitted law with the
     * {@link ComputeOptimal} capability (a row named after the law: {@code chinchilla}, {@code kaplan});
     * without any such law in the spec, one failed {@code chinchilla} row says how to get it.
     */
    public static List<Result> analyse(Points points, List<Law> laws, List<LawFit> fits, double[] budgets) {
        return analyse(points, laws, fits, budgets, null);
    }

    /**
     * As above; with {@code bootstrap} (resamples > 0), approaches 1 and 2 also get percentile intervals from the
     * shared {@link Bootstrap}, resampling whole training runs (both approaches follow each run's checkpoints; a run
     * drawn twice counts as two runs), {@link #RESAMPLES} at most.
     */
    public static List<Result> analyse(Points points, List<Law> laws, List<LawFit> fits, double[] budgets, BootstrapSettings bootstrap) {
        List<Result> out = new ArrayList<>();
        java.util.function.Function<Points, Frontier> envelope = ComputeOptimalFrontier::envelope;
        java.util.function.Function<Points, Frontier> isoFlop = p -> ComputeOptimalFrontier.isoFlop(p, ISOFLOP_BUDGETS);
        for (java.util.function.Function<Points, Frontier> approach : List.of(envelope, isoFlop)) {
            Frontier f = approach.apply(points);
            Result r = withPredictions(f, budgets, null);
            out.add(bootstrap == null || !bootstrap.enabled() || !f.ok() ? r
                    : new Result(r.frontier(), r.nOpt(), r.dOpt(), r.lossOpt(), intervals(points, approach, bootstrap)));
        }
        boolean any = false;
        for (int l = 0; l < laws.size(); l++) {
            if (!(laws.get(l) instanceof ComputeOptimal law)) continue;
            any = true;
            LawFit fit = fits.get(l);
            if (!fit.ok()) {
                out.add(withPredictions(Frontier.failed(law.name(), "the group's " + law.name() + " fit is " + fit.status().label()), budgets, null));
                continue;
            }
            double[] alloc = law.allocation(fit.theta());
            out.add(withPredictions(new Frontier(law.name(), alloc[0], alloc[1], alloc[2], alloc[3], Double.NaN, Double.NaN, 0, ""),
                    budgets, fit.derived()));
        }
        if (!any) {
            // the catalog's laws with an allocation, whatever it holds (a hand-written list here once missed data_constrained)
            List<String> allocating = dev.lawfit.catalog.LawCatalog.names(dev.lawfit.law.Family.COMPUTE).stream()
                    .filter(n -> dev.lawfit.catalog.LawCatalog.byName(n) instanceof ComputeOptimal).toList();
            out.add(withPredictions(Frontier.failed(dev.lawfit.law.ChinchillaLaw.NAME, "no law with a compute-optimal allocation in this job (list one of "
                    + String.join(", ", allocating) + " in laws)"), budgets, null));
        }
        return flagDisagreement(out, java.util.Arrays.stream(points.flops()).max().orElse(Double.NaN));
    }

    /**
     * The approaches of one group disagree when two of them put N_opt at the group's largest compute ({@code atFlops}: where
     * the data end, so no long extrapolation magnifies a small difference in exponent) more than {@link #DISAGREEMENT_FACTOR}
     * apart, or when both have bootstrap intervals on the exponent a and those do not overlap: every ok row of the group is
     * then flagged {@code approaches_disagree}, with the numbers.
     */
    public static List<Result> flagDisagreement(List<Result> results, double atFlops) {
        List<Result> ok = results.stream().filter(r -> r.frontier().ok()).toList();
        if (ok.size() < 2 || !(atFlops > 0)) return results;
        double top = atFlops;
        List<String> found = new ArrayList<>();
        for (int i = 0; i < ok.size(); i++) {
            for (int j = i + 1; j < ok.size(); j++) {
                Frontier f = ok.get(i).frontier(), g = ok.get(j).frontier();
                double ratio = f.nOpt(top) / g.nOpt(top);
                if (Double.isFinite(ratio) && ratio > 0 && Math.max(ratio, 1 / ratio) > DISAGREEMENT_FACTOR) {
                    found.add(String.format(java.util.Locale.ROOT, "N_opt at the data's largest compute, %.3g FLOPs: %.3g (%s) vs %.3g (%s), %.2gx apart", top,
                            f.nOpt(top), f.approach(), g.nOpt(top), g.approach(), Math.max(ratio, 1 / ratio)));
                    continue;
                }
                Bootstrap.Intervals a = ok.get(i).intervals(), b = ok.get(j).intervals();
                if (a == null || b == null) continue;
                Double aLo = a.low().get("a"), aHi = a.high().get("a"), bLo = b.low().get("a"), bHi = b.high().get("a");
                if (aLo == null || aHi == null || bLo == null || bHi == null) continue;
                if (aHi < bLo || bHi < aLo) {
                    found.add(String.format(java.util.Locale.ROOT, "exponent a %.3f [%.3f, %.3f] (%s) vs %.3f [%.3f, %.3f] (%s), intervals apart",
                            f.a(), aLo, aHi, f.approach(), g.a(), bLo, bHi, g.approach()));
                }
            }
        }
        if (found.isEmpty()) return results;
        Diagnostics.Flag flag = new Diagnostics.Flag(Diagnostics.APPROACHES_DISAGREE, "the approaches disagree: "
                + String.join("; ", found.subList(0, Math.min(3, found.size()))) + (found.size() > 3 ? " and " + (found.size() - 3) + " more" : ""));
        List<Result> out = new ArrayList<>();
        for (Result r : results) out.add(r.frontier().ok() ? r.withFlags(List.of(flag)) : r);
        return out;
    }

    private static Result withPredictions(Frontier frontier, double[] budgets, Map<String, Double> lawDerived) {
        Map<String, Double> n = new LinkedHashMap<>(), d = new LinkedHashMap<>(), loss = new LinkedHashMap<>();
        if (frontier.ok()) {
            for (double c : budgets) {
                String label = Budgets.label(c);
                n.put(label, frontier.nOpt(c));
                d.put(label, frontier.dOpt(c));
                Double l = lawDerived != null ? lawDerived.get(new Budgets.Key("loss", label).toString()) : (Double) frontier.lossOpt(c);
                if (l != null && !l.isNaN()) loss.put(label, l);
            }
        }
        return new Result(frontier, n, d, loss, null);
    }

    private static Bootstrap.Intervals intervals(Points points, java.util.function.Function<Points, Frontier> approach, BootstrapSettings b) {
        long seed = Long.parseUnsignedLong(Fingerprint.of(points, "frontier").substring(0, 15), 16);
        int resamples = Math.min(RESAMPLES, b.resamples());
        double[][] estimates = Bootstrap.resample(points, "runs", b.seed(), seed, 0, resamples, ESTIMATES, (data, weights) -> {
            Frontier f = approach.apply(data.repeatedRuns(weights));
            if (!f.ok()) return Map.of();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("a", f.a());
            values.put("k_n", f.kN());
            values.put("b", f.b());
            values.put("k_d", f.kD());
            values.put("loss_k", f.kL());
            values.put("loss_exponent", f.lossExponent());
            return values;
        });
        return Bootstrap.summarize(ESTIMATES, estimates, b.level());
    }
}
