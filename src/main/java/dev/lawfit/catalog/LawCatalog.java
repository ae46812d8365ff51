package dev.lawfit.catalog;

import dev.lawfit.downstream.DownstreamForm;
import dev.lawfit.downstream.DownstreamLaw;
import dev.lawfit.law.BrokenPowerLaw;
import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.DataConstrainedLaw;
import dev.lawfit.law.KaplanLaw;
import dev.lawfit.law.Law;
import dev.lawfit.law.OvertrainingLaw;
import dev.lawfit.law.PowerComputeLaw;
import dev.lawfit.law.PurePowerLaw;
import dev.lawfit.losstoloss.LossLineLaw;
import dev.lawfit.losstoloss.LossToLossFit;
import dev.lawfit.temporal.CurveLaw;
import dev.lawfit.temporal.TrajectoryForm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every law of every family lawfit knows, by the name tables and specs use. Adding a law is one class and
 * one line here; its intervals, backtest, predictions and table rows come from the shared machinery, and
 * the catalog-wide tests (gradient, parameter recovery) pick it up.
 */
public final class LawCatalog {

    /** Settings a family's laws are built with (the curve forms' warm-up, the loss line's E route). */
    public record Options(double warmupFraction, String irreducible, boolean robust, List<Double> predictX) implements java.io.Serializable {
        public static final Options DEFAULT = new Options(0.0, LossToLossFit.GIVEN);

        public Options(double warmupFraction, String irreducible) {
            this(warmupFraction, irreducible, false, List.of());
        }

        public Options {
            predictX = predictX == null ? List.of() : List.copyOf(predictX);
        }
    }

    private static final Map<String, Function<Options, Law>> LAWS = new LinkedHashMap<>();

    static {
        // L(N, D, C): fitted per group of the spec's group_by
        LAWS.put("chinchilla", o -> new ChinchillaLaw());
        LAWS.put("kaplan", o -> new KaplanLaw());
        LAWS.put("overtraining", o -> new OvertrainingLaw());
        LAWS.put("data_constrained", o -> new DataConstrainedLaw());
        LAWS.put("power_compute", o -> new PowerComputeLaw());
        LAWS.put("broken_power_compute", o -> new BrokenPowerLaw());
        LAWS.put("pure_params", o -> new PurePowerLaw(PurePowerLaw.Variable.PARAMS));
        LAWS.put("pure_tokens", o -> new PurePowerLaw(PurePowerLaw.Variable.TOKENS));
        LAWS.put("pure_compute", o -> new PurePowerLaw(PurePowerLaw.Variable.COMPUTE));
        // training curves L(x), x = tokens / planned tokens: fitted per run
        for (TrajectoryForm form : TrajectoryForm.values()) {
            if (form != TrajectoryForm.CONSTANT) LAWS.put("curve_" + form.label(), o -> new CurveLaw(form, o.warmupFraction()));
        }
        // loss-to-loss: fitted per (group, x eval, y eval)
        LAWS.put(LossLineLaw.NAME, o -> new LossLineLaw(o.irreducible(), o.robust(), o.predictX()));
        // loss to downstream error: fitted per (group, task)
        for (DownstreamForm form : DownstreamForm.values()) LAWS.put("downstream_" + form.label(), o -> new DownstreamLaw(form));
    }

    private LawCatalog() {
    }

    public static Law byName(String name) {
        return byName(name, Options.DEFAULT);
    }

    public static Law byName(String name, Options options) {
        Function<Options, Law> law = LAWS.get(name);
        if (law == null) throw new IllegalArgumentException("unknown law '" + name + "'; known laws: " + names());
        return law.apply(options);
    }

    public static List<String> names() {
        return List.copyOf(LAWS.keySet());
    }

    /** The names of one family's laws. */
    public static List<String> names(dev.lawfit.law.Family family) {
        return LAWS.keySet().stream().filter(n -> byName(n).family() == family).toList();
    }
}
