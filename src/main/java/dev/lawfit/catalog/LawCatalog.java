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
import dev.lawfit.schedule.AnnealingLaw;
import dev.lawfit.schedule.LrSchedule;
import dev.lawfit.schedule.MultiPowerLaw;
import dev.lawfit.schedule.ScheduleLaw;
import dev.lawfit.schedule.ScheduleSettings;
import dev.lawfit.schedule.StepPowerLaw;
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

    /**
     * What a family's laws are built with: the curve forms' warm-up, the loss line's E route and its forecasts, and the schedule
     * laws' context (every run's and candidate's learning-rate schedule by name, the candidates forecast, the annealing law's
     * momentum).
     */
    public record Options(double warmupFraction, String irreducible, boolean robust, List<Double> predictX,
                          Map<String, LrSchedule> schedules, java.util.Set<String> candidates, double annealingDecay) implements java.io.Serializable {
        public static final Options DEFAULT = new Options(0.0, LossToLossFit.GIVEN);

        public Options(double warmupFraction, String irreducible) {
            this(warmupFraction, irreducible, false, List.of());
        }

        public Options(double warmupFraction, String irreducible, boolean robust, List<Double> predictX) {
            this(warmupFraction, irreducible, robust, predictX, Map.of(), java.util.Set.of(), AnnealingLaw.DEFAULT_DECAY);
        }

        public Options {
            predictX = predictX == null ? List.of() : List.copyOf(predictX);
            schedules = schedules == null ? Map.of() : Map.copyOf(schedules);
            candidates = candidates == null ? java.util.Set.of() : java.util.Set.copyOf(candidates);
        }

        /** The schedule laws' context: a book of schedules (the runs' and the candidates'), the candidates, the momentum. */
        public Options withSchedules(Map<String, LrSchedule> book, java.util.Set<String> forecast, double decay) {
            return new Options(warmupFraction, irreducible, robust, predictX, book, forecast, decay);
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
        // schedule-aware laws of the loss over optimiser steps: fitted per group, jointly over its runs' schedules
        LAWS.put(MultiPowerLaw.NAME, o -> new MultiPowerLaw(o.schedules(), o.candidates()));
        LAWS.put(AnnealingLaw.NAME, o -> new AnnealingLaw(o.schedules(), o.annealingDecay(), o.candidates()));
        LAWS.put(StepPowerLaw.NAME, o -> new StepPowerLaw(o.schedules(), o.candidates()));
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

    /**
     * The schedule laws a spec's schedule section asks for (all of the family when it names none), over a book of schedules
     * (the runs' and the candidates').
     */
    public static List<ScheduleLaw> scheduleLaws(ScheduleSettings settings, Map<String, LrSchedule> book) {
        Options options = Options.DEFAULT.withSchedules(book, settings.candidates().keySet(), settings.annealingDecay());
        List<String> names = settings.laws().isEmpty() ? names(dev.lawfit.law.Family.SCHEDULE) : settings.laws();
        return names.stream().map(n -> (ScheduleLaw) byName(n, options)).toList();
    }

    /** The names of one family's laws. */
    public static List<String> names(dev.lawfit.law.Family family) {
        return LAWS.keySet().stream().filter(n -> byName(n).family() == family).toList();
    }
}
