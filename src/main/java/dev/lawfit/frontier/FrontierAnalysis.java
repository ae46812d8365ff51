package dev.lawfit.frontier;

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

    /** One approach's frontier and its predictions at each budget (keys as in {@link Budgets#label}). */
    public record Result(Frontier frontier, Map<String, Double> nOpt, Map<String, Double> dOpt, Map<String, Double> lossOpt) {
    }

    private FrontierAnalysis() {
    }

    /**
     * Approaches 1 and 2 from the points, and approach 3 from every fitted law with the
     * {@link ComputeOptimal} capability (a row named after the law: {@code chinchilla}, {@code kaplan});
     * without any such law in the spec, one failed {@code chinchilla} row says how to get it.
     */
    public static List<Result> analyse(Points points, List<Law> laws, List<LawFit> fits, double[] budgets) {
        List<Result> out = new ArrayList<>();
        out.add(withPredictions(ComputeOptimalFrontier.envelope(points), budgets, null));
        out.add(withPredictions(ComputeOptimalFrontier.isoFlop(points, ISOFLOP_BUDGETS), budgets, null));
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
            out.add(withPredictions(Frontier.failed("chinchilla", "no law with a compute-optimal allocation in this job (list chinchilla or kaplan in laws)"),
                    budgets, null));
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
                Double l = lawDerived != null ? lawDerived.get(new Budgets.Key("loss", label).toString()) : (Double) frontier.lossOpt(c);
                if (l != null && !l.isNaN()) loss.put(label, l);
            }
        }
        return new Result(frontier, n, d, loss);
    }
}
