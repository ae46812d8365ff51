package dev.lawfit.frontier;

import dev.lawfit.fit.LawFit;
import dev.lawfit.law.Budgets;
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

    /** One approach's frontier and its predictions at each budget (keys as in {@link Budgets#label}). */
    public record Result(Frontier frontier, Map<String, Double> nOpt, Map<String, Double> dOpt, Map<String, Double> lossOpt) {
    }

    private FrontierAnalysis() {
    }

    public static List<Result> analyse(Points points, List<LawFit> fits, double[] budgets) {
        List<Result> out = new ArrayList<>();
        out.add(withPredictions(ComputeOptimalFrontier.envelope(points), budgets, null));
        out.add(withPredictions(ComputeOptimalFrontier.isoFlop(points, ISOFLOP_BUDGETS), budgets, null));
        LawFit chinchilla = fits.stream().filter(f -> f.law().equals("chinchilla") && f.ok()).findFirst().orElse(null);
        if (chinchilla == null) {
            out.add(withPredictions(Frontier.failed("chinchilla", "no ok chinchilla fit in this group (list chinchilla in laws)"), budgets, null));
        } else {
            Map<String, Double> p = chinchilla.parameters();
            out.add(withPredictions(ComputeOptimalFrontier.fromChinchilla(p.get("A"), p.get("B"), p.get("alpha"), p.get("beta")),
                    budgets, chinchilla.derived()));
        }
        return out;
    }

    private static Result withPredictions(Frontier frontier, double[] budgets, Map<String, Double> lawDerived) {
        Map<String, Double> n = new LinkedHashMap<>(), d = new LinkedHashMap<>(), loss = new LinkedHashMap<>();
        if (frontier.ok()) {
            for (double c : budgets) {
                String label = Budgets.label(c);
                n.put(label, frontier.nOpt(c));
                d.put(label, frontier.dOpt(c));
                Double l = lawDerived != null ? lawDerived.get("loss@" + label) : (Double) frontier.lossOpt(c);
                if (l != null && !l.isNaN()) loss.put(label, l);
            }
        }
        return new Result(frontier, n, d, loss);
    }
}
